/**
 * Red team 6, Traefik (DESIGN.md 7.1, 7.3): an OR route's kept credential (`hideCredentials:
 * false`) of an alternative that did not pass, the class nginx closes in kept-credentials.ts,
 * through the Traefik oracle. Headers are held since red team 4 (auth.ts keptUnverified); here
 * every kept carrier: a header key, a query key and a cookie key (forward auth), a kept basic
 * scheme, each forged in the spellings a backend reads beside bob's verified password, or beside
 * alice's verified key.
 */
import { describe, expect, it } from 'vitest';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { compileCase } from '../targets/traefik/cases.js';
import { htpasswdFiles } from '../targets/traefik/operator.js';
import { send, type AuthCall } from '../targets/traefik/traefik-oracle.js';
import { querySpellings } from './helpers/carrier-variants.js';

const ok = "{ '200': { description: ok } }";
const SPEC = `${HEAD}servers: [{ url: 'https://api.test/v1' }]
x-gateway:
  name: rt6kept
  backends: { app: { url: 'http://app.internal:8080' } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { hk: '\${env:A}', qk: '\${env:A}', ck: '\${env:A}' } }
    bob: { credentials: { basic: { username: bob, password: '\${env:B}' }, kb: { username: bobk, password: '\${env:B}' } } }
paths:
  /h: { get: { operationId: orh, security: [{ basic: [] }, { hk: [] }], responses: ${ok} } }
  /q: { get: { operationId: orq, security: [{ basic: [] }, { qk: [] }], responses: ${ok} } }
  /c: { get: { operationId: orc, security: [{ basic: [] }, { ck: [] }], responses: ${ok} } }
  /kb: { get: { operationId: orkb, security: [{ hk: [] }, { kb: [] }], responses: ${ok} } }
components:
  securitySchemes:
    hk: { type: apiKey, in: header, name: X-Api-Key, x-gateway: { hideCredentials: false, forwardAuth: { url: 'http://auth.internal/k' } } }
    qk: { type: apiKey, in: query, name: api_key, x-gateway: { hideCredentials: false, forwardAuth: { url: 'http://auth.internal/q' } } }
    ck: { type: apiKey, in: cookie, name: sid_key, x-gateway: { hideCredentials: false, forwardAuth: { url: 'http://auth.internal/c' } } }
    basic: { type: http, scheme: basic }
    kb: { type: http, scheme: basic, x-gateway: { hideCredentials: false } }
`;
const auth = (call: AuthCall) => {
  const all = JSON.stringify([...call.headers.map.entries()]);
  return all.includes('key-a') && !all.includes('FORGED') ? { status: 200 } : { status: 401 };
};
const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

describe('red team 6: Traefik OR routes and another alternative\'s kept credential', async () => {
  const { built } = await compileCase(writeSpec(SPEC));
  const config = built!.config as TraefikConfig;
  const files = htpasswdFiles(built!.result.files[0]!.contents, () => 'pw-b');
  const go = (target: string, headers: Record<string, string>) => send(config, { method: 'GET', host: 'api.test', target, headers, tls: true }, { auth, files });
  const reached = (o: ReturnType<typeof go>) => JSON.stringify([o.backend?.rawQuery, [...(o.backend?.headers.map.entries() ?? [])]]);

  it('builds; control: bob\'s password opens each route', () => {
    expect(built!.result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual([]);
    for (const p of ['/v1/h', '/v1/q', '/v1/c']) expect(go(p, { Authorization: basic('bob', 'pw-b') }).status, p).toBe(200);
  });

  const headerCases: Array<[string, string, Record<string, string>]> = ['X-Api-Key', 'x-api-key', 'X_Api_Key'].map((h) => [`header ${h}`, '/v1/h', { [h]: 'FORGED' }]);
  it.each(headerCases)("%s forged beside bob's password: refused or never reaches the backend", (_l, target, headers) => {
    const o = go(target, { Authorization: basic('bob', 'pw-b'), ...headers });
    if (o.status !== 200) return;
    expect(reached(o)).not.toContain('FORGED');
  });

  // Open (it.fails): the basic router of an OR route passes another alternative's kept QUERY or
  // COOKIE key on as sent, even its exact name (the router is chosen on Authorization). auth.ts
  // keptUnverified removes headers only: open-source Traefik has no middleware that removes one
  // query parameter or one cookie (removableHeader; a hidden one is only warned of,
  // traefik-credential-not-hidden). Fix: refuse such an OR route at build (lint = build), or select
  // the key's router on every spelling and refuse the request; left to the Traefik owner.
  const cases: Array<[string, string, Record<string, string>]> = [
    ...querySpellings('api_key').map((q) => [`query ${q}`, `/v1/q?${q}=FORGED`, {}] as [string, string, Record<string, string>]),
    ...['sid_key', 'SID_KEY', 'sid.key'].map((c) => [`cookie ${c}`, '/v1/c', { Cookie: `${c}=FORGED` }] as [string, string, Record<string, string>]),
  ];
  it.fails.each(cases)("%s forged beside bob's password: refused or never reaches the backend", (_l, target, headers) => {
    const o = go(target, { Authorization: basic('bob', 'pw-b'), ...headers });
    if (o.status !== 200) return;
    expect(reached(o)).not.toContain('FORGED');
  });

  it("a kept basic Authorization forged beside alice's verified key never reaches the backend", () => {
    const o = go('/v1/kb', { 'X-Api-Key': 'key-a', Authorization: basic('root', 'FORGED') });
    if (o.status !== 200) return;
    expect(o.backend!.headers.get('Authorization') ?? '').toBe('');
  });
});
