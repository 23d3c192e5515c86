/**
 * The one golden runner (#17 item 4), Redocly-e2e style: cases are found by scanning folders (every
 * `fixtures/<case>/gateway.yaml`, then a target's own `specs/*.yaml`), each case's golden is a folder
 * (its files plus `diagnostics.txt`) compared byte for byte, and `UPDATE_GOLDEN=1` rewrites it.
 * Each target's golden.test.ts is one `goldenSuite(...)` call plus the real checks only it has
 * (nginx -t, deck validate, cfn-validate). Goldens prove stability, not content.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildTarget, type BuildResult } from '../../src/api.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';

export const FIXTURES = new URL('../../fixtures/', import.meta.url).pathname;

const update = () => process.env.UPDATE_GOLDEN === '1';

/** Every `fixtures/<case>/gateway.yaml`, by case name, sorted. */
export const fixtureCases = (): string[] => readdirSync(FIXTURES).filter((c) => existsSync(join(FIXTURES, c, 'gateway.yaml'))).sort();

/** One file against its golden (UPDATE_GOLDEN=1 writes it). */
export function golden(path: string, actual: string): void {
  if (update()) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  expect(existsSync(path), `${path} missing: run with UPDATE_GOLDEN=1`).toBe(true);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

/** Files below `dir`, as relative paths, sorted. */
function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

/**
 * A case's golden folder: every file of `got` compared with the file of that path. With `exact`
 * the folder also holds nothing else, and UPDATE_GOLDEN=1 empties it before writing (stale files go).
 */
export function goldenFolder(dir: string, got: ReadonlyMap<string, string>, exact: boolean): void {
  if (update()) {
    if (exact) rmSync(dir, { recursive: true, force: true });
    for (const [f, text] of got) golden(join(dir, f), text);
    return;
  }
  expect(existsSync(dir), `${dir} missing: run with UPDATE_GOLDEN=1`).toBe(true);
  if (exact) expect(listFiles(dir), dir).toEqual([...got.keys()].sort());
  for (const [f, text] of got) golden(join(dir, f), text);
}

/**
 * The diagnostics.txt line formats the targets' goldens use today. One format carrying codes,
 * params and positions for all four is #17's aim; switching is a golden change to review, so it
 * is a separate commit.
 */
export const DIAGNOSTIC_LINES = {
  /** `severity code pointer:line:col message` (aws). */
  pointerMessage: (d: Diagnostic) => `${d.severity} ${d.code} ${d.loc?.pointer ?? '-'}${d.position ? `:${d.position.line}:${d.position.column}` : ''} ${d.message}`,
  /** `severity code pointer {params}` (kong, nginx); absolute fixture paths made relative. */
  pointerParams: (d: Diagnostic) => `${d.severity} ${d.code} ${d.loc?.pointer ?? ''} ${JSON.stringify(d.params)}`,
  /** `line:col severity code message` (traefik). */
  positionMessage: (d: Diagnostic) => `${d.position ? `${d.position.line}:${d.position.column}` : '-'} ${d.severity} ${d.code} ${d.message}`,
} as const;

export type DiagnosticLines = keyof typeof DIAGNOSTIC_LINES;

export function diagnosticsText(diagnostics: readonly Diagnostic[], format: DiagnosticLines): string {
  return `${diagnostics.map(DIAGNOSTIC_LINES[format]).join('\n').split(FIXTURES).join('fixtures/')}\n`;
}

export interface GoldenCase {
  /** `<case>` for a fixture, `specs/<file>.yaml` for a target's own spec. */
  name: string;
  spec: string;
  /** The golden folder. */
  dir: string;
}

/**
 * Every fixture (golden in `fixtures/<case>/expected/<target>/`), then each `<specs>/*.yaml` of the
 * target's own (golden in `<goldens>/<name>/`).
 */
export function goldenCases(target: string, own?: { specs: string; goldens: string }): GoldenCase[] {
  const fixtures = fixtureCases().map((c) => ({ name: c, spec: join(FIXTURES, c, 'gateway.yaml'), dir: join(FIXTURES, c, 'expected', target) }));
  if (!own) return fixtures;
  const specs = readdirSync(own.specs)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => ({ name: `specs/${f}`, spec: join(own.specs, f), dir: join(own.goldens, f.replace(/\.yaml$/, '')) }));
  return [...fixtures, ...specs];
}

export interface GoldenSuite {
  target: string;
  /** The format of the cases' diagnostics.txt. */
  diagnostics: DiagnosticLines;
  /** The target's own specs and where their goldens live. */
  own?: { specs: string; goldens: string };
  /** The golden folder holds exactly the files built plus diagnostics.txt (stale files fail). */
  exact?: boolean;
}

/**
 * One target's goldens: each case is built with default options, its files and diagnostics
 * compared with its golden folder, and built again to prove the same input gives the same bytes.
 * Returns the cases, for the target's own checks over the same set.
 */
export function goldenSuite(s: GoldenSuite): GoldenCase[] {
  const cases = goldenCases(s.target, s.own);
  describe(`${s.target}: goldens`, () => {
    it.each(cases)('$name', async (c) => {
      const built: BuildResult = await buildTarget(c.spec, { target: s.target });
      const got = new Map(built.files.map((f) => [f.path, f.contents]));
      got.set('diagnostics.txt', diagnosticsText(built.diagnostics, s.diagnostics));
      goldenFolder(c.dir, got, s.exact ?? false);
      const again = await buildTarget(c.spec, { target: s.target });
      expect(again.files).toEqual(built.files);
    });
  });
  return cases;
}
