/**
 * Red team 16, lint = build parity (DESIGN.md 7.7) for an environment overlay's MODEL errors.
 *
 * Mechanism. `gwc lint SPEC` without --env speaks for `gwc build --env E` of every environment
 * (src/lint/rules/target-refusals.ts environmentRefusals, red team 4: "a pull request's lint is
 * green only if each release build is"). But it skips an environment whose overlay does not make
 * a model (`if (!gateway) continue; // the overlay's own model errors are the build's and the model
 * rules'`), and no model rule walks the overlays: the model rules read the base model. So an
 * overlay that removes what the base names (`policies: { office: null }` while defaults.policies
 * is [office]; `backends: { other: null }` while a route's backend is other) or gives a consumer a
 * credential of a scheme the spec lacks is lint-green in the pull request, and the release job's
 * `gwc build --target nginx --env prod` refuses (unknown-policy, unknown-backend,
 * unknown-security-scheme). Fails closed at build (no route opens), hence low; the promise broken
 * is "lint green means build green".
 *
 * Safe behaviour: lint without --env reports each overlay's model errors too, at the build's
 * pointer, naming the environment (as it already does for target-compile refusals: control below).
 * Fixed: src/lint/environments.ts environmentModelErrors (the model phase under each overlay, its
 * errors the base's model lacks, under the build's code and pointer, params.environment set).
 */
import { describe, expect, it } from 'vitest';
import { buildTarget } from '../../src/api.js';
import { lint } from '../../src/lint/index.js';
import { HEAD, writeSpec } from '../helpers/spec.js';

const spec = (prod: string) => `${HEAD}servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: e16
  backends: { app: { url: https://app.example.com }, other: { url: https://other.example.com } }
  policies:
    office: { ipAllow: [10.0.0.0/8] }
  defaults: { backend: app, policies: [office] }
  consumers:
    alice: { groups: [admin], credentials: { key: '\${env:ALICE_KEY}' } }
  environments:
    prod:
${prod}
paths:
  /k:
    get: { operationId: k, security: [{ key: [admin] }], x-gateway: { backend: other }, responses: { '200': { description: ok } } }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: x-api-key }
`;

type D = { severity: string; code: unknown; params?: Record<string, unknown>; loc?: { pointer: string } };
const errors = (ds: readonly D[]) => ds.filter((d) => d.severity === 'error').map((d) => `${d.code === 'target-compile' ? String(d.params?.code) : String(d.code)} ${d.loc?.pointer ?? ''}`);

async function both(prod: string) {
  const file = writeSpec(spec(prod));
  const build = errors((await buildTarget(file, { target: 'nginx', env: 'prod' })).diagnostics as D[]);
  const lintAll = errors((await lint(file, { target: 'nginx' })).diagnostics as D[]);
  const lintProd = errors((await lint(file, { target: 'nginx', env: 'prod' })).diagnostics as D[]);
  return { build, lintAll, lintProd };
}

const CASES: Array<[string, string, string]> = [
  ['a policy the defaults name, removed by the overlay', '      policies: { office: null }', 'unknown-policy /x-gateway/defaults/policies/0'],
  ["a consumer credential for a scheme the spec lacks", '      consumers: { alice: { credentials: { nokey: "${env:X}" } } }', 'unknown-security-scheme /x-gateway/environments/prod/consumers/alice/credentials/nokey'],
  ['a backend a route names, removed by the overlay', '      backends: { other: null }', 'unknown-backend /paths/~1k/get/x-gateway/backend'],
];

describe('red team 16: lint without --env and an overlay that makes no model', () => {
  it('control: a target refusal of the overlay (nginx-value-refused) is reported by lint without --env', async () => {
    const { build, lintAll } = await both('      policies: { office: { ipAllow: [not-an-ip] } }');
    // Since the overlay is held to the root schema (redteam16-env-overlay-schema), the schema refuses it first.
    expect(build).toEqual(['schema-invalid /x-gateway/environments/prod/policies/office/ipAllow/0']);
    expect(lintAll).toEqual(build);
  });

  for (const [what, prod, code] of CASES) {
    it(`control (${what}): build --env prod refuses, lint --env prod reports it`, async () => {
      const { build, lintProd } = await both(prod);
      expect(build).toEqual([code]);
      expect(lintProd).toContain(code);
    });

    // Was: environmentRefusals skipped an overlay whose model fails; model rules read the base only.
    it(`${what}: lint without --env is not green where build --env prod refuses`, async () => {
      const { build, lintAll } = await both(prod);
      expect(build).toEqual([code]);
      expect(lintAll, 'lint of the pull request (no --env)').toContain(code);
    });
  }

  it('names the environment (params and message), reports each environment its own, and an error the base shares once', async () => {
    // staging removes the policy too; dev breaks nothing; the base's own unknown-policy (a route
    // naming a policy nobody defines) is reported once, not again per environment.
    const text = spec('      policies: { office: null }\n    staging:\n      policies: { office: null }\n    dev:\n      backends: { app: { url: https://dev.example.com } }').replace(
      'components:',
      "  /g:\n    get: { operationId: g, security: [{ key: [] }], x-gateway: { policies: [ghost] }, responses: { '200': { description: ok } } }\ncomponents:",
    );
    const file = writeSpec(text);
    const ds = (await lint(file, { target: 'nginx' })).diagnostics as D[];
    const policy = ds.filter((d) => d.code === 'unknown-policy').map((d) => [d.loc?.pointer, d.params?.environment ?? null]);
    const byText = (a: unknown[], b: unknown[]) => String(a).localeCompare(String(b));
    expect(policy.sort(byText)).toEqual([
      ['/paths/~1g/get/x-gateway/policies/0', null],
      ['/x-gateway/defaults/policies/0', 'prod'],
      ['/x-gateway/defaults/policies/0', 'staging'],
    ].sort(byText));
    const prod = ds.find((d) => d.code === 'unknown-policy' && d.params?.environment === 'prod') as D & { message: string };
    expect(prod.message).toContain('gwc build --env prod');
  });

  it('a config or x-gwc-ignore cannot lower an environment model error (it is the build refusal)', async () => {
    const file = writeSpec(spec('      policies: { office: null }'));
    const config = { rules: { 'unknown-policy': 'off' } };
    const { emptyConfig } = await import('../../src/lint/config.js');
    const ds = (await lint(file, { target: 'nginx', config: { ...emptyConfig(), ...config } as never })).diagnostics as D[];
    expect(errors(ds)).toContain('unknown-policy /x-gateway/defaults/policies/0');
  });
});
