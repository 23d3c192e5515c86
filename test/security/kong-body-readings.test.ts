/**
 * Kong's name-readings chunk (name-readings.ts) against bodies a backend reads and the chunk did not,
 * through the request oracle (test/targets/kong/kong-oracle.ts: the route's Lua run for real, with
 * kong.request.get_headers as Kong gives it). nginx's body check (njs runtime.js bodyCheck) refuses
 * each of these; Kong passed them (closing12.md "Still open" 6):
 * - No Content-Type (absent, empty, blank, or a type with no media type: `;charset=utf-8`): the chunk
 *   returned before reading the body. Rack reads a POST without a type as a form
 *   (Rack::Request#form_data?: `type.nil?`), FastAPI as JSON (fastapi/routing.py: no content-type
 *   header -> `await request.json()`; Python's json reads NaN, and UTF-16/32 by its bytes).
 * - Rack reads every multipart/* type (PARSEABLE_DATA_MEDIA_TYPES: multipart/mixed, related), and
 *   a multipart type without a boundary as a urlencoded form (Rack::Request#POST: parse_multipart
 *   nil -> parse_query of the body). The chunk read `multipart/form-data` only, always as multipart.
 * - Content-Encoding (gzip, deflate, br, any case, several values): Express's body-parser inflates
 *   a body before parsing it (read.js contentstream, `inflate: true` by default), so the key the
 *   chunk could not see in the compressed bytes reaches the handler. A Content-Type or
 *   Content-Encoding sent twice: Kong reads the first, gunicorn (WSGI CONTENT_TYPE) the last.
 * - `_method` in a JSON body: request-transformer removes it at the top level only, and only under
 *   `application/json` (get_content_type); nginx refuses it at any depth under any JSON type.
 * Transfer-Encoding needs no check here: Kong's nginx decodes chunked itself and answers 501 to any
 * other coding (ngx_http_parse_chunked / "unknown Transfer-Encoding"), so the chunk reads the body
 * the backend receives.
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { compileGateway } from '../../src/api.js';
import { diffStates } from '../../src/diff/plan.js';
import { readerOf } from '../../src/diff/run.js';
import { readNameReadings } from '../../src/targets/kong/deployed-guards.js';
import { NAME_READINGS_MARK } from '../../src/targets/kong/name-readings.js';
import type { OutputFile } from '../../src/targets/output-file.js';
import { gatewayOf } from '../helpers/spec.js';
import { evaluate, type DeckDoc, type OracleRequest } from '../targets/kong/kong-oracle.js';

const ok = '{ "200": { description: ok } }';
const HOST = 'api.test';
const SPEC = `openapi: 3.1.0
info: { title: kong body readings, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: kbr
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { hkey: "\${env:ALICE_KEY}" } }
    carol: { credentials: { qkey: "\${env:CAROL_KEY}" } }
paths:
  /h: { post: { operationId: hPost, security: [{ hkey: [] }], responses: ${ok} } }
  /q: { post: { operationId: qPost, security: [{ qkey: [] }], responses: ${ok} } }
  /p: { post: { operationId: pPost, x-gateway: { public: true }, responses: ${ok} } }
components:
  securitySchemes:
    hkey: { type: apiKey, in: header, name: X-Api-Key }
    qkey: { type: apiKey, in: query, name: api_key }
`;
const ENV = { DECK_ALICE_KEY: 'alice-key-1', DECK_CAROL_KEY: 'carol-key-3' };
const FORM = 'application/x-www-form-urlencoded';
const JSON_CT = 'application/json';
type Route = 'q' | 'h' | 'p';
/** The name a backend must never read from a body on each route: the key, or `_method` on the public one. */
const NAME: Record<Route, string> = { q: 'api_key', h: 'x-api-key', p: '_method' };

describe('Kong name-readings: bodies a backend reads beside the verified credential', async () => {
  const loaded = await gatewayOf(SPEC);
  const built = compileGateway(loaded.gateway!, 'kong', {});
  const doc = parse(built.files.find((f) => f.path === 'kong.yaml')?.contents ?? '') as DeckDoc;
  /** A POST to `route` with its credential, `headers` (undefined: not sent) and the body; several values of one header are sent as lines. */
  const send = (route: Route, headers: Record<string, string | string[] | undefined>, body: string) => {
    const single: Record<string, string> = route === 'h' ? { 'x-api-key': 'alice-key-1' } : {};
    const repeated: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(headers)) if (Array.isArray(v)) repeated[k] = v; else if (v !== undefined) single[k] = v;
    return evaluate(doc, { method: 'POST', host: HOST, path: `/v1/${route}`, ...(route === 'q' ? { rawQuery: 'api_key=carol-key-3' } : {}), headers: single, repeated, body } as OracleRequest, ENV);
  };
  const form = (r: Route) => `a=1&${NAME[r]}=bob-key-2`;
  const json = (r: Route) => `{"a":1,"${NAME[r]}":"bob-key-2"}`;
  const ROUTES: Route[] = ['q', 'h', 'p'];

  it('builds; control: each route passes a body without the name, and refuses the typed one naming it', () => {
    expect(built.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual([]);
    for (const r of ROUTES) {
      expect(send(r, { 'content-type': FORM }, 'a=1').status, r).toBe(200);
      expect(send(r, {}, 'a=1').status, r).toBe(200);
      expect(send(r, {}, '{"a":[1,{"b":"c"}]}').status, r).toBe(200);
      expect(send(r, {}, 'plain text, no names').status, r).toBe(200);
      expect(send(r, { 'content-type': 'text/plain' }, json(r)).status, `${r}: a text body is no framework's parameters`).toBe(200);
      expect(send(r, { 'content-type': 'multipart/form-data; boundary=b' }, `--b\r\nContent-Disposition: form-data; name="${NAME[r]}"\r\n\r\nx\r\n--b--\r\n`).status, r).toBe(400);
    }
    // The form field is removed (not refused) under the form type, as before.
    const o = send('q', { 'content-type': FORM }, form('q'));
    expect([o.status, o.upstream?.bodyFields]).toEqual([200, { a: '1' }]);
  });

  // (a) no Content-Type: Rack's form, FastAPI's JSON.
  const NO_TYPE: Array<[string, string | undefined]> = [['absent', undefined], ['empty', ''], ['blank', '  '], ['a tab', '\t'], ['parameters only', ';charset=utf-8'], ['a bare parameter', '; boundary=x']];
  for (const [what, ct] of NO_TYPE) {
    for (const r of ROUTES) {
      it(`Content-Type ${what}: a form body naming ${NAME[r]} is refused (Rack reads it as a form)`, () => {
        expect(send(r, { 'content-type': ct }, form(r)).status).toBe(400);
      });
      it(`Content-Type ${what}: a JSON body naming ${NAME[r]} is refused (FastAPI reads it as JSON)`, () => {
        expect(send(r, { 'content-type': ct }, json(r)).status).toBe(400);
      });
    }
  }
  it('no Content-Type: JSON a lenient parser reads (NaN, a nested key, an escaped name, a BOM, UTF-16) is refused', () => {
    const utf16 = (s: string) => [...s].map((c) => `${c}\0`).join('');
    for (const body of ['{"a":NaN,"api_key":1}', '{"x":{"y":[{"api_key":1}]}}', '{"api\\u005fkey":1}', '\ufeff{"api_key":1}', utf16('{"api_key":1}'), `\0${utf16('{"api_key":1}').slice(0, -1)}`]) {
      expect(send('q', {}, body).status, JSON.stringify(body)).toBe(400);
    }
  });
  it('no Content-Type: other spellings of the name in a form (case, PHP\'s `.`, an array form, %XX) are refused', () => {
    for (const n of ['API_KEY', 'api.key', 'api_key[]', 'api%5Fkey', '+api_key']) expect(send('q', {}, `${n}=x`).status, n).toBe(400);
    for (const n of ['_METHOD', '.method', '_method[0]', '%5Fmethod']) expect(send('p', {}, `${n}=DELETE`).status, n).toBe(400);
  });

  // Rack: any multipart/*, and a multipart type without a boundary as a form.
  it('multipart/mixed and multipart/related bodies naming the key are refused (Rack parses every multipart/*)', () => {
    for (const t of ['multipart/mixed; boundary=b', 'multipart/related; boundary=b', 'Multipart/Form-Data; boundary=b']) {
      for (const r of ROUTES) expect(send(r, { 'content-type': t }, `--b\r\nContent-Disposition: form-data; name="${NAME[r]}"\r\n\r\nx\r\n--b--\r\n`).status, `${t} ${r}`).toBe(400);
    }
  });
  it('a multipart type without a boundary: a urlencoded body naming the key is refused (Rack reads it as a form)', () => {
    for (const t of ['multipart/form-data', 'multipart/mixed', 'multipart/form-data; charset=utf-8']) {
      for (const r of ROUTES) expect(send(r, { 'content-type': t }, form(r)).status, `${t} ${r}`).toBe(400);
    }
  });

  // (b) Content-Encoding: body-parser inflates before it parses.
  const CODINGS = ['gzip', 'GZIP', ' gzip ', 'x-gzip', 'deflate', 'br', 'compress', 'zstd', 'identity, gzip', 'gzip, identity', 'gzip,gzip'];
  for (const ce of CODINGS) {
    it(`Content-Encoding ${JSON.stringify(ce)}: a form, multipart, JSON or untyped body is refused (the backend may inflate it)`, () => {
      const gz = gzipSync(Buffer.from(form('q'))).toString('latin1');
      for (const ct of [FORM, JSON_CT, 'multipart/form-data; boundary=b', undefined, 'application/vnd.api+json']) {
        expect(send('q', { 'content-type': ct, 'content-encoding': ce }, gz).status, `${ct}`).toBe(400);
        expect(send('p', { 'content-type': ct, 'content-encoding': ce }, 'a=1').status, `${ct}`).toBe(400);
      }
    });
  }
  it('Content-Encoding identity (any case, blank) is no coding: read as before', () => {
    for (const ce of ['identity', 'IDENTITY', ' identity ', '']) {
      const o = send('q', { 'content-type': FORM, 'content-encoding': ce }, form('q'));
      expect([o.status, o.upstream?.bodyFields], ce).toEqual([200, { a: '1' }]);
      expect(send('q', { 'content-type': JSON_CT, 'content-encoding': ce }, json('q')).status, ce).toBe(400);
    }
  });
  it('control: a text body in a content coding passes (no framework reads it as parameters, nginx alike)', () => {
    expect(send('q', { 'content-type': 'text/plain', 'content-encoding': 'gzip' }, 'x').status).toBe(200);
  });
  it('Content-Type or Content-Encoding sent twice is refused (Kong reads the first line, gunicorn the last)', () => {
    expect(send('q', { 'content-type': ['text/plain', FORM] }, form('q')).status).toBe(400);
    expect(send('q', { 'content-type': [FORM, FORM] }, 'a=1').status).toBe(400);
    expect(send('q', { 'content-type': FORM, 'content-encoding': ['identity', 'gzip'] }, 'a=1').status).toBe(400);
  });

  // (c) `_method` in JSON: at any depth, under any JSON type a backend reads.
  const NESTED = ['{"a":{"_method":"DELETE"}}', '[{"_method":"DELETE"}]', '{"a":[1,{"b":{"_method":"DELETE"}}]}', '{"a":{"\\u005fmethod":"DELETE"}}', '{"a":{"_METHOD":"DELETE"}}',
    '{"a":{" _method":"DELETE"}}', '{"a":{".method":"DELETE"}}', '{"a":{"_method[]":"DELETE"}}', `${'['.repeat(40)}{"_method":1}${']'.repeat(40)}`, '{"_method":"DELETE"}'];
  for (const body of NESTED) {
    it(`JSON ${body.length > 60 ? `${body.slice(0, 57)}...` : body}: refused on the public and the keyed routes`, () => {
      for (const ct of [JSON_CT, 'application/vnd.api+json', 'text/json', 'application/json; charset=utf-8']) {
        expect(send('p', { 'content-type': ct }, body).status, ct).toBe(400);
        expect(send('q', { 'content-type': ct }, body).status, ct).toBe(400);
      }
    });
  }
  it('control: _method as a JSON value, or inside a string, passes on the public route', () => {
    for (const body of ['{"a":"_method"}', '{"a":"\\"_method\\": 1"}', '["_method"]', '{"methods":1,"_methodx":2}']) expect(send('p', { 'content-type': JSON_CT }, body).status, body).toBe(200);
  });
  it('JSON holding a NUL byte (UTF-16/32, which Python\'s json reads by its bytes) is refused on the public route', () => {
    expect(send('p', { 'content-type': JSON_CT }, [...'{"_method":1}'].map((c) => `${c}\0`).join('')).status).toBe(400);
  });

  // red team 8 (redteam8-kong-json.test.ts): JSON read by the media type, any charset but UTF-8.
  it('a JSON media type with a form or multipart type in a parameter is still read as JSON', () => {
    for (const ct of ['application/json; x="application/x-www-form-urlencoded"', 'application/json; x="multipart/form-data"']) {
      for (const r of ROUTES) expect(send(r, { 'content-type': ct }, json(r)).status, `${ct} ${r}`).toBe(400);
    }
  });
  it('JSON in a charset other than UTF-8 is refused (body-parser decodes utf-7, utf-16 before parsing)', () => {
    for (const cs of ['utf-7', 'UTF-16', '"utf-16le"', 'iso-8859-1']) expect(send('p', { 'content-type': `application/json; charset=${cs}` }, '{"a":1}').status, cs).toBe(400);
    for (const cs of ['utf-8', 'UTF-8', '"utf-8"']) expect(send('p', { 'content-type': `application/json; charset=${cs}` }, '{"a":1}').status, cs).toBe(200);
  });
});

/**
 * gwc diff reads the chunk as a guard only when it is exactly gwc's text for its sets (today's), or
 * the previous gwc's (known by hash less its set and limit lines: test/security/fixtures/
 * kong-name-readings-v1-*.lua, written by 6ffb214), which reads as the checks it made: an upgraded
 * deployment shows no security finding, and today's extra checks lost (a downgrade) do.
 */
describe('gwc diff, Kong: the name-readings chunk, today\'s and the previous release\'s', async () => {
  const loaded = await gatewayOf(SPEC);
  const built = compileGateway(loaded.gateway!, 'kong', {});
  const files = built.files as OutputFile[];
  const v1 = (f: string) => readFileSync(new URL(`./fixtures/kong-name-readings-v1-${f}.lua`, import.meta.url), 'utf8');
  type Plugin = { name: string; config: { access?: string[] } };
  type Doc = { services: Array<{ plugins?: Plugin[]; routes?: Array<{ name: string; plugins?: Plugin[] }> }> };
  /** The build with every name-readings chunk rewritten by `edit` (its service's and its routes'). */
  const edited = (edit: (lua: string) => string): OutputFile[] => files.map((file) => {
    if (!file.path.endsWith('kong.yaml')) return file;
    const doc = parse(file.contents) as Doc;
    for (const p of doc.services.flatMap((s) => [...(s.plugins ?? []), ...(s.routes ?? []).flatMap((r) => r.plugins ?? [])])) {
      if (p.name === 'pre-function') p.config.access = (p.config.access ?? []).map((c) => (c.startsWith(NAME_READINGS_MARK) ? edit(c) : c));
    }
    return { ...file, contents: stringify(doc) };
  });
  /** The previous release's chunk for the same sets: its variant's text with this chunk's set lines. */
  const previous = (lua: string) => {
    const variant = /^local body_watched/m.test(lua) ? 'keyed' : /^local json_watched/m.test(lua) ? 'header' : 'public';
    const sets = (text: string) => text.split('\n').filter((l) => /^local (watched|body_watched|json_watched|read_limit) = /.test(l));
    const old = v1(variant).split('\n');
    const mine = sets(lua);
    expect(sets(v1(variant)).map((l) => l.split(' = ')[0])).toEqual(mine.map((l) => l.split(' = ')[0]));
    return old.map((l) => (/^local (watched|body_watched|json_watched|read_limit) = /.test(l) ? mine.find((m) => m.split(' = ')[0] === l.split(' = ')[0])! : l)).join('\n');
  };
  const read = (fs: OutputFile[]) => {
    const r = readerOf('kong').reader!.normalise(fs, 'files');
    if (!r.state) throw new Error(JSON.stringify(r.diagnostics));
    return r.state;
  };
  const security = (a: OutputFile[], b: OutputFile[]) => diffStates(read(a), read(b)).findings.filter((f) => f.class === 'security').map((f) => `${f.rule} ${f.key}`).sort();
  const chunksOf = (fs: OutputFile[]) => [...new Set((parse(fs.find((f) => f.path.endsWith('kong.yaml'))!.contents) as Doc).services.flatMap((s) => [...(s.plugins ?? []), ...(s.routes ?? []).flatMap((r) => r.plugins ?? [])]).flatMap((p) => (p.name === 'pre-function' ? p.config.access ?? [] : [])).filter((c) => c.startsWith(NAME_READINGS_MARK)))];

  it('today\'s chunks read as today\'s; the fixtures and the previous text for each route\'s sets as v1; an edit as none', () => {
    const today = chunksOf(files);
    expect(today.length).toBe(3);
    for (const c of today) {
      expect(readNameReadings(c)).toBe('current');
      expect(readNameReadings(previous(c))).toBe('v1');
      expect(readNameReadings(c.replace('coding ~= "identity"', 'coding ~= "gzip"'))).toBeUndefined();
      expect(readNameReadings(previous(c).replace('return kong.response.exit(400', 'return kong.response.exit(200'))).toBeUndefined();
      expect(readNameReadings(previous(c).replace('return function()\n', 'return function()\n  if true then return end\n'))).toBeUndefined();
    }
    for (const f of ['keyed', 'header', 'public']) expect(readNameReadings(v1(f))).toBe('v1');
  });

  it('a gateway deployed by the previous gwc: no security finding against today\'s build; the other way, today\'s extra checks are lost', () => {
    const old = edited(previous);
    expect(chunksOf(old).every((c) => readNameReadings(c) === 'v1')).toBe(true);
    expect(security(old, files)).toEqual([]);
    expect(security(files, old)).toEqual(['credential-unverified-passed kbr.hpost', 'credential-unverified-passed kbr.qpost', 'method-override-passed kbr.hpost', 'method-override-passed kbr.ppost', 'method-override-passed kbr.qpost']);
  });

  it('today\'s chunk edited (the content-coding check made to pass gzip) reads as no guard: a security finding', () => {
    const weak = edited((c) => c.replace('coding ~= "identity"', 'coding ~= "gzip"'));
    // And Lua gwc did not write (KNG4, deployed-chunks.ts): a marked chunk that is no gwc release is unread-changed.
    expect(security(files, weak)).toEqual(['credential-unverified-passed kbr.hpost', 'credential-unverified-passed kbr.qpost', 'method-override-passed kbr.hpost', 'method-override-passed kbr.ppost', 'method-override-passed kbr.qpost', 'unread-changed kbr.hpost', 'unread-changed kbr.ppost', 'unread-changed kbr.qpost']);
  });
});
