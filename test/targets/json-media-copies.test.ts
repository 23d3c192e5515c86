/**
 * The media types a body check reads as JSON are written in three places: nginx's njs bodyKinds
 * (runtime.js, and validate.js's copy, which scripts/gen-njs-runtime.mjs rewrites from runtime.js)
 * and Kong's name-readings Lua chunk. A synonym taught to one and not the other is a body one
 * gateway reads as JSON and the other passes unread (red team 15: csp-report was Kong's only, and
 * {"api_key": bob's} typed application/csp-report reached a Koa backend through nginx). Until
 * both read one data file, this holds every copy to the same list.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
const read = (p: string) => readFileSync(`${ROOT}${p}`, 'utf8');

/** What makes a media type read as JSON: any of these substrings of the lowercased Content-Type. */
const JSON_MARKERS = ['/json', '+json', 'x-json', 'csp-report'];

/** The markers of njs bodyKinds' `json:` line (`t.indexOf('x') >= 0 || ...`). */
function njsMarkers(text: string, where: string): string[] {
  const lines = text.split('\n').filter((l) => /^\s*json: media === '' \|\|/.test(l));
  expect(lines, `${where}: one bodyKinds json line`).toHaveLength(1);
  return [...lines[0]!.matchAll(/t\.indexOf\('([^']+)'\) >= 0/g)].map((m) => m[1]!);
}

/** The markers of the Lua chunk's `local json = string.find(low, "x", 1, true) or ...` line. */
function luaMarkers(text: string): string[] {
  const lines = text.split('\n').filter((l) => l.includes("'  local json = string.find(low, "));
  expect(lines, 'name-readings.ts: one Lua json line').toHaveLength(1);
  return [...lines[0]!.matchAll(/string\.find\(low, "([^"]+)", 1, true\)/g)].map((m) => m[1]!);
}

describe('the JSON media-type markers: one list in every body check', () => {
  it('njs runtime.js bodyKinds', () => {
    expect(njsMarkers(read('src/targets/nginx/njs/runtime.js'), 'runtime.js')).toEqual(JSON_MARKERS);
  });
  it("njs validate.js's copy", () => {
    expect(njsMarkers(read('src/targets/nginx/njs/validate.js'), 'validate.js')).toEqual(JSON_MARKERS);
  });
  it("Kong's name-readings Lua chunk", () => {
    expect(luaMarkers(read('src/targets/kong/name-readings.ts'))).toEqual(JSON_MARKERS);
  });
});
