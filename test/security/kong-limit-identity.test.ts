/**
 * Identity-bound rate limits on Kong (DESIGN.md 7.4; KNG5): what the spec's `by` keys a limit on,
 * and what Kong's rate-limiting plugin then counts (kong/plugins/rate-limiting/handler.lua
 * get_identifier: consumer -> consumer or credential id, credential -> kong.client.get_credential()
 * id, header -> the header as it is when the plugin (910) runs; anything missing -> the client
 * address). The attacks: another caller shares my bucket, and I escape mine by changing a header or
 * my address. Driven through KongSim (test/targets/kong/kong-policy-sim.ts) on the decK file gwc builds.
 *
 * - by: {header: Authorization} on a basic-auth route: Kong verifies that header (basic-auth, 1100,
 *   before rate-limiting), so the limit counts per verified consumer (limit_by consumer). It was
 *   compiled limit_by ip beside a limit-key-unverified warning that said the header was not verified:
 *   alice escaped her bucket from a second address, and bob behind alice's NAT shared hers.
 * - by: {header: X-Api-Key}, the key-auth header: per consumer, as nginx counts it (RL19). It was
 *   limit_by credential, per key: alice, holding two keys (a rotation), had twice the limit.
 * - by: {header} naming a key-auth header in an alternative that ALSO runs basic-auth (AND): such an
 *   AND is refused on Kong (kong-auth-and-consumers: two consumers could meet it).
 * - by: {header} on a JWT's header: the jwt plugin's credential is the issuer's key (one for every
 *   token holder), and the header text varies per token: per client address, said.
 * - by: consumer on a JWT route: every token holder of an issuer is one consumer, one bucket
 *   (kong-limit-identity-shared, warned): pinned here so the shared bucket stays said.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildTarget } from '../../src/api.js';
import { lint } from '../../src/lint/index.js';
import { writeSpec } from '../helpers/spec.js';
import type { DeckDoc } from '../targets/kong/kong-oracle.js';
import { KongSim } from '../targets/kong/kong-policy-sim.js';
import { deckValidate } from '../targets/kong/validate.js';

const ok = '{ "200": { description: ok } }';
const HOST = 'api.example.com';
const op = (id: string, security: string, xg: string) => `{ get: { operationId: ${id}, ${security}, x-gateway: { ${xg} }, responses: ${ok} } }`;
const SPEC = (paths: string) => `openapi: 3.1.0
info: { title: kli, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  backends: { app: { url: "http://app.internal:8080" } }
  defaults: { backend: app }
  accept: { kong: [{ feature: auth.jwt, reason: "static keys, exp only" }] }
  consumers:
    alice: { credentials: { hkey: ["\${env:ALICE_KEY}", "\${env:ALICE_KEY2}"], basicAuth: { username: alice, password: "\${env:ALICE_PW}" } } }
    bob: { credentials: { hkey: "\${env:BOB_KEY}", basicAuth: { username: bob, password: "\${env:BOB_PW}" } } }
paths:
${paths}
components:
  securitySchemes:
    hkey: { type: apiKey, in: header, name: x-api-key }
    basicAuth: { type: http, scheme: basic }
    bearer: { type: http, scheme: bearer, bearerFormat: JWT, x-gateway: { issuer: "https://id.example.com/", audiences: [kli], publicKeys: ["\${env:JWT_PUBLIC_KEY}"] } }
`;
const env = { DECK_JWT_PUBLIC_KEY: 'pem', DECK_ALICE_KEY: 'alice-key-0001', DECK_ALICE_KEY2: 'alice-key-0009', DECK_BOB_KEY: 'bob-key-0002', DECK_ALICE_PW: 'a-pw', DECK_BOB_PW: 'b-pw' };
const basic = (u: string, p: string) => ({ authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` });
const ALICE = basic('alice', 'a-pw');
const BOB = basic('bob', 'b-pw');

async function kong(paths: string) {
  const file = writeSpec(SPEC(paths));
  const b = await buildTarget(file, { target: 'kong' });
  const yaml = b.files.find((f) => f.path === 'kong.yaml')?.contents;
  const dv = yaml ? deckValidate(yaml) : undefined;
  expect(dv?.ok ?? true, dv?.output).toBe(true);
  const limit = yaml ? (parse(yaml) as DeckDoc) : undefined;
  return { b, file, sim: limit ? new KongSim(limit, env) : undefined, yaml };
}
const send = (sim: KongSim, path: string, headers: Record<string, string>, ip = '192.0.2.1') => sim.send({ method: 'GET', path, host: HOST, headers, ip }).status;
/** The rate-limiting plugin's limit_by on the route of `path`'s operation. */
const limitBy = (yaml: string | undefined) =>
  ((parse(yaml ?? 'null') as DeckDoc | null)?.services ?? []).flatMap((s) => (s.routes ?? []) as Array<{ plugins?: Array<{ name: string; config: Record<string, unknown> }> }>)
    .flatMap((r) => r.plugins ?? []).filter((p) => p.name === 'rate-limiting').map((p) => p.config.limit_by);
const codes = (b: { diagnostics: Array<{ code: string }> }) => b.diagnostics.map((d) => d.code);

describe('kong: a limit keyed on a verified credential header counts per credential', () => {
  for (const header of ['Authorization', 'authorization']) {
    it(`basic-auth, by: {header: ${header}}: alice's second address is no fresh bucket, and bob behind her address keeps his own`, async () => {
      const { sim, b, yaml } = await kong(`  /b: ${op('basicRoute', 'security: [{ basicAuth: [] }]', `rateLimit: { requests: 2, per: minute, by: { header: ${header} } }`)}`);
      expect(codes(b)).not.toContain('limit-key-unverified');
      expect(limitBy(yaml)).toEqual(['consumer']);
      // Alice from three addresses: one bucket.
      expect([send(sim!, '/v1/b', ALICE, '192.0.2.1'), send(sim!, '/v1/b', ALICE, '192.0.2.2'), send(sim!, '/v1/b', ALICE, '198.51.100.3')]).toEqual([200, 200, 429]);
      // Bob from alice's address (one NAT): his own bucket.
      expect(send(sim!, '/v1/b', BOB, '192.0.2.1')).toBe(200);
      // Wrong passwords never reach the limiter (401), so they drain nobody.
      for (let i = 0; i < 3; i++) expect(send(sim!, '/v1/b', basic('bob', `x${i}`), '192.0.2.1')).toBe(401);
      expect(send(sim!, '/v1/b', BOB, '192.0.2.9')).toBe(200);
    });
  }

  for (const [name, security] of [['alone', '[{ hkey: [] }]'], ['after a JWT (key-auth runs last)', '[{ bearer: [], hkey: [] }]']]) {
    it(`key-auth ${name}, by: {header: X-Api-Key}: per consumer, whatever the address: alice's second key is no fresh bucket; another consumer has its own`, async () => {
      const { sim, b, yaml } = await kong(`  /k: ${op('keyRoute', `security: ${security}`, 'rateLimit: { requests: 1, per: minute, by: { header: X-Api-Key } }')}`);
      expect(codes(b)).not.toContain('limit-key-unverified');
      expect(limitBy(yaml)).toEqual(['consumer']);
      if (name !== 'alone') return; // KongSim verifies no JWT: the limit_by is what is pinned there
      expect([send(sim!, '/v1/k', { 'x-api-key': env.DECK_ALICE_KEY }, '192.0.2.1'), send(sim!, '/v1/k', { 'x-api-key': env.DECK_ALICE_KEY }, '192.0.2.2')]).toEqual([200, 429]);
      // The attack (RL19): alice holds two keys (a rotation) and switched to the second for a fresh
      // bucket; limit_by credential counted per key. Per consumer, as nginx counts it.
      expect(send(sim!, '/v1/k', { 'x-api-key': env.DECK_ALICE_KEY2 }, '192.0.2.1')).toBe(429);
      expect(send(sim!, '/v1/k', { 'x-api-key': env.DECK_BOB_KEY }, '192.0.2.1')).toBe(200);
    });
  }

  it('OR of a key and a basic user, by: {header: X-Api-Key}: the basic alternative has no key, so the limit is per address, said', async () => {
    const { b, yaml } = await kong(`  /o: ${op('orRoute', 'security: [{ hkey: [] }, { basicAuth: [] }]', 'rateLimit: { requests: 1, per: minute, by: { header: X-Api-Key } }')}`);
    expect(limitBy(yaml)).toEqual(['ip']);
    expect(b.diagnostics.find((d) => d.code === 'limit-key-unverified')).toMatchObject({ severity: 'warn', params: { route: 'orRoute', header: 'X-Api-Key', target: 'kong' }, loc: { pointer: '/paths/~1o/get/x-gateway/rateLimit' } });
  });
});

describe('kong: a verified header Kong cannot count per value is counted per address, and said', () => {
  it('AND of a key and a basic user, by: {header: X-Api-Key}: the AND itself is refused (two consumers could meet it; kong-auth-and-consumers)', async () => {
    const { b, yaml } = await kong(`  /a: ${op('andRoute', 'security: [{ hkey: [], basicAuth: [] }]', 'rateLimit: { requests: 1, per: minute, by: { header: X-Api-Key } }')}`);
    expect(yaml).toBeUndefined();
    expect(b.diagnostics.find((d) => d.code === 'kong-auth-and-consumers')).toMatchObject({ severity: 'error', params: { route: 'andRoute', key: 'hkey', basic: 'basicAuth' } });
  });

  it('by: {header: Authorization} on a bearer (JWT) route: the jwt credential is the issuer\'s key, shared by every token holder: per address, said', async () => {
    const { b, yaml } = await kong(`  /j: ${op('jwtRoute', 'security: [{ bearer: [] }]', 'rateLimit: { requests: 1, per: minute, by: { header: Authorization } }')}`);
    expect(limitBy(yaml)).toEqual(['ip']);
    expect(b.diagnostics.find((d) => d.code === 'limit-key-unverified')).toMatchObject({ severity: 'warn', params: { route: 'jwtRoute', header: 'Authorization', target: 'kong' } });
  });

  it('by: consumer on a JWT route: one bucket for every token holder of the issuer, said at build and at lint (the same line)', async () => {
    const { b, file } = await kong(`  /c: ${op('jwtConsumer', 'security: [{ bearer: [] }]', 'rateLimit: { requests: 1, per: minute, by: consumer }')}`);
    const w = b.diagnostics.find((d) => d.code === 'kong-limit-identity-shared');
    expect(w).toMatchObject({ severity: 'warn', params: { route: 'jwtConsumer', schemes: 'bearer' }, loc: { pointer: '/paths/~1c/get/x-gateway/rateLimit' } });
    const l = await lint(file, { target: 'kong' });
    const relayed = l.diagnostics.find((d) => (d.params as { code?: string } | undefined)?.code === 'kong-limit-identity-shared' || d.code === 'kong-limit-identity-shared');
    expect(relayed?.loc?.pointer).toBe('/paths/~1c/get/x-gateway/rateLimit');
  });

  it('lint reports every substitution the build makes, at the rateLimit line', async () => {
    const { file } = await kong(`  /j: ${op('jwtRoute', 'security: [{ bearer: [] }]', 'rateLimit: { requests: 1, per: minute, by: { header: Authorization } }')}`);
    const l = await lint(file, { target: 'kong' });
    const relayed = l.diagnostics.find((d) => (d.params as { code?: string } | undefined)?.code === 'limit-key-unverified');
    expect(relayed?.loc?.pointer).toBe('/paths/~1j/get/x-gateway/rateLimit');
  });
});
