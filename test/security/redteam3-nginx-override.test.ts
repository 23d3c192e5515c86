/**
 * Red team 3, nginx method override in a multipart body (DESIGN.md 7.5; README: `_method` refused
 * (400) "also in a form, multipart or JSON body"). runtime.js bodyOverrides reads each part's
 * Content-Disposition from one physical line and a name quoted with `"` or bare; PHP's multipart
 * parser (main/rfc1867.c, which Laravel and Symfony read `_method` from) also takes a name quoted
 * with `'` (php_ap_getword_conf) and a header continued on the next line (obsolete folding).
 * A public POST beside a keyed DELETE of one backend path: a `_method=DELETE` nginx lets through
 * runs the DELETE handler for an anonymous caller. Real nginx, stub backend on loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send } from '../targets/nginx/harness.js';
import { HOST, NGINX, startLab, type AuthLab } from './helpers/nginx-auth.js';

const ok = '{ "200": { description: ok } }';
const SPEC = `openapi: 3.1.0
info: { title: red team 3 override, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: rt3o
  backends: { echo: { url: "http://echo.internal:8080", pathMatching: exact } }
  defaults: { backend: echo }
  consumers:
    admin: { credentials: { hkey: "\${env:ADMIN_KEY}" } }
paths:
  /things:
    post: { operationId: postThing, x-gateway: { public: true }, responses: ${ok} }
    delete: { operationId: deleteThing, security: [{ hkey: [] }], responses: ${ok} }
components:
  securitySchemes:
    hkey: { type: apiKey, in: header, name: X-Key }
`;

const B = 'rt3boundary';
const multipart = (dispositionLines: string) => `--${B}\r\n${dispositionLines}\r\n\r\nDELETE\r\n--${B}--\r\n`;

describe.skipIf(!NGINX)('red team 3: nginx _method in a multipart body', () => {
  let lab: AuthLab;
  beforeAll(async () => {
    lab = await startLab(SPEC, { env: { ADMIN_KEY: 'admin-key-rt3-0001' } });
  });
  afterAll(async () => lab?.stop());

  const postMultipart = async (body: string) => {
    const before = lab.backend.hits.length;
    const r = await send(lab.ng.port, 'POST', '/v1/things', { host: HOST, 'content-type': `multipart/form-data; boundary=${B}` }, body);
    return { status: r.status, hits: lab.backend.hits.slice(before) };
  };

  it('control: name="_method" and name=_method are refused (400), the backend never reached', async () => {
    for (const line of ['Content-Disposition: form-data; name="_method"', 'Content-Disposition: form-data; name=_method', 'content-disposition: form-data; NAME="_method"']) {
      const { status, hits } = await postMultipart(multipart(line));
      expect(status, line).toBe(400);
      expect(hits).toEqual([]);
    }
  });

  it('control: a harmless multipart body passes', async () => {
    const { status } = await postMultipart(multipart('Content-Disposition: form-data; name="title"'));
    expect(status).toBe(200);
  });

  // Mechanism: the unquoted branch of bodyOverrides' name regex takes `'_method'` with its quotes,
  // which METHOD_KEY (^[\s_.[]+method) does not match; PHP strips the single quotes.
  it("FIXED: name='_method' (single-quoted, as PHP's multipart parser reads it) is refused", async () => {
    const { status, hits } = await postMultipart(multipart("Content-Disposition: form-data; name='_method'"));
    expect(status).toBe(400);
    expect(hits).toEqual([]);
  });

  // Mechanism: bodyOverrides matches `content-disposition:[^\r\n]*`, one physical line; a header
  // folded onto the next line (leading space) carries the name past it, and PHP joins the lines.
  it('FIXED: a Content-Disposition folded onto a second line (name="_method" after CRLF SP) is refused', async () => {
    const { status, hits } = await postMultipart(multipart('Content-Disposition: form-data;\r\n name="_method"'));
    expect(status).toBe(400);
    expect(hits).toEqual([]);
  });
});

describe.skipIf(!NGINX)('red team 3 variants: nginx multipart names as PHP reads them (quotes, folding)', () => {
  let lab: AuthLab;
  beforeAll(async () => {
    lab = await startLab(SPEC, { env: { ADMIN_KEY: 'admin-key-rt3-0001' } });
  });
  afterAll(async () => lab?.stop());

  it('variants: single quotes with spaces/escapes/unterminated, folding by tab, by several lines, name folded after =, mixed case: 400, backend never reached', async () => {
    const lines = [
      "Content-Disposition: form-data; name = '_method'",
      "Content-Disposition: form-data; NAME='.method'",
      "Content-Disposition: form-data; name='_method",
      "Content-Disposition: form-data; name=_method'",
      "Content-Disposition: form-data; name='%5Fmethod'",
      "Content-Disposition: form-data; name=' _method'",
      'Content-Disposition: form-data;\r\n\tname="_method"',
      'Content-Disposition:\r\n form-data;\r\n \tname="_method"',
      'Content-Disposition: form-data; filename="a";\r\n name=_method',
      "content-disposition: form-data;\n name='_method'",
    ];
    for (const line of lines) {
      const before = lab.backend.hits.length;
      const body = `--${B}\r\n${line}\r\n\r\nDELETE\r\n--${B}--\r\n`;
      const r = await send(lab.ng.port, 'POST', '/v1/things', { host: HOST, 'content-type': `multipart/form-data; boundary=${B}` }, body);
      expect(r.status, line).toBe(400);
      expect(lab.backend.hits.slice(before), line).toEqual([]);
    }
  });

  it("control: a single-quoted harmless name passes", async () => {
    const body = `--${B}\r\nContent-Disposition: form-data; name='title'\r\n\r\nx\r\n--${B}--\r\n`;
    const r = await send(lab.ng.port, 'POST', '/v1/things', { host: HOST, 'content-type': `multipart/form-data; boundary=${B}` }, body);
    expect(r.status).toBe(200);
  });

  it('variants: leading spaces in the query (any number, + or %20, then _ . [ or their escapes): 400', async () => {
    for (const q of ['+++_method=DELETE', '%20%20%5Fmethod=DELETE', '+%2Emethod=DELETE', 'a=1&+_method=DELETE', 'a=1;%20.method=DELETE', '+[method=DELETE', '+_METHOD=DELETE', '+_method[]=DELETE']) {
      const before = lab.backend.hits.length;
      const r = await send(lab.ng.port, 'POST', `/v1/things?${q}`, { host: HOST, 'content-type': 'application/json' }, '{}');
      expect(r.status, q).toBe(400);
      expect(lab.backend.hits.slice(before), q).toEqual([]);
    }
  });

  it('control: a query name merely containing method passes', async () => {
    const r = await send(lab.ng.port, 'POST', '/v1/things?payment_method=card&methods=1', { host: HOST, 'content-type': 'application/json' }, '{}');
    expect(r.status).toBe(200);
  });
});

describe.skipIf(!NGINX)('red team 3: nginx _method in the query after leading spaces', () => {
  let lab: AuthLab;
  beforeAll(async () => {
    lab = await startLab(SPEC, { env: { ADMIN_KEY: 'admin-key-rt3-0001' } });
  });
  afterAll(async () => lab?.stop());

  const postQuery = async (query: string) => {
    const before = lab.backend.hits.length;
    const r = await send(lab.ng.port, 'POST', `/v1/things?${query}`, { host: HOST, 'content-type': 'application/json' }, '{}');
    return { status: r.status, hits: lab.backend.hits.slice(before) };
  };

  it('control: _method, .method, " method" and %5Fmethod in the query are refused (400)', async () => {
    for (const q of ['_method=DELETE', '.method=DELETE', '+method=DELETE', '%5Fmethod=DELETE', '_method[]=DELETE']) {
      const { status, hits } = await postQuery(q);
      expect(status, q).toBe(400);
      expect(hits).toEqual([]);
    }
  });

  // Mechanism: the $args map allows exactly ONE character ([_. +[] or its escape) before "method",
  // while PHP's php_register_variable_ex first drops every leading space, then reads "." and " " as
  // "_": " _method", "  _method" and " .method" are $_GET['_method'] (Symfony/Laravel read it on a
  // POST). runtime.js METHOD_KEY (^[\s_.[]+method) already takes a run of them for bodies.
  it('FIXED: " _method" / " .method" (leading spaces, as PHP strips them) in the query are refused (400)', async () => {
    for (const q of ['+_method=DELETE', '%20_method=DELETE', '++_method=DELETE', '%20.method=DELETE']) {
      const { status, hits } = await postQuery(q);
      expect(status, q).toBe(400);
      expect(hits, q).toEqual([]);
    }
  });
});
