/**
 * kong.request.get_header as the Lua sandbox (lua-sandbox.ts) models it for the two header-reading
 * releases gwc's chunks must hold on: Kong 3.4 (an LTS; kong/pdk/request.lua: get_headers()[name],
 * lua-nginx-module's table whose __index retries a miss with `_` as `-`) and Kong >= 3.6
 * (Kong/kong#12370, kong/tools/http.lua get_header: nginx's $http_<name>, every line whose lowercased
 * name reads with `-` as `_` the same, joined by ", " since nginx 1.23, and get_headers()[name] when
 * the joined value holds ", "). ngx.req.get_headers itself is the same on both.
 */
import { describe, expect, it } from 'vitest';
import { runPreFunctionOn, type KongHeaderRelease } from './lua-sandbox.js';

/** What get_header(name) returns for the header lines `lines` on `release` (the chunk returns it as the query). */
function getHeader(release: KongHeaderRelease, name: string, lines: Array<[string, string]>): string | undefined {
  const code = `return function() local v = kong.request.get_header(${JSON.stringify(name)}); kong.service.request.set_raw_query(v == nil and "<nil>" or v) end`;
  const q = runPreFunctionOn(code, { raw: '', lines, kongVersion: release }).query;
  return q === '<nil>' ? undefined : q;
}

const CASES: Array<[string, Array<[string, string]>, string, string | undefined, string | undefined]> = [
  // [what, lines, name, 3.4, 3.6]
  ['one dash line', [['Content-Type', 'a']], 'content-type', 'a', 'a'],
  ['any case', [['CONTENT-TYPE', 'a']], 'Content-Type', 'a', 'a'],
  ['a lone _ line: $http_ reads it, get_headers()[name] does not', [['Content_Type', 'a']], 'content-type', undefined, 'a'],
  ['two dash lines: the first', [['Content-Type', 'a'], ['Content-Type', 'b']], 'content-type', 'a', 'a'],
  ['_ then -: joined, then the dash line', [['Content_Type', 'a'], ['Content-Type', 'b']], 'content-type', 'b', 'b'],
  ['- then _: the dash line', [['Content-Type', 'a'], ['Content_Type', 'b']], 'content-type', 'a', 'a'],
  ['a lone _ line holding ", ": 3.6 falls back to the table, which has no dash line', [['Content_Type', 'a, b']], 'content-type', undefined, undefined],
  ['one dash line holding ", "', [['X-Token', 'a, b']], 'x-token', 'a, b', 'a, b'],
  ['asked with _: the table retries with -', [['X-Token', 'a']], 'x_token', 'a', 'a'],
  ['two _ lines, asked with -', [['X_Token', 'a'], ['x_token', 'b']], 'x-token', undefined, undefined],
];

describe('kong.request.get_header on Kong 3.4 and >= 3.6 (the sandbox models both)', () => {
  for (const [what, lines, name, v34, v36] of CASES) {
    it(`${what}: 3.4 ${JSON.stringify(v34)}, 3.6 ${JSON.stringify(v36)}`, () => {
      expect(getHeader('3.4', name, lines)).toBe(v34);
      expect(getHeader('3.6', name, lines)).toBe(v36);
    });
  }
});
