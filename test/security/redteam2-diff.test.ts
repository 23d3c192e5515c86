/**
 * Red team 2: `gwc diff` (DESIGN.md 7.8) on nginx and Kong, the targets redteam-diff.test.ts does
 * not run its widening table on: an AND split into an OR, a role dropped from one alternative,
 * roles swapped or re-cased, optional auth added beside roles. Old and new specs compiled on both
 * sides as `gwc diff --base` does; each must give a finding of class security.
 */
import { describe, expect, it } from 'vitest';
import { HEAD } from '../helpers/spec.js';
import { securityFindings, type Edit } from '../helpers/diff-edits.js';


const ok = "{ '200': { description: ok } }";
const BASE = `${HEAD}servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: d2
  backends: { app: { url: http://app.internal:8080 } }
  defaults: { backend: app }
  consumers:
    alice: { groups: [admin], credentials: { key: '\${env:ALICE_KEY}' } }
    bob: { groups: [admin, ops], credentials: { basic: { username: bob, password: '\${env:BOB_PW}' } } }
paths:
  /both:
    get: { operationId: both, security: [{ key: [], basic: [] }], responses: ${ok} }
  /either:
    get: { operationId: either, security: [{ key: [admin] }, { basic: [admin] }], responses: ${ok} }
  /admin:
    get: { operationId: admin, security: [{ key: [admin] }], responses: ${ok} }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: x-api-key }
    basic: { type: http, scheme: basic }
`;

const CASES: Array<{ name: string; edits: Edit[] }> = [
  { name: 'an AND split into an OR (either credential alone now passes)', edits: [['security: [{ key: [], basic: [] }]', 'security: [{ key: [] }, { basic: [] }]']] },
  { name: 'a role dropped from one alternative of an OR', edits: [['security: [{ key: [admin] }, { basic: [admin] }]', 'security: [{ key: [admin] }, { basic: [] }]']] },
  { name: 'a role swapped for another', edits: [['operationId: admin, security: [{ key: [admin] }]', 'operationId: admin, security: [{ key: [ops] }]']] },
  { name: 'a role re-cased (admin -> Admin: other consumers)', edits: [['operationId: admin, security: [{ key: [admin] }]', 'operationId: admin, security: [{ key: [Admin] }]']] },
  { name: 'one of two roles dropped', edits: [['operationId: admin, security: [{ key: [admin] }]', 'operationId: admin, security: [{ key: [admin, ops] }]']] },
];

/** Kong refuses an AND of a key and a basic user (kong-auth-and-consumers: two consumers could meet it): its base has no /both. */
const KONG_BASE = BASE.replace(/  \/both:\n.*\n/, '');
const AND_SPLIT = CASES[0]!.name;

describe('red team 2: gwc diff on nginx and Kong classes every widening as security', () => {
  for (const target of ['nginx', 'kong'] as const) {
    const BASE_T = target === 'kong' ? KONG_BASE : BASE;
    it(`${target}: the same spec on both sides has no security finding`, async () => {
      expect(await securityFindings(target, BASE_T, [])).toEqual([]);
    });
    for (const c of CASES) {
      if (target === 'kong' && c.name === AND_SPLIT) continue;
      it(`${target}: ${c.name}`, async () => {
        // 'one of two roles dropped' is written from the wider side: [admin, ops] -> [admin].
        const [base, edits] = c.name === 'one of two roles dropped'
          ? [BASE_T.replace('operationId: admin, security: [{ key: [admin] }]', 'operationId: admin, security: [{ key: [admin, ops] }]'), [['operationId: admin, security: [{ key: [admin, ops] }]', 'operationId: admin, security: [{ key: [admin] }]'] as const]]
          : [BASE_T, c.edits];
        const found = await securityFindings(target, base, edits);
        expect(found.length, `${target} ${c.name}: ${JSON.stringify(found)}`).toBeGreaterThan(0);
      });
    }
  }
});
