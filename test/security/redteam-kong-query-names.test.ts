/**
 * Red team, Kong (DESIGN.md 7.1, 7.3): the nginx catalogue's query-key spellings
 * (redteam-nginx-credential-names.test.ts) against Kong. key-auth reads the query key by its exact
 * name (ngx.req.get_uri_args splits on & only) and request-transformer removes exact names, so a
 * spelling a backend reads as the key (API_KEY on ASP.NET, api.key / api[key / api+key on PHP, a
 * pair behind ';' on Python < 3.9.2 or Go < 1.17) passed Kong unverified beside the verified key, or
 * on a route basic auth authenticated. Every case below failed on the old code (the `it.fails` of
 * d6bb141). gwc now emits a pre-function (src/targets/kong/query-spellings.ts) whose Lua the oracle
 * runs for real in a Lua VM with Kong's sandbox globals (test/targets/kong/lua-sandbox.ts); the
 * output passes `deck validate`, the decK schema and gwc's plugin schemas.
 */
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileGateway } from '../../src/api.js';
import { PLUGIN_SCHEMAS } from '../../src/targets/kong/plugin-schemas.js';
import { luaString, QUERY_SPELLINGS_MARK, querySpellingsLua } from '../../src/targets/kong/query-spellings.js';
import { gatewayOf } from '../helpers/spec.js';
import { evaluate, type DeckDoc, type OracleRequest } from '../targets/kong/kong-oracle.js';
import { allRoutes } from '../targets/kong/kong-router.js';
import { runPreFunction } from '../targets/kong/lua-sandbox.js';
import { deckValidate, schemaValidate } from '../targets/kong/validate.js';

const SPEC = (name = 'api_key', hide = true) => `openapi: 3.1.0
info: { title: q lab, version: "1" }
servers: [{ url: "https://api.test/v1" }]
x-gateway:
  name: q
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { qkey: "\${env:ALICE_KEY}", hkey: { username: alice, password: "\${env:ALICE_PW}" } } }
paths:
  /q: { get: { operationId: q, security: [{ qkey: [] }], responses: { "200": { description: ok } } } }
  /or: { get: { operationId: either, security: [{ hkey: [] }, { qkey: [] }], responses: { "200": { description: ok } } } }
  /open: { get: { operationId: open, x-gateway: { public: true }, responses: { "200": { description: ok } } } }
components:
  securitySchemes:
    qkey: { type: apiKey, in: query, name: "${name}", x-gateway: { hideCredentials: ${hide} } }
    hkey: { type: http, scheme: basic }
`;
const ENV = { DECK_ALICE_KEY: 'alice-key-1', DECK_ALICE_PW: 'alice-pw-1' };

async function build(name?: string, hide?: boolean): Promise<{ yaml: string; doc: DeckDoc }> {
  const loaded = await gatewayOf(SPEC(name, hide));
  const r = compileGateway(loaded.gateway!, 'kong', {});
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const yaml = r.files[0]!.contents;
  return { yaml, doc: parse(yaml) as DeckDoc };
}

/** A query name as a backend reads it (the red team's own reading: PHP, ASP.NET, a percent decoder). */
const readAs = (n: string) => {
  let s = n.replace(/\+/g, ' ');
  try { s = decodeURIComponent(s); } catch { /* as sent */ }
  return s.trim().toLowerCase().replace(/[ .[]/g, '_');
};
/** Every pair of the upstream's query a lenient backend reads as `name` (split on & and ;). */
const keyPairs = (query: Record<string, string>, name: string) =>
  Object.entries(query).flatMap(([k, v]) => `${k}=${v}`.split(';')).filter((kv) => readAs(kv.split('=')[0]!) === name);

const SPELLINGS = ['API_KEY', 'Api_Key', 'api.key', 'api[key', 'api+key', 'api%5Fkey%20', ' api_key', 'aPi.KeY'];

describe('kong: query key spellings a backend reads', async () => {
  const { yaml, doc } = await build();
  const send = (path: string, req: Partial<OracleRequest>) => evaluate(doc, { method: 'GET', host: 'api.test', path, ...req }, ENV);

  it('control: the verified key itself is stripped', () => {
    const o = send('/v1/q', { query: { api_key: 'alice-key-1', x: '1' } });
    expect(o.status).toBe(200);
    expect(o.upstream!.query).toEqual({ x: '1' });
  });

  it.each(SPELLINGS)('%s beside the verified key never reaches the backend', (name) => {
    const o = send('/v1/q', { query: { api_key: 'alice-key-1', [name]: 'forged', x: '1' } });
    expect(o.status).toBe(200);
    expect(keyPairs(o.upstream!.query, 'api_key')).toEqual([]);
    expect(o.upstream!.query).toEqual({ x: '1' });
  });

  it.each(SPELLINGS)('%s on a route basic auth authenticated never reaches the backend', (name) => {
    const o = send('/v1/or', { headers: { authorization: `Basic ${Buffer.from('alice:alice-pw-1').toString('base64')}` }, query: { [name]: 'forged' } });
    expect(o.status).toBe(200);
    expect(keyPairs(o.upstream!.query, 'api_key')).toEqual([]);
  });

  it('a pair behind ";" (Python < 3.9.2, Go < 1.17) goes with its & part; the other parts stay', () => {
    const o = send('/v1/q', { rawQuery: 'api_key=alice-key-1&a=1;API_KEY=forged&b=2' });
    expect(o.status).toBe(200);
    expect(o.upstream!.query).toEqual({ b: '2' });
  });

  it('the key spelt as key-auth reads it but behind ";" is no credential (401), never passed on', () => {
    const o = send('/v1/q', { rawQuery: 'api_key=alice-key-1;x=1' });
    expect(o.status).toBe(401);
    expect(o.upstream).toBeUndefined();
  });

  it('a spelling alone is no credential: 401 on the keyed route', () => {
    expect(send('/v1/q', { query: { API_KEY: 'alice-key-1' } }).status).toBe(401);
  });

  it('the percent-encoded exact name is the key to key-auth too: verified and stripped', () => {
    const o = send('/v1/q', { rawQuery: 'api%5Fkey=alice-key-1&x=1' });
    expect(o.status).toBe(200);
    expect(o.upstream!.query).toEqual({ x: '1' });
  });

  it('hideCredentials false: the verified key passes, its unverified spellings do not', async () => {
    const shown = await build('api_key', false);
    const o = evaluate(shown.doc, { method: 'GET', host: 'api.test', path: '/v1/q', query: { api_key: 'alice-key-1', 'api.key': 'forged' } }, ENV);
    expect(o.status).toBe(200);
    expect(o.upstream!.query).toEqual({ api_key: 'alice-key-1' });
  });

  // Every proxied route has a pre-function since red team 4 (name-readings.ts: `_method` in every
  // spelling); the key's chunk is on the routes that verify a query key only.
  it('only routes that verify a query key get the key chunk; a public route keeps API_KEY', () => {
    const keyChunk = (r: { plugins?: Array<{ name: string; config?: unknown }> }) =>
      (r.plugins ?? []).some((p) => p.name === 'pre-function' && ((p.config as { access: string[] }).access ?? []).some((c) => c.startsWith(QUERY_SPELLINGS_MARK)));
    const withPre = allRoutes(doc).filter(keyChunk).map((r) => r.name);
    expect(withPre.sort()).toEqual(['q.either', 'q.q']);
    expect(send('/v1/open', { query: { API_KEY: 'x' } }).upstream!.query).toEqual({ API_KEY: 'x' });
  });

  it('the output passes deck validate, the decK schema and the pre-function config schema', () => {
    const deck = deckValidate(yaml);
    if (deck) expect(deck.ok, deck.output).toBe(true);
    const schema = schemaValidate(yaml);
    if (schema) expect(schema.ok, JSON.stringify(schema.errors)).toBe(true);
    const v = new Ajv({ strict: false }).compile(PLUGIN_SCHEMAS['pre-function']!);
    for (const r of allRoutes(doc)) for (const p of r.plugins ?? []) if (p.name === 'pre-function') expect(v(p.config)).toBe(true);
  });
});

describe('kong: the pre-function Lua is escape by construction', () => {
  it('a key name holding Lua and URL syntax is one string literal of decimal escapes', () => {
    const name = `k'$%&|~\`#^!*+.-`;
    const lua = querySpellingsLua(name);
    expect(lua).toContain(luaString(name));
    expect(luaString(name)).toMatch(/^"[A-Za-z0-9_\\]*"$/);
    expect(luaString('é"\\\n]]')).toBe('"\\195\\169\\034\\092\\010\\093\\093"');
    // And it runs: that name, exactly, is kept; its case spelling is dropped.
    expect(runPreFunction(lua, `${encodeURIComponent(name)}=v&${encodeURIComponent(name.toUpperCase())}=f`)).toBe(`${encodeURIComponent(name)}=v`);
  });

  it('every spec the compiler accepts with an odd key name still builds and validates', async () => {
    const { yaml, doc } = await build(`k'$|~.x`);
    const deck = deckValidate(yaml);
    if (deck) expect(deck.ok, deck.output).toBe(true);
    const o = evaluate(doc, { method: 'GET', host: 'api.test', path: '/v1/q', query: { "k'$|~.x": 'alice-key-1', "K'$|~_X": 'forged' } }, ENV);
    expect(o.status).toBe(200);
    expect(o.upstream!.query).toEqual({});
  });
});
