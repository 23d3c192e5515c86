/**
 * Red team 8, Kong: the JSON-body API-key refusal (name-readings.ts jsonKeyLua + lua-json.ts), through
 * the request oracle (test/targets/kong/kong-oracle.ts: the route's Lua run for real). The chunk
 * refuses a JSON body naming the key, or one it cannot read; these bodies it reads, finds no key in,
 * and passed whole, while a common backend reads the key out of them. All closed (kong-body-readings
 * test's fix in name-readings.ts: each reading of the type checked, JSON in a charset but UTF-8
 * refused, a second Content-Type or Content-Encoding line refused, KELVIN SIGN, LONG S and the
 * dotless/dotted I folded before the lookup); the cases below are regressions now:
 * - Content-Type classification: the chunk takes a type as JSON only when it holds neither
 *   `multipart/form-data` nor `application/x-www-form-urlencoded` ANYWHERE (parameters included).
 *   `application/json; x="application/x-www-form-urlencoded"` is form to the chunk (split on `&`,
 *   nothing named) but JSON to Express (type-is reads the media type before `;`), Flask/werkzeug
 *   (mimetype) and Laravel (isJson: `/json` anywhere). Likewise with `multipart/form-data` in a
 *   parameter (names_a_watched finds no `name=` in a JSON text).
 * - charset: Express's express.json() (body-parser) decodes the body with iconv-lite in the declared
 *   charset when it starts with `utf-`: `charset=utf-7` turns the key `+AGEAcABpAF8AawBlAHk-` into
 *   `api_key`. The chunk reads bytes as UTF-8 whatever the charset says.
 * - Content-Type sent twice: the chunk reads kong.request.get_header("content-type"), the FIRST line;
 *   gunicorn sets CONTENT_TYPE from each Content-Type line in turn (gunicorn/http/wsgi.py: the LAST
 *   wins), and nginx/Kong pass both lines upstream. `text/plain` then `application/json` is no JSON
 *   to the chunk and JSON to Flask/Django on gunicorn.
 * - Unicode case folding: Go's encoding/json matches a key to a struct field case-insensitively with
 *   Unicode simple folding (U+212A KELVIN SIGN folds to `k`, U+017F LONG S to `s`), so
 *   `{"api_\u212aey": ...}` fills the field tagged `json:"api_key"`. as_read lowercases ASCII only.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileGateway } from '../../src/api.js';
import { gatewayOf } from '../helpers/spec.js';
import { evaluate, type DeckDoc, type OracleRequest } from '../targets/kong/kong-oracle.js';

const ok = '{ "200": { description: ok } }';
const HOST = 'api.test';
const SPEC = `openapi: 3.1.0
info: { title: red team 8 kong json, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: r8k
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { hkey: "\${env:ALICE_KEY}" } }
    carol: { credentials: { qkey: "\${env:CAROL_KEY}" } }
    sam: { credentials: { skey: "\${env:SAM_KEY}" } }
paths:
  /h: { post: { operationId: hPost, security: [{ hkey: [] }], responses: ${ok} } }
  /q: { post: { operationId: qPost, security: [{ qkey: [] }], responses: ${ok} } }
  /s: { post: { operationId: sPost, security: [{ skey: [] }], responses: ${ok} } }
components:
  securitySchemes:
    hkey: { type: apiKey, in: header, name: X-Api-Key }
    qkey: { type: apiKey, in: query, name: api_key }
    skey: { type: apiKey, in: query, name: session }
`;
const ENV = { DECK_ALICE_KEY: 'alice-key-1', DECK_CAROL_KEY: 'carol-key-3', DECK_SAM_KEY: 'sam-key-4' };

/** UTF-7 (RFC 2152) as iconv-lite decodes it: `+<modified base64 of UTF-16BE>-`, `+-` a plus. */
function utf7(s: string): string {
  return s.replace(/\+([A-Za-z0-9+/]*)-?/g, (_m, b64: string) => {
    if (b64 === '') return '+';
    const bytes = Buffer.from(b64, 'base64');
    let out = '';
    for (let i = 0; i + 1 < bytes.length; i += 2) out += String.fromCharCode(bytes.readUInt16BE(i));
    return out;
  });
}

/** The media type as Express (type-is), werkzeug and Go's mime.ParseMediaType read it: before `;`, trimmed, lowercased. */
const mediaType = (ct: string) => ct.split(';')[0]!.trim().toLowerCase();

describe('red team 8, Kong: JSON bodies the key scan passes and a backend reads the key from', async () => {
  const loaded = await gatewayOf(SPEC);
  const built = compileGateway(loaded.gateway!, 'kong', {});
  const doc = parse(built.files.find((f) => f.path === 'kong.yaml')?.contents ?? '') as DeckDoc;
  const send = (path: string, query: string, ct: string, body: string, headers: Record<string, string> = {}) =>
    evaluate(doc, { method: 'POST', host: HOST, path, rawQuery: query, headers: { 'content-type': ct, ...headers }, body } as OracleRequest, ENV);
  const q = (ct: string, body: string) => send('/v1/q', 'api_key=carol-key-3', ct, body);
  const h = (ct: string, body: string) => send('/v1/h', '', ct, body, { 'x-api-key': 'alice-key-1' });
  /** The keys of the JSON body the backend reads as `name` (Go/.NET-style case folding), when Kong passed it (200). */
  const backendKeys = (status: number, ct: string, body: string, name: string, decode: (b: string) => string = (b) => b): string[] => {
    if (status !== 200 || !/\/json|\+json/.test(mediaType(ct))) return [];
    const v = JSON.parse(decode(body)) as Record<string, unknown>;
    return Object.keys(v).filter((k) => k.toLowerCase() === name || k.toUpperCase() === name.toUpperCase());
  };

  it('builds; control: the plain JSON body naming the key is refused, a body without it passes', () => {
    expect(built.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual([]);
    expect(q('application/json', '{"api_key":"bob-key-2"}').status).toBe(400);
    expect(h('application/json', '{"x_api_key":"bob-key-2"}').status).toBe(400);
    expect(q('application/json', '{"a":1}').status).toBe(200);
    expect(q('application/json; charset=utf-8', '{"API_KEY":"bob-key-2"}').status).toBe(400);
  });

  // Was open. Mechanism: name-readings.ts `json = not multi and not form and (...)`: `form`/`multi` are found
  // by string.find anywhere in the lowered Content-Type, parameters included; a JSON media type with
  // the form type in a parameter is then read as a form (kept() on `&`), and the JSON scan never runs.
  // Fix: classify by the media type before the first `;` (trimmed), as backends do; scan JSON when
  // that is `/json`/`+json`, whatever the parameters hold.
  for (const ct of ['application/json; x="application/x-www-form-urlencoded"', 'application/json; charset=utf-8; boundary="multipart/form-data"', 'application/json;q=application/x-www-form-urlencoded']) {
    it(`Content-Type ${ct}: {"api_key": <bob>} beside the verified ?api_key= reaches an Express/Flask/Laravel backend`, () => {
      const body = '{"api_key":"bob-key-2"}';
      const o = q(ct, body);
      expect(backendKeys(o.status, ct, body, 'api_key')).toEqual([]);
    });
  }
  it('Content-Type application/json; x="multipart/form-data": {"x-api-key": <bob>} beside the verified X-Api-Key reaches the backend', () => {
    const ct = 'application/json; x="multipart/form-data"';
    const body = '{"x-api-key":"bob-key-2"}';
    expect(backendKeys(h(ct, body).status, ct, body, 'x-api-key')).toEqual([]);
  });

  // Was open. Mechanism: the chunk reads the body's bytes as UTF-8 and ignores `charset`; body-parser (Express)
  // decodes with iconv-lite in any `utf-*` charset, utf-7 included, before JSON.parse. Fix: refuse a
  // JSON body whose charset parameter is present and not utf-8 (nginx likewise), on keyed routes.
  it('charset=utf-7: the key "+AGEAcABpAF8AawBlAHk-" (api_key in UTF-7) reaches an Express backend', () => {
    const ct = 'application/json; charset=utf-7';
    const body = '{"+AGEAcABpAF8AawBlAHk-":"bob-key-2"}';
    expect(utf7('+AGEAcABpAF8AawBlAHk-')).toBe('api_key');
    expect(backendKeys(q(ct, body).status, ct, body, 'api_key', utf7)).toEqual([]);
  });

  // Was open. Mechanism: as_read lowercases ASCII only (Lua string.lower); Go encoding/json folds a key with
  // Unicode simple folding (KELVIN SIGN K -> k, LONG S -> s) when it matches a struct field, and
  // ASP.NET Core's case-insensitive binding uppercases invariantly (LONG S -> S). Fix: in json_named,
  // also read UTF-8 \226\132\170 (U+212A) as `k` and \197\191 (U+017F) as `s` before the lookup
  // (the only non-ASCII code points that fold to ASCII letters).
  it('{"api_\\u212aey": <bob>} (KELVIN SIGN) beside the verified ?api_key= reaches a Go backend', () => {
    const body = '{"api_\\u212aey":"bob-key-2"}';
    expect(backendKeys(q('application/json', body).status, 'application/json', body, 'api_key')).toEqual([]);
  });
  it('{"api_<K raw UTF-8>ey": <bob>} (KELVIN SIGN unescaped) beside the verified ?api_key= reaches a Go backend', () => {
    const body = '{"api_\u212aey":"bob-key-2"}';
    // The oracle sends the body as a JS string; the chunk sees its UTF-8 bytes.
    expect(backendKeys(q('application/json', body).status, 'application/json', body, 'api_key')).toEqual([]);
  });
  it('{"\\u017fession": <bob>} (LONG S) beside the verified ?session= reaches a Go/.NET backend', () => {
    const body = '{"\\u017fession":"bob-key-2"}';
    const o = send('/v1/s', 'session=sam-key-4', 'application/json', body);
    expect(backendKeys(o.status, 'application/json', body, 'session')).toEqual([]);
  });

  // Was open. Mechanism: name-readings.ts reads `ct = kong.request.get_header("content-type")` (the first of
  // repeated lines) and returns when it is neither form, multipart nor JSON; gunicorn keeps the last
  // Content-Type line as CONTENT_TYPE. Fix: refuse (400) a request with more than one Content-Type
  // line on a route the chunk guards (kong.request.get_headers()["content-type"] is a table then),
  // or scan when ANY of the lines is a JSON type.
  for (const first of ['text/plain', 'multipart/form-data; boundary=x', 'application/octet-stream']) {
    it(`Content-Type sent twice (${first}, then application/json): {"api_key": <bob>} reaches a gunicorn (Flask/Django) backend`, () => {
      const body = '{"api_key":"bob-key-2"}';
      expect(q('application/json', body).status, 'control: one Content-Type line').toBe(400);
      const o = evaluate(doc, { method: 'POST', host: HOST, path: '/v1/q', rawQuery: 'api_key=carol-key-3', repeated: { 'content-type': [first, 'application/json'] }, body } as OracleRequest, ENV);
      // Passed (the body is sent on as it came: the chunk returned before reading it); gunicorn reads
      // the last line, application/json, and the backend parses {"api_key": <bob>}.
      expect(o.status).not.toBe(200);
    });
  }
});
