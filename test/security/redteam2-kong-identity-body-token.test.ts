/**
 * Red team 2, Kong: the two identity classes closed on nginx (redteam2-nginx-jwt-namespace,
 * redteam2-nginx-body-token), checked on Kong with the request oracle (test/targets/kong/kong-oracle.ts),
 * deck validate and the decK schema.
 * - A verified JWT is never taken for a spec consumer: Kong's jwt plugin identifies the caller as
 *   the issuer's consumer gwc writes (`<gateway>.~jwt.<scheme>`; a spec consumer's name holds no
 *   `~`), and sets no header from the token's `sub`; two issuers are two consumers.
 * - A form, multipart or JSON body `access_token` (RFC 6750 section 2.2; passport-http-bearer reads
 *   it on any method) never reaches the backend of a route with a bearer scheme: the jwt plugin reads
 *   the Authorization header only, so request-transformer `remove.body` removes it (exact names, as
 *   Kong decodes them: `access_token`, `access.token`, `access token`, `access[token`,
 *   `access_token[]`); case spellings (`ACCESS_TOKEN`) pass (README Known gaps).
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileGateway } from '../../src/api.js';
import { gatewayOf } from '../helpers/spec.js';
import { evaluate, type DeckDoc, type OracleRequest } from '../targets/kong/kong-oracle.js';
import { deckValidate, schemaValidate } from '../targets/kong/validate.js';

const ok = '{ "200": { description: ok } }';
const HOST = 'api.test';
const SPEC = `openapi: 3.1.0
info: { title: kong identity lab, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: ki
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  accept:
    kong: [{ feature: auth.jwt, reason: audience checked by the backend }]
  consumers:
    alice: { credentials: { hkey: "\${env:ALICE_KEY}" } }
    jwt: { credentials: { hkey: "\${env:JWT_KEY}" } }
paths:
  /any: { get: { operationId: anyGet, security: [{ hkey: [] }, { jwt: [] }], responses: ${ok} }, post: { operationId: anyPost, security: [{ hkey: [] }, { jwt: [] }], responses: ${ok} } }
  /any2: { get: { operationId: any2Get, security: [{ hkey: [] }, { jwt2: [] }], responses: ${ok} } }
  /tok: { get: { operationId: tokGet, security: [{ jwt: [] }], responses: ${ok} }, post: { operationId: tokPost, security: [{ jwt: [] }], responses: ${ok} } }
  /key: { post: { operationId: keyPost, security: [{ hkey: [] }], responses: ${ok} } }
components:
  securitySchemes:
    hkey: { type: apiKey, in: header, name: X-Key }
    jwt:
      type: http
      scheme: bearer
      x-gateway: { anyAudience: true, issuer: "https://one.example/", algorithms: [RS256], publicKeys: ["\${env:PEM1}"] }
    jwt2:
      type: http
      scheme: bearer
      x-gateway: { anyAudience: true, issuer: "https://two.example/", algorithms: [RS256], publicKeys: ["\${env:PEM2}"] }
`;
const ENV = { DECK_ALICE_KEY: 'alice-key-1', DECK_JWT_KEY: 'jwt-key-1', DECK_PEM1: 'pem1', DECK_PEM2: 'pem2' };
const FORM = 'application/x-www-form-urlencoded';

describe('red team 2: Kong identities and body tokens', async () => {
  const loaded = await gatewayOf(SPEC);
  const built = compileGateway(loaded.gateway!, 'kong', {});
  const yaml = built.files.find((f) => f.path === 'kong.yaml')?.contents ?? '';
  const doc = parse(yaml) as DeckDoc;
  const send = (method: string, path: string, req: Partial<OracleRequest>) => evaluate(doc, { method, host: HOST, path, ...req }, ENV);
  const one = { authorization: 'Bearer valid:https://one.example/' };
  const two = { authorization: 'Bearer valid:https://two.example/' };

  it('builds; deck validate and the decK schema pass', () => {
    expect(built.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const deck = deckValidate(yaml);
    if (deck) expect(deck.ok, deck.output).toBe(true);
    const schema = schemaValidate(yaml);
    if (schema) expect(schema.ok, JSON.stringify(schema.errors)).toBe(true);
  });

  it('held: a token is its issuer\'s consumer, never a spec consumer (not even one named like the scheme), and two issuers are two', () => {
    const k = send('GET', '/v1/any', { headers: { 'x-key': 'alice-key-1' } });
    const j = send('GET', '/v1/any', { headers: one });
    // Kong runs one jwt plugin per route (kong-plugin-shared): the second issuer on a route of its own.
    const j2 = send('GET', '/v1/any2', { headers: two });
    const named = send('GET', '/v1/any', { headers: { 'x-key': 'jwt-key-1' } });
    expect([k.status, j.status, j2.status, named.status]).toEqual([200, 200, 200, 200]);
    expect(k.upstream!.headers['x-consumer-username']).toBe('ki.alice');
    expect(named.upstream!.headers['x-consumer-username']).toBe('ki.jwt');
    expect(j.upstream!.headers['x-consumer-username']).toBe('ki.~jwt.jwt');
    expect(j2.upstream!.headers['x-consumer-username']).toBe('ki.~jwt.jwt2');
    const spec = new Set(['ki.alice', 'ki.jwt']);
    for (const o of [j, j2]) expect(spec.has(o.upstream!.headers['x-consumer-username']!)).toBe(false);
  });

  const SPELLINGS = ['access_token', 'access.token', 'access token', 'access[token', 'access_token[]', 'access%5Ftoken', 'access+token'];

  it('a form body access_token beside the verified header token never reaches the backend (every spelling Kong decodes to a listed name)', () => {
    for (const m of ['GET', 'POST']) {
      for (const name of SPELLINGS) {
        const o = send(m, '/v1/tok', { headers: { ...one, 'content-type': FORM }, body: `a=1&${name}=forged` });
        expect(o.status, `${m} ${name}`).toBe(200);
        const left = Object.keys(o.upstream!.bodyFields ?? {}).filter((n) => n.toLowerCase().replace(/[ .[]/g, '_').replace(/_]$/, '') === 'access_token');
        expect(left, `${m} ${name}`).toEqual([]);
        expect(o.upstream!.bodyFields!.a).toBe('1');
      }
    }
  });

  it('multipart and JSON bodies too; on a route where the token is one alternative, a key caller\'s body token as well', () => {
    const mp = send('POST', '/v1/tok', { headers: { ...one, 'content-type': 'multipart/form-data; boundary=XyZ' }, body: '--XyZ\r\nContent-Disposition: form-data; name="access_token"\r\n\r\nforged\r\n--XyZ--\r\n' });
    // Refused before the backend since red team 4 (name-readings.ts: a multipart part naming access_token, in any spelling).
    expect([mp.status, mp.upstream]).toEqual([400, undefined]);
    const js = send('POST', '/v1/tok', { headers: { ...one, 'content-type': 'application/json' }, body: '{"access_token":"forged","a":1}' });
    expect(js.upstream!.bodyFields!.access_token).toBeUndefined();
    const key = send('POST', '/v1/any', { headers: { 'x-key': 'alice-key-1', 'content-type': FORM }, body: 'access_token=forged&a=1' });
    expect([key.status, key.upstream!.bodyFields!.access_token]).toEqual([200, undefined]);
  });

  it('control: a route without a bearer scheme keeps a form access_token (the API\'s own field)', () => {
    const o = send('POST', '/v1/key', { headers: { 'x-key': 'alice-key-1', 'content-type': FORM }, body: 'access_token=abc' });
    expect([o.status, o.upstream!.bodyFields!.access_token]).toEqual([200, 'abc']);
  });
});
