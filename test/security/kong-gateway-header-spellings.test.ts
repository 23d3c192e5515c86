/**
 * Every header gwc's Kong Lua reads that the gateway itself also reads (a Kong plugin through
 * kong.request.get_header, which is nginx's `$http_<name>` since Kong 3.6: Kong/kong#12370,
 * kong/tools/http.lua get_header; or nginx), read in every spelling nginx maps to the same variable
 * (lower case, `-` and `_` equal; Kong runs underscores_in_headers on). The audit (KJWT, after red
 * team 8's jwt finding, redteam8-kong-jwt-header-spelling.test.ts):
 * - jwt-claims.ts (the jwt scheme's header): fixed, every line of every spelling checked.
 * - header-family.ts, cache-bypass.ts (watched carriers, Cache-Control): every name read by its
 *   `-`/`_` key already (controls below). cache-bypass's Content-Length / Transfer-Encoding are
 *   nginx's own known headers, matched by their exact name (a `Content_Length` line is no body to
 *   nginx), as the chunk's `headers['content-length']` lookup does.
 * - unverified-credentials.ts: `kong.request.get_header("proxy-authorization")` is the very call
 *   basic-auth makes (kong/plugins/basic-auth/access.lua), so the two agree on every release; the
 *   `_` spellings of a kept header are cleared on every route.
 * - name-readings.ts (Content-Type, Content-Encoding): a line spelt with `_`, or more than one line
 *   reading as either, is refused (400); was open (below). gwc diff reads the chunk of 2d02427
 *   (which refused a second `-` line only) as the weaker guard.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileGateway } from '../../src/api.js';
import { gatewayOf } from '../helpers/spec.js';
import { evaluate, type DeckDoc, type OracleRequest } from '../targets/kong/kong-oracle.js';
import { runHeaderChunk } from '../targets/kong/lua-headers.js';
import { cacheBypassLua } from '../../src/targets/kong/cache-bypass.js';
import { kongGuards, readNameReadings } from '../../src/targets/kong/deployed-guards.js';
import { NAME_READINGS_MARK, nameReadingsLua } from '../../src/targets/kong/name-readings.js';

const HOST = 'api.test';
const ok = '{ "200": { description: ok } }';
const SPEC = `openapi: 3.1.0
info: { title: kong header spellings, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: khs
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    carol: { credentials: { qkey: "\${env:CAROL_KEY}" } }
paths:
  /q: { post: { operationId: qPost, security: [{ qkey: [] }], responses: ${ok} } }
components:
  securitySchemes:
    qkey: { type: apiKey, in: query, name: api_key }
`;
const ENV = { DECK_CAROL_KEY: 'carol-key-3' };

/**
 * CONTENT_TYPE as a Mongrel-family parser sets it (Unicorn, Thin, Puma < 6.4.3: a header's name
 * uppercased with `-` as `_`, so `Content_Type` too; a later line replaces an earlier one, as
 * gunicorn's CONTENT_TYPE): the last line whose name so reads.
 */
const backendType = (lines: ReadonlyArray<readonly [string, string]>) => [...lines].reverse().find(([k]) => k.toUpperCase().replace(/-/g, '_') === 'CONTENT_TYPE')?.[1];

// Kong 3.4 (get_header is get_headers()[name]) and 3.8 (nginx's $http_<name>): lua-sandbox.ts models both.
for (const kongVersion of ['3.4', '3.8']) describe(`Kong ${kongVersion}: headers the gateway reads, read by gwc's Lua in every spelling`, async () => {
  const loaded = await gatewayOf(SPEC);
  const built = compileGateway(loaded.gateway!, 'kong', {});
  const doc = parse(built.files.find((f) => f.path === 'kong.yaml')?.contents ?? '') as DeckDoc;
  const q = (lines: Array<[string, string]>, body: string) => {
    const repeated: Record<string, string[]> = {};
    for (const [k, v] of lines) (repeated[k] ??= []).push(v);
    return evaluate(doc, { method: 'POST', host: HOST, path: '/v1/q', rawQuery: 'api_key=carol-key-3', repeated, body, kongVersion } as OracleRequest, ENV);
  };

  it('control: a JSON body naming the key beside the verified ?api_key= is refused (400)', () => {
    expect(built.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual([]);
    expect(q([['Content-Type', 'application/json']], '{"api_key":"bob-key-2"}').status).toBe(400);
  });

  // Was open. Mechanism: name-readings.ts reads `kong.request.get_header("content-type")`: on Kong >= 3.6
  // `$http_content_type`, which for two lines (`Content-Type`, `Content_Type`) is their values joined
  // by ", " (nginx >= 1.23), so get_header falls back to get_headers()["content-type"]: the line spelt
  // with `-`, text/plain. The chunk returns (not a body type it reads); its duplicate check counts
  // lines of that exact name only. Puma < 6.4.3 / Unicorn / Thin take the `Content_Type` line as
  // CONTENT_TYPE: Rails parses {"api_key": <bob>} and params[:api_key] is bob's over carol's query key.
  // On Kong < 3.6 (get_headers()[name]) a lone `Content_Type: multipart/form-data; boundary=x` is no
  // type to the chunk (read as a form and as JSON only), while the same backends parse it as multipart
  // (`_method`, `api_key` parts): not modelled by the oracle, whose get_header is $http_'s.
  // Fix: in the chunk, refuse (400) a request with a Content-Type or Content-Encoding line spelt
  // with `_`, or more than one line whose name reads as either (pairs over get_headers(1000)).
  for (const first of ['text/plain', 'application/octet-stream']) {
    it(`Content-Type: ${first} then Content_Type: application/json: {"api_key": <bob>} reaches a Rails-on-Puma backend`, () => {
      const lines: Array<[string, string]> = [['Content-Type', first], ['Content_Type', 'application/json']];
      expect(backendType(lines)).toBe('application/json');
      expect(q(lines, '{"api_key":"bob-key-2"}').status).not.toBe(200);
    });
  }

  it('a lone Content_Type or Content_Encoding line (any case), or both spellings in either order: refused (400)', () => {
    for (const lines of [
      [['Content_Type', 'multipart/form-data; boundary=x']],
      [['CONTENT_TYPE', 'application/json']],
      [['Content-Type', 'application/json'], ['Content_Encoding', 'gzip']],
      [['Content_Type', 'application/json'], ['Content-Type', 'text/plain']],
    ] as Array<Array<[string, string]>>) {
      // A body the chunk passes under one Content-Type line of any of these types: refused for the spelling alone.
      expect(q(lines, '{"a":1}').status, JSON.stringify(lines)).toBe(400);
    }
    // Control: one Content-Type line (any case) of a body naming nothing passes.
    expect(q([['content-TYPE', 'application/json']], '{"a":1}').status).toBe(200);
  });

  it('gwc diff: the chunk of 2d02427 reads as the weaker guard (upgrade: a guard added; downgrade: one gone); one byte edited: none', () => {
    const v2 = readFileSync(new URL('./fixtures/kong-name-readings-v2-keyed.lua', import.meta.url), 'utf8');
    const sets = (name: string) => [...(new RegExp(`^local ${name} = \\{(.*)\\}$`, 'm').exec(v2)?.[1] ?? '').matchAll(/\["([^"]*)"\]/g)].map((m) => m[1]!);
    const today = nameReadingsLua(sets('watched'), sets('body_watched'), 1048576, sets('json_watched'));
    expect(v2.startsWith(NAME_READINGS_MARK)).toBe(true);
    expect(readNameReadings(v2)).toBe('v2');
    expect(readNameReadings(today)).toBe('current');
    expect(readNameReadings(v2.replace('type(all["content-type"]) == "table" or ', ''))).toBeUndefined();
    const guards = (lua: string) => kongGuards(new Map([['pre-function', { config: { access: [lua] } }]])).credential ?? [];
    const added = guards(today).filter((g) => !guards(v2).includes(g));
    // And 1925d51's successor's (kong-token-json-fold.test.ts): query and form names folded beyond
    // ASCII; and 6167441's successor's (redteam13-kong-json-synonym): the JSON synonyms read as JSON;
    // and 7b15f9b's successor's (redteam17-kong-bracket-key): Rack 2's and qs's bracket spellings.
    expect(added).toEqual([
      'Content-Type or Content-Encoding spelt with _: refused 400 (pre-function)',
      'a body typed text/x-json, application/x-json or application/csp-report (Rails, Symfony, koa-bodyparser parse it as JSON): read as JSON (pre-function)',
      'query, form and multipart names read with KELVIN SIGN, LONG S and dotless/dotted I as k, s, i (pre-function)',
      'query, form and multipart names read with a leading [ ] run and a trailing ] stripped as Rack 2 and qs read them ([api_key], ]api_key, api_key]) (pre-function)',
    ]);
    expect(guards(v2).filter((g) => !guards(today).includes(g))).toEqual([]);
  });

  it('control (cache-bypass): a watched carrier and Cache-Control are read in every -/_ spelling', () => {
    const chunk = cacheBypassLua({ headers: ['x_other_key'], body: false });
    for (const name of ['X-Other-Key', 'X_Other_Key', 'x_OTHER-key']) {
      const r = runHeaderChunk(chunk, [['Cache_Control', 'max-age=9'], [name, 'k']]);
      expect(r.cleared, name).toContain('cache_control');
      expect(r.set, name).toEqual([['cache-control', 'max-age=9, no-store']]);
    }
    expect(runHeaderChunk(chunk, [['X-Other-Keys', 'k']]).set).toEqual([]);
  });
});
