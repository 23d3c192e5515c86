/**
 * One query-name rule (src/targets/query-names.ts) behind the credential spellings of every target:
 * the Kong pre-function's Lua is rendered from the table and run for real (fengari, Kong's sandbox
 * globals), the njs runtime's own nameAsRead (the nginx engineer's file) is run in node, and both
 * must read every name below as the table's reference does. Then the attack it closes on Kong: the
 * array form of a query key (`api_key[]=`, `api_key[0]=`; PHP, Rack and qs read it as `api_key`)
 * beside the verified key, or on a route basic auth authenticated, never reaches the backend.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileGateway } from '../../src/api.js';
import { queryNameAsRead, queryNameAsReadLua } from '../../src/targets/query-names.js';
import { querySpellingsLua } from '../../src/targets/kong/query-spellings.js';
import { NJS_RUNTIME } from '../../src/targets/nginx/njs-runtime.js';
import { gatewayOf } from '../helpers/spec.js';
import { evaluate, type DeckDoc } from '../targets/kong/kong-oracle.js';
import { runPreFunction } from '../targets/kong/lua-sandbox.js';

const NAMES = [
  'api_key', 'API_KEY', 'Api_Key', 'api.key', 'api+key', 'api%20key', 'api[key', 'api%5Bkey', 'api%5Fkey', 'api%5fkey%20', '%20api_key', '+api_key',
  'api_key%09', 'api_key%A0', '%A0api_key', 'api_key[]', 'API_KEY[]', 'api_key[0]', 'api_key[a][b]', 'api_key%5B%5D', 'api_key+[]', '[api_key', '[method',
  'api[key]', 'api_key]', 'api_key[', 'api%ZZkey', 'api%4', 'x', '', 'ap i_key', 'api..key', 'api_key=', '_method[]', ' .method',
  // A name ends at its first NUL (PHP's C-string names): after the name, before junk, after blanks, in an array form.
  'api_key%00', 'api_key%00x', 'API_KEY%00', '%20api_key%00%20', 'api_key%00[]', 'api_key[]%00', '%00api_key', 'api%00_key', '_method%00', 'api_key%00%00',
  // Bracket forms (Rack 2's `\A[\[\]]*([^\[\]]+)\]*`, qs's `[api_key]`): a leading run of brackets goes, a name holding a `]` ends at its first bracket.
  ']api_key', '[api_key]', '[[api_key]]', '%5Dapi_key', '%5Bapi_key%5D', '%5bAPI_KEY%5d', 'API_KEY]', 'api_key]]', 'api_key]x', '][api_key[]', '[_method]', ']_METHOD',
  '[]', ']]', '[', ']', 'a[]', 'a[b]', '[a][b]', 'a]b[c]', ' [ api_key ] ', '%20[%20api_key', '+]api_key+]', 'api_key[0]]', '[api[key', 'api_key]%00', '%00]api_key', '[%00api_key',
];

/** as_read of the rendered Lua, run in the sandbox: the name travels as the raw query and comes back through set_raw_query. */
function luaAsRead(raw: string): string {
  const code = [...queryNameAsReadLua(), 'return function() kong.service.request.set_raw_query(as_read(kong.request.get_raw_query())) end'].join('\n');
  return runPreFunction(code, raw);
}

/** The njs runtime's own nameAsRead(raw, true), with its looseDecode, evaluated in node. */
function njsAsRead(): (raw: string) => string {
  const fn = (name: string) => {
    const start = NJS_RUNTIME.indexOf(`function ${name}(`);
    const end = NJS_RUNTIME.indexOf('\n}\n', start);
    return NJS_RUNTIME.slice(start, end + 2);
  };
  const f = new Function(`${fn('looseDecode')}\n${fn('nameAsRead')}\nreturn nameAsRead;`)() as (raw: string, query: boolean) => string;
  return (raw) => f(raw, true);
}

describe('one query-name rule, three readings', () => {
  it.each(NAMES.map((n) => [n]))('Kong Lua reads %j as the table does', (raw) => {
    expect(luaAsRead(raw)).toBe(queryNameAsRead(raw));
  });

  // The njs copy lives in the nginx engineer's runtime.js: held to the same answers, bracket forms included.
  const njs = njsAsRead();
  it.each(NAMES.map((n) => [n]))('njs reads %j as the table does', (raw) => {
    expect(njs(raw)).toBe(queryNameAsRead(raw));
  });

  // The four non-ASCII letters a Unicode case-blind reader takes for ASCII ones (QUERY_NAME_RULE.unicodeFold:
  // Go's EqualFold, which Echo's query and form binding falls back to; Java's equalsIgnoreCase), %-encoded.
  const UNICODE = ['%C5%BFession', 'SE%C5%BFSION', 'acce%C5%BFs_token', 'api_%E2%84%AAey', '%E2%84%AAEY', '%C4%B1d', '%C4%B0D', '_%C4%B1d%C4%B0[]'];
  it.each(UNICODE.map((n) => [n]))('Kong Lua reads %j as the table does (non-ASCII letters folded)', (raw) => {
    expect(luaAsRead(raw)).toBe(queryNameAsRead(raw));
    expect(queryNameAsRead(raw)).toMatch(/^[\x00-\x7f]*$/);
  });
  // The njs runtime folds them too (it read ASCII only until session 14: `?acce%C5%BFs_token=` beside a
  // verified bearer, or `?%C5%BFession=` after the verified `?session=` was hidden, reached an Echo
  // backend; real nginx: redteam10-nginx-unicode-names).
  it.each(UNICODE.map((n) => [n]))('njs reads %j as the table does (non-ASCII letters folded)', (raw) => {
    expect(njs(raw)).toBe(queryNameAsRead(raw));
  });
  // A raw UTF-8 name (njs may hold it as the letter itself, not its bytes) reads as its %XX form does.
  it('njs reads the letters themselves as their %XX-decoded bytes', () => {
    for (const raw of UNICODE) expect(njs(decodeURIComponent(raw))).toBe(queryNameAsRead(raw));
  });

  it('the reference reading (the table\'s own answers)', () => {
    expect(['API_KEY', 'api.key', 'api+key', 'api[key', 'api_key[]', 'api_key[0]', 'api_key%5B%5D', ' api_key', 'api_key%A0'].map(queryNameAsRead)).toEqual(Array(9).fill('api_key'));
    expect(['api[key]', 'api_key[', 'api[key'].map(queryNameAsRead)).toEqual(['api', 'api_key_', 'api_key']);
    // Rack 2 (Rails <= 7.0) reads each as params['api_key'] (qs too for `[api_key]`); PHP drops a name starting with `[`.
    const bracket = [']api_key', '[api_key', '[api_key]', '[[api_key]]', 'api_key]', 'api_key]]', 'API_KEY]x', '%5Dapi_key', '%5Bapi_key%5D', '%5bApi_Key%5d', ' [ api_key ] ', '][api_key[]', 'api_key[0]]'];
    expect(bracket.map(queryNameAsRead)).toEqual(Array(bracket.length).fill('api_key'));
    expect(['[]', ']]', '[', ']', '[ ]', 'a[]', 'a[b]', '[a][b]', 'a]b[c]', '[_method]', '[method'].map(queryNameAsRead)).toEqual(['', '', '', '', '', 'a', 'a', 'a', 'a', '_method', 'method']);
    expect(['api_key%00', 'api_key%00x', '%20api_key%00%20', 'api_key%00[]', '%00api_key', 'api%00_key'].map(queryNameAsRead)).toEqual(['api_key', 'api_key', 'api_key', 'api_key', '', 'api']);
  });
});

const SPEC = `openapi: 3.1.0
info: { title: q arrays, version: "1" }
servers: [{ url: "https://api.test/v1" }]
x-gateway:
  name: qa
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { qkey: "\${env:ALICE_KEY}" } }
    amy: { credentials: { basic: { username: amy, password: "\${env:AMY_PW}" } } }
paths:
  /q: { get: { operationId: q, security: [{ qkey: [] }], responses: { "200": { description: ok } } } }
  /or: { get: { operationId: either, security: [{ basic: [] }, { qkey: [] }], responses: { "200": { description: ok } } } }
components:
  securitySchemes:
    qkey: { type: apiKey, in: query, name: api_key }
    basic: { type: http, scheme: basic }
`;
const ENV = { DECK_ALICE_KEY: 'alice-key-1', DECK_AMY_PW: 'amy-pw-1' };

describe('kong: the array form of a query key', async () => {
  const built = compileGateway((await gatewayOf(SPEC)).gateway!, 'kong', {});
  const doc = parse(built.files.find((f) => f.path === 'kong.yaml')!.contents) as DeckDoc;
  const send = (path: string, rawQuery: string, headers: Record<string, string> = {}) => evaluate(doc, { method: 'GET', host: 'api.test', path, rawQuery, headers }, ENV);

  for (const form of ['api_key[]', 'api_key[0]', 'API_KEY[]', 'api_key%5B%5D', 'api_key[a][b]']) {
    it(`${form}=forged beside the verified key never reaches the backend`, () => {
      const o = send('/v1/q', `api_key=alice-key-1&${form}=forged&x=1`);
      expect(o.status).toBe(200);
      expect(o.upstream!.query).toEqual({ x: '1' });
    });

    it(`${form}=forged on a route basic auth authenticated never reaches the backend`, () => {
      const o = send('/v1/or', `${form}=forged&x=1`, { authorization: `Basic ${Buffer.from('amy:amy-pw-1').toString('base64')}` });
      expect(o.status).toBe(200);
      expect(o.upstream!.query).toEqual({ x: '1' });
    });
  }

  it('a name that only looks like one stays: api[key] is the array api to PHP', () => {
    expect(runPreFunction(querySpellingsLua('api_key'), 'api_key=v&api[key]=1')).toBe('api_key=v&api[key]=1');
  });
});
