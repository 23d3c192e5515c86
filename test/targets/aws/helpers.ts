/** Test helpers for the aws target: build a spec (file or object), validate with AWS's cfn-lint rules. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RegoEngine, TemplateFile, type StandardDiagnostic } from '@aws/cloudformation-validate';
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

let engine: InstanceType<typeof RegoEngine> | undefined;

/**
 * Runs @aws/cloudformation-validate (cfn-lint's rules compiled to WASM, pinned 1.9.0-beta) on the
 * template and returns every finding at WARN or above. INFO findings (create-only properties,
 * missing tags) are advice, not defects.
 */
export function validate(contents: string, ext: 'json' | 'yaml'): StandardDiagnostic[] {
  counter += 1;
  const file = join(work, `template-${counter}.${ext}`);
  writeFileSync(file, contents);
  engine ??= new RegoEngine();
  const report = engine.validateStandard(new TemplateFile(file), { severityLevel: 'WARN' });
  if (report.status === 'ERROR') throw new Error(`validator pipeline failure on ${file}`);
  return report.diagnostics;
}

/**
 * Warnings that are explained and accepted:
 * - W9013 "Hardcoded account ID in ARN" on AWS::Lambda::Permission: FunctionName is the spec's own
 *   Lambda ARN, which names the function's account (it may not be the stack's). gwc writes it as
 *   given on purpose, inside the Body too, so that the Deployment's content hash covers it.
 */
export function unexplained(findings: StandardDiagnostic[]): StandardDiagnostic[] {
  return findings.filter(
    (d) => !(d.ruleId === 'W9013' && d.entity?.resourceType === 'AWS::Lambda::Permission'),
  );
}
