/**
 * Red team 4, nginx public caches and identity (DESIGN.md 7.4): a public cached route is shared
 * by anonymous callers; a request carrying a credential nginx did not verify reaches the backend
 * as sent, and its answer (for that caller) must never be stored for, nor served to, the next
 * caller. Since red team 2/3 nginx bypasses the cache for Authorization, Cookie, the spec's API-key
 * headers and query names and forward-auth request headers (policies.ts anonymousBypass). Real
 * nginx, the echo stub on loopback (its body repeats what it received).
 *
 * Fixed (the three attacks below and the generated ones, which failed 46 of 73 before): the bypass
 * is every credential carrier of the spec (src/targets/credential-carriers.ts), query names in
 * every spelling a backend reads (njs cacheCredential), a body, and on an optional cookie-key route
 * a Cookie from an anonymous caller.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayOf } from '../helpers/spec.js';
import { carrierVariants } from './helpers/carrier-variants.js';
import { HOST, NGINX, startPolicyLab, type PolicyLab } from './helpers/nginx-policies.js';

const ok = '{ "200": { description: ok } }';
const HS = 'rt4-jwt-secret-0123456789abcdef';
const SPEC = `openapi: 3.1.0
info: { title: cache lab 4, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: rt4c
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
paths:
  /tok: { get: { operationId: tok, security: [{ tok: [] }], responses: ${ok} } }
  /bear: { get: { operationId: bear, security: [{ bear: [] }], responses: ${ok} } }
  /qk: { get: { operationId: qk, security: [{ qk: [] }], responses: ${ok} } }
  /feed: { get: { operationId: feed, x-gateway: { public: true, cache: { ttl: 60s } }, responses: ${ok} } }
  /news: { get: { operationId: news, x-gateway: { public: true, cache: { ttl: 60s, keyQuery: false } }, responses: ${ok} } }
  /news2: { get: { operationId: news2, x-gateway: { public: true, cache: { ttl: 60s, keyQuery: false } }, responses: ${ok} } }
  /ck: { get: { operationId: ck, security: [{ ck: [] }], responses: ${ok} } }
  /pub/{n}: { get: { operationId: pub, parameters: [{ name: n, in: path, required: true, schema: { type: string } }], x-gateway: { public: true, cache: { ttl: 60s, keyQuery: false } }, responses: ${ok} } }
  /pubq/{n}: { get: { operationId: pubq, parameters: [{ name: n, in: path, required: true, schema: { type: string } }], x-gateway: { public: true, cache: { ttl: 60s } }, responses: ${ok} } }
  /optc/{n}: { get: { operationId: optc, parameters: [{ name: n, in: path, required: true, schema: { type: string } }], security: [{}, { ck: [] }], x-gateway: { cache: { ttl: 60s, keyQuery: false } }, responses: ${ok} } }
components:
  securitySchemes:
    qk: { type: apiKey, in: query, name: api-key }
    ck: { type: apiKey, in: cookie, name: sess_key }
    tok:
      type: http
      scheme: bearer
      x-gateway: { header: X-Token, issuer: "https://id.example/", audiences: [api], algorithms: [HS256], publicKeys: ["\${file:keys/hs.key}"] }
    bear:
      type: http
      scheme: bearer
      x-gateway: { issuer: "https://id.example/", audiences: [api], algorithms: [HS256], publicKeys: ["\${file:keys/hs.key}"] }
`;

describe.skipIf(!NGINX)('red team 4: nginx public cache and credentials of the spec nginx does not bypass', () => {
  let lab: PolicyLab;
  beforeAll(async () => {
    lab = await startPolicyLab(SPEC, { files: { 'keys/hs.key': HS } });
  });
  afterAll(async () => lab?.stop());

  it('control: an anonymous public answer is cached, and Authorization bypasses it (red team 2)', async () => {
    await lab.call('GET', '/v1/feed?n=0');
    expect((await lab.call('GET', '/v1/feed?n=0')).hits).toHaveLength(0);
    await lab.call('GET', '/v1/feed?n=1', { authorization: 'Bearer alice-session' });
    expect((await lab.call('GET', '/v1/feed?n=1')).r.body).not.toContain('alice-session');
  });

  // Mechanism: anonymousBypass lists apiKey headers/query names and forward-auth request headers
  // of the spec's schemes, not a JWT scheme's own token header (x-gateway.header: X-Token; only
  // Authorization is bypassed, bypassAuthorization). The public /feed passes X-Token on as sent; a
  // backend that reads it answers for alice, nginx stores it under a key without X-Token, and the
  // next anonymous caller gets alice's answer. Class: public cache keyed without a credential
  // header of the spec (JWT in a custom header).
  it("a public cached route: the answer to a request carrying the spec's JWT header X-Token is never served to the next caller", async () => {
    const first = await lab.call('GET', '/v1/feed?n=2', { 'x-token': 'alice-token-aaaa' });
    expect(first.r.status).toBe(200);
    expect(first.hits).toHaveLength(1);
    const next = await lab.call('GET', '/v1/feed?n=2');
    expect(next.r.body, "the next caller was served alice's answer").not.toContain('alice-token-aaaa');
  });

  // Mechanism: with keyQuery: false the query is no part of the key; the bypass lists the spec's
  // API-key query names but not a bearer scheme's RFC 6750 query token (access_token, which
  // passport-http-bearer, Spring and Rack read; nginx strips and refuses it beside a verified token
  // on bearer routes, red team 3, but a public route passes it). alice's answer is stored and
  // served to the anonymous caller. Class: public cache and a query credential of the spec.
  it('a public cached route with keyQuery: false: the answer to ?access_token= is never served to the next caller', async () => {
    const first = await lab.call('GET', '/v1/news?access_token=alice-token-bbbb');
    expect(first.r.status).toBe(200);
    expect(first.hits).toHaveLength(1);
    const next = await lab.call('GET', '/v1/news');
    expect(next.r.body, "the next caller was served alice's answer").not.toContain('alice-token-bbbb');
  });

  // Mechanism: anonymousBypass adds a query API-key name only when it matches /^[A-Za-z0-9_]+$/
  // (an $arg_ variable name); the spec's own query key api-key (letters and '-', a name nginx
  // accepts for the scheme) is left out, so with keyQuery: false ?api-key=alice's answer is
  // stored and served to the next anonymous caller. Class: public cache and a query credential of the spec.
  it("a public cached route with keyQuery: false: the answer to the spec's query key ?api-key= is never served to the next caller", async () => {
    const first = await lab.call('GET', '/v1/news2?api-key=alice-key-cccc');
    expect(first.r.status).toBe(200);
    expect(first.hits).toHaveLength(1);
    const next = await lab.call('GET', '/v1/news2');
    expect(next.r.body, "the next caller was served alice's answer").not.toContain('alice-key-cccc');
  });

  // Attack generated from the spec's credential carriers (src/targets/credential-carriers.ts):
  // every carrier of every scheme, in every spelling a backend reads as it, on a public route keyed
  // without the query (pub), one keyed on it (pubq), and an optional cookie-key route's anonymous
  // entry (optc: its own cookie key is verified when sent; any other cookie is a session the
  // backend may read). Both directions: a credential's answer is never stored for the next caller,
  // and a credential request is never answered from the anonymous entry.
  describe('every credential carrier of the spec, in every spelling', async () => {
    const loaded = await gatewayOf(SPEC);
    let serial = 0;
    const variants = carrierVariants(loaded.gateway!, () => `alice-${++serial}-zz`);
    const at = (v: (typeof variants)[number], path: string) => `${path}${v.query ? `?${v.query}` : ''}`;
    const token = (v: (typeof variants)[number]) => /alice-\d+-zz/.exec(JSON.stringify(v))![0];
    for (const route of ['pub', 'pubq', 'optc']) {
      it.each(variants.map((v) => [v.label, v] as const))(`${route}: %s is never stored for, nor answered from, the shared entry`, async (_l, v) => {
        const n = `${route}-${++serial}`;
        const first = await lab.call('GET', at(v, `/v1/${route}/${n}`), v.headers, undefined, v.body);
        if (first.r.status === 200) expect(first.hits, 'answered from the cache').toHaveLength(1);
        // A carrier nginx never passes on (a header name with '_') cannot make the backend's answer differ.
        const reaches = first.hits.some((h) => JSON.stringify(h).includes(token(v)));
        const next = await lab.call('GET', `/v1/${route}/${n}`);
        expect(next.r.body, "the next caller was served the credential's answer").not.toContain(token(v));
        const m = `${route}-${++serial}`;
        await lab.call('GET', `/v1/${route}/${m}`);
        const again = await lab.call('GET', at(v, `/v1/${route}/${m}`), v.headers, undefined, v.body);
        if (again.r.status === 200 && reaches) expect(again.hits, 'a credential request answered from the anonymous entry').toHaveLength(1);
      });
    }
    it('control: anonymous callers of each route share one entry', async () => {
      for (const route of ['pub', 'pubq', 'optc']) {
        await lab.call('GET', `/v1/${route}/shared`);
        expect((await lab.call('GET', `/v1/${route}/shared`)).hits, route).toHaveLength(0);
      }
    });
  });
});
