/**
 * Red-team catalogue, nginx identity-bound policies: variants the policy catalogues
 * (nginx-policies-*.test.ts) do not try. Real nginx, stub backend on loopback; every case asserts
 * the status and what the backend saw (DESIGN.md section 7.3 to 7.5).
 * - cache: query API keys, a key in query OR header, HEAD vs GET, Vary, POST bodies, encoded
 *   parameter spellings, query order, non-BMP parameters;
 * - rate limits: X-Forwarded-For/X-Real-IP never pick the bucket of `by: ip`;
 * - identity headers: every gwc target's consumer headers, forwarding headers, case/duplicates;
 * - path parameters: `%00`, `%2F`, `%2e%2e`, `\`, double encoding.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnosticsOf, HOST, NGINX, startPolicyLab, type PolicyLab } from './helpers/nginx-policies.js';
import { send } from '../targets/nginx/harness.js';

const ok = '{ "200": { description: ok } }';
const SPEC = `openapi: 3.1.0
info: { title: red team policies, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: rtp
  backends: { echo: { url: "http://echo.internal:8080/base", pathMatching: exact } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { qkey: "\${env:ALICE_KEY}", hkey: "\${env:ALICE_KEY}" } }
    bob: { credentials: { qkey: "\${env:BOB_KEY}", hkey: "\${env:BOB_KEY}" } }
paths:
  /cq: { get: { operationId: cq, security: [{ qkey: [] }], x-gateway: { cache: { ttl: 60s } }, responses: ${ok} } }
  /cor: { get: { operationId: cor, security: [{ qkey: [] }, { hkey: [] }], x-gateway: { cache: { ttl: 60s } }, responses: ${ok} } }
  /hg:
    get: { operationId: hgGet, x-gateway: { public: true, cache: { ttl: 60s } }, responses: ${ok} }
    head: { operationId: hgHead, x-gateway: { public: true, cache: { ttl: 60s } }, responses: ${ok} }
  /vary/{kind}: { get: { operationId: vary, x-gateway: { public: true, cache: { ttl: 60s } }, responses: ${ok} } }
  /files/{name}: { get: { operationId: file, x-gateway: { public: true, cache: { ttl: 60s } }, responses: ${ok} } }
  /lim: { get: { operationId: lim, x-gateway: { public: true, rateLimit: { requests: 3, per: minute, by: ip } }, responses: ${ok} } }
  /public: { get: { operationId: pub, x-gateway: { public: true }, responses: ${ok} } }
  /keyed: { get: { operationId: keyed, security: [{ hkey: [] }], responses: ${ok} } }
  /users/me: { get: { operationId: me, security: [{ hkey: [] }], responses: ${ok} } }
  /users/{id}: { get: { operationId: user, x-gateway: { public: true }, responses: ${ok} } }
  /form:
    post: { operationId: formPost, security: [{ hkey: [] }], responses: ${ok} }
    put: { operationId: formPut, security: [{ hkey: [] }], responses: ${ok} }
    get: { operationId: formGet, x-gateway: { public: true }, responses: ${ok} }
  /big: { post: { operationId: big, x-gateway: { public: true, bodyLimit: 4mb }, responses: ${ok} } }
  /declared:
    post:
      operationId: declared
      x-gateway: { public: true }
      parameters: [{ name: _method, in: query, schema: { type: string } }]
      responses: ${ok}
components:
  securitySchemes:
    qkey: { type: apiKey, in: query, name: api_key }
    hkey: { type: apiKey, in: header, name: x-api-key }
`;

const ALICE = 'alice-key-rt-1';
const BOB = 'bob-key-rt-2';

describe.skipIf(!NGINX)('nginx red team: identity-bound policies', () => {
  let lab: PolicyLab;
  beforeAll(async () => {
    lab = await startPolicyLab(SPEC, {
      env: { ALICE_KEY: ALICE, BOB_KEY: BOB },
      answer: (e): Record<string, string> | undefined => {
        const kind = e.path.match(/\/vary\/([a-z-]+)/)?.[1];
        if (kind === 'tenant') return { vary: 'X-Tenant' };
        if (kind === 'star') return { vary: '*' };
        return undefined;
      },
    });
  });
  afterAll(async () => lab?.stop());

  describe('cache', () => {
    it('API key in the query: Bob never gets the answer cached for Alice, and neither key reaches the backend', async () => {
      const a = await lab.call('GET', `/v1/cq?api_key=${ALICE}&x=1`);
      expect(a.r.status, a.r.body).toBe(200);
      expect(a.hits[0]!.path).toBe('/base/cq?x=1');
      expect((await lab.call('GET', `/v1/cq?api_key=${ALICE}&x=1`)).hits).toHaveLength(0);
      const b = await lab.call('GET', `/v1/cq?api_key=${BOB}&x=1`);
      expect(b.hits, 'bob was served alice\'s entry').toHaveLength(1);
      expect(b.hits[0]!.headers['x-consumer']).toBe('bob');
      // The key's spelling (encoded, another position) neither opens nor reuses another's entry.
      const enc = await lab.call('GET', `/v1/cq?x=1&api%5Fkey=${BOB}`);
      expect(enc.r.body).not.toContain('alice');
      const wrong = await lab.call('GET', `/v1/cq?api_key=nope&x=1`);
      expect(wrong.r.status).toBe(401);
      expect(wrong.hits).toEqual([]);
    });

    it('a key in the query OR in the header: the same consumer either way, another consumer never', async () => {
      const a = await lab.call('GET', `/v1/cor?api_key=${ALICE}`);
      expect(a.hits).toHaveLength(1);
      const b = await lab.call('GET', '/v1/cor', { 'x-api-key': BOB });
      expect(b.hits, 'bob (header) was served alice\'s (query) entry').toHaveLength(1);
      // Bob's query key plus Alice's header key: whoever is named, the answer is that caller's.
      const both = await lab.call('GET', `/v1/cor?api_key=${BOB}`, { 'x-api-key': ALICE });
      expect(both.r.status).toBe(200);
      const named = both.hits[0]?.headers['x-consumer'] ?? JSON.parse(both.r.body).headers['x-consumer'];
      expect(JSON.parse(both.r.body).headers['x-consumer']).toBe(named);
    });

    it('HEAD first never leaves an empty body for GET (methods are keyed apart)', async () => {
      const h = await lab.call('HEAD', '/v1/hg');
      expect(h.r.status).toBe(200);
      const g = await lab.call('GET', '/v1/hg');
      expect(g.r.status).toBe(200);
      expect(g.r.body.length).toBeGreaterThan(0);
      expect(JSON.parse(g.r.body).method).toBe('GET');
    });

    it('Vary from the backend is honoured: another X-Tenant gets its own answer; Vary: * is never served from the cache', async () => {
      const a = await lab.call('GET', '/v1/vary/tenant', { 'x-tenant': 'alice' });
      expect(a.hits).toHaveLength(1);
      expect((await lab.call('GET', '/v1/vary/tenant', { 'x-tenant': 'alice' })).hits).toHaveLength(0);
      const b = await lab.call('GET', '/v1/vary/tenant', { 'x-tenant': 'bob' });
      expect(b.hits, 'another tenant was served the first tenant\'s answer').toHaveLength(1);
      expect((await lab.call('GET', '/v1/vary/star')).hits).toHaveLength(1);
      expect((await lab.call('GET', '/v1/vary/star')).hits).toHaveLength(1);
    });

    it('POST is never cached (the key holds no body): refused at the cache line', async () => {
      const diags = await diagnosticsOf(SPEC.replace('/public: { get: { operationId: pub, x-gateway: { public: true }', '/public: { post: { operationId: pub, x-gateway: { public: true, cache: { ttl: 60s, methods: [POST] } }'));
      expect(diags.filter((d) => d.severity === 'error').map((d) => d.message).join('\n')).toMatch(/cache\.methods/);
    });

    it.each([
      ['/v1/files/a%2Bb', '/v1/files/a+b'],
      ['/v1/files/a%3Db', '/v1/files/a=b'],
      ['/v1/files/%F0%9F%98%80', '/v1/files/%f0%9f%98%80'],
      ['/v1/files/a%7cb', '/v1/files/a%7Cb'],
    ])('spellings nginx decodes alike share an entry only because the backend reads them alike (%s, %s)', async (x, y) => {
      const first = await lab.call('GET', x);
      expect(first.r.status).toBe(200);
      const second = await lab.call('GET', y);
      expect(second.r.status).toBe(200);
      // Either the second is a miss, or it is a hit whose answer is what the backend gives for it.
      const upstreamOfFirst = JSON.parse(first.r.body).path;
      if (second.hits.length === 0) {
        const direct = await lab.call('GET', `${y}${y.includes('?') ? '&' : '?'}fresh=1`);
        expect(direct.hits[0]!.path.replace(/\?fresh=1$/, '')).toBe(upstreamOfFirst);
      }
    });

    it('query order, encoding and a "|" are separate entries, each the backend\'s own answer', async () => {
      const a = await lab.call('GET', '/v1/files/q?a=1&b=2');
      const b = await lab.call('GET', '/v1/files/q?b=2&a=1');
      expect(a.hits).toHaveLength(1);
      expect(b.hits).toHaveLength(1);
      expect((await lab.call('GET', '/v1/files/q%7Ca=1?b=2')).hits).toHaveLength(1);
      expect((await lab.call('GET', '/v1/files/q?a=1%7Cb=2')).hits).toHaveLength(1);
    });
  });

  describe('rate limits keyed on the client address', () => {
    it('X-Forwarded-For, X-Real-IP and Forwarded never choose the bucket of by: ip', async () => {
      const out: number[] = [];
      for (let i = 0; i < 6; i++) {
        const r = await lab.call('GET', '/v1/lim', { 'x-forwarded-for': `10.0.0.${i}`, 'x-real-ip': `10.0.1.${i}`, forwarded: `for=10.0.2.${i}` }, '127.0.0.21');
        out.push(r.r.status);
      }
      expect(out).toEqual([200, 200, 200, 429, 429, 429]);
    });
  });

  describe('identity and forwarding headers a client sends', () => {
    // Headers some gwc target sets for the backend after verification (Kong: X-Consumer-*,
    // X-Credential-Identifier, X-Authenticated-*, X-Anonymous-*; nginx: X-Consumer,
    // X-Authenticated-Scheme): a backend written for gwc may be deployed behind any target.
    const forged: Record<string, string> = {
      'x-consumer': 'admin',
      'x-authenticated-scheme': 'admin-scheme',
      'x-consumer-id': 'c-1',
      'x-consumer-custom-id': 'admin',
      'x-consumer-username': 'admin',
      'x-consumer-groups': 'admin',
      'x-credential-identifier': 'admin-key',
      'x-credential-username': 'admin',
      'x-authenticated-userid': 'admin',
      'x-authenticated-groups': 'admin',
      'x-authenticated-scope': 'admin',
      'x-anonymous-consumer': 'false',
      'x-anonymous-groups': 'admin',
    };

    it.each(['/v1/public', '/v1/keyed'])('on %s none of them reaches the backend as the client wrote it', async (path) => {
      const { r, hits } = await lab.call('GET', path, { ...forged, 'x-api-key': ALICE });
      expect(r.status, r.body).toBe(200);
      const seen = hits[0]!.headers;
      for (const [h, v] of Object.entries(forged)) expect(seen[h], `${path} ${h}`).not.toBe(v);
    });

    it('forwarding headers: the gateway\'s own values win over a client\'s', async () => {
      const { hits } = await lab.call('GET', '/v1/public', {
        'x-forwarded-host': 'admin.internal',
        'x-forwarded-proto': 'https',
        'x-forwarded-port': '8443',
        'x-forwarded-prefix': '/admin',
        'x-real-ip': '10.0.0.1',
        forwarded: 'for=10.0.0.1;host=admin.internal;proto=https',
      });
      const seen = hits[0]!.headers;
      expect(seen['x-forwarded-host']).toBe(HOST);
      expect(seen['x-forwarded-proto']).toBe('http');
      expect(seen['x-real-ip'] ?? '127.0.0.1').toBe('127.0.0.1');
      expect(seen.forwarded ?? '').not.toContain('10.0.0.1');
      expect(seen['x-forwarded-prefix']).toBeUndefined();
      expect(seen['x-forwarded-port']).toBeUndefined();
    });
  });

  describe('_method in a request body (Rack, Laravel, Symfony, Express method-override read it)', () => {
    const post = (path: string, body: string | Buffer, type?: string, method = 'POST') =>
      send(lab.ng.port, method, path, { host: HOST, 'x-api-key': ALICE, ...(type ? { 'content-type': type } : {}) }, body as string);
    const refused = async (body: string, type: string | undefined, status = 400, path = '/v1/form', method = 'POST') => {
      const before = lab.backend.hits.length;
      const r = await post(path, body, type, method);
      expect(r.status, `${type} ${body.slice(0, 80)}: ${r.body.slice(0, 200)}`).toBe(status);
      expect(lab.backend.hits.slice(before), 'the backend received the override').toEqual([]);
    };
    const passed = async (body: string | Buffer, type: string | undefined, path = '/v1/form') => {
      const before = lab.backend.hits.length;
      const r = await post(path, body, type);
      expect(r.status, r.body.slice(0, 200)).toBe(200);
      const hits = lab.backend.hits.slice(before);
      expect(hits).toHaveLength(1);
      expect(hits[0]!.body === String(body), 'the body reached the backend changed').toBe(true);
      return hits[0]!;
    };
    const FORM = 'application/x-www-form-urlencoded';

    it.each([
      '_method=DELETE',
      'a=1&_method=DELETE',
      'a=1;_method=DELETE',
      '_METHOD=delete',
      '%5Fmethod=DELETE',
      '_%6Dethod=DELETE',
      '.method=DELETE',
      '+method=DELETE',
      '%20_method=DELETE',
      '_method[]=DELETE',
      '[method=DELETE',
      '_method',
    ])('urlencoded %s is refused (400), never proxied', async (body) => {
      await refused(body, FORM);
      await refused(body, `${FORM}; charset=UTF-8`);
    });

    it('a body with no Content-Type (Rack parses it as a form) and a PUT are refused too', async () => {
      await refused('_method=DELETE', undefined);
      await refused('_method=DELETE', FORM, 400, '/v1/form', 'PUT');
    });

    it.each([
      'form-data; name="_method"',
      'form-data; name=_method',
      'form-data; NAME="_Method"',
      "form-data; name*=utf-8''%5Fmethod",
      'form-data; name=".method"',
    ])('multipart part %s is refused', async (disposition) => {
      const body = `--XyZ\r\nContent-Disposition: ${disposition}\r\n\r\nDELETE\r\n--XyZ--\r\n`;
      await refused(body, 'multipart/form-data; boundary=XyZ');
    });

    it.each(['{"_method":"DELETE"}', '{"a":1,"\\u005fmethod":"DELETE"}', '{"a":{"_method":"DELETE"}}'])('JSON %s is refused (Laravel reads JSON input)', async (body) => {
      await refused(body, 'application/json');
      await refused(body, 'application/vnd.api+json');
    });

    it('ordinary bodies pass unchanged, including the word method in values and other keys', async () => {
      await passed('a=1&method=x&note=_method', FORM);
      await passed('{"method":"card","note":"_method=DELETE"}', 'application/json');
      await passed(`--XyZ\r\nContent-Disposition: form-data; name="file"; filename="_method"\r\n\r\n_method=DELETE\r\n--XyZ--\r\n`, 'multipart/form-data; boundary=XyZ');
      // Bodies no framework reads as parameters are not inspected.
      await passed('_method=DELETE', 'text/plain');
      await passed('_method=DELETE', 'application/octet-stream');
      await passed('', FORM);
    });

    it('a form too large to inspect in memory is refused (413), a large binary body still passes', async () => {
      const big = `a=${'x'.repeat(1_100_000)}&_method=DELETE`;
      await refused(big, FORM, 413, '/v1/big');
      await passed('x'.repeat(1_100_000), 'application/octet-stream', '/v1/big');
      await passed(`a=${'x'.repeat(200_000)}`, FORM, '/v1/big');
    });

    it('an operation that declares _method gets it, in the query and the body', async () => {
      await passed('_method=DELETE', FORM, '/v1/declared');
    });

    it('GET routes are not held up (no body inspection)', async () => {
      const { r, hits } = await lab.call('GET', '/v1/form');
      expect(r.status).toBe(200);
      expect(hits).toHaveLength(1);
    });
  });

  describe('path parameters', () => {
    it.each([
      ['/v1/users/me%00', [400, 404]],
      ['/v1/users/me%2F', [404]],
      ['/v1/users/%2e%2e', [404]],
      ['/v1/users/%2E', [404]],
      ['/v1/users/.%2e/me', [401, 404]],
      ['/v1/users/x/..%2Fme', [401]],
      // A value holding `\`, `%`, `;` or a control byte takes no route, as on Kong and Traefik
      // (src/targets/param-value.ts; red team 16): they were forwarded as one opaque segment.
      ['/v1/users/me%5C', [404]],
      ['/v1/users/me%253B', [404]],
      ['/v1/users/me%3b', [404]],
      ['/v1/users/me%09', [404]],
    ])('%s never reaches the backend as a public request', async (path, statuses) => {
      const { r, hits } = await lab.call('GET', path);
      expect(statuses, `${path}: ${r.status} ${r.body}`).toContain(r.status);
      expect(hits).toEqual([]);
    });

    it.each([
      ['/v1/users/%C0%AE%C0%AE', '/base/users/%C0%AE%C0%AE'],
      ['/v1/users/m%65', '/base/users/me'],
    ])('%s reaches the backend as %s (one opaque segment)', async (path, want) => {
      const { r, hits } = await lab.call('GET', path);
      // m%65 decodes to the protected literal: nginx routes it there (401), never to the public route.
      if (want === '/base/users/me') {
        expect(r.status).toBe(401);
        expect(hits).toEqual([]);
        return;
      }
      expect(r.status, r.body).toBe(200);
      expect(hits[0]!.path).toBe(want);
    });
  });
});
