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
];

describe('red team 16: lint without --env and an overlay that makes no model', () => {
  it('control: a target refusal of the overlay (nginx-value-refused) is reported by lint without --env', async () => {
    const { build, lintAll } = await both('      policies: { office: { ipAllow: [not-an-ip] } }');
    expect(build).toEqual(['nginx-value-refused /x-gateway/environments/prod/policies/office/ipAllow']);
    expect(lintAll).toEqual(build);
  });

  for (const [what, prod, code] of CASES) {
    it(`control (${what}): build --env prod refuses, lint --env prod reports it`, async () => {
      const { build, lintProd } = await both(prod);
      expect(build).toEqual([code]);
      expect(lintProd).toContain(code);
    });

    // Mechanism: environmentRefusals skips an overlay whose model fails; model rules read the base only.
    it.fails(`${what}: lint without --env is not green where build --env prod refuses`, async () => {
      const { build, lintAll } = await both(prod);
      expect(build).toEqual([code]);
      expect(lintAll, 'lint of the pull request (no --env)').toContain(code);
    });
  }
});
