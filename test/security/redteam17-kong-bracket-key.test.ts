/**
 * Red team 17, Kong (request oracle): a query key sent again in a bracket spelling the reading rule
 * (QUERY_NAME_RULE, src/targets/query-names.ts) does not read as the key, but Rack 2 and qs do:
 * Rack 2 (Rails <= 7.0; query_parser.rb normalize_params `\A[\[\]]*([^\[\]]+)\]*`) strips leading
 * `[`/`]` and trailing `]` (`]api_key`, `api_key]`, `[api_key]` are params['api_key']), qs (Express 4's
 * default parser) reads `[api_key]` as api_key. The rule reads an array form only at `[` past the
 * first character, so Kong's query-spellings / name-readings chunks leave such a pair in the query:
 * - hidden key (`?api_key=<erin's>&]api_key=<forged>`): key-auth verifies erin and removes api_key,
 *   the backend still reads api_key = the forged value, a credential nobody verified;
 * - kept key: the backend reads the last (Rack 2) or both (qs) values.
 * Safe behaviour: such a pair is removed or the request refused, as `API_KEY=` / `api_key[]=` are
 * (kong-verifier-reads-once). Fix class: the rule (shared by Kong, nginx, Traefik) strips leading
 * `[`/`]` runs and trailing `]` runs, and reads `[name]` as name.
 *
 * FIXED (7b15f9b the rule, 2eb5622 its Lua, queryNameAsReadLua): every case below was red. Variants:
 * both pair orders, `;` inside a pair, %5b/%5D in either case, mixed raw and encoded runs, blanks in
 * the run, `api_key]x` (Rack 2 nests x under api_key), the name-readings chunk's names (`_method` in
 * the query and a form body, which Rack::MethodOverride reads from req.POST; `access_token` beside a
 * verified bearer, Doorkeeper's params[:access_token]). gwc diff: the previous release's chunks
 * (fixtures kong-name-readings-v5-*.lua, kong-query-spellings-v1.lua) are gwc's and read without the
 * bracket guard.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileGateway } from '../../src/api.js';
import { kongGuards, readNameReadings } from '../../src/targets/kong/deployed-guards.js';
import { gwcChunk } from '../../src/targets/kong/deployed-chunks.js';
import { nameReadingsLua } from '../../src/targets/kong/name-readings.js';
import { querySpellingsLua } from '../../src/targets/kong/query-spellings.js';
import { gatewayOf, unsecuredPublic } from '../helpers/spec.js';
import { evaluate, type DeckDoc } from '../targets/kong/kong-oracle.js';
import { deckValidate } from '../targets/kong/validate.js';

const ok = '{ "200": { description: ok } }';
const SPEC = `openapi: 3.1.0
info: { title: rt17 bracket key, version: "1" }
servers: [{ url: "https://api.test/v1" }]
x-gateway:
  name: rt17k
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  accept:
    kong: [{ feature: auth.jwt, reason: audience checked by the backend }]
  consumers:
    erin: { credentials: { hq: "\${env:E_HQ}" } }
    gina: { credentials: { kq: "\${env:G_KQ}" } }
paths:
  /hq: { get: { operationId: hq, security: [{ hq: [] }], responses: ${ok} } }
  /kq: { get: { operationId: kq, security: [{ kq: [] }], responses: ${ok} } }
  /things: { post: { operationId: things, x-gateway: { public: true }, responses: ${ok} } }
  /tok: { get: { operationId: tok, security: [{ tok: [] }], responses: ${ok} } }
components:
  securitySchemes:
    hq: { type: apiKey, in: query, name: api_key }
    kq: { type: apiKey, in: query, name: kept_key, x-gateway: { hideCredentials: false } }
    tok: { type: http, scheme: bearer, x-gateway: { anyAudience: true, issuer: "https://id.example/", algorithms: [RS256], publicKeys: ["\${env:JWT_PEM}"] } }
`;
const ENV = { DECK_E_HQ: 'erin-key', DECK_G_KQ: 'gina-key', DECK_JWT_PEM: 'pem' };

const decode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
/** Rack 2's top-level key of a raw query name. */
const rack2Key = (raw: string) => /^[[\]]*([^[\]]+)\]*/.exec(decode(raw))?.[1] ?? '';
/** The values a Rack 2 backend reads for `name`, in order. */
const rack2Values = (rawQuery: string, name: string) =>
  rawQuery
    .split(/[&;]/)
    .filter((p) => p !== '')
    .filter((p) => rack2Key(p.split('=')[0]!) === name)
    .map((p) => p.slice(p.indexOf('=') + 1));

describe('red team 17, Kong: a query key sent again with brackets a Rack 2 / qs backend strips', async () => {
  const loaded = await gatewayOf(SPEC);
  const r = compileGateway(unsecuredPublic(loaded.gateway!), 'kong');
  if (r.files.length === 0) throw new Error(r.diagnostics.map((x) => `${x.code} ${x.message}`).join('\n'));
  const d = parse(r.files[0]!.contents) as DeckDoc;
  const call = (path: string, rawQuery: string) => evaluate(d, { method: 'GET', path, host: 'api.test', rawQuery, kongVersion: '3.6' }, ENV);

  it('control: builds; a key alone passes (hidden: removed, kept: once), the known spellings are handled', () => {
    expect(r.diagnostics.filter((x) => x.severity === 'error')).toEqual([]);
    expect(deckValidate(r.files[0]!.contents)?.ok ?? true).toBe(true);
    const h = call('/v1/hq', 'api_key=erin-key');
    expect(h.status).toBe(200);
    expect(rack2Values(h.upstream!.rawQuery ?? '', 'api_key')).toEqual([]);
    const hu = call('/v1/hq', 'api_key=erin-key&API_KEY=forged');
    if (hu.status === 200) expect(rack2Values(hu.upstream!.rawQuery ?? '', 'api_key')).toEqual([]);
    const k = call('/v1/kq', 'kept_key=gina-key');
    expect(rack2Values(k.upstream!.rawQuery ?? '', 'kept_key')).toEqual(['gina-key']);
    expect(call('/v1/hq', 'api_key=nope').status).not.toBe(200);
  });

  for (const form of [']api_key', 'api_key]', '[api_key]', '%5Dapi_key']) {
    it(`hidden key, then ${form}=forged: never reaches a Rack 2 backend as api_key`, () => {
      const o = call('/v1/hq', `api_key=erin-key&${form}=forged`);
      if (o.status !== 200) return;
      expect(rack2Values(o.upstream!.rawQuery ?? '', 'api_key')).toEqual([]); // was ['forged']
    });
  }
  for (const form of [']kept_key', '[kept_key]']) {
    it(`kept key, then ${form}=forged: the backend reads only the verified key`, () => {
      const o = call('/v1/kq', `kept_key=gina-key&${form}=forged`);
      if (o.status !== 200) return;
      expect(rack2Values(o.upstream!.rawQuery ?? '', 'kept_key')).toEqual(['gina-key']);
    });
  }

  // Variants: other spellings of the runs (encoded in either hex case, mixed, blanks in the run, Rack 2's nesting tail).
  const RUNS = (k: string) => [`[[${k}]]`, `%5b${k}%5d`, `%5B${k.toUpperCase()}%5D`, `%5D]${k}`, `]%5b${k}`, `+[%20${k}]+`, `${k}]]`, `${k}%5d`, `${k}]x`, `][${k}[]`, `[${k}][0]`];
  const BOTH = (k: string, real: string) => RUNS(k).flatMap((form) => [
    [`${k}=${real}&${form}=forged`, form, 'after'],
    [`${form}=forged&${k}=${real}`, form, 'before'],
    [`a=1;${form}=forged&${k}=${real}`, form, 'after ; in a pair'],
  ]);
  it.each(BOTH('api_key', 'erin-key'))('hidden key: ?%s (%s, %s) never reaches a Rack 2 backend as api_key', (q) => {
    const o = call('/v1/hq', q);
    expect(o.status).toBe(200);
    expect(rack2Values(o.upstream!.rawQuery ?? '', 'api_key')).toEqual([]);
  });
  it.each(BOTH('kept_key', 'gina-key'))('kept key: ?%s (%s, %s): the backend reads only the verified key', (q) => {
    const o = call('/v1/kq', q);
    if (o.status !== 200) return;
    expect(rack2Values(o.upstream!.rawQuery ?? '', 'kept_key')).toEqual(['gina-key']);
  });
  it.each(RUNS('api_key'))('hidden key: %s=erin-key alone is no key (key-auth reads the exact name), and reaches nothing', (form) => {
    const o = call('/v1/hq', `${form}=erin-key`);
    expect(o.status).not.toBe(200);
  });

  // The name-readings chunk reads the same rule: `_method` (Rack::MethodOverride reads req.POST['_method'], which Rack 2 builds with the same strip) and an unverified access_token.
  const FORM = 'application/x-www-form-urlencoded';
  it.each(RUNS('_method'))('_method spelt %s in the query and a form body of a public POST: removed', (form) => {
    const o = evaluate(d, { method: 'POST', path: '/v1/things', host: 'api.test', rawQuery: `a=1&${form}=DELETE`, headers: { 'content-type': FORM }, body: `b=2&${form}=DELETE` }, ENV);
    expect(o.status).toBe(200);
    expect(rack2Values(o.upstream!.rawQuery ?? '', '_method')).toEqual([]);
    expect(Object.keys(o.upstream!.bodyFields ?? {}).filter((k) => rack2Key(k) === '_method')).toEqual([]);
  });
  it.each(RUNS('access_token'))('access_token spelt %s beside a verified bearer header: removed', (form) => {
    const o = evaluate(d, { method: 'GET', path: '/v1/tok', host: 'api.test', rawQuery: `${form}=forged&a=1`, headers: { authorization: 'Bearer valid:https://id.example/' } }, ENV);
    expect(o.status).toBe(200);
    expect(rack2Values(o.upstream!.rawQuery ?? '', 'access_token')).toEqual([]);
  });
  it('controls: names that only hold brackets elsewhere pass (filter[api_key], api[key], a[]=)', () => {
    const o = call('/v1/hq', 'api_key=erin-key&filter[api_key]=1&api[key]=2&a[]=3');
    expect(o.status).toBe(200);
    expect(o.upstream!.query).toEqual({ 'filter[api_key]': '1', 'api[key]': '2', 'a[]': '3' });
  });
});

/**
 * gwc diff: a Kong deployed by the release before this rule (7b15f9b and before) carries chunks whose
 * as_read does not strip the bracket runs. They stay gwc's text (no unread-changed), read as the
 * guards they make: the bracket guard is today's only, so a downgrade shows it gone.
 */
describe('gwc diff, Kong: the chunks of the release before the bracket rule', () => {
  const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
  const sets = (lua: string, name: string) => [...(new RegExp(`^local ${name} = \\{(.*)\\}$`, 'm').exec(lua)?.[1] ?? '').matchAll(/\["([^"]*)"\]/g)].map((m) => m[1]!);
  const guards = (lua: string) => {
    const g = kongGuards(new Map([['pre-function', { config: { access: [lua] } }]]));
    return [...(g.credential ?? []), ...(g.method ?? [])];
  };
  const bracket = (g: string[]) => g.filter((x) => x.includes('Rack 2 and qs'));

  it.each(['keyed', 'bearer'])('name readings (fixture kong-name-readings-v5-%s.lua): v5, gwc\'s; today\'s adds only the bracket guard; an edit is none', (v) => {
    const old = fixture(`kong-name-readings-v5-${v}.lua`);
    expect(readNameReadings(old)).toBe('v5');
    expect(gwcChunk(old)).toBe(true);
    const today = nameReadingsLua(sets(old, 'watched'), sets(old, 'body_watched'), 1048576, sets(old, 'json_watched'));
    expect(today).not.toBe(old);
    expect(readNameReadings(today)).toBe('current');
    expect(guards(today).filter((g) => !guards(old).includes(g))).toEqual(bracket(guards(today)));
    expect(bracket(guards(today)).length).toBeGreaterThan(0);
    expect(guards(old).filter((g) => !guards(today).includes(g))).toEqual([]);
    const edited = old.replace('n = string.lower(n)', 'n = n');
    expect(readNameReadings(edited)).toBeUndefined();
    expect(gwcChunk(edited)).toBe(false);
  });

  it('query spellings (fixture kong-query-spellings-v1.lua): gwc\'s for any key name; today\'s adds only the bracket guard; an edit is unread', () => {
    const old = fixture('kong-query-spellings-v1.lua');
    expect(gwcChunk(old)).toBe(true);
    // The release is a function of the key name: another name's old chunk is known too.
    const other = old.replace(/^local want, exact = .*$/m, querySpellingsLua('token').split('\n')[1]!);
    expect(gwcChunk(other)).toBe(true);
    const today = querySpellingsLua('api_key');
    expect(today).not.toBe(old);
    expect(gwcChunk(today)).toBe(true);
    expect(guards(today).filter((g) => !guards(old).includes(g))).toEqual(bracket(guards(today)));
    expect(bracket(guards(today))).toHaveLength(1);
    expect(guards(old).filter((g) => !guards(today).includes(g))).toEqual([]);
    expect(gwcChunk(old.replace('n = string.lower(n)', 'n = n'))).toBe(false);
    expect(gwcChunk(old.replace('return function()', "return function()\n  kong.service.request.set_header('X-Consumer', 'admin')"))).toBe(false);
  });
});
