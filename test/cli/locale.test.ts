/**
 * Same input, same bytes, on any machine: the output and the order of diagnostics do not depend on
 * the locale of the process that runs gwc. `String.prototype.localeCompare` without a locale
 * collates by the machine's (LANG / LC_ALL): Danish puts "aa" after "z", Lithuanian "y" beside
 * "i", so a Kong file's consumers and a lint's findings came out in another order on another
 * desk. test/cli/locale/gateway.yaml holds names those collations order apart.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, gwc, repo, tempDir } from './run.js';

beforeAll(ensureBuilt);

const spec = path.join(repo, 'test/cli/locale/gateway.yaml');
const LOCALES = ['C', 'en_US.UTF-8', 'da_DK.UTF-8', 'lt_LT.UTF-8', 'tr_TR.UTF-8', 'sv_SE.UTF-8'];
const env = (locale: string) => ({ LC_ALL: locale, LANG: locale, LANGUAGE: undefined });

/** Every file under `dir`, by its path relative to `dir`, with its bytes. */
function files(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(path.join(dir, prefix)).sort()) {
    const rel = path.join(prefix, name);
    if (statSync(path.join(dir, rel)).isDirectory()) Object.assign(out, files(dir, rel));
    else out[rel] = readFileSync(path.join(dir, rel), 'utf8');
  }
  return out;
}

describe('output does not depend on the locale', () => {
  it('gwc build --target all writes the same bytes under every locale', () => {
    const built = LOCALES.map((locale) => {
      const out = tempDir('gwc-locale-');
      const r = gwc(['build', spec, '--target', 'all', '--out', out], { env: env(locale) });
      expect(r.code, r.stderr).toBe(0);
      return files(out);
    });
    expect(Object.keys(built[0]!)).toContain('kong/kong.yaml');
    for (const b of built.slice(1)) expect(b).toEqual(built[0]);
  }, 120_000);

  it('gwc lint --format json gives the same findings in the same order under every locale', () => {
    const linted = LOCALES.map((locale) => {
      const r = gwc(['lint', spec, '--target', 'traefik', '--format', 'json'], { env: env(locale) });
      expect(r.stdout.length).toBeGreaterThan(0);
      return r.stdout;
    });
    expect(linted[0]).toMatch(/capability-unsupported/);
    for (const l of linted.slice(1)) expect(l).toBe(linted[0]);
  }, 120_000);
});
