/**
 * Roles in `gwc diff` on every target that enforces them (DESIGN.md 7.8): a role added to a
 * requirement lets fewer callers in (a tightening: breaking, never security), a role removed or
 * swapped lets callers in the spec refused (security). Both sides compiled from a spec and read back
 * through the target's own deployed-state reader. Traefik read a role as another users file (a new
 * way in: auth-weakened) until its reader learnt gwc's role-file names (c3b44cc): adding a role was a
 * false security finding there. AWS enforces no roles (refused), so it has no case here.
 */
import { describe, expect, it } from 'vitest';
import { compiledState } from '../../src/diff/run.js';
import { diffStates } from '../../src/diff/plan.js';
import { HEAD, writeSpec } from '../helpers/spec.js';

const spec = (basic: string, key: string) => `${HEAD}servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: rl
  backends: { app: { url: http://app.internal:8080 } }
  defaults: { backend: app }
  consumers:
    alice: { groups: [admin, ops], credentials: { basic: { username: alice, password: '\${env:A}' }, key: '\${env:K}' } }
    bob: { groups: [ops], credentials: { basic: { username: bob, password: '\${env:B}' } } }
paths:
  /b:
    get: { operationId: getB, security: [{ basic: ${basic} }], responses: { '200': { description: ok } } }
  /k:
    get: { operationId: getK, security: [{ key: ${key} }], responses: { '200': { description: ok } } }
components:
  securitySchemes:
    basic: { type: http, scheme: basic }
    key: { type: apiKey, in: header, name: x-api-key, x-gateway: { forwardAuth: { url: 'http://keys.internal:9000/check' } } }
`;

const TARGETS = ['nginx', 'kong', 'traefik'] as const;

async function findings(target: string, before: string, after: string): Promise<string[]> {
  const state = async (text: string) => {
    const r = await compiledState(writeSpec(text), target, {});
    if (!r.state) throw new Error(`${target}: ${r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`).join('\n')}`);
    return r.state;
  };
  const plan = diffStates(await state(before), await state(after));
  return [...new Set(plan.findings.map((f) => `${f.class} ${f.rule}`))].sort();
}

describe('gwc diff: roles on a basic requirement', () => {
  for (const target of TARGETS) {
    it(`${target}: a role added is a tightening, not a security finding`, async () => {
      const f = await findings(target, spec('[]', '[]'), spec('[admin]', '[]'));
      expect(f.filter((x) => x.startsWith('security'))).toEqual([]);
      expect(f).toContain('breaking auth-tightened');
    });
    it(`${target}: a second role added to the set (admin -> admin+ops) is a tightening`, async () => {
      const f = await findings(target, spec('[admin]', '[]'), spec('[admin, ops]', '[]'));
      expect(f.filter((x) => x.startsWith('security'))).toEqual([]);
    });
    it(`${target}: a role removed is auth-roles-removed (security)`, async () => {
      expect(await findings(target, spec('[admin]', '[]'), spec('[]', '[]'))).toContain('security auth-roles-removed');
    });
    it(`${target}: a role swapped (admin -> ops) is security`, async () => {
      expect(await findings(target, spec('[admin]', '[]'), spec('[ops]', '[]'))).toContain('security auth-roles-removed');
    });
  }
});

describe('gwc diff: roles on an API key requirement (targets that verify keys themselves)', () => {
  for (const target of ['nginx', 'kong'] as const) {
    it(`${target}: a role added is a tightening; removed is security`, async () => {
      const added = await findings(target, spec('[]', '[]'), spec('[]', '[admin]'));
      expect(added.filter((x) => x.startsWith('security'))).toEqual([]);
      expect(added).toContain('breaking auth-tightened');
      expect(await findings(target, spec('[]', '[admin]'), spec('[]', '[]'))).toContain('security auth-roles-removed');
    });
  }
});
