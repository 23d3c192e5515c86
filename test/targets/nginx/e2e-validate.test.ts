/**
 * Request validation through a real nginx (x-gateway validate, issue #19; fixtures/validate): typed
 * path, query and header parameters and a JSON body (nested objects, enums, formats, oneOf, $ref,
 * a recursive schema). Each row is a request and the status it gets; the backend sees exactly the
 * rows answered 200, and every 400 names the failing field in an RFC 9457 problem. Attack rows:
 * duplicate JSON keys, a body over the limit, content types that only look like JSON, a chunked
 * body, a parameter smuggled in a second occurrence (or under another spelling).
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileOrThrow, freePort, fullOptions, loadFixture, NGINX, pointAt, prefixDir, send, startNginx, startStub, writeFiles, type RunningNginx, type Stub } from './harness.js';

const HOST = 'api.example.com';
const UUID = '123e4567-e89b-12d3-a456-426614174000';
const ITEM = { name: 'ab', kind: 'book', owner: { email: 'a@b.co' } };
const json = (v: unknown) => JSON.stringify(v);
const withItem = (extra: Record<string, unknown>) => json({ ...ITEM, ...extra });

interface Row {
  name: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  status: number;
  /** The failing field the problem names: `in:name` for a parameter, `body:#/pointer` for the body. */
  field?: string;
}

const CT = { 'content-type': 'application/json' };
const GET_OK = { 'x-request-id': UUID };
const put = (name: string, body: string | undefined, status: number, field?: string, headers: Record<string, string> = CT): Row => ({ name, method: 'PUT', path: '/v1/items/5', headers, ...(body !== undefined ? { body } : {}), status, ...(field ? { field } : {}) });
const get = (name: string, query: string, status: number, field?: string, headers: Record<string, string> = GET_OK, id = '5'): Row => ({ name, method: 'GET', path: `/v1/items/${id}${query}`, headers, status, ...(field ? { field } : {}) });

const ROWS: Row[] = [
  // parameters
  get('valid GET', '?sort=asc', 200),
  get('all parameters', '?sort=desc&limit=100&tags=ab&tags=cd', 200),
  get('required query parameter missing', '', 400, 'query:sort'),
  get('enum violated', '?sort=up', 400, 'query:sort'),
  get('integer too small', '?sort=asc&limit=0', 400, 'query:limit'),
  get('integer not a number', '?sort=asc&limit=ten', 400, 'query:limit'),
  get('integer with a fraction', '?sort=asc&limit=1.5', 400, 'query:limit'),
  get('array item pattern', '?sort=asc&tags=AB', 400, 'query:tags'),
  get('array too long', '?sort=asc&tags=a&tags=b&tags=c&tags=d', 400, 'query:tags'),
  get('path parameter below minimum', '?sort=asc', 400, 'path:itemId', GET_OK, '0'),
  get('path parameter not an integer', '?sort=asc', 400, 'path:itemId', GET_OK, 'abc'),
  get('required header missing', '?sort=asc', 400, 'header:X-Request-Id', {}),
  get('header format (uuid)', '?sort=asc', 400, 'header:X-Request-Id', { 'x-request-id': 'not-a-uuid' }),
  get('malformed percent-encoding', '?sort=asc&x=%zz', 400, 'query:'),
  // attack: a second occurrence the backend may read instead of the validated one
  get('second occurrence', '?sort=asc&sort=evil', 400, 'query:sort'),
  get('second occurrence, other case', '?sort=asc&Sort=evil', 400, 'query:sort'),
  get('second occurrence, [] suffix', '?sort=asc&sort[]=evil', 400, 'query:sort'),
  get('second occurrence, encoded name', '?sort=asc&%73ort=evil', 400, 'query:sort'),
  // Rack 2 (Rails <= 7.0) reads `[sort]`, `]sort`, `sort]` as params['sort'] (normalize_params), the last winning.
  get('second occurrence, Rack 2 brackets [sort]', '?sort=asc&[sort]=evil', 400, 'query:sort'),
  get('second occurrence, Rack 2 brackets %5Dsort', '?sort=asc&%5Dsort=evil', 400, 'query:sort'),
  get('second occurrence, Rack 2 brackets sort]', '?sort=asc&sort]=evil', 400, 'query:sort'),
  get('second occurrence of a scalar limit', '?sort=asc&limit=5&limit=500', 400, 'query:limit'),
  get('second occurrence after a ; (older Rack, Python, Go split there)', '?sort=asc;sort=evil', 400, 'query:sort'),
  get('a ; inside another parameter is no occurrence', '?sort=asc&note=a;b', 200),
  // body
  put('valid body', withItem({}), 200),
  put('media type case and utf-8 charset', withItem({}), 200, undefined, { 'content-type': 'Application/JSON; charset=UTF-8' }),
  put('nullable price', withItem({ price: null }), 200),
  put('oneOf: pickup', withItem({ shipping: { store: 'x' } }), 200),
  put('recursive parts', withItem({ parts: [{ label: 'a', parts: [{ label: 'b', parts: [] }] }] }), 200),
  put('date format', withItem({ owner: { email: 'a@b.co', since: '2024-02-29' } }), 200),
  put('body missing', undefined, 400, 'body:'),
  put('not JSON', '{"name": ', 400, 'body:'),
  put('enum violated', withItem({ kind: 'music' }), 400, 'body:#/kind'),
  put('required property missing', json({ name: 'ab', kind: 'book' }), 400, 'body:#/owner'),
  put('nested required property missing', withItem({ owner: {} }), 400, 'body:#/owner/email'),
  put('nested format (email)', withItem({ owner: { email: 'nope' } }), 400, 'body:#/owner/email'),
  put('nested format (date)', withItem({ owner: { email: 'a@b.co', since: '2023-02-29' } }), 400, 'body:#/owner/since'),
  put('additional property', withItem({ color: 'red' }), 400, 'body:#/color'),
  put('minimum', withItem({ price: -1 }), 400, 'body:#/price'),
  put('oneOf: both branches', withItem({ shipping: { store: 'x', address: 'y' } }), 400, 'body:#/shipping'),
  put('oneOf: neither branch', withItem({ shipping: {} }), 400, 'body:#/shipping'),
  put('deep recursion type', withItem({ parts: [{ label: 'a', parts: [{ label: 7 }] }] }), 400, 'body:#/parts/0/parts/0/label'),
  put('maxLength in code points', withItem({ name: 'é'.repeat(41) }), 400, 'body:#/name'),
  // attack rows on the body
  put('duplicate key (the backend may keep the first)', '{"name":"ab","kind":"book","owner":{"email":"a@b.co"},"kind":"bad"}', 400, 'body:'),
  put('duplicate key, escaped spelling', '{"name":"ab","kind":"book","owner":{"email":"a@b.co"},"\\u006bind":"bad"}', 400, 'body:'),
  put('duplicate nested key', '{"name":"ab","kind":"book","owner":{"email":"a@b.co","email":"x"}}', 400, 'body:'),
  put('text/plain carrying JSON', withItem({}), 415, 'body:', { 'content-type': 'text/plain' }),
  put('no content type', withItem({}), 415, 'body:', {}),
  put('a JSON-looking type', withItem({}), 415, 'body:', { 'content-type': 'application/json-patch+json' }),
  put('json as a suffix of another type', withItem({}), 415, 'body:', { 'content-type': 'text/html; x=application/json' }),
  put('another charset', withItem({}), 415, 'body:', { 'content-type': 'application/json; charset=iso-8859-1' }),
  put('a content coding', withItem({}), 415, 'body:', { 'content-type': 'application/json', 'content-encoding': 'gzip' }),
  put('two Content-Type headers', withItem({}), 400, 'body:', { 'content-type': ['application/json', 'text/plain'] as unknown as string }),
  put('body over the 4kb limit', withItem({ name: 'a'.repeat(5000) }), 413),
  // the operation turns parameter checks off, and another route validates nothing
  { name: 'body-only route ignores parameters', method: 'POST', path: '/v1/items?anything=1&anything=2', headers: CT, body: withItem({}), status: 200 },
  { name: 'body-only route checks the body', method: 'POST', path: '/v1/items', headers: CT, body: withItem({ kind: 'x' }), status: 400, field: 'body:#/kind' },
  { name: 'validate: false', method: 'POST', path: '/v1/notes', headers: CT, body: '{"a":1,"a":2}', status: 200 },
];

/** A chunked request (no Content-Length), body in two chunks. */
function chunked(port: number, path: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'PUT', path, headers: { host: HOST, 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, agent: false }, (res) => {
      let data = '';
      res.on('data', (d) => (data += String(d)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
    });
    req.on('error', reject);
    req.write(body.slice(0, 10));
    req.write(body.slice(10));
    req.end();
  });
}

/** The field a problem names, in the rows' `in:name` / `body:#/pointer` spelling. */
function fieldOf(problem: { errors: Array<{ in: string; name?: string; pointer?: string }> }): string {
  const e = problem.errors[0]!;
  return e.in === 'body' ? `body:${e.pointer ?? ''}` : `${e.in}:${e.name ?? ''}`;
}

describe.skipIf(!NGINX)('request validation through a real nginx', () => {
  let app: Stub;
  let ng: RunningNginx;

  beforeAll(async () => {
    app = await startStub('app');
    const gateway = await loadFixture('validate');
    pointAt(gateway, { app });
    const dir = prefixDir();
    const port = await freePort();
    writeFiles(dir, compileOrThrow(gateway, fullOptions(dir, port)));
    ng = await startNginx(dir, port);
  });
  afterAll(async () => {
    await ng?.stop();
    await app?.close();
  });

  it('answers each row as specified, names the field, and proxies exactly the valid ones', async () => {
    const got: string[] = [];
    const want: string[] = [];
    for (const row of ROWS) {
      const before = app.hits.length;
      const r = await send(ng.port, row.method, row.path, { host: HOST, ...(row.headers ?? {}) }, row.body);
      let field = '';
      if (r.status === 400 || r.status === 415) {
        expect(r.headers['content-type'], row.name).toBe('application/problem+json');
        const p = JSON.parse(r.body) as { type: string; title: string; status: number; detail: string; errors: Array<{ in: string; name?: string; pointer?: string }> };
        expect(p, row.name).toMatchObject({ type: 'about:blank', status: r.status });
        field = fieldOf(p);
      }
      const reached = app.hits.length - before;
      got.push(`${row.name}: ${r.status} ${field} reached=${reached}`);
      want.push(`${row.name}: ${row.status} ${row.field ?? ''} reached=${row.status === 200 ? 1 : 0}`);
    }
    expect(got).toEqual(want);
    // nginx logs the 413 row itself as an error; nothing else may be logged (an njs exception would be).
    expect(ng.errorLog().split('\n').filter((l) => /\[(error|crit|alert|emerg)\]/.test(l) && !/too large/.test(l))).toEqual([]);
  });

  it('a mock route is validated before it answers', async () => {
    expect((await send(ng.port, 'GET', '/v1/ping?n=1', { host: HOST })).body).toBe('{"pong":true}');
    const bad = await send(ng.port, 'GET', '/v1/ping?n=one', { host: HOST });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).errors[0]).toMatchObject({ in: 'query', name: 'n' });
  });

  it("a schema that lets _method through still has the body's _method refused, in the same handler", async () => {
    const before = app.hits.length;
    const patch = (body: string, ct = 'application/json') => send(ng.port, 'PATCH', '/v1/notes/n1', { host: HOST, 'content-type': ct }, body);
    expect((await patch('{"_method":"DELETE"}')).status).toBe(400);
    expect((await patch('{"\\u005fmethod":"DELETE"}')).status).toBe(400);
    // A form is not a media type the operation declares: refused before its _method is read.
    expect((await patch('_method=DELETE', 'application/x-www-form-urlencoded')).status).toBe(415);
    expect(app.hits.length - before).toBe(0);
    const ok = await send(ng.port, 'PATCH', '/v1/notes/n1?v=2', { host: HOST, ...CT }, '{"text":"hi"}');
    expect(ok.status).toBe(200);
    expect(ok.json()).toMatchObject({ path: '/notes/n1?v=2', body: '{"text":"hi"}' });
    expect((await send(ng.port, 'PATCH', '/v1/notes/toolongid', { host: HOST, ...CT }, '{}')).status).toBe(400);
  });

  it('a chunked body is read and validated like any other', async () => {
    const before = app.hits.length;
    const ok = await chunked(ng.port, '/v1/items/5', withItem({}));
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body).body).toBe(withItem({}));
    const bad = await chunked(ng.port, '/v1/items/5', withItem({ kind: 'music' }));
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).errors[0]).toMatchObject({ in: 'body', pointer: '#/kind' });
    expect(app.hits.length - before).toBe(1);
  });

  it('the backend receives the valid body and query unchanged', async () => {
    const r = await send(ng.port, 'GET', '/v1/items/5?sort=asc&tags=ab&tags=cd', { host: HOST, ...GET_OK });
    expect(r.status).toBe(200);
    expect(r.json().path).toBe('/items/5?sort=asc&tags=ab&tags=cd');
  });

  it('a route behind the _method body check gets its query too (the check redirected without it)', async () => {
    const r = await send(ng.port, 'POST', '/v1/notes?a=1&b=%2F', { host: HOST, ...CT }, '{"x":1}');
    expect(r.status).toBe(200);
    expect(r.json().path).toBe('/notes?a=1&b=%2F');
    const v = await send(ng.port, 'PUT', '/v1/items/5?a=1', { host: HOST, ...CT }, withItem({}));
    expect(v.status).toBe(200);
    expect(v.json().path).toBe('/items/5?a=1');
  });
});
