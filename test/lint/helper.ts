/**
 * `testRule(id, { valid, invalid })`, Spectral-OWASP / ESLint RuleTester style: each case is a
 * whole spec (YAML, or a set of files), run through the real lint pipeline with that one rule,
 * and the findings of that rule are compared by code, message id, line and column.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { emptyConfig, type LintConfig } from '../../src/lint/config.js';
import { lint } from '../../src/lint/index.js';
import { RULES } from '../../src/lint/rules/index.js';
import type { Target } from '../../src/targets/target.js';

export type Files = string | Record<string, string>;

export interface Expected {
  line: number;
  column: number;
  messageId?: string;
  file?: string;
  target?: string;
  severity?: Diagnostic['severity'];
}

export interface Case {
  name: string;
  files: Files;
  targets?: readonly Target[];
  env?: string;
}

export interface InvalidCase extends Case {
  errors: Expected[];
}

export function writeFiles(files: Files): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'gwc-lint-'));
  const all = typeof files === 'string' ? { 'gateway.yaml': files } : files;
  for (const [name, text] of Object.entries(all)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return path.join(dir, Object.keys(all)[0]!);
}

/** Runs the lint pipeline with only the named rule (core rules come from the model itself). */
export async function findings(id: string, c: Case, config: LintConfig = emptyConfig()): Promise<Diagnostic[]> {
  const file = writeFiles(c.files);
  const rule = RULES.find((r) => r.meta.id === id);
  const { diagnostics } = await lint(file, {
    rules: rule ? [rule] : [],
    targets: c.targets ?? [],
    config,
    ...(c.env ? { env: c.env } : {}),
  });
  return diagnostics.filter((d) => d.code === id);
}

export function testRule(id: string, cases: { valid: Case[]; invalid: InvalidCase[] }): void {
  describe(id, () => {
    for (const c of cases.valid) {
      it(`valid: ${c.name}`, async () => {
        const got = await findings(id, c);
        expect(got.map(show)).toEqual([]);
      });
    }
    for (const c of cases.invalid) {
      it(`invalid: ${c.name}`, async () => {
        const got = await findings(id, c);
        const actual = got.map((d, i) => pick(d, c.errors[i] ?? c.errors[0]));
        expect(actual).toEqual(c.errors.map((e) => ({ code: id, ...e })));
      });
    }
  });
}

function pick(d: Diagnostic, shape: Expected | undefined) {
  return {
    code: d.code,
    line: d.position?.line,
    column: d.position?.column,
    ...(shape?.messageId !== undefined ? { messageId: d.params.messageId } : {}),
    ...(shape?.file !== undefined ? { file: path.basename(d.loc?.file ?? '') } : {}),
    ...(shape?.target !== undefined ? { target: d.target } : {}),
    ...(shape?.severity !== undefined ? { severity: d.severity } : {}),
  };
}

function show(d: Diagnostic) {
  return `${d.position?.line}:${d.position?.column} ${d.code} ${d.message}`;
}

export const HEAD = 'openapi: 3.1.0\ninfo: { title: t, version: "1" }\n';
