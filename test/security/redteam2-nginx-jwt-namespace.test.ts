/**
 * Red team 2, nginx: a verified JWT's subject is never taken for a spec consumer (DESIGN.md 7.1,
 * 7.3). X-Consumer carried a token's `sub` as it is, in the namespace of `x-gateway.consumers`, so
 * a token for subject "alice" reached the backend exactly as the API-key consumer alice (groups
 * admin), and two issuers' tokens for one subject were one caller. X-Consumer now carries
 * `<scheme>:<sub>` for a token: consumer names (`^[A-Za-z0-9_.-]{1,64}$`, root and environment
 * overlays) and security scheme names (OpenAPI `^[a-zA-Z0-9._-]+$`) hold no `:`, so the first `:`
 * ends the scheme and no token identity is a consumer name, or another issuer's identity, in any
 * case or spacing. Real nginx, stub backend; what the backend saw is asserted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { now, token } from '../targets/nginx/jwt.js';
import { basic, HOST, NGINX, startLab, type AuthLab } from './helpers/nginx-auth.js';
import { gatewayOf } from '../helpers/spec.js';

const HS1 = 'ns-issuer-one-secret-0123456789ab';
const HS2 = 'ns-issuer-two-secret-0123456789ab';
const KEYS = { ALICE_H: 'alice-h-001', ALICE_PW: 'alice-pw-1', BOB_H: 'bob-h-002' };
const CONSUMERS = ['alice', 'bob', 'jwt.alice'];
const ok = '{ "200": { description: ok } }';

const SPEC = `openapi: 3.1.0
info: { title: jwt namespace, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: ns
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    alice:
      groups: [admin]
      credentials: { hkey: "\${env:ALICE_H}", basic: { username: alice, password: "\${env:ALICE_PW}" } }
    bob: { credentials: { hkey: "\${env:BOB_H}" } }
    jwt.alice: { groups: [admin], credentials: {} }
paths:
  /any: { get: { operationId: any, security: [{ hkey: [] }, { basic: [] }, { jwt: [] }, { jwt2: [] }], responses: ${ok} } }
  /opt: { get: { operationId: opt, security: [{}, { jwt: [] }], responses: ${ok} } }
  /both: { get: { operationId: both, security: [{ jwt: [], hkey: [] }], responses: ${ok} } }
  /lim:
    get:
      operationId: lim
      security: [{ hkey: [] }, { jwt: [] }, { jwt2: [] }]
      x-gateway: { rateLimit: { requests: 1, per: minute, by: consumer } }
      responses: ${ok}
components:
  securitySchemes:
    hkey: { type: apiKey, in: header, name: X-Key }
    basic: { type: http, scheme: basic }
    jwt:
      type: http
      scheme: bearer
      x-gateway: { issuer: "https://one.example/", algorithms: [HS256], publicKeys: ["\${file:keys/one.key}"] }
    jwt2:
      type: http
      scheme: bearer
      x-gateway: { issuer: "https://two.example/", algorithms: [HS256], publicKeys: ["\${file:keys/two.key}"] }
`;

const one = (sub: unknown) => token('HS256', { iss: 'https://one.example/', exp: now() + 300, sub }, HS1);
const two = (sub: unknown) => token('HS256', { iss: 'https://two.example/', exp: now() + 300, sub }, HS2);
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
/** How a lenient backend compares a name: trimmed, case folded. */
const loose = (v: string) => v.trim().toLowerCase();

describe.skipIf(!NGINX)('red team 2: a JWT subject is never a spec consumer on nginx', () => {
  let lab: AuthLab;
  beforeAll(async () => {
    lab = await startLab(SPEC, { files: { 'keys/one.key': HS1, 'keys/two.key': HS2 }, env: KEYS });
  });
  afterAll(async () => lab?.stop());

  const seen = async (path: string, headers: Record<string, string>) => {
    const { r, hits } = await lab.call('GET', path, headers);
    expect(r.status, `${path} ${JSON.stringify(headers)}`).toBe(200);
    return hits[0]!.headers;
  };

  it('control: the key, the password and each token open /any; the key and password name the consumer alice', async () => {
    expect((await seen('/v1/any', { 'x-key': KEYS.ALICE_H }))['x-consumer']).toBe('alice');
    expect((await seen('/v1/any', basic('alice', KEYS.ALICE_PW)))['x-consumer']).toBe('alice');
    expect((await seen('/v1/any', bearer(one('u1'))))['x-consumer']).toBe('jwt:u1');
    expect((await seen('/v1/any', bearer(two('u1'))))['x-consumer']).toBe('jwt2:u1');
  });

  it('a subject spelt like a consumer, in any case or spacing, never reads as that consumer', async () => {
    for (const sub of ['alice', 'Alice', 'ALICE', 'alice ', ' alice', 'alice\t', 'bob', 'jwt.alice', 'jwt:alice', 'alice:', ':alice']) {
      const h = await seen('/v1/any', bearer(one(sub)));
      const v = h['x-consumer']!;
      expect(v.startsWith('jwt:'), JSON.stringify(sub)).toBe(true);
      expect(CONSUMERS.map(loose), JSON.stringify(sub)).not.toContain(loose(v));
      expect(h['x-authenticated-scheme']).toBe('jwt');
    }
  });

  it('two issuers, one subject: two identities; a subject spelling the other issuer\'s identity is not it', async () => {
    const a = (await seen('/v1/any', bearer(one('u1'))))['x-consumer'];
    const b = (await seen('/v1/any', bearer(two('u1'))))['x-consumer'];
    expect(a).not.toBe(b);
    // Issuer one's subject "jwt2:u1" is jwt:jwt2:u1, never issuer two's jwt2:u1.
    expect((await seen('/v1/any', bearer(one('jwt2:u1'))))['x-consumer']).toBe('jwt:jwt2:u1');
    expect((await seen('/v1/any', bearer(two('jwt:u1'))))['x-consumer']).toBe('jwt2:jwt:u1');
  });

  it('bytes outside printable ASCII and % stay escaped after the scheme (no header break, no second value)', async () => {
    expect((await seen('/v1/any', bearer(one('a%41'))))['x-consumer']).toBe('jwt:a%2541');
    expect((await seen('/v1/any', bearer(one('ålice'))))['x-consumer']).toBe('jwt:%C3%A5lice');
    expect((await seen('/v1/any', bearer(one('a\r\nX-Consumer: alice'))))['x-consumer']).toBe('jwt:a%0D%0AX-Consumer: alice');
  });

  it('a token without a string subject sets no X-Consumer (never a client\'s, never a consumer)', async () => {
    for (const sub of [undefined, 7, ['alice'], { name: 'alice' }]) {
      const h = await seen('/v1/any', { ...bearer(one(sub)), 'x-consumer': 'alice', x_consumer: 'alice' });
      expect(h['x-consumer'], JSON.stringify(sub)).toBeUndefined();
    }
  });

  it('optional auth: a verified token is jwt:<sub>; anonymous callers get no X-Consumer whatever they send', async () => {
    expect((await seen('/v1/opt', bearer(one('alice'))))['x-consumer']).toBe('jwt:alice');
    expect((await seen('/v1/opt', { 'x-consumer': 'alice' }))['x-consumer']).toBeUndefined();
  });

  it('AND of a token and a key: X-Consumer is never the bare subject', async () => {
    const h = await seen('/v1/both', { ...bearer(one('bob')), 'x-key': KEYS.ALICE_H });
    expect(['jwt:bob', 'alice']).toContain(h['x-consumer']);
  });

  it('per-consumer limits: a token for subject alice (either issuer) never spends the consumer alice\'s bucket, nor each other\'s', async () => {
    const st = async (headers: Record<string, string>) => (await lab.call('GET', '/v1/lim', headers)).r.status;
    expect(await st({ 'x-key': KEYS.ALICE_H })).toBe(200);
    expect(await st(bearer(one('alice')))).toBe(200);
    expect(await st(bearer(two('alice')))).toBe(200);
    // Each bucket holds one request a minute: the second of each is limited.
    expect(await st({ 'x-key': KEYS.ALICE_H })).toBe(429);
    expect(await st(bearer(one('alice')))).toBe(429);
  });
});

describe('consumer names hold no ":" wherever they are declared (the JWT identity separator)', () => {
  const spec = (consumers: string, env: string) => `openapi: 3.1.0
info: { title: t, version: "1" }
servers: [{ url: "https://api.test/v1" }]
x-gateway:
  name: t
  backends: { echo: { url: "http://echo.internal:8080" } }
  consumers:
${consumers}
  environments:
    prod:
      consumers:
${env}
paths:
  /h: { get: { operationId: h, security: [{ hkey: [] }], responses: ${ok} } }
components:
  securitySchemes:
    hkey: { type: apiKey, in: header, name: X-Key }
`;
  it('a root consumer named jwt:alice is refused at its name', async () => {
    const r = await gatewayOf(spec('    "jwt:alice": { credentials: { hkey: "${env:A}" } }', '        bob: { credentials: { hkey: "${env:B}" } }'));
    expect(r.gateway).toBeUndefined();
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.loc?.pointer])).toContainEqual(['schema-invalid', '/x-gateway/consumers']);
  });
  it('an environment overlay adding a consumer named jwt:alice is refused at its name, whatever --env is built', async () => {
    const r = await gatewayOf(spec('    alice: { credentials: { hkey: "${env:A}" } }', '        "jwt:alice": { credentials: { hkey: "${env:B}" } }'));
    expect(r.gateway).toBeUndefined();
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    // The schema's propertyNames failure is reported at the object holding the name.
    expect(errors.map((d) => [d.code, d.loc?.pointer])).toContainEqual(['schema-invalid', '/x-gateway/environments/prod/consumers']);
  });
});
