/**
 * nginx (real traffic), NGX7: the variants of NGX6's body-check admission hole
 * (ngx6-nginx-body-admission.test.ts). The dispatch admitted a route (`set $<gw>_admit N`) before
 * its body check (b/N) or validation (c/N) ran, so any path from a refused check back into the
 * route's own steps reached the backend with the refused request. Closed by a pending marker: the
 * dispatch sets `bN`, only the njs check's success turns it into `N`, r/N (and the verify location
 * of a per-consumer limited route) admits only `N`.
 * Variants: the refusal's internal redirect by `error_page 400 413 415` to a named location (method
 * and body kept) or to a URI; into r/N on a public route, a route whose auth check runs in r/N
 * (valid credentials), a validated route (c/N), and into the verify location of a limited route; a
 * client header, query argument or cookie spelled like the marker; a backend's X-Accel-Redirect
 * (where a hand edit lets nginx follow it) into a body check, its own route's or another's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, HOST, NGINX, startPolicyLab, type PolicyLab } from './helpers/nginx-policies.js';

const ok = '{ "200": { description: ok } }';
const PW = 'alice-pw-ngx7';
const SPEC = `openapi: 3.1.0
info: { title: body admission variants, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: ngx7
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { basic: { username: alice, password: "\${env:A_PW}" } } }
paths:
  /upload: { post: { operationId: upload, x-gateway: { public: true }, responses: ${ok} } }
  /big: { post: { operationId: big, x-gateway: { public: true, bodyLimit: 2mb }, responses: ${ok} } }
  /basic-up: { post: { operationId: basicUp, security: [{ basic: [] }], responses: ${ok} } }
  /lim-up: { post: { operationId: limUp, security: [{ basic: [] }], x-gateway: { rateLimit: { requests: 100, per: minute, by: consumer } }, responses: ${ok} } }
  /valid:
    post:
      operationId: valid
      x-gateway: { public: true, validate: { body: true } }
      requestBody: { required: true, content: { application/json: { schema: { type: object, properties: { n: { type: integer, maximum: 10 } } } } } }
      responses: ${ok}
  /pub: { get: { operationId: pub, x-gateway: { public: true }, responses: ${ok} } }
  /pub-up: { get: { operationId: pubUp, x-gateway: { public: true }, responses: ${ok} } }
components:
  securitySchemes:
    basic: { type: http, scheme: basic }
`;
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const ALICE = basic('alice', PW);

/** The number of operation `op`'s internal location of `kind` (b: body check, c: validation, v: verify, r: route). */
function indexOf(conf: string, op: string, kind: string): string {
  const m = new RegExp(`# [^\\n]*\\(${op}\\)[^\\n]*\\n(?:    #[^\\n]*\\n)*    location = /_gwc_internal/${kind}/(\\d+) \\{`).exec(conf);
  if (!m) throw new Error(`no ${kind} location of ${op}`);
  return m[1]!;
}

/** In `op`'s check location `kind`, its refusals (400, 413, 415) go on to `to` of the same route, by a named location (method and body kept) or a URI. */
function refusalTo(conf: string, op: string, kind: 'b' | 'c', to: 'r' | 'v', named = true): string {
  const n = indexOf(conf, op, kind);
  const head = `    location = /_gwc_internal/${kind}/${n} {\n`;
  const target = `/_gwc_internal/${to}/${n}`;
  const name = `@ngx7_${op}`;
  const page = named ? `        error_page 400 413 415 = ${name};\n` : `        error_page 400 413 415 = ${target};\n`;
  return conf.replace(head, `${named ? `    location ${name} { rewrite ^ ${target} last; }\n` : ''}${head}${page}`);
}

const EDIT = (conf: string): string => {
  let c = conf;
  c = refusalTo(c, 'upload', 'b', 'r');
  c = refusalTo(c, 'big', 'b', 'r');
  c = refusalTo(c, 'basicUp', 'b', 'r');
  c = refusalTo(c, 'limUp', 'b', 'v');
  c = refusalTo(c, 'valid', 'c', 'r');
  return c;
};

describe.skipIf(!NGINX)('nginx: a refused body check or validation never reaches its route by an internal redirect (pending admission)', () => {
  let lab: PolicyLab;
  let uri: PolicyLab;
  let accel: PolicyLab;
  let indexOfUpload = '';
  beforeAll(async () => {
    lab = await startPolicyLab(SPEC, { env: { A_PW: PW }, confEdit: EDIT });
    uri = await startPolicyLab(SPEC, { env: { A_PW: PW }, confEdit: (c) => refusalTo(c, 'upload', 'b', 'r', false) });
    // nginx follows a backend's X-Accel-Redirect (gwc's proxy_ignore_headers removed): /pub's
    // backend sends the request into upload's body check, /upload's backend into its own.
    accel = await startPolicyLab(SPEC, {
      env: { A_PW: PW },
      confEdit: (c) => {
        indexOfUpload = indexOf(c, 'upload', 'b');
        return c.replace('    proxy_ignore_headers X-Accel-Redirect;\n', '');
      },
      answer: (echo) => (echo.path === '/pub' ? { 'X-Accel-Redirect': `/_gwc_internal/b/${indexOfUpload}` } : echo.path === '/pub-up' ? { 'X-Accel-Redirect': `/_gwc_internal/r/${indexOfUpload}` } : undefined),
    });
  });
  afterAll(async () => {
    await lab?.stop();
    await uri?.stop();
    await accel?.stop();
  });

  it('controls: clean requests pass every edited route', async () => {
    expect((await lab.call('POST', '/v1/upload', FORM, undefined, 'a=1')).r.status).toBe(200);
    expect((await lab.call('POST', '/v1/big', FORM, undefined, `a=${'x'.repeat(1024)}`)).r.status).toBe(200);
    expect((await lab.call('POST', '/v1/basic-up', { ...FORM, ...ALICE }, undefined, 'a=1')).r.status).toBe(200);
    expect((await lab.call('POST', '/v1/lim-up', { ...FORM, ...ALICE }, undefined, 'a=1')).r.status).toBe(200);
    expect((await lab.call('POST', '/v1/valid', { 'content-type': 'application/json' }, undefined, '{"n":1}')).r.status).toBe(200);
    expect((await lab.call('POST', '/v1/basic-up', FORM, undefined, 'a=1')).r.status).toBe(401);
  });

  const refused: Array<[string, string, Record<string, string>, string, string]> = [
    ['400: _method in a form, public route', '/v1/upload', FORM, '_method=DELETE', '/upload'],
    ['415: JSON in UTF-7 naming _method, public route', '/v1/upload', { 'content-type': 'application/json; charset=utf-7' }, '{"+AF8-method":"DELETE"}', '/upload'],
    ['413: a form spooled past the check buffer (bodyLimit 2mb), public route', '/v1/big', FORM, `a=${'x'.repeat(1536 * 1024)}&_method=DELETE`, '/big'],
    ['400: _method in a form, auth in r/N, valid credentials', '/v1/basic-up', { ...FORM, ...ALICE }, '_method=DELETE', '/basic-up'],
    ['400: _method in a form, verified route (limit by consumer), valid credentials', '/v1/lim-up', { ...FORM, ...ALICE }, '_method=DELETE', '/lim-up'],
    ['400: validation refuses the body (n > 10)', '/v1/valid', { 'content-type': 'application/json' }, '{"n":99}', '/valid'],
    ['400: validation refuses _method in the JSON body', '/v1/valid', { 'content-type': 'application/json' }, '{"n":1,"_method":"DELETE"}', '/valid'],
  ];
  for (const [name, path, headers, body, backendPath] of refused) {
    it(`error_page to a named location: ${name}`, async () => {
      const { r, hits } = await lab.call('POST', path, headers, undefined, body);
      expect(hits.filter((h) => h.path === backendPath), 'the backend received the request the check refused').toEqual([]);
      expect([400, 403, 413, 415]).toContain(r.status);
    });
  }

  it('error_page to the route location by URI (method becomes GET)', async () => {
    const { r, hits } = await uri.call('POST', '/v1/upload', FORM, undefined, '_method=DELETE');
    expect(hits).toEqual([]);
    expect([400, 403]).toContain(r.status);
  });

  it('a client header, argument or cookie spelled like the marker admits nothing', async () => {
    for (const [q, extra] of [
      ['?gwc_ngx7_admit=3&admit=3', {}],
      ['', { 'X-Gwc-Route': '3', 'X-Gwc-Admit': '3', Cookie: 'gwc_ngx7_admit=3' }],
    ] as Array<[string, Record<string, string>]>) {
      const { r, hits } = await lab.call('POST', `/v1/upload${q}`, { ...FORM, ...extra }, undefined, '_method=DELETE');
      expect(hits).toEqual([]);
      expect([400, 403]).toContain(r.status);
    }
  });

  it("a backend's X-Accel-Redirect into a body check or a route location is refused", async () => {
    for (const p of ['/v1/pub', '/v1/pub-up']) {
      const { r, hits } = await accel.call('GET', p);
      expect(hits.filter((h) => h.path === '/upload'), `${p}: upload's backend reached`).toEqual([]);
      expect(r.status).toBe(403);
    }
  });
});
