/** Test helpers for the aws target: build a spec (file or object), validate with AWS's cfn-lint rules. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { buildTarget } from '../../../src/api.js';

export const SPECS = new URL('./specs/', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'gwc-aws-'));
let counter = 0;

export function specObject(name: string): Record<string, any> {
  return parse(readFileSync(join(SPECS, name), 'utf8')) as Record<string, any>;
}

/** Writes the spec object to a temporary file and builds it for aws. */
export async function buildObject(spec: unknown, options: Record<string, string> = {}) {
  counter += 1;
  const file = join(work, `spec-${counter}.yaml`);
  writeFileSync(file, stringify(spec));
  return buildTarget(file, { target: 'aws', options });
}

export function template(contents: string): Record<string, any> {
  return parse(contents) as Record<string, any>;
}

/** AWS's own rules and the accepted warnings live in test/helpers/checkers.ts, shared with the corpus. */
export { cfnValidate as validate, unexplained } from '../../helpers/checkers.js';
