/**
 * Red team of nginx request validation (x-gateway.validate, njs/validate.js) through a real nginx:
 * each row is an attack that tries to reach the backend with a request the schema forbids, to make
 * the validator read another request than the one proxied, or to crash or hang a worker (a 500 or a
 * timeout is a finding). A row says the status it must get and whether the backend may see it.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayOf } from '../helpers/spec.js';
import { compileOrThrow, freePort, fullOptions, NGINX, pointAt, prefixDir, send, startNginx, startStub, writeFiles, type RunningNginx, type Stub } from '../targets/nginx/harness.js';

const HOST = 'api.example.com';
const SPEC = `openapi: 3.0.3
info: { title: RT, version: "1" }
servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: rtv
  backends: { app: { url: http://app.internal:8080 } }
  defaults: { backend: app, public: true, bodyLimit: 64kb, validate: { body: true, parameters: true } }
paths:
  /things/{id}:
    get:
      operationId: getThing
      responses: { '200': { description: ok } }
      parameters:
        - { name: id, in: path, required: true, schema: { type: integer, minimum: 1 } }
        - { name: page_size, in: query, schema: { type: integer, maximum: 50 } }
        - { name: sort, in: query, required: true, schema: { type: string, enum: [asc, desc] } }
        - { name: sess_id, in: cookie, schema: { type: string, maxLength: 4 } }
    put:
      operationId: putThing
      responses: { '200': { description: ok } }
      parameters:
        - { name: id, in: path, required: true, schema: { type: integer, minimum: 1 } }
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              additionalProperties: false
              required: [n]
              properties:
                n: { type: integer, maximum: 10 }
                tree: { $ref: '#/components/schemas/Tree' }
                mail: { type: string, format: email }
                site: { type: string, format: uri }
                when: { type: string, format: date-time }
                host: { type: string, format: hostname }
                ip: { type: string, format: ipv6 }
  /plain/{id}:
    get:
      operationId: getPlain
      x-gateway: { validate: { body: false, parameters: true } }
      responses: { '200': { description: ok } }
      parameters:
        - { name: id, in: path, required: true, schema: { type: integer, minimum: 1 } }
        - { name: sort, in: query, required: true, schema: { type: string, enum: [asc, desc] } }
components:
  schemas:
    Tree:
      type: object
      additionalProperties: false
      properties: { c: { $ref: '#/components/schemas/Tree' } }
`;

interface Row { name: string; method: string; path: string; headers?: Record<string, string>; body?: string; status: number }
const CT = { 'content-type': 'application/json' };
const g = (name: string, query: string, status: number, extra: Partial<Row> = {}): Row => ({ name, method: 'GET', path: `/v1/things/5${query}`, status, ...extra });
const p = (name: string, body: string, status: number, headers: Record<string, string> = CT, path = '/v1/things/5'): Row => ({ name, method: 'PUT', path, headers, body, status });
const deep = (n: number) => `{"n":1,"tree":${'{"c":'.repeat(n)}{}${'}'.repeat(n)}}`;

const ROWS: Row[] = [
  g('valid', '?sort=asc&page_size=10', 200),
  // PHP reads a name's '.', ' ' and an unmatched '[' as '_' and drops leading spaces: page.size IS page_size there.
  g('PHP spelling: page.size', '?sort=asc&page_size=10&page.size=5000', 400),
  g('PHP spelling: page size (+)', '?sort=asc&page_size=10&page+size=5000', 400),
  g('PHP spelling: page[size', '?sort=asc&page_size=10&page[size=5000', 400),
  g('PHP spelling: leading space', '?sort=asc&page_size=10&%20page_size=5000', 400),
  g('PHP spelling alone (the validated name absent)', '?sort=asc&page.size=5000', 400),
  g('encoded name', '?sort=asc&page%5Fsize=5000', 400),
  // Cookies: PHP registers $_COOKIE names as it does query names (and URL-decodes them); ASP.NET ignores case.
  g('cookie valid', '?sort=asc', 200, { headers: { cookie: 'other=1; sess_id=ab' } }),
  g('cookie PHP spelling beside the name', '?sort=asc', 400, { headers: { cookie: 'sess_id=ab; sess.id=toolongvalue' } }),
  g('cookie PHP spelling alone', '?sort=asc', 400, { headers: { cookie: 'sess.id=toolongvalue' } }),
  g('cookie other case', '?sort=asc', 400, { headers: { cookie: 'sess_id=ab; Sess_Id=toolongvalue' } }),
  g('cookie encoded name', '?sort=asc', 400, { headers: { cookie: 'sess_id=ab; sess%5Fid=toolongvalue' } }),
  g('cookie array form', '?sort=asc', 400, { headers: { cookie: 'sess_id[]=toolongvalue' } }),
  g('cookie sent twice', '?sort=asc', 400, { headers: { cookie: 'sess_id=ab; sess_id=toolongvalue' } }),
  // Laravel's input() reads a JSON body first on any method: a body on a GET carries parameters.
  // (node sends a GET's body unframed unless told its length: the rows give Content-Length.)
  g('JSON body on a GET that declares none', '?sort=asc', 400, { headers: { ...CT, 'content-length': '32' }, body: '{"sort":"evil","page_size":5000}' }),
  g('form body on a GET that declares none', '?sort=asc', 400, { headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '9' }, body: 'sort=evil' }),
  g('JSON body on a GET validating parameters only', '', 400, { path: '/v1/plain/5?sort=asc', headers: { ...CT, 'content-length': '15' }, body: '{"sort":"evil"}' }),
  g('no body on a GET validating parameters only', '', 200, { path: '/v1/plain/5?sort=asc' }),
  g('body without a type on a GET', '?sort=asc', 400, { headers: { 'content-length': '9' }, body: 'sort=evil' }),
  // path normalisation: the validated value is the one proxied
  g('path: // before', '?sort=asc', 200, { path: '/v1//things/5?sort=asc' }),
  g('path: /./', '', 200, { path: '/v1/./things/5?sort=asc' }),
  g('path: %2e%2e back into the route', '', 400, { path: '/v1/things/9/%2e%2e/0?sort=asc' }),
  g('path: encoded digit', '', 200, { path: '/v1/things/%35?sort=asc' }),
  g('path: value with ;', '', 404, { path: '/v1/things/5;x=1?sort=asc' }), // no route: param-value.ts
  g('HEAD on a GET-only path (no HEAD operation)', '?sort=evil', 405, { method: 'HEAD' }),
  g('HEAD with valid parameters', '?sort=asc', 405, { method: 'HEAD' }),
  // body attacks
  p('valid body', '{"n":1}', 200),
  p('BOM before JSON', '\uFEFF{"n":99}', 400),
  p('comment in JSON', '{"n":1 /* ,"n":99 */}', 400),
  p('huge number over maximum', '{"n":1e400}', 400),
  p('big integer that rounds', '{"n":10.0000000000000000001}', 200),
  p('__proto__ key', '{"n":1,"__proto__":{"n":99}}', 400),
  p('deep nesting (stack)', deep(10000), 400),
  p('unterminated string (regex backtracking in the duplicate-key scan)', `{"n":1,"${'a'.repeat(60000)}`, 400),
  p('many escapes in an unterminated string', `{"n":1,"${'\\u0061'.repeat(9000)}`, 400),
  p('a long valid string (scanned for duplicate keys)', `{"n":1,"x":"${'a'.repeat(60000)}"}`, 400),
  p('a long valid string of escapes', `{"n":1,"x":"${'\\u0061'.repeat(9000)}"}`, 400),
  // Format checks run ajv-formats' expressions on caller text in njs's PCRE2 (a match limit is a 500).
  p('email: a long label without a dot', `{"n":1,"mail":"a@${'a'.repeat(40000)}!"}`, 400),
  p('email: many dots in the local part', `{"n":1,"mail":"${'a.'.repeat(20000)}@"}`, 400),
  // ajv-formats' own uri expression accepts 'http://a@@' too: valid, and no backtracking blow-up.
  p('uri: a long authority', `{"n":1,"site":"http://${'a'.repeat(40000)}@@"}`, 200),
  p('uri: a long path of escapes', `{"n":1,"site":"http://a/${'%aa'.repeat(13000)}%"}`, 400),
  p('date-time: long fraction', `{"n":1,"when":"2024-01-01T00:00:00.${'1'.repeat(40000)}X"}`, 400),
  p('hostname: long labels', `{"n":1,"host":"${'a-'.repeat(20000)}"}`, 400),
  p('ipv6: long', `{"n":1,"ip":"${'1:'.repeat(20000)}"}`, 400),
  p('deep arrays', `{"n":1,"x":${'['.repeat(30000)}${']'.repeat(30000)}}`, 400),
  p('content type with a space before ;', '{"n":99}', 400, { 'content-type': 'application/json ; x=1' }),
  p('+json type', '{"n":99}', 415, { 'content-type': 'application/vnd.x+json' }),
  p('no content type, JSON body', '{"n":99}', 415, {}),
  p('method override header', '{"n":1}', 200, { ...CT, 'x-http-method-override': 'DELETE' }),
  p('Expect: 100-continue', '{"n":99}', 400, { ...CT, expect: '100-continue' }),
];

/** A raw request (for framing attacks node's client will not send); the status line's code. */
function raw(port: number, text: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(text));
    let data = '';
    s.setTimeout(5000, () => { s.destroy(); resolve(-1); });
    s.on('data', (d) => { data += String(d); });
    s.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d+)/.exec(data)?.[1] ?? 0)));
    s.on('error', reject);
  });
}

describe.skipIf(!NGINX && process.env.CI !== 'true')('nginx request validation red team (real nginx)', () => {
  let app: Stub;
  let ng: RunningNginx;
  beforeAll(async () => {
    app = await startStub('app');
    const loaded = await gatewayOf(SPEC);
    expect(loaded.gateway, JSON.stringify(loaded.diagnostics)).toBeDefined();
    pointAt(loaded.gateway!, { app });
    const dir = prefixDir();
    const port = await freePort();
    writeFiles(dir, compileOrThrow(loaded.gateway!, fullOptions(dir, port)));
    ng = await startNginx(dir, port);
  });
  afterAll(async () => {
    await ng?.stop();
    await app?.close();
  });

  it('every attack row gets its status, and the backend sees only the 200s', async () => {
    const got: string[] = [];
    const want: string[] = [];
    for (const row of ROWS) {
      const before = app.hits.length;
      const r = await send(ng.port, row.method, row.path, { host: HOST, ...(row.headers ?? {}) }, row.body);
      got.push(`${row.name}: ${r.status} reached=${app.hits.length - before}`);
      want.push(`${row.name}: ${row.status} reached=${row.status === 200 ? 1 : 0}`);
    }
    if (process.env.GWC_RT_DEBUG) console.log(ng.errorLog());
    expect(got).toEqual(want);
    expect(ng.errorLog().split('\n').filter((l) => /\[(crit|alert|emerg)\]|js exception|RangeError/.test(l))).toEqual([]);
  });

  it('Transfer-Encoding with a Content-Length (smuggling) is refused before the backend', async () => {
    const before = app.hits.length;
    const body = '{"n":1}';
    const chunk = `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`;
    const status = await raw(ng.port, `PUT /v1/things/5 HTTP/1.1\r\nHost: ${HOST}\r\nContent-Type: application/json\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${chunk}`);
    expect(status).toBe(400);
    expect(app.hits.length - before).toBe(0);
  });

  it('a chunked body on a GET that declares none is refused too', async () => {
    const before = app.hits.length;
    const body = '{"sort":"evil"}';
    const status = await raw(ng.port, `GET /v1/things/5?sort=asc HTTP/1.1\r\nHost: ${HOST}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`);
    expect(status).toBe(400);
    expect(app.hits.length - before).toBe(0);
  });

  it('a valid body reaches the backend byte for byte (validated and proxied request are the same)', async () => {
    const r = await send(ng.port, 'PUT', '/v1/things/5?x=1', { host: HOST, ...CT }, '{"n":1}');
    expect(r.status).toBe(200);
    expect(r.json()).toMatchObject({ path: '/things/5?x=1', body: '{"n":1}' });
  });
});
