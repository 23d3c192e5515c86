/**
 * Kong, a credential's name spelt with one of the four letters a Unicode case-blind backend folds
 * (KELVIN SIGN, LONG S, dotless/dotted I) whose UTF-8 bytes are sent half %XX, half raw
 * (`acce%C5` + raw 0xBF + `s_token`; Traefik's 4c2de18, nginx's nginx-query-mixed-bytes). Go's
 * url.ParseQuery decodes %XX to bytes and copies raw ones, then Echo's strings.EqualFold reads the
 * letter. A standing control: it holds on Kong by construction, since gwc's chunks read
 * kong.request.get_raw_query() / get_raw_body() (Lua strings are bytes, a raw 0xBF is byte 0xBF)
 * and the one query-name rule's Lua (queryNameAsReadLua: decode with string.char per %XX, then the
 * folds as plain byte patterns) decodes to bytes before it folds: raw and escaped bytes read alike.
 * Unlike njs (nginx), nothing re-encodes a decoded byte.
 *
 * The chunks run for real in fengari with the raw query and body pushed as bytes (the request
 * oracle, kong-oracle.ts, takes text and hands the Lua its UTF-8 bytes, so it cannot send a lone
 * raw byte); what set_raw_query / set_raw_body leave is read as such a backend reads it.
 */
import fengari from 'fengari';
import { describe, expect, it } from 'vitest';
import { nameReadingsLua } from '../../src/targets/kong/name-readings.js';
import { querySpellingsLua } from '../../src/targets/kong/query-spellings.js';

const { lua, lauxlib, lualib, to_luastring } = fengari;

const HARNESS = `
local chunk, RAW, BODY, CT = ...
OUT, OUTBODY, EXITED = nil, nil, nil
kong = {
  request = {
    get_raw_query = function() return RAW end,
    get_header = function(n) if string.lower(n) == "content-type" then return CT end return nil end,
    get_headers = function() if CT then return { ["content-type"] = CT } end return {} end,
    get_raw_body = function() return BODY end,
  },
  service = { request = { set_raw_query = function(q) OUT = q end, set_raw_body = function(b) OUTBODY = b end } },
  response = { exit = function(s) EXITED = s end },
}
local f = assert(load(chunk))()
f()
`;

interface Run {
  query?: Buffer;
  body?: Buffer;
  exited?: number;
}

/** Runs a pre-function chunk on a raw query (and form body) given as bytes. */
function run(chunk: string, rawQuery: Buffer, body?: Buffer): Run {
  const L = lauxlib.luaL_newstate();
  lualib.luaL_openlibs(L);
  if (lauxlib.luaL_loadstring(L, to_luastring(HARNESS)) !== lua.LUA_OK) throw new Error('harness');
  lua.lua_pushstring(L, to_luastring(chunk));
  lua.lua_pushstring(L, Uint8Array.from(rawQuery));
  if (body) lua.lua_pushstring(L, Uint8Array.from(body));
  else lua.lua_pushnil(L);
  if (body) lua.lua_pushstring(L, to_luastring('application/x-www-form-urlencoded'));
  else lua.lua_pushnil(L);
  if (lua.lua_pcall(L, 4, 0, 0) !== lua.LUA_OK) throw new Error(String(fengari.to_jsstring(lua.lua_tostring(L, -1))));
  const get = <T>(n: string, read: (i: number) => T): T | undefined => {
    lua.lua_getglobal(L, to_luastring(n));
    const v = lua.lua_isnil(L, -1) ? undefined : read(-1);
    lua.lua_pop(L, 1);
    return v;
  };
  const bytes = (i: number) => Buffer.from(lua.lua_tostring(L, i));
  return { query: get('OUT', bytes), body: get('OUTBODY', bytes), exited: get('EXITED', (i) => lua.lua_tonumber(L, i)) };
}

const FOLD: Record<string, string> = { '\u212a': 'k', '\u017f': 's', '\u0131': 'i', '\u0130': 'i' };
/** %XX-decoded bytes of a name (`+` a space), read as UTF-8 (a Go/Java backend), folded. */
function backendReads(rawName: Buffer): string {
  const out: number[] = [];
  for (let i = 0; i < rawName.length; i++) {
    const c = rawName[i]!;
    const h = rawName.subarray(i + 1, i + 3).toString('latin1');
    if (c === 0x25 && /^[0-9A-Fa-f]{2}$/.test(h)) {
      out.push(parseInt(h, 16));
      i += 2;
    } else out.push(c === 0x2b ? 0x20 : c);
  }
  return [...Buffer.from(out).toString('utf8')].map((ch) => FOLD[ch] ?? ch).join('').toLowerCase();
}
const names = (query: Buffer) => query.toString('latin1').split(/[&;]/).filter((kv) => kv !== '').map((kv) => backendReads(Buffer.from(kv.split('=')[0]!, 'latin1')));

const LETTERS: Array<[number[], string]> = [
  [[0xc5, 0xbf], 's'],
  [[0xe2, 0x84, 0xaa], 'k'],
  [[0xc4, 0xb1], 'i'],
  [[0xc4, 0xb0], 'i'],
];
/** `name` with its first `ascii` letter as the folded letter's bytes, each mix of raw and %XX (latin1 text). */
function mixedSpellings(name: string): string[] {
  const out: string[] = [];
  for (const [bytes, ascii] of LETTERS) {
    const at = name.toLowerCase().indexOf(ascii);
    if (at < 0) continue;
    for (let mask = 1; mask < (1 << bytes.length) - 1; mask++) {
      const letter = bytes.map((b, i) => (mask & (1 << i) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase()}`)).join('');
      out.push(name.slice(0, at) + letter + name.slice(at + 1));
    }
  }
  return out;
}
const latin1 = (s: string) => Buffer.from(s, 'latin1');

const TOKEN_NAMES = ['access_token', 'ACCESS_TOKEN'].flatMap(mixedSpellings);
const SESSION_NAMES = mixedSpellings('session');

describe('Kong: a folded letter sent with its UTF-8 bytes half raw, half %XX (standing control)', () => {
  const watched = nameReadingsLua(['_method', 'access_token']);
  const keyed = querySpellingsLua('session');

  it('the spellings are the names to the backend model', () => {
    expect([TOKEN_NAMES.length, SESSION_NAMES.length]).toEqual([16, 6]);
    for (const n of TOKEN_NAMES) expect(backendReads(latin1(n)), n).toBe('access_token');
    for (const n of SESSION_NAMES) expect(backendReads(latin1(n)), n).toBe('session');
  });

  it('what holds is the byte fold after the decode: without its lines the mixed spellings pass', () => {
    const unfolded = (lua: string) => lua.replace(/\n {2}n = string\.gsub\(n, "(?:\\\d{3})+", "[ksi]"\)/g, '');
    expect(unfolded(watched)).not.toContain('"\\197\\191"');
    const raw = latin1('a=1&acce%C5\xbfs_token=forged');
    expect(names(run(unfolded(watched), raw).query ?? raw)).toContain('access_token');
    expect(run(watched, raw).query?.toString('latin1')).toBe('a=1');
  });

  it('control: other names pass untouched, raw bytes and all', () => {
    expect(run(watched, latin1('a=1&x\xbfy=2&acces=3')).query).toBeUndefined();
    expect(run(keyed, latin1('session=k&x\xc5y=2')).query).toBeUndefined();
  });

  it.each(TOKEN_NAMES.map((n) => [JSON.stringify(n), n]))('?%s= never reaches the backend as access_token (name-readings chunk)', (_l, name) => {
    const raw = latin1(`a=1&${name}=forged&b=2`);
    const out = run(watched, raw);
    const sent = out.query ?? raw;
    expect(out.exited === undefined ? names(sent) : [], `${out.exited} ${sent.toString('latin1')}`).not.toContain('access_token');
  });

  it.each(SESSION_NAMES.map((n) => [JSON.stringify(n), n]))('?%s= beside the verified ?session= never reaches the backend (query-spellings chunk)', (_l, name) => {
    for (const q of [`session=k&${name}=forged&x=1`, `${name}=forged&session=k`]) {
      const out = run(keyed, latin1(q));
      const sent = (out.query ?? latin1(q)).toString('latin1');
      // key-auth then hides the exact `session` it verified; what is left must hold no other spelling.
      const left = latin1(sent.split('&').filter((kv) => kv.split('=')[0] !== 'session').join('&'));
      expect(names(left), `${q} -> ${sent}`).not.toContain('session');
    }
  });

  it.each(TOKEN_NAMES.map((n) => [JSON.stringify(n), n]))('a form body naming %s is removed or refused (name-readings chunk)', (_l, name) => {
    const body = latin1(`a=1&${name}=forged`);
    const out = run(watched, latin1('x=1'), body);
    if (out.exited !== undefined) expect(out.exited).toBeGreaterThanOrEqual(400);
    else expect(names(out.body ?? body), (out.body ?? body).toString('latin1')).not.toContain('access_token');
  });
});
