/**
 * #16.6: the README does not lie. Every `npx gwc` line of its ```sh blocks runs, in order, in one
 * scratch folder that sees the repository's fixtures and tests (as a user's checkout would), and
 * exits 0 unless its comment names another exit code ("exit 1: ..."); every relative link
 * resolves to a file, and every in-page anchor to a heading.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bin, ensureBuilt, repo, tempDir } from './run.js';

const README = readFileSync(path.join(repo, 'README.md'), 'utf8');

/** `npx gwc ...` lines of the sh blocks, with the exit code their comment expects. */
export function readmeCommands(markdown: string): Array<{ line: string; command: string; exit: number }> {
  const blocks = [...markdown.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
  return blocks.flatMap((b) =>
    b
      .split('\n')
      // The install-and-build line of "Two commands" runs its gwc part (npm ci is the test's own setup).
      .map((l) => l.replace(/^npm ci && /, ''))
      .filter((l) => l.startsWith('npx gwc '))
      .map((line) => {
        const hash = line.search(/\s#\s/);
        const command = (hash === -1 ? line : line.slice(0, hash)).trim();
        const comment = hash === -1 ? '' : line.slice(hash);
        const m = /\bexits? (\d+)\b/.exec(comment);
        return { line, command, exit: m ? Number(m[1]) : 0 };
      }),
  );
}

beforeAll(ensureBuilt);

describe('README commands', () => {
  const commands = readmeCommands(README);
  it('has the commands this test runs', () => {
    expect(commands.length).toBeGreaterThanOrEqual(10);
    expect(commands.some((c) => c.exit !== 0)).toBe(true);
  });

  it('every npx gwc line exits as its comment says', () => {
    const cwd = tempDir('gwc-readme-');
    for (const d of ['fixtures', 'test']) symlinkSync(path.join(repo, d), path.join(cwd, d));
    const failures: string[] = [];
    for (const c of commands) {
      const shell = c.command.replace(/\bnpx gwc\b/g, `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)}`);
      const r = spawnSync('sh', ['-c', shell], { cwd, encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1' } });
      if (r.status !== c.exit) failures.push(`${c.line}\n  exit ${r.status} (expected ${c.exit}): ${(r.stderr || r.stdout).split('\n').slice(0, 3).join(' | ')}`);
    }
    expect(failures).toEqual([]);
  }, 600_000);
});

describe('README links', () => {
  const links = [...README.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((l) => !/^[a-z]+:/i.test(l));
  const slug = (h: string) => h.toLowerCase().replace(/[`*]/g, '').replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-');
  const anchors = new Set([...README.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1]!)));

  it('every relative link names an existing file', () => {
    const files = links.filter((l) => !l.startsWith('#')).map((l) => l.replace(/#.*$/, ''));
    expect(files.length).toBeGreaterThan(3);
    expect(files.filter((f) => !existsSync(path.join(repo, decodeURIComponent(f))))).toEqual([]);
  });

  it('every in-page anchor names a heading', () => {
    expect(links.filter((l) => l.startsWith('#')).filter((l) => !anchors.has(l.slice(1)))).toEqual([]);
  });
});
