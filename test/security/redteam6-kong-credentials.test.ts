/**
 * Red team 6, Kong, through the request oracle (test/targets/kong/kong-oracle.ts, the route's Lua
 * run for real) and the nbf chunk in the sandbox harness (test/targets/kong/lua-headers.ts):
 * - A JSON body naming the route's API key beside the key key-auth verified: Laravel's input() reads
 *   a JSON body over the query (nginx refuses such a body, njs bodyKey, 400, and a form or multipart
 *   one on both targets). Kong drops the form field and refuses the multipart one (name-readings.ts)
 *   but passes a JSON body as sent: request-transformer's remove.body lists only `_method` and
 *   `access_token` forms (policies.ts requestTransformer), and the name-readings chunk reads form and
 *   multipart bodies only. Open (it.fails): the fix is a JSON key scan in that chunk (nginx's
 *   bodyNames reading), which changes every Kong golden and the diff-base deployed dump.
 * - 69c5721's nbf chunk, differentially: generated claims texts (valid JSON with escaped names in
 *   any case of hex, JSON whitespace, duplicate nbf, nested objects and strings holding "nbf", `}`,
 *   `"`, `\`, every number form, non-numbers) and the base64url spellings jwt_parser decodes alike
 *   (padded, +/ for -_) give the chunk's verdict equal to cjson's reading (JSON.parse: strict, the
 *   last duplicate wins, as cjson) with `nbf > now + skew` or a non-number refused.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileGateway } from '../../src/api.js';
import { gatewayOf } from '../helpers/spec.js';
import { evaluate, type DeckDoc, type OracleRequest } from '../targets/kong/kong-oracle.js';
import { runHeaderChunk } from '../targets/kong/lua-headers.js';
import { jwtNbfLua } from '../../src/targets/kong/jwt-claims.js';

const ok = '{ "200": { description: ok } }';
const HOST = 'api.test';
const SPEC = `openapi: 3.1.0
info: { title: red team 6 kong, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: r6k
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { hkey: "\${env:ALICE_KEY}" } }
    carol: { credentials: { qkey: "\${env:CAROL_KEY}" } }
paths:
  /h: { post: { operationId: hPost, security: [{ hkey: [] }], responses: ${ok} } }
  /q: { post: { operationId: qPost, security: [{ qkey: [] }], responses: ${ok} } }
components:
  securitySchemes:
    hkey: { type: apiKey, in: header, name: X-Api-Key }
    qkey: { type: apiKey, in: query, name: api_key }
`;
const ENV = { DECK_ALICE_KEY: 'alice-key-1', DECK_CAROL_KEY: 'carol-key-3' };
const FORM = 'application/x-www-form-urlencoded';
const JSON_CT = 'application/json';

describe('red team 6, Kong: an API key\'s name in a JSON body', async () => {
  const loaded = await gatewayOf(SPEC);
  const built = compileGateway(loaded.gateway!, 'kong', {});
  const doc = parse(built.files.find((f) => f.path === 'kong.yaml')?.contents ?? '') as DeckDoc;
  const h = (ct: string, body: string) => evaluate(doc, { method: 'POST', host: HOST, path: '/v1/h', headers: { 'x-api-key': 'alice-key-1', 'content-type': ct }, body } as OracleRequest, ENV);
  const q = (ct: string, body: string) => evaluate(doc, { method: 'POST', host: HOST, path: '/v1/q', rawQuery: 'api_key=carol-key-3', headers: { 'content-type': ct }, body } as OracleRequest, ENV);
  /** The key's name as the backend reads a body field: the status and any field it would take as the key. */
  const leaked = (o: ReturnType<typeof evaluate>, name: string) => (o.status === 200 ? Object.keys(o.upstream?.bodyFields ?? {}).filter((k) => k.toLowerCase() === name) : []);

  it('builds; control: each key verifies, a body without the name passes whole', () => {
    expect(built.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual([]);
    expect(h(JSON_CT, '{"a":1}').upstream?.bodyFields).toEqual({ a: '1' });
    expect(q(JSON_CT, '{"a":1}').upstream?.bodyFields).toEqual({ a: '1' });
  });

  it('control: the form field is dropped and a multipart part refused, on both routes', () => {
    expect(leaked(h(FORM, 'x-api-key=bob&a=1'), 'x-api-key')).toEqual([]);
    expect(leaked(q(FORM, 'api_key=bob&a=1'), 'api_key')).toEqual([]);
    const multi = (name: string) => `--b\r\nContent-Disposition: form-data; name="${name}"\r\n\r\nbob\r\n--b--\r\n`;
    expect(h('multipart/form-data; boundary=b', multi('x-api-key')).status).toBe(400);
    expect(q('multipart/form-data; boundary=b', multi('api_key')).status).toBe(400);
  });

  // Was open: request-transformer remove.body and the name-readings chunk never read a JSON body's
  // keys for an API key's name. Closed: the chunk reads every key at any depth with the strict JSON
  // reader the nbf chunk uses (lua-json.ts) and refuses (400) one that reads as the key, as nginx does.
  it('a JSON body {"api_key": <bob>} beside the verified ?api_key= never reaches the backend', () => {
    expect(leaked(q(JSON_CT, '{"api_key":"bob-key-2"}'), 'api_key')).toEqual([]);
  });
  it('a JSON body {"api\\u005fkey": <bob>} (escaped name) beside the verified ?api_key= never reaches the backend', () => {
    expect(leaked(q(JSON_CT, '{"api\\u005fkey":"bob-key-2"}'), 'api_key')).toEqual([]);
  });
  it('a JSON body {"x-api-key": <bob>} beside the verified X-Api-Key never reaches the backend', () => {
    expect(leaked(h(JSON_CT, '{"x-api-key":"bob-key-2"}'), 'x-api-key')).toEqual([]);
  });

  // Generated: each key name in every spelling the rule of query-names.ts reads as it (case,
  // blanks, `.`/` `/`[` for `_`, array forms, a NUL, %XX and `+`, JSON escapes) and `-`/`_`
  // swapped (header-spellings.ts), at any depth, under every JSON media type a backend parses.
  const escape = (n: string, every: number) => [...n].map((c, i) => (i % every === 0 ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : c)).join('');
  const spellings = (n: string): string[] => {
    const swapped = n.includes('-') ? n.replace(/-/g, '_') : n.replace(/_/g, '-');
    return [n, n.toUpperCase(), n[0]!.toUpperCase() + n.slice(1), swapped, swapped.toUpperCase(), ` ${n}`, `${n} `, `\\t${n}`, `${n}[]`, `${n}[0]`, `${n}[a][b]`, `${n}[`,
      `${n}\\u0000x`, n.replace(/[-_]/g, '.'), n.replace(/[-_]/g, ' '), n.replace(/[-_]/g, '['), n.replace(/[-_]/g, '%5f'), n.replace(/[-_]/g, '+'), escape(n, 1), escape(n, 2), escape(n.toUpperCase(), 3)];
  };
  const places = (k: string): string[] => [`{"${k}":"bob-key-2"}`, `{"a":1,"${k}":"bob-key-2","b":[1]}`, ` \n{ "${k}" : "bob-key-2" }\r\n`, `{"data":{"${k}":"bob-key-2"}}`, `[{"${k}":"bob-key-2"}]`,
    `{"a":[1,{"b":{"${k}":null}}]}`, `${'['.repeat(30)}{"${k}":1}${']'.repeat(30)}`, `{"${k}":"bob-key-2","${k}":"x"}`];
  const TYPES = [JSON_CT, 'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/vnd.api+json', 'text/json', 'application/problem+json'];
  const variants: Array<[string, string, string, string]> = [];
  for (const [route, name] of [['q', 'api_key'], ['h', 'x-api-key']] as const) {
    let t = 0;
    for (const k of spellings(name)) for (const body of places(k)) variants.push([route, name, TYPES[t++ % TYPES.length]!, body]);
  }
  it(`${variants.length} generated JSON bodies naming a route's key: every one refused (400)`, () => {
    const passed = variants.filter(([route, , ct, body]) => (route === 'q' ? q : h)(ct, body).status !== 400).map(([r, , ct, b]) => `${r} ${ct} ${b}`);
    expect(passed.slice(0, 10)).toEqual([]);
  }, 120_000);

  it('a JSON body the strict reader cannot read is refused on a keyed route (it might hide the key from it), read otherwise', () => {
    for (const body of ['{"api_key":"bob"', '{"a":NaN,"api_key":1}', "{'api_key':1}", '{"a":1,}', '{"a":"\\ud800"}', '{"a":1} {"api_key":2}', '   ', `${'['.repeat(1001)}${']'.repeat(1001)}`]) {
      expect(q(JSON_CT, body).status, body).toBe(400);
      expect(h(JSON_CT, body).status, body).toBe(400);
    }
    expect(q(JSON_CT, `${'['.repeat(999)}${']'.repeat(999)}`).status, 'cjson\'s depth').toBe(200);
  });

  it('control: JSON bodies that only look alike pass whole', () => {
    for (const body of ['{"api_keys":1}', '{"xapi_key":1}', '{"a":"api_key"}', '{"api_key_id":1}', '{"a":["api_key", {"b":"x-api-key"}]}', '{"apikey":1}', '{"api__key":1}', '[]', '"api_key"', '1', '{}']) {
      expect(q(JSON_CT, body).status, body).toBe(200);
      expect(h(JSON_CT, body).status, body).toBe(200);
    }
    // Another body type is not read as JSON: a text body holding the name reaches the backend.
    expect(q('text/plain', '{"api_key":1}').status).toBe(200);
  });
});

describe('red team 6, Kong nbf chunk (69c5721): its verdict equals cjson\'s reading of the claims', () => {
  const NOW = 1_800_000_000;
  const SKEW = 60;
  const chunk = jwtNbfLua({ header: 'authorization', skew: SKEW });
  /** 401 from the chunk, or undefined (the token goes on to jwt). */
  const chunkSays = (claimsPart: string) => runHeaderChunk(chunk, [['authorization', `Bearer eyJhbGciOiJSUzI1NiJ9.${claimsPart}.c2ln`]], NOW * 1000).exit;
  /** What Kong with nbf checked would say: cjson (strict JSON, last duplicate wins: JSON.parse alike). */
  const model = (json: string): number | undefined => {
    const v = JSON.parse(json) as Record<string, unknown>;
    if (!('nbf' in v)) return undefined;
    return typeof v.nbf === 'number' && !(v.nbf > NOW + SKEW) ? undefined : 401;
  };

  // A small deterministic generator (xorshift), so a failure names its seed.
  let seed = 0x6a09e667;
  const rnd = (n: number) => { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return ((seed >>> 0) % n); };
  const pick = <T,>(xs: readonly T[]) => xs[rnd(xs.length)]!;
  const ws = () => pick(['', '', ' ', '\t', '\n', '\r\n ', '  ']);
  /** A name with some characters as \\uXXXX, hex in either case. */
  const name = (n: string) => '"' + [...n].map((c) => {
    const u = () => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')[rnd(2) ? 'toUpperCase' : 'toLowerCase']();
    if (c === '"' || c === '\\') return rnd(2) ? u() : '\\' + c;
    return rnd(3) === 0 ? u() : c;
  }).join('') + '"';
  const numbers = () => pick([String(NOW - 5), String(NOW + SKEW), String(NOW + SKEW + 1), `${NOW + SKEW}.5`, `${NOW + 30}.999`, '1.8e9', '1.80000007E9', '1800000060e0', '18000000601e-1', '-1', '0', '-0', '1e400', '-1e400', '0.5e-3', String(2 ** 53 + 1)]);
  const scalar = () => pick([numbers(), numbers(), '"1800000100"', '"x\\"}{"', 'null', 'true', 'false', '"\\\\"', '"nbf"', '""']);
  const value = (depth: number): string => {
    const k = rnd(depth > 2 ? 2 : 5);
    if (k < 2) return scalar();
    if (k === 2) return `[${ws()}${Array.from({ length: rnd(3) }, () => value(depth + 1)).join(`${ws()},${ws()}`)}${ws()}]`;
    return object(depth + 1);
  };
  const object = (depth: number): string => {
    const members = Array.from({ length: rnd(5) }, () => {
      const key = pick(['nbf', 'nbf', 'exp', 'sub', 'NBF', 'nbf ', 'n', 'a"b', 'x}', 'nb\\f', 'n\\bf']);
      return `${ws()}${name(key)}${ws()}:${ws()}${key === 'nbf' && depth === 0 ? (rnd(4) ? numbers() : scalar()) : value(depth)}${ws()}`;
    });
    return `{${members.join(',')}${ws()}}`;
  };

  it('1,000 generated claims: the chunk refuses exactly what cjson reads as a future or non-numeric nbf', () => {
    const differ: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const json = `${ws()}${object(0)}${ws()}`;
      const want = model(json);
      const b64u = Buffer.from(json).toString('base64url');
      // jwt_parser: padding to a multiple of 4 and `-_` read as `+/` decode alike.
      const spelling = pick([b64u, Buffer.from(json).toString('base64'), b64u + '='.repeat((4 - (b64u.length % 4)) % 4)]);
      const got = chunkSays(spelling);
      if (got !== want) differ.push(`${JSON.stringify(json)} (${spelling}): chunk ${got}, cjson ${want}`);
    }
    expect(differ.slice(0, 5)).toEqual([]);
  }, 120_000);
});
