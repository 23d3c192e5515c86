/**
 * Golden tests through the one runner (test/helpers/golden.ts): every fixture and every aws test
 * spec is built and compared with its golden folder (UPDATE_GOLDEN=1 rewrites them); here, every
 * template is also checked by AWS's own rules in JSON and in YAML.
 */
import { describe, expect, it } from 'vitest';
import { buildTarget } from '../../../src/api.js';
import { goldenSuite } from '../../helpers/golden.js';
import { SPECS, template, unexplained, validate } from './helpers.js';

const cases = goldenSuite({ target: 'aws', diagnostics: 'pointerMessage', own: { specs: SPECS, goldens: `${SPECS}/../golden` }, exact: true });

describe.each(cases)('aws $name', ({ spec }) => {
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
