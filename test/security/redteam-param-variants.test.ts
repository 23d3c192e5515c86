/**
 * Red team (DESIGN.md 7.5): a public `/users/{id}` beside a keyed `/users/me` of the same backend.
 * Every gateway gwc targets matches paths case-sensitively and literally, so `/users/ME`,
 * `/users/me.json` and `/users/me.` are the public route's, and reach the backend as such; a
 * backend that routes case-blind (ASP.NET Core, IIS, Spring with case-insensitive matching) or by
 * suffix (Spring's suffix patterns, Rails formats, a trailing dot) serves them from its /users/me
 * handler: a caller without a key reads /users/me. It was a lint warning only
 * (path-param-shadows-protected) and built on nginx, Kong and Traefik. upstream-reach.ts already
 * reads backends as case-blind for the paths it compares; the variants are now refused at build on
 * every target (param-variant-reaches-protected, at the public operation) unless the backend says
 * it matches paths exactly (`pathMatching: exact`, a diff trust like dotSegments). Every refusal
 * case failed on the old code.
 */
import { describe, expect, it } from 'vitest';
import { buildTarget } from '../../src/api.js';
import { diffStates } from '../../src/diff/plan.js';
import { compiledState } from '../../src/diff/run.js';
import { lint } from '../../src/lint/index.js';
import { validateSpec } from '../../src/validate/neutral.js';
import { HEAD, writeSpec } from '../helpers/spec.js';

const ok = "responses: { '200': { description: ok } }";
const spec = (o: { me?: string; backendExtra?: string; userBackend?: string; user?: string; mePath?: string; hosts?: string } = {}) => `${HEAD}servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: pv
  backends:
    app: { url: https://app.example.com${o.backendExtra ?? ''} }
    other: { url: https://other.example.com }
    alias: { url: https://app.example.com${o.backendExtra ?? ''} }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { key: '\${env:K}' } }
paths:
  ${o.mePath ?? '/users/me'}:
    get: { operationId: getMe, security: [${o.me ?? '{ key: [] }'}], ${ok} }
  /users/{id}:
    get:
      operationId: getUser
      ${o.user ?? 'x-gateway: { public: true'}${o.userBackend ? `, backend: ${o.userBackend}` : ''} }
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      ${ok}
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: x-api-key, x-gateway: { forwardAuth: { url: 'http://keys.internal/check' } } }
`;
const TARGETS = ['nginx', 'kong', 'traefik', 'aws'] as const;
type D = { severity: string; code: unknown; params?: unknown; loc?: { pointer: string } };
const refusals = (ds: D[]) => ds.filter((d) => d.code === 'param-variant-reaches-protected').map((d) => ({ params: d.params, pointer: d.loc?.pointer }));
const WANT = { params: { route: 'getUser', other: 'getMe', values: 'id=ME, id=me.json, id=me.' }, pointer: '/paths/~1users~1{id}/get' };

describe('red team: a parameter value a backend reads as a protected literal route', () => {
  it.each(TARGETS)('%s refuses the public /users/{id} beside the keyed /users/me (ME, me.json, me.)', async (target) => {
    expect(refusals((await buildTarget(writeSpec(spec()), { target })).diagnostics)).toEqual([WANT]);
  });

  it('lint reports it for every target, and validate too (target-neutral)', async () => {
    const file = writeSpec(spec());
    const linted = (await lint(file)).diagnostics.filter((d) => d.code === 'target-compile' && d.params.code === 'param-variant-reaches-protected');
    expect(linted.map((d) => d.params.target).sort()).toEqual([...TARGETS].sort());
    for (const d of linted) expect({ pointer: d.loc?.pointer, route: d.params.route, other: d.params.other }).toEqual({ pointer: WANT.pointer, route: 'getUser', other: 'getMe' });
    const v = await validateSpec(file);
    expect(v.valid).toBe(false);
    expect(refusals(v.diagnostics)).toEqual([WANT]);
  });

  it('a literal without letters still has its suffix variants (/users/42 keyed)', async () => {
    const b = await buildTarget(writeSpec(spec({ mePath: '/users/42' })), { target: 'nginx' });
    expect(refusals(b.diagnostics)).toEqual([{ ...WANT, params: { ...WANT.params, values: 'id=42.json, id=42.' } }]);
  });

  it('another backend name for the same server is the same backend', async () => {
    const b = await buildTarget(writeSpec(spec({ userBackend: 'alias' })), { target: 'kong' });
    expect(refusals(b.diagnostics)).toEqual([WANT]);
  });

  it('a keyed template beside a public literal is no hole (the literal admits more)', async () => {
    const b = await buildTarget(writeSpec(spec({ me: '{}', user: 'security: [{ key: [] }]\n      x-gateway: { policies: []' })), { target: 'nginx' });
    expect(refusals(b.diagnostics)).toEqual([]);
  });

  describe('held: what builds', () => {
    it.each(TARGETS.filter((t) => t !== 'aws'))('%s: the backend says it matches paths exactly (pathMatching: exact)', async (target) => {
      const b = await buildTarget(writeSpec(spec({ backendExtra: ', pathMatching: exact' })), { target });
      expect(refusals(b.diagnostics)).toEqual([]);
      expect(b.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    });
    it('only when every backend name of the server says so', async () => {
      const file = writeSpec(spec({ userBackend: 'alias' }).replace('app: { url: https://app.example.com }', 'app: { url: https://app.example.com, pathMatching: exact }'));
      expect(refusals((await buildTarget(file, { target: 'nginx' })).diagnostics)).toEqual([WANT]);
    });
    it('the same security on both routes', async () => {
      const b = await buildTarget(writeSpec(spec({ user: 'security: [{ key: [] }]\n      x-gateway: { policies: []' })), { target: 'nginx' });
      expect(refusals(b.diagnostics)).toEqual([]);
    });
    it('gwc diff flags the declaration as security (trust-added), like dotSegments', async () => {
      const state = async (text: string) => (await compiledState(writeSpec(text), 'nginx', {})).state!;
      const before = await state(spec({ user: 'security: [{ key: [] }]\n      x-gateway: { policies: []' }));
      const after = await state(spec({ user: 'security: [{ key: [] }]\n      x-gateway: { policies: []', backendExtra: ', pathMatching: exact' }));
      expect(diffStates(before, after).findings.map((f) => `${f.class} ${f.rule}`)).toContain('security trust-added');
    });
    it('another server behind the public route', async () => {
      const b = await buildTarget(writeSpec(spec({ userBackend: 'other' })), { target: 'nginx' });
      expect(refusals(b.diagnostics)).toEqual([]);
    });
  });
});
