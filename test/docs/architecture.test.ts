/**
 * docs/architecture.md stays true: every repository path it names in `backticks` exists (a
 * `<name>` segment stands for any entry), and every phase's entry file is named. #17 item 1.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
const DOC = path.join(ROOT, 'docs/architecture.md');
const TOP = /^(src|test|rules|schemas|fixtures|docs|scripts|bench)\//;

/** Does a path with `<placeholder>` segments name at least one existing file or folder? */
function pathExists(rel: string, root = ROOT): boolean {
  const parts = rel.replace(/\/$/, '').split('/');
  const walk = (dir: string, i: number): boolean => {
    if (i === parts.length) return true;
    const part = parts[i]!;
    if (!/<[^>]+>/.test(part)) {
      const next = path.join(dir, part);
      return existsSync(next) && (i === parts.length - 1 || statSync(next).isDirectory()) && walk(next, i + 1);
    }
    const re = new RegExp(`^${part.split(/<[^>]+>/).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[^/]+')}$`);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) return false;
    return readdirSync(dir).some((e) => re.test(e) && walk(path.join(dir, e), i + 1));
  };
  return walk(root, 0);
}

const named = () =>
  [...readFileSync(DOC, 'utf8').matchAll(/`([^`\s]+)`/g)]
    .map((m) => m[1]!.replace(/\s*\(.*$/, ''))
    .filter((p) => TOP.test(p));

describe('docs/architecture.md', () => {
  it('names paths, and every one exists', () => {
    const paths = [...new Set(named())];
    expect(paths.length).toBeGreaterThan(40);
    const missing = paths.filter((p) => !pathExists(p));
    expect(missing, `docs/architecture.md names paths that do not exist: ${missing.join(', ')}`).toEqual([]);
  });

  it('names the entry of every phase of the pipeline', () => {
    const text = readFileSync(DOC, 'utf8');
    for (const phase of ['load', 'validate', 'model', 'capability check', 'target compile', 'emit']) expect(text).toMatch(new RegExp(`^\\| ${phase} \\| \`src/`, 'm'));
  });

  it('a placeholder stands for any entry, and a missing path is caught', () => {
    expect(pathExists('src/targets/<t>/capabilities.ts')).toBe(true);
    expect(pathExists('src/targets/<t>/no-such-file.ts')).toBe(false);
    expect(pathExists('src/no-such-folder/')).toBe(false);
    expect(pathExists('test/lint/<id>.test.ts')).toBe(true);
  });
});
