/**
 * Kong passes a request header whose name is Transfer-Encoding or Content-Length spelt with `_`
 * (`Transfer_Encoding`, `content_LENGTH`) to the backend: Kong's nginx runs
 * `underscores_in_headers on`, its header parser matches the framing headers by their exact `-`
 * name only, so such a line is an unknown header, proxied as sent beside the Content-Length nginx
 * writes for the body it read. A backend that reads header names with `_` as `-` (the CGI
 * convention: Puma < 6.4.3, Unicorn and Thin put `Transfer_Encoding` in HTTP_TRANSFER_ENCODING and
 * Puma then reads the body as chunked; WSGI servers likewise) sees a second framing of the body:
 * request smuggling on Kong's kept-alive upstream connection, where the smuggled request reaches
 * the backend without any of the route's plugins. Closed in the header-family chunk
 * (header-family.ts), the first chunk of every proxied route's pre-function: a line whose name so
 * reads and holds `_` is refused (400), as name-readings.ts refuses `Content_Type`.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileGateway } from '../../src/api.js';
import { HEADER_FAMILY_MARK, headerFamilyLua, readHeaderFamily } from '../../src/targets/kong/header-family.js';
import { gatewayOf } from '../helpers/spec.js';
import { evaluate, type DeckDoc, type OracleRequest } from '../targets/kong/kong-oracle.js';
import { runHeaderChunk } from '../targets/kong/lua-headers.js';

const HOST = 'api.test';
const ok = '{ "200": { description: ok } }';
const SPEC = `openapi: 3.1.0
info: { title: kong framing spellings, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: kfs
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    carol: { credentials: { qkey: "\${env:CAROL_KEY}" } }
paths:
  /q: { post: { operationId: qPost, security: [{ qkey: [] }], responses: ${ok} } }
  /p: { post: { operationId: pPost, x-gateway: { public: true }, responses: ${ok} } }
  /m:
    post:
      operationId: mPost
      x-gateway: { public: true }
      parameters: [{ name: _method, in: query, schema: { type: string } }]
      responses: ${ok}
components:
  securitySchemes:
    qkey: { type: apiKey, in: query, name: api_key }
`;
const ENV = { DECK_CAROL_KEY: 'carol-key-3' };

/** A header name as a CGI-style backend reads it (Puma < 6.4.3, Unicorn, Thin, WSGI): upper case, `-` as `_`. */
const cgi = (name: string) => `HTTP_${name.toUpperCase().replace(/-/g, '_')}`;

describe('Kong: Transfer-Encoding and Content-Length spelt with _ never reach the backend', async () => {
  const loaded = await gatewayOf(SPEC);
  const built = compileGateway(loaded.gateway!, 'kong', {});
  const doc = parse(built.files.find((f) => f.path === 'kong.yaml')?.contents ?? '') as DeckDoc;
  const send = (route: 'q' | 'p' | 'm', lines: Array<[string, string]>) => {
    const repeated: Record<string, string[]> = {};
    for (const [k, v] of lines) (repeated[k] ??= []).push(v);
    return evaluate(doc, { method: 'POST', host: HOST, path: `/v1/${route}`, ...(route === 'q' ? { rawQuery: 'api_key=carol-key-3' } : {}), headers: { 'content-type': 'text/plain' }, repeated, body: '0\r\n\r\nGET /admin HTTP/1.1\r\n' } as OracleRequest, ENV);
  };
  const SPELLINGS: Array<[string, string]> = [
    ['Transfer_Encoding', 'chunked'], ['transfer_encoding', 'chunked'], ['TRANSFER_ENCODING', 'chunked'], ['Transfer_encoding', 'gzip, chunked'],
    ['Content_Length', '0'], ['content_length', '5'], ['CONTENT_LENGTH', '99'],
  ];

  it('builds; control: the dash spellings and other underscore headers pass', () => {
    expect(built.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual([]);
    for (const r of ['q', 'p', 'm'] as const) {
      expect(send(r, []).status, r).toBe(200);
      expect(send(r, [['Transfer-Encoding', 'chunked']]).status, r).toBe(200);
      expect(send(r, [['X_Request_Id', 'a'], ['Transfer-Encodings', 'x'], ['Content_Lengths', '1']]).status, r).toBe(200);
    }
  });

  for (const [name, value] of SPELLINGS) {
    it(`${name}: ${value} is refused (a CGI-style backend reads it as ${cgi(name)}) on every proxied route`, () => {
      for (const r of ['q', 'p', 'm'] as const) {
        const o = send(r, [[name, value]]);
        expect([o.status, Object.keys(o.upstream?.headers ?? {}).map(cgi).filter((h) => h === cgi(name))], `${r}`).toEqual([400, []]);
        expect(send(r, [['Transfer-Encoding', 'chunked'], [name, value]]).status, `${r} after the dash line`).toBe(400);
      }
    });
  }

  it('gwc diff: the previous release\'s header-family chunk (no framing check, fixture) still reads as its names; an edit reads as none', () => {
    const names = ['x_consumer_id', 'x_forwarded_for', 'x_http_method_override'];
    const today = headerFamilyLua(names);
    expect(readHeaderFamily(today)).toEqual(names);
    const previous = readFileSync(new URL('./fixtures/kong-header-family-v1.lua', import.meta.url), 'utf8');
    expect(previous).not.toBe(today);
    expect(previous.startsWith(HEADER_FAMILY_MARK)).toBe(true);
    expect(readHeaderFamily(previous)).toEqual(names);
    expect(readHeaderFamily(today.replace("'%-', '_'", "'%-', '-'"))).toBeUndefined();
    expect(readHeaderFamily(previous.replace('clear_header(name)', 'clear_header(name .. "x")'))).toBeUndefined();
    expect(runHeaderChunk(previous, [['Transfer_Encoding', 'chunked']]).exit, 'the previous chunk passed it').toBeUndefined();
    // The chunk alone: a refusal before any header is cleared.
    expect(runHeaderChunk(today, [['Transfer_Encoding', 'chunked']]).exit).toBe(400);
    expect(runHeaderChunk(today, [['X_Consumer_Id', 'a']]).cleared).toEqual(['x_consumer_id']);
  });
});
