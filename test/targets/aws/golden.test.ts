/**
 * Golden tests: every fixture and every aws test spec is built; the template and the diagnostics
 * are compared with the files under expected/ (UPDATE_GOLDEN=1 rewrites them), and every template
 * is checked by AWS's own rules in JSON and in YAML.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildTarget } from '../../../src/api.js';
import type { Diagnostic } from '../../../src/diagnostics/diagnostic.js';
import { fixtureCases, FIXTURES, golden } from '../../helpers/golden.js';
import { SPECS, template, unexplained, validate } from './helpers.js';

const cases = [
  ...fixtureCases().map((c) => ({ name: `fixtures/${c}`, spec: join(FIXTURES, c, 'gateway.yaml'), out: join(FIXTURES, c, 'expected', 'aws') })),
  ...readdirSync(SPECS)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => ({ name: `specs/${f}`, spec: join(SPECS, f), out: join(SPECS, '..', 'golden', f.replace(/\.yaml$/, '')) })),
];

const render = (ds: Diagnostic[]) =>
  ds.map((d) => `${d.severity} ${d.code} ${d.loc?.pointer ?? '-'}${d.position ? `:${d.position.line}:${d.position.column}` : ''} ${d.message}`).join('\n') + '\n';

describe.each(cases)('aws golden $name', ({ spec, out }) => {
  it('matches the golden template and diagnostics', async () => {
    const built = await buildTarget(spec, { target: 'aws' });
    golden(join(out, 'diagnostics.txt'), render(built.diagnostics));
    for (const f of built.files) golden(join(out, f.path), f.contents);
    if (process.env.UPDATE_GOLDEN !== '1' && existsSync(join(out, 'template.json'))) {
      expect(built.files.map((f) => f.path)).toEqual(['template.json']);
    }
  });

  it('passes @aws/cloudformation-validate in JSON and YAML with the same Deployment', async () => {
    const json = await buildTarget(spec, { target: 'aws' });
    const yaml = await buildTarget(spec, { target: 'aws', options: { format: 'yaml' } });
    if (json.files.length === 0) {
      // A refused build writes nothing, and says why with errors.
      expect(json.diagnostics.some((d) => d.severity === 'error')).toBe(true);
      expect(yaml.files).toEqual([]);
      return;
    }
    const [j] = json.files;
    const [y] = yaml.files;
    expect(y?.path).toBe('template.yaml');
    expect(template(y!.contents)).toEqual(JSON.parse(j!.contents));
    expect(unexplained(validate(j!.contents, 'json'))).toEqual([]);
    expect(unexplained(validate(y!.contents, 'yaml'))).toEqual([]);
  });
});
