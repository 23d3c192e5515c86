/**
 * RL19: an AND of an API key and a basic user on Kong (DESIGN.md 7.1, 7.4). key-auth (1250) and
 * basic-auth (1100) each find a consumer by their own credential, and basic-auth, running last,
 * overwrites key-auth's (kong/plugins/basic-auth/access.lua set_consumer): alice's key with bob's
 * password passed as bob. acl checked bob's roles, rate-limiting counted bob's bucket, proxy-cache
 * served bob's entry, the backend was told X-Consumer-Username bob: the key half of the AND was any
 * consumer's key, the password half any consumer's password. nginx refuses such a request (runtime.js
 * decide: one consumer per alternative; real nginx in redteam3-nginx-roles 'an AND of two consumers').
 * Kong OSS runs no plugin between the two auth plugins that could compare them, so the build refuses
 * (kong-auth-and-consumers), lint at the same line. Mechanism: the Kong request oracle on the decK
 * file gwc wrote before (the basic route's plugins plus key-auth).
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildTarget } from '../../src/api.js';
import { lint } from '../../src/lint/index.js';
import { writeSpec } from '../helpers/spec.js';
import { evaluate, type DeckDoc } from '../targets/kong/kong-oracle.js';

const ok = '{ "200": { description: ok } }';
const HOST = 'api.example.com';
const SPEC = (security: string, extra = '', keyIn = 'header') => `openapi: 3.1.0
info: { title: rl19, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  backends: { app: { url: "http://app.internal:8080" } }
  defaults: { backend: app }
  accept: { kong: [{ feature: auth.jwt, reason: "static keys, exp only" }] }
  consumers:
    alice: { credentials: { hkey: "\${env:ALICE_KEY}", basic: { username: alice, password: "\${env:ALICE_PW}" } } }
    bob: { groups: [admin], credentials: { hkey: "\${env:BOB_KEY}", basic: { username: bob, password: "\${env:BOB_PW}" } } }
paths:
  /r: { get: { operationId: r, security: ${security}, x-gateway: { rateLimit: { requests: 5, per: minute, by: consumer }${extra} }, responses: ${ok} } }
components:
  securitySchemes:
    hkey: { type: apiKey, in: ${keyIn}, name: x-api-key }
    basic: { type: http, scheme: basic }
    bearer: { type: http, scheme: bearer, bearerFormat: JWT, x-gateway: { issuer: "https://id.example.com/", audiences: [rl19], publicKeys: ["\${env:JWT_PUBLIC_KEY}"] } }
`;
const env = { DECK_ALICE_KEY: 'alice-key-0001', DECK_BOB_KEY: 'bob-key-0002', DECK_ALICE_PW: 'a-pw', DECK_BOB_PW: 'b-pw', DECK_JWT_PUBLIC_KEY: 'pem' };
const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
const SEC = '/paths/~1r/get/security';

async function kong(security: string, extra = '', keyIn = 'header') {
  const file = writeSpec(SPEC(security, extra, keyIn));
  const b = await buildTarget(file, { target: 'kong' });
  const yaml = b.files.find((f) => f.path === 'kong.yaml')?.contents;
  return { file, b, doc: yaml ? (parse(yaml) as DeckDoc) : undefined };
}
const errors = (b: { diagnostics: Array<{ severity: string; code: string; loc?: { pointer: string } }> }) =>
  b.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.loc?.pointer}`);

describe('kong: an AND of an API key and a basic user is refused (two consumers, one caller told)', () => {
  it("mechanism: the route gwc built (basic-auth's plugins plus key-auth) lets alice's key with bob's password in as bob, admin", async () => {
    const { doc } = await kong('[{ basic: [admin] }]');
    const route = doc!.services!.flatMap((s) => s.routes ?? []).find((r) => (r as { name?: string }).name?.includes('r'))! as { plugins: Array<{ name: string; config: Record<string, unknown> }> };
    route.plugins.unshift({ name: 'key-auth', config: { key_names: ['x-api-key'], key_in_header: true, key_in_query: false, key_in_body: false, hide_credentials: true, run_on_preflight: true, anonymous: null } });
    const call = (headers: Record<string, string>) => evaluate(doc!, { method: 'GET', host: HOST, path: '/v1/r', headers }, env);
    // bob's password alone is refused (key-auth runs), alice's key alone too: the AND looks kept ...
    expect(call({ authorization: basic('bob', 'b-pw') }).status).toBe(401);
    expect(call({ 'x-api-key': env.DECK_ALICE_KEY }).status).toBe(401);
    // ... but the two halves need not be one caller's: Kong ends with bob.
    const mixed = call({ 'x-api-key': env.DECK_ALICE_KEY, authorization: basic('bob', 'b-pw') });
    expect(mixed.status).toBe(200);
    expect(mixed.consumer).toMatch(/bob/);
    expect(mixed.authenticatedBy).toBe('basic-auth');
  });

  const shapes: Array<[string, string, string, string, string?]> = [
    ['header key AND basic with a role', '[{ hkey: [], basic: [admin] }]', 'hkey', 'basic'],
    ['basic first in the spec', '[{ basic: [], hkey: [] }]', 'hkey', 'basic'],
    ['a query key AND basic', '[{ hkey: [], basic: [] }]', 'hkey', 'basic', 'query'],
    ['a JWT beside them', '[{ bearer: [], hkey: [], basic: [] }]', 'hkey', 'basic'],
  ];
  for (const [name, security, key, b, keyIn] of shapes) {
    it(`${name}: build refuses at the requirement, lint reports the same line`, async () => {
      const { file, b: built, doc } = await kong(security, '', keyIn);
      expect(doc).toBeUndefined();
      expect(errors(built)).toEqual([`kong-auth-and-consumers ${SEC}`]);
      expect(built.diagnostics.find((d) => d.code === 'kong-auth-and-consumers')?.params).toEqual({ route: 'r', key, basic: b });
      const l = await lint(file, { target: 'kong' });
      const relayed = l.diagnostics.filter((d) => d.severity === 'error' && (d.params as { code?: string } | undefined)?.code === 'kong-auth-and-consumers');
      expect(relayed.map((d) => d.loc?.pointer)).toEqual([SEC]);
    });
  }

  it('a cache on such a route changes nothing: refused the same', async () => {
    const { b } = await kong('[{ hkey: [], basic: [] }]', ', cache: { ttl: 60s }');
    expect(errors(b)).toContain(`kong-auth-and-consumers ${SEC}`);
  });

  it('controls: an OR of the two, and an AND of a JWT with either, still build (one consumer-mapping plugin per caller)', async () => {
    for (const security of ['[{ hkey: [] }, { basic: [] }]', '[{ bearer: [], hkey: [] }]', '[{ bearer: [], basic: [] }]']) {
      const { b, doc } = await kong(security);
      expect(errors(b), security).toEqual([]);
      expect(doc, security).toBeDefined();
    }
  });
});
