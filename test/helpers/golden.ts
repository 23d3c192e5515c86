/**
 * Golden files shared by the per-target runners: the fixture folders that hold a spec, and the
 * compare-or-rewrite step (UPDATE_GOLDEN=1 rewrites; review the diff as code).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';

export const FIXTURES = new URL('../../fixtures/', import.meta.url).pathname;

/** Every `fixtures/<case>/gateway.yaml`, by case name, sorted. */
export const fixtureCases = (): string[] => readdirSync(FIXTURES).filter((c) => existsSync(join(FIXTURES, c, 'gateway.yaml'))).sort();

export function golden(path: string, actual: string): void {
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  expect(existsSync(path), `${path} missing: run with UPDATE_GOLDEN=1`).toBe(true);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}
