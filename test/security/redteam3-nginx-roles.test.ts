/**
 * Red team 3, nginx roles (DESIGN.md 7.1, 7.2): another consumer's credential on a role-restricted
 * route through every place a key can be (header, query, cookie) and the spellings a backend reads
 * alike; a consumer in two groups; roles on OR and AND alternatives; optional auth with roles; and
 * who the backend is told the caller is when an AND is met by two consumers' credentials. Real
 * nginx, stub backend on loopback; every refused request is checked never to reach the backend.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, HOST, NGINX, startLab, type AuthLab } from './helpers/nginx-auth.js';
import { send } from '../targets/nginx/harness.js';
import { QUERY_NAME_RULE, queryNameAsRead } from '../../src/targets/query-names.js';

const ok = '{ "200": { description: ok } }';
const K = {
  A_H: 'alice-h-0001', A_Q: 'alice-q-0001', A_C: 'alice-c-0001', A_PW: 'alice-pw-0001',
  B_H: 'bob-h-0002', B_Q: 'bob-q-0002', B_C: 'bob-c-0002', B_PW: 'bob-pw-0002',
  C_H: 'carol-h-0003',
};

const SPEC = `openapi: 3.1.0
info: { title: red team 3 roles, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: rt3r
  backends: { echo: { url: "http://echo.internal:8080", pathMatching: exact } }
  defaults: { backend: echo }
  consumers:
    alice: { groups: [admin], credentials: { hkey: "\${env:A_H}", qkey: "\${env:A_Q}", ckey: "\${env:A_C}", basic: { username: alice, password: "\${env:A_PW}" } } }
    bob: { groups: [ops], credentials: { hkey: "\${env:B_H}", qkey: "\${env:B_Q}", ckey: "\${env:B_C}", basic: { username: bob, password: "\${env:B_PW}" } } }
    carol: { groups: [ops, admin], credentials: { hkey: "\${env:C_H}" } }
paths:
  /r/h: { get: { operationId: rh, security: [{ hkey: [admin] }], responses: ${ok} } }
  /r/q: { get: { operationId: rq, security: [{ qkey: [admin] }], responses: ${ok} }, post: { operationId: rqPost, security: [{ qkey: [admin] }], responses: ${ok} } }
  /r/c: { get: { operationId: rc, security: [{ ckey: [admin] }], responses: ${ok} } }
  /r/qv: { post: { operationId: rqv, security: [{ qkey: [admin] }], x-gateway: { validate: true }, requestBody: { content: { application/json: { schema: { type: object } } } }, responses: ${ok} } }
  /r/or: { get: { operationId: ror, security: [{ hkey: [admin] }, { basic: [admin] }], responses: ${ok} } }
  /r/or-mixed: { get: { operationId: rorMixed, security: [{ hkey: [admin] }, { qkey: [] }], responses: ${ok} } }
  /r/and: { get: { operationId: rand, security: [{ hkey: [admin], basic: [] }], responses: ${ok} } }
  /r/both-groups: { get: { operationId: rboth, security: [{ hkey: [admin, ops] }], responses: ${ok} } }
  /r/opt-h: { get: { operationId: roptH, security: [{}, { hkey: [admin] }], responses: ${ok} } }
  /r/opt-q: { get: { operationId: roptQ, security: [{}, { qkey: [admin] }], responses: ${ok} } }
  /r/opt-c: { get: { operationId: roptC, security: [{}, { ckey: [admin] }], responses: ${ok} } }
  /r/opt-b: { get: { operationId: roptB, security: [{}, { basic: [admin] }], responses: ${ok} } }
components:
  securitySchemes:
    hkey: { type: apiKey, in: header, name: X-Key }
    qkey: { type: apiKey, in: query, name: api_key }
    ckey: { type: apiKey, in: cookie, name: sid }
    basic: { type: http, scheme: basic }
`;

describe.skipIf(!NGINX)('red team 3: nginx roles', () => {
  let lab: AuthLab;
  beforeAll(async () => {
    lab = await startLab(SPEC, { env: K });
  });
  afterAll(async () => lab?.stop());

  /** Status of one call; a refused call must not have reached the backend. */
  const status = async (path: string, headers: Record<string, string> = {}) => {
    const { r, hits } = await lab.call('GET', path, headers);
    if (r.status !== 200) expect(hits, `${path}: the backend was reached on ${r.status}`).toEqual([]);
    return r.status;
  };
  const consumerSeen = async (path: string, headers: Record<string, string> = {}) => {
    const { r, hits } = await lab.call('GET', path, headers);
    return { status: r.status, consumer: hits[0]?.headers['x-consumer'] };
  };

  it('control: alice (admin) passes from every place', async () => {
    expect(await status('/v1/r/h', { 'x-key': K.A_H })).toBe(200);
    expect(await status(`/v1/r/q?api_key=${K.A_Q}`)).toBe(200);
    expect(await status('/v1/r/c', { cookie: `sid=${K.A_C}` })).toBe(200);
  });

  it("bob's own key (ops) is 403 on the admin route from every place, never reaching the backend", async () => {
    expect(await status('/v1/r/h', { 'x-key': K.B_H })).toBe(403);
    expect(await status(`/v1/r/q?api_key=${K.B_Q}`)).toBe(403);
    expect(await status('/v1/r/c', { cookie: `sid=${K.B_C}` })).toBe(403);
  });

  it("bob's key beside alice's, in spellings a backend reads as the same name, never passes as alice", async () => {
    const q = [
      `api_key=${K.B_Q}&api_key=${K.A_Q}`, `api_key=${K.A_Q}&API_KEY=${K.B_Q}`, `api_key=${K.A_Q};api_key=${K.B_Q}`,
      `api_key=${K.A_Q}&api%5Fkey=${K.B_Q}`, `api_key=${K.A_Q}&api.key=${K.B_Q}`, `api_key=${K.A_Q}&api+key=${K.B_Q}`,
      `api_key=${K.A_Q}&%20api_key=${K.B_Q}`,
    ];
    for (const query of q) expect(await status(`/v1/r/q?${query}`), query).not.toBe(200);
    const c = [`sid=${K.A_C}; sid=${K.B_C}`, `sid=${K.A_C}; SID=${K.B_C}`, `sid=${K.A_C}; sid%20=${K.B_C}`, `sid=${K.A_C}; s%69d=${K.B_C}`, `sid=${K.A_C}; sid =${K.B_C}`];
    for (const cookie of c) expect(await status('/v1/r/c', { cookie }), cookie).not.toBe(200);
  });

  // Mechanism: runtime.js nameAsRead() reads `[` as `_` (PHP's unmatched bracket) but not PHP's and
  // Rack's array form: `api_key[]=v` / `api_key[0]=v` / `sid[]=v` are $_GET['api_key'] / params[:api_key]
  // at the backend, yet the gateway neither counts them as the credential (credentialPairs) nor strips
  // them (cleanArgs / cleanCookies): bob's key reaches the backend beside alice's verified one.
  it("FIXED: bob's key in the array form of the query credential's name (api_key[]=, api_key%5B%5D=, api_key[0]=) never reaches the backend beside alice's", async () => {
    for (const query of [`api_key=${K.A_Q}&api_key[]=${K.B_Q}`, `api_key=${K.A_Q}&api_key%5B%5D=${K.B_Q}`, `api_key=${K.A_Q}&api_key[0]=${K.B_Q}`]) {
      const { r, hits } = await lab.call('GET', `/v1/r/q?${query}`);
      if (r.status === 200) expect(hits[0]!.path, query).not.toContain(K.B_Q);
    }
  });

  it("FIXED: bob's key in the array form of the cookie credential's name (sid[]=) never reaches the backend beside alice's", async () => {
    const { r, hits } = await lab.call('GET', '/v1/r/c', { cookie: `sid=${K.A_C}; sid[]=${K.B_C}` });
    if (r.status === 200) expect(hits[0]!.headers.cookie ?? '', 'cookie').not.toContain(K.B_C);
  });

  // Same mechanism on an optional route: the array form is no present credential, so the request
  // passes as anonymous with bob's (non-admin, unverified) key in it for the backend to read.
  it('FIXED: optional auth with roles: the array form of the query credential (api_key[]=) is verified, never passed on as anonymous', async () => {
    const q = await lab.call('GET', `/v1/r/opt-q?api_key[]=${K.B_Q}`);
    if (q.r.status === 200) expect(q.hits[0]!.path).not.toContain(K.B_Q);
  });

  it('FIXED: optional auth with roles: the array form of the cookie credential (sid[]=) is verified, never passed on as anonymous', async () => {
    const c = await lab.call('GET', '/v1/r/opt-c', { cookie: `sid[]=${K.B_C}` });
    if (c.r.status === 200) expect(c.hits[0]!.headers.cookie ?? '').not.toContain(K.B_C);
  });

  // Mechanism: credentialPairs/cleanCookies split the Cookie header on ";" only, while Rack 2.x
  // (parse_cookies_header splits on ";" and ","), Tomcat's legacy cookie processor and other
  // RFC 2109 readers also split on ",": "x=1, sid=<bob>" is one cookie x to the gateway, a sid to them.
  it("FIXED: bob's cookie key after a ',' (x=1, sid=...) never reaches the backend beside alice's verified sid", async () => {
    const { r, hits } = await lab.call('GET', '/v1/r/c', { cookie: `x=1, sid=${K.B_C}; sid=${K.A_C}` });
    if (r.status === 200) expect(hits[0]!.headers.cookie ?? '', 'cookie').not.toContain(K.B_C);
  });

  it("FIXED: optional auth with roles: a cookie key after a ',' (x=1, sid=...) is verified, never passed on as anonymous", async () => {
    const { r, hits } = await lab.call('GET', '/v1/r/opt-c', { cookie: `x=1, sid=${K.B_C}` });
    if (r.status === 200) expect(hits[0]!.headers.cookie ?? '').not.toContain(K.B_C);
  });

  // Mechanism: the query credential is verified and stripped from the query only; Rails' params,
  // PHP's $_REQUEST and Laravel's input() merge a form (or JSON) body over the query, so an api_key
  // in the body is the key the backend reads (the bearer access_token form-body case of red team 2
  // is the same class). Fixed: on a route with a query key the body check (njs bodyCheck, 1 MiB
  // buffer) refuses a form, multipart or JSON body naming it as the query-name table reads it (400).
  /** One request through nginx: its status and what the backend got (nothing, when refused). */
  const post = async (method: string, path: string, contentType: string | undefined, body: string) => {
    const before = lab.backend.hits.length;
    // Content-Length always: Node sends a GET's body without one (nor chunked), which no server reads as a body.
    const r = await send(lab.ng.port, method, path, { host: HOST, 'content-length': String(Buffer.byteLength(body)), ...(contentType ? { 'content-type': contentType } : {}) }, body);
    const hits = lab.backend.hits.slice(before);
    if (r.status !== 200) expect(hits, `${path}: the backend was reached on ${r.status}`).toEqual([]);
    return { status: r.status, hits };
  };
  const FORM = 'application/x-www-form-urlencoded';

  it("FIXED: a POST with alice's query key and bob's api_key in a form body never hands the backend bob's key (400 before the backend)", async () => {
    const { status, hits } = await post('POST', `/v1/r/q?api_key=${K.A_Q}`, FORM, `api_key=${K.B_Q}`);
    expect(status).toBe(400);
    expect(hits).toEqual([]);
  });

  it("variants: every spelling of the query-name table in a form body, a multipart name, a JSON key, a GET's body, a form without Content-Type: 400, never at the backend", async () => {
    // One spelling per reading of src/targets/query-names.ts (QUERY_NAME_RULE), as a form field name
    // (bodyNames decodes %XX and '+' first, as PHP does), each read as api_key by the table itself.
    const spellings = [
      ...(QUERY_NAME_RULE.asciiCaseFold ? ['API_KEY', 'Api_Key'] : []),
      ...[...QUERY_NAME_RULE.asUnderscore].map((c) => encodeURIComponent(`api${c}key`)),
      ...(QUERY_NAME_RULE.arrayForm ? ['api_key%5B%5D', 'api_key[0]', 'api_key[a][b]'] : []),
      ...[...QUERY_NAME_RULE.blanks].map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}api_key`),
      ...(QUERY_NAME_RULE.plusIsSpace ? ['api+key', '+api_key'] : []),
      ...(QUERY_NAME_RULE.percentDecode ? ['api%5Fkey', '%61pi_key'] : []),
      ...((QUERY_NAME_RULE as Record<string, unknown>).nulEnds ? ['api_key%00x'] : []),
    ];
    for (const name of spellings) {
      expect(queryNameAsRead(name), name).toBe('api_key');
      expect((await post('POST', `/v1/r/q?api_key=${K.A_Q}`, FORM, `a=1&${name}=${K.B_Q}`)).status, name).toBe(400);
    }
    const multipart = 'multipart/form-data; boundary=XyZ';
    const part = (n: string) => `--XyZ\r\nContent-Disposition: form-data; name="${n}"\r\n\r\n${K.B_Q}\r\n--XyZ--\r\n`;
    for (const n of ['api_key', 'API.KEY', 'api_key[]']) expect((await post('POST', `/v1/r/q?api_key=${K.A_Q}`, multipart, part(n))).status, n).toBe(400);
    for (const json of [`{"api_key":"${K.B_Q}"}`, `{"x":1,"API_KEY":"${K.B_Q}"}`, `{"api\\u005fkey":"${K.B_Q}"}`]) {
      expect((await post('POST', `/v1/r/q?api_key=${K.A_Q}`, 'application/json', json)).status, json).toBe(400);
    }
    // Every method (Rack parses a form body on a GET too), and a body without Content-Type (Rack reads a form).
    expect((await post('GET', `/v1/r/q?api_key=${K.A_Q}`, FORM, `api_key=${K.B_Q}`)).status).toBe(400);
    expect((await post('POST', `/v1/r/q?api_key=${K.A_Q}`, undefined, `api_key=${K.B_Q}`)).status).toBe(400);
    // Alone (no query key at all): refused too, never passed on for the backend to read.
    expect((await post('POST', '/v1/r/q', FORM, `api_key=${K.B_Q}`)).status).toBe(400);
  });

  it('a validated route (x-gateway validate: one njs handler reads the body, validate.js) refuses the key in its body alike; a body without it passes', async () => {
    for (const json of [`{"api_key":"${K.B_Q}"}`, `{"x":{"API.KEY":"${K.B_Q}"}}`, `{"api_key[]":"${K.B_Q}"}`]) {
      expect((await post('POST', `/v1/r/qv?api_key=${K.A_Q}`, 'application/json', json)).status, json).toBe(400);
    }
    // A form body is no media type of the operation (415 from the validator first): refused either way, never at the backend.
    expect((await post('POST', `/v1/r/qv?api_key=${K.A_Q}`, FORM, `api_key=${K.B_Q}`)).status).not.toBe(200);
    const { status, hits } = await post('POST', `/v1/r/qv?api_key=${K.A_Q}`, 'application/json', '{"name":"x"}');
    expect(status).toBe(200);
    expect(hits[0]!.body).toBe('{"name":"x"}');
  });

  it('held: a body without the key passes whole to the backend with alice verified; a body past the 1 MiB check buffer is 413 (controls)', async () => {
    for (const [ct, body] of [[FORM, 'name=x&x_api_key=1&api_keys=2&key=3'], ['application/json', '{"name":"x","apikey":"y","data":{"api":"key"}}'], ['text/plain', `api_key=${K.B_Q}`]] as const) {
      const { status, hits } = await post('POST', `/v1/r/q?api_key=${K.A_Q}`, ct, body);
      expect(status, body).toBe(200);
      expect(hits[0]!.body, body).toBe(body);
      expect(hits[0]!.path, 'the verified query key is stripped').not.toContain(K.A_Q);
    }
    expect((await post('POST', `/v1/r/q?api_key=${K.A_Q}`, FORM, `a=${'x'.repeat(1024 * 1024 + 16)}`)).status).toBe(413);
  });

  it('variants: array/hash forms and comma-separated cookies beside the verified key never reach the backend; alone on optional routes they are verified', async () => {
    for (const query of [`api_key=${K.A_Q}&api_key[a][b]=${K.B_Q}`, `api_key=${K.A_Q}&API_KEY[]=${K.B_Q}`, `api_key=${K.A_Q}&api.key%5B0%5D=${K.B_Q}`, `api_key=${K.A_Q}&x=1;api_key[]=${K.B_Q}`]) {
      const { r, hits } = await lab.call('GET', `/v1/r/q?${query}`);
      if (r.status === 200) expect(hits[0]!.path, query).not.toContain(K.B_Q);
      const o = await lab.call('GET', `/v1/r/opt-q?${query.replace(/^api_key=[^&]*&/, '')}`);
      expect(o.r.status, query).not.toBe(200);
    }
    for (const cookie of [`sid=${K.A_C}; sid%5B%5D=${K.B_C}`, `sid=${K.A_C}; SID[x]=${K.B_C}`, `sid=${K.A_C}; a=1,sid=${K.B_C}`, `sid=${K.A_C}; a=1 , sid[]=${K.B_C}`]) {
      const { r, hits } = await lab.call('GET', '/v1/r/c', { cookie });
      if (r.status === 200) expect(hits[0]!.headers.cookie ?? '', cookie).not.toContain(K.B_C);
      const o = await lab.call('GET', '/v1/r/opt-c', { cookie: cookie.replace(/^sid=[^;]*; /, '') });
      expect(o.r.status, cookie).not.toBe(200);
    }
  });

  it('variants: an AND of two consumers is refused whichever item comes first; one consumer still passes', async () => {
    expect(await status('/v1/r/and', { 'x-key': K.B_H, ...basic('alice', K.A_PW) })).not.toBe(200);
    expect(await status('/v1/r/and', { 'x-key': K.C_H, ...basic('alice', K.A_PW) })).not.toBe(200);
    expect(await consumerSeen('/v1/r/and', { 'x-key': K.A_H, ...basic('alice', K.A_PW) })).toEqual({ status: 200, consumer: 'alice' });
  });

  it('a consumer in two groups holds both; [admin, ops] needs both', async () => {
    expect(await status('/v1/r/h', { 'x-key': K.C_H })).toBe(200);
    expect(await status('/v1/r/both-groups', { 'x-key': K.C_H })).toBe(200);
    expect(await status('/v1/r/both-groups', { 'x-key': K.A_H })).toBe(403);
    expect(await status('/v1/r/both-groups', { 'x-key': K.B_H })).toBe(403);
  });

  it('OR of two role-restricted alternatives: the non-admin fails both; an admin of either passes as that admin', async () => {
    expect(await status('/v1/r/or', { 'x-key': K.B_H })).toBe(403);
    expect(await status('/v1/r/or', basic('bob', K.B_PW))).toBe(403);
    expect(await status('/v1/r/or', { 'x-key': K.B_H, ...basic('bob', K.B_PW) })).toBe(403);
    expect(await consumerSeen('/v1/r/or', { 'x-key': K.B_H, ...basic('alice', K.A_PW) })).toEqual({ status: 200, consumer: 'alice' });
  });

  it('OR of an admin alternative and a role-less one: bob passes the role-less one, and is told as bob', async () => {
    expect(await consumerSeen(`/v1/r/or-mixed?api_key=${K.B_Q}`, { 'x-key': K.B_H })).toEqual({ status: 200, consumer: 'bob' });
    expect(await status('/v1/r/or-mixed', { 'x-key': K.B_H })).toBe(403);
  });

  it('optional auth with roles: a present non-admin credential is 403 (never let through anonymous), in every place', async () => {
    expect(await status('/v1/r/opt-h', { 'x-key': K.B_H })).toBe(403);
    expect(await status(`/v1/r/opt-q?api_key=${K.B_Q}`)).toBe(403);
    expect(await status('/v1/r/opt-c', { cookie: `sid=${K.B_C}` })).toBe(403);
    expect(await status('/v1/r/opt-b', basic('bob', K.B_PW))).toBe(403);
    // Spellings of the credential's name a backend reads alike are present credentials: verified, so refused.
    for (const q of [`API_KEY=${K.B_Q}`, `api%5fkey=${K.B_Q}`, `api.key=${K.B_Q}`, `api_key=`]) expect(await status(`/v1/r/opt-q?${q}`), q).not.toBe(200);
    for (const c of [`SID=${K.B_C}`, `sid =${K.B_C}`, 'sid=']) expect(await status('/v1/r/opt-c', { cookie: c }), c).not.toBe(200);
    expect(await status('/v1/r/opt-h', { 'x-key': '' })).not.toBe(200);
    // Anonymous is anonymous: no consumer told.
    expect(await consumerSeen('/v1/r/opt-h')).toEqual({ status: 200, consumer: undefined });
  });

  // Mechanism: runtime.js decide() names the FIRST consumer of the alternative (items sorted by
  // scheme name: basic before hkey) while each item checks its roles against its own consumer:
  // alice's admin key with bob's password passes /r/and ({hkey: [admin], basic: []}), and the
  // backend is told X-Consumer: bob, a consumer without the role the route requires. Either one
  // consumer must meet the whole AND, or the consumer told must be the one whose roles were checked.
  it("FIXED: an AND met by two consumers' credentials (alice's admin key, bob's password) never tells the backend a caller lacking the route's role", async () => {
    const seen = await consumerSeen('/v1/r/and', { 'x-key': K.A_H, ...basic('bob', K.B_PW) });
    if (seen.status === 200) expect(seen.consumer, 'the backend was told bob on an admin-only route').toBe('alice');
    else expect([401, 403]).toContain(seen.status);
  });

  it('held: an AND met by one consumer tells that consumer', async () => {
    expect(await consumerSeen('/v1/r/and', { 'x-key': K.A_H, ...basic('alice', K.A_PW) })).toEqual({ status: 200, consumer: 'alice' });
    expect(await status('/v1/r/and', { 'x-key': K.B_H, ...basic('alice', K.A_PW) })).toBe(403);
  });
});
