/**
 * Traefik (request oracle), the "value sent twice" class (red team 15) on what a forwardAuth service
 * ANSWERS: its responseHeaders (X-User-Id) are the backend's identity. A client sending them itself,
 * on several lines, in another case or a `_` spelling (CGI reads X_User_Id as HTTP_X_USER_ID), must
 * never reach the backend beside or instead of the service's answer: clear-inputs deletes every
 * spelling first (clears.ts), and forward.go replaces every line of an authResponseHeaders name with
 * the answer's. Also held: a basic scheme's verified user (X-Consumer, basicAuth headerField) is one
 * line whatever the client sends, and a requestHeaders name the service answers twice reaches the
 * backend as the service answered it (its word, not the client's).
 */
import { describe, expect, it } from 'vitest';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { compileCase } from '../targets/traefik/cases.js';
import { htpasswdFiles } from '../targets/traefik/operator.js';
import { send, type AuthCall } from '../targets/traefik/traefik-oracle.js';

const ok = "{ '200': { description: ok } }";
const SPEC = `${HEAD}servers: [{ url: 'https://api.test/v1' }]
x-gateway:
  name: answers
  backends: { app: { url: 'http://app.internal:8080' } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { basic: { username: alice, password: '\${env:A}' } } }
paths:
  /k: { get: { operationId: k, security: [{ hk: [] }], responses: ${ok} } }
  /b: { get: { operationId: b, security: [{ basic: [] }], responses: ${ok} } }
  /pub: { get: { operationId: pub, x-gateway: { public: true }, responses: ${ok} } }
components:
  securitySchemes:
    hk: { type: apiKey, in: header, name: X-Api-Key, x-gateway: { forwardAuth: { url: 'http://auth.internal/k', requestHeaders: [X-Tenant], responseHeaders: [X-User-Id] } } }
    basic: { type: http, scheme: basic }
`;
const service = (answer: Record<string, string | string[]>) => (call: AuthCall) =>
  call.headers.get('X-Api-Key') === 'alice-key' && call.headers.get('X-Tenant') === 'acme' ? { status: 200, headers: answer } : { status: 401 };
const linesOf = (o: ReturnType<typeof send>, name: string) =>
  [...(o.backend?.headers.map.entries() ?? [])].filter(([k]) => k.toLowerCase().replace(/_/g, '-') === name).flatMap(([, v]) => v);

const FORGED: Array<[string, Record<string, string[]>]> = [
  ['two X-User-Id lines', { 'X-User-Id': ['admin', 'root'] }],
  ['another case', { 'x-USER-id': ['admin'] }],
  ['X_User_Id', { X_User_Id: ['admin'] }],
  ['X-User_Id and X_User-Id', { 'X-User_Id': ['admin'], 'X_User-Id': ['root'] }],
  ['an empty line then a name', { 'X-User-Id': ['', 'admin'] }],
];

describe('Traefik: identity answers and verified users are one value, the gateway\'s', async () => {
  const { built } = await compileCase(writeSpec(SPEC));
  const config = built?.config as TraefikConfig;
  const files = htpasswdFiles(built?.result.files.map((f) => f.contents).join('\n') ?? '', () => 'pw-a');
  const go = (target: string, headers: Record<string, string[]>, auth = service({ 'X-User-Id': 'alice', 'X-Tenant': 'acme' })) =>
    send(config, { method: 'GET', host: 'api.test', target, headers, tls: true }, { auth, files });
  const alice = { 'X-Api-Key': ['alice-key'], 'X-Tenant': ['acme'] };

  it('control: builds; alice passes and the backend gets her id and tenant once', () => {
    expect(built?.result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const o = go('/v1/k', alice);
    expect([o.status, linesOf(o, 'x-user-id'), linesOf(o, 'x-tenant')]).toEqual([200, ['alice'], ['acme']]);
  });

  for (const [what, forged] of FORGED) {
    it(`forwardAuth route: ${what} from the client never reaches the backend`, () => {
      const o = go('/v1/k', { ...alice, ...forged });
      expect([o.status, linesOf(o, 'x-user-id')]).toEqual([200, ['alice']]);
      // The service answering no id: the backend gets none, never the client's.
      const silent = go('/v1/k', { ...alice, ...forged }, service({}));
      expect([silent.status, linesOf(silent, 'x-user-id'), linesOf(silent, 'x-tenant')]).toEqual([200, [], []]);
    });
    it(`public route: ${what} from the client never reaches the backend`, () => {
      const o = go('/v1/pub', forged);
      expect([o.status, linesOf(o, 'x-user-id')]).toEqual([200, []]);
    });
    it(`basic route: the same (${what}) for X-Consumer never reaches the backend beside the verified user`, () => {
      const asConsumer = Object.fromEntries(Object.entries(forged).map(([k, v]) => [k.replace(/user[-_]id/i, 'Consumer'), v]));
      const o = go('/v1/b', { Authorization: [`Basic ${Buffer.from('alice:pw-a').toString('base64')}`], ...asConsumer, X_Consumer: ['admin'] });
      expect([o.status, linesOf(o, 'x-consumer')]).toEqual([200, ['alice']]);
    });
  }

  it('a service answering two tenant lines: the backend reads the service\'s answer, not the client\'s', () => {
    const o = go('/v1/k', { ...alice, 'X-Tenant': ['acme', 'evil'] }, service({ 'X-User-Id': 'alice', 'X-Tenant': ['acme'] }));
    expect(linesOf(o, 'x-tenant')).toEqual(['acme']);
  });
});
