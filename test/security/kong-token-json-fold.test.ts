/**
 * Kong's name-readings chunk (name-readings.ts) and query-spellings chunk (query-spellings.ts), two
 * holes left open by session 13 (closing13.md "Still open" 5), through the request oracle
 * (test/targets/kong/kong-oracle.ts: the route's Lua run for real, request-transformer modelled):
 *
 * 1. RFC 6750's `access_token` in a JSON body. request-transformer `remove.body` removes it on a
 *    bearer route at the top level of the object only, by its exact name, and only under a type
 *    holding `application/json` (access.lua get_content_type). A backend reads it elsewhere:
 *    passport-http-bearer reads `req.body.access_token` from whatever body parser the app runs
 *    (express.json({ type: ['application/json', 'application/*+json'] }), `text/json`, FastAPI's
 *    untyped JSON), Go's encoding/json fills a field tagged `access_token` from `ACCESS_TOKEN` or
 *    `acce\u017fs_token` (EqualFold). The chunk now refuses (400) a JSON body (every JSON reading it
 *    makes: a JSON type, no type) naming it in any spelling at any depth, except the one
 *    request-transformer strips exactly: the exact top-level key, under a type it reads as JSON,
 *    in a body the strict reader (lua-json.ts, no more lenient than cjson) reads whole.
 * 2. Non-ASCII case folding of query and form names: JSON keys were folded (KELVIN SIGN as k, LONG
 *    S as s, dotless and dotted I as i), query and form names ASCII only. Echo (Go) binds a query or
 *    form field whose exact name is absent to one whose name strings.EqualFold's it (echo bind.go
 *    bindData: "url params are bound case sensitive which is inconsistent"), and EqualFold folds
 *    U+017F with s and U+212A with k: `?acce%C5%BFs_token=` beside a verified Authorization bearer,
 *    or `?%C5%BFession=` after key-auth hid the verified `?session=`, is the credential to it.
 *    (ASP.NET Core's OrdinalIgnoreCase does not fold them: its ordinal casing table keeps U+0131
 *    and U+017F, dotnet/runtime pal_casing.c; Java's equalsIgnoreCase folds all four, but servlet
 *    parameters are read by exact name.) The one query-name rule (targets/query-names.ts) now folds
 *    the four after decoding.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileGateway } from '../../src/api.js';
import { queryNameAsRead } from '../../src/targets/query-names.js';
import { kongGuards, readNameReadings } from '../../src/targets/kong/deployed-guards.js';
import { NAME_READINGS_MARK, nameReadingsLua } from '../../src/targets/kong/name-readings.js';
import { gatewayOf } from '../helpers/spec.js';
import { evaluate, type DeckDoc, type OracleRequest } from '../targets/kong/kong-oracle.js';
import { deckValidate, schemaValidate } from '../targets/kong/validate.js';

const ok = '{ "200": { description: ok } }';
const HOST = 'api.test';
const SPEC = `openapi: 3.1.0
info: { title: kong token json fold, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: ktf
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  accept:
    kong: [{ feature: auth.jwt, reason: audience checked by the backend }]
  consumers:
    sam: { credentials: { skey: "\${env:SAM_KEY}" } }
paths:
  /tok: { post: { operationId: tokPost, security: [{ jwt: [] }], responses: ${ok} } }
  /s: { post: { operationId: sPost, security: [{ skey: [] }], responses: ${ok} } }
  /p: { post: { operationId: pPost, x-gateway: { public: true }, responses: ${ok} } }
components:
  securitySchemes:
    skey: { type: apiKey, in: query, name: session }
    jwt:
      type: http
      scheme: bearer
      x-gateway: { anyAudience: true, issuer: "https://one.example/", algorithms: [RS256], publicKeys: ["\${env:PEM1}"] }
`;
const ENV = { DECK_SAM_KEY: 'sam-key-4', DECK_PEM1: 'pem1' };
const JSON_CT = 'application/json';
const BEARER = { authorization: 'Bearer valid:https://one.example/' };
const FORGED = 'eyJforged';

/** Echo's bindData: the exact name, else the first whose name strings.EqualFold's it (Go's simple folding of the four letters). */
const echoFold = (s: string) => asText(s).replace(/\u212a/g, 'k').replace(/\u017f/g, 's').toLowerCase();
/** A name the oracle holds as bytes (one char a byte, as ngx.decode_args gives them) as the UTF-8 text Go reads. */
const asText = (s: string) => (/^[\x00-\xff]*$/.test(s) ? Buffer.from(s, 'latin1').toString('utf8') : s);
const echoRead = (fields: Record<string, string>, name: string) => fields[name] ?? Object.entries(fields).find(([k]) => echoFold(k) === echoFold(name))?.[1];
/** The raw bytes of a UTF-8 text as queryNameAsRead takes a name (one char a byte); the oracle takes text (its Lua gets the UTF-8 bytes). */
const bytes = (s: string) => Buffer.from(s, 'utf8').toString('latin1');

describe('Kong: access_token in a JSON body, strip what can be stripped exactly, refuse the rest', async () => {
  const loaded = await gatewayOf(SPEC);
  const built = compileGateway(loaded.gateway!, 'kong', {});
  const doc = parse(built.files.find((f) => f.path === 'kong.yaml')?.contents ?? '') as DeckDoc;
  const tok = (ct: string | undefined, body: string, query = '') =>
    evaluate(doc, { method: 'POST', host: HOST, path: '/v1/tok', rawQuery: query, headers: { ...BEARER, ...(ct === undefined ? {} : { 'content-type': ct }) }, body } as OracleRequest, ENV);

  it('builds; deck validate and the decK schema pass; control: a JSON body without the token passes whole', () => {
    expect(built.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual([]);
    const yaml = built.files.find((f) => f.path === 'kong.yaml')?.contents ?? '';
    expect(yaml).toContain('local strip = string.find(low, \\"application/json\\", 1, true) ~= nil');
    const deck = deckValidate(yaml);
    if (deck) expect(deck.ok, deck.output).toBe(true);
    const schema = schemaValidate(yaml);
    if (schema) expect(schema.ok, JSON.stringify(schema.errors)).toBe(true);
    for (const ct of [JSON_CT, 'application/vnd.api+json', 'text/json', undefined]) {
      expect(tok(ct, '{"a":{"b":[1,"access_token"]},"access":1,"token":2}').status, String(ct)).toBe(200);
    }
  });

  it('the exact top-level key under application/json is stripped by request-transformer (passes, the backend never sees it)', () => {
    for (const [ct, body] of [[JSON_CT, `{"a":1,"access_token":"${FORGED}"}`], ['application/json; charset=utf-8', `{"access\\u005ftoken":"${FORGED}","a":1}`], [JSON_CT, `{"access_token":"x","access_token":"${FORGED}"}`]] as Array<[string, string]>) {
      const o = tok(ct, body);
      expect([o.status, o.upstream?.bodyFields?.access_token], `${ct} ${body}`).toEqual([200, undefined]);
    }
  });

  const REFUSED: Array<[string | undefined, string, string]> = [
    [JSON_CT, `{"a":{"access_token":"${FORGED}"}}`, 'nested: request-transformer removes the top level only'],
    [JSON_CT, `[{"access_token":"${FORGED}"}]`, 'in a top-level array'],
    [JSON_CT, `{"ACCESS_TOKEN":"${FORGED}"}`, 'another case (Go\'s encoding/json folds it)'],
    [JSON_CT, `{"access-token":"${FORGED}"}`, 'a - for the _'],
    [JSON_CT, `{"access.token":"${FORGED}"}`, 'PHP\'s . for _'],
    [JSON_CT, `{"acce\\u017fs_token":"${FORGED}"}`, 'LONG S (Go EqualFold)'],
    [JSON_CT, `{"access_token":"${FORGED}","a":NaN}`, 'a body the strict reader cannot read (cjson would not either: request-transformer passes it whole)'],
    [JSON_CT, `{"access_token":"${FORGED}"} x`, 'trailing text'],
    ['application/vnd.api+json', `{"access_token":"${FORGED}"}`, 'a +json type request-transformer does not read'],
    ['text/json', `{"access_token":"${FORGED}"}`, 'text/json'],
    [undefined, `{"access_token":"${FORGED}"}`, 'no type (FastAPI reads JSON)'],
  ];
  for (const [ct, body, why] of REFUSED) {
    it(`${why}: refused (400)`, () => {
      const o = tok(ct, body);
      expect(o.status, `${o.status} ${JSON.stringify(o.upstream?.bodyFields)}`).toBe(400);
    });
  }

  it('control: the public and the keyed route do not watch access_token in JSON (no bearer scheme there)', () => {
    const p = evaluate(doc, { method: 'POST', host: HOST, path: '/v1/p', headers: { 'content-type': JSON_CT }, body: `{"a":{"access_token":"x"}}` } as OracleRequest, ENV);
    expect(p.status).toBe(200);
  });
});

describe('Kong: query and form names fold KELVIN SIGN, LONG S and the Turkish I as a Go backend does', async () => {
  const loaded = await gatewayOf(SPEC);
  const built = compileGateway(loaded.gateway!, 'kong', {});
  const doc = parse(built.files.find((f) => f.path === 'kong.yaml')?.contents ?? '') as DeckDoc;
  const send = (path: string, query: string, headers: Record<string, string> = {}, body?: string) =>
    evaluate(doc, { method: 'POST', host: HOST, path, rawQuery: query, headers, ...(body === undefined ? {} : { body }) } as OracleRequest, ENV);

  it('the rule reads the four letters as ASCII (after %XX decoding), and nothing else non-ASCII', () => {
    expect(['%C5%BFession', 'SE%C5%BF%C5%BFION', `${bytes('ſ')}ession`, 'acce%C5%BFs_token', '%E2%84%AAey', '%C4%B1d', '%C4%B0D'].map(queryNameAsRead)).toEqual(['session', 'session', 'session', 'access_token', 'key', 'id', 'id']);
    expect(['%C3%9Fession', '%C5%BE', 'e%CC%81'].map(queryNameAsRead)).toEqual(['\xc3\x9fession', '\xc5\xbe', 'e\xcc\x81']);
  });

  for (const spelt of ['%C5%BFession', 'SE%C5%BFSION', 'ſession', 'ſESSION']) {
    it(`?${spelt}= beside the verified ?session=: never reaches the backend (Echo reads it once key-auth hid session)`, () => {
      const o = send('/v1/s', `session=sam-key-4&${spelt}=bob`);
      expect(o.status).toBe(200);
      expect(echoRead(o.upstream?.query ?? {}, 'session'), JSON.stringify(o.upstream?.query)).toBeUndefined();
    });
  }

  for (const spelt of ['acce%C5%BFs_token', 'ACCE%C5%BFS_TOKEN', 'acceſs_token']) {
    it(`?${spelt}= beside a verified bearer header: never reaches the backend`, () => {
      const o = send('/v1/tok', `${spelt}=${FORGED}&a=1`, BEARER);
      expect(o.status).toBe(200);
      expect(echoRead(o.upstream?.query ?? {}, 'access_token'), JSON.stringify(o.upstream?.query)).toBeUndefined();
    });
    it(`a form body field ${spelt} beside a verified bearer header: removed`, () => {
      const o = send('/v1/tok', '', { ...BEARER, 'content-type': 'application/x-www-form-urlencoded' }, `a=1&${spelt}=${FORGED}`);
      expect(o.status).toBe(200);
      expect(echoRead(o.upstream?.bodyFields ?? {}, 'access_token'), JSON.stringify(o.upstream?.bodyFields)).toBeUndefined();
    });
  }
});

/**
 * gwc diff: the chunk of 1925d51 (test/security/fixtures/kong-name-readings-v3-keyed.lua) reads as
 * the guard it was (v3): an upgrade adds today's guards, a downgrade loses them; one byte edited, none.
 */
describe('gwc diff, Kong: the previous release\'s name-readings chunk', () => {
  const v3 = readFileSync(new URL('./fixtures/kong-name-readings-v3-keyed.lua', import.meta.url), 'utf8');
  const sets = (lua: string, name: string) => [...(new RegExp(`^local ${name} = \\{(.*)\\}$`, 'm').exec(lua)?.[1] ?? '').matchAll(/\["([^"]*)"\]/g)].map((m) => m[1]!);
  const guards = (lua: string) => kongGuards(new Map([['pre-function', { config: { access: [lua] } }]])).credential ?? [];

  it('v3 reads as v3; today\'s chunk for its sets as current; an edit as none', () => {
    const today = nameReadingsLua(sets(v3, 'watched'), sets(v3, 'body_watched'), 1048576, sets(v3, 'json_watched'));
    expect(v3.startsWith(NAME_READINGS_MARK)).toBe(true);
    expect(readNameReadings(v3)).toBe('v3');
    expect(readNameReadings(today)).toBe('current');
    expect(readNameReadings(v3.replace('if k == nil then return false end', 'if k == nil then return true end'))).toBeUndefined();
    expect(guards(today).filter((g) => !guards(v3).includes(g)).sort()).toEqual(['a body typed text/x-json, application/x-json or application/csp-report (Rails, Symfony, koa-bodyparser parse it as JSON): read as JSON (pre-function)', 'query, form and multipart names read with KELVIN SIGN, LONG S and dotless/dotted I as k, s, i (pre-function)', 'query, form and multipart names read with a leading [ ] run and a trailing ] stripped as Rack 2 and qs read them ([api_key], ]api_key, api_key]) (pre-function)']);
    expect(guards(v3).filter((g) => !guards(today).includes(g))).toEqual([]);
  });

  it('on a bearer route (access_token watched, fixture kong-name-readings-v3-bearer.lua) v3 lacks the JSON token guard', () => {
    const old = readFileSync(new URL('./fixtures/kong-name-readings-v3-bearer.lua', import.meta.url), 'utf8');
    const watched = sets(old, 'watched');
    expect(watched).toEqual(['_method', 'access_token']);
    expect(readNameReadings(old)).toBe('v3');
    const today = nameReadingsLua(watched, [], 1048576, []);
    expect(readNameReadings(today)).toBe('current');
    expect(guards(today).filter((g) => !guards(old).includes(g)).sort()).toEqual([
      'a body typed text/x-json, application/x-json or application/csp-report (Rails, Symfony, koa-bodyparser parse it as JSON): read as JSON (pre-function)',
      'access_token in any spelling, a key of a JSON body at any depth under any JSON reading (but the top-level one request-transformer strips): refused 400 (pre-function)',
      'query, form and multipart names read with KELVIN SIGN, LONG S and dotless/dotted I as k, s, i (pre-function)',
      'query, form and multipart names read with a leading [ ] run and a trailing ] stripped as Rack 2 and qs read them ([api_key], ]api_key, api_key]) (pre-function)',
    ]);
  });

  // KNG3 (red team 13): the chunk of 6167441 and before read JSON under /json, +json or no type only.
  it.each(['keyed', 'bearer'])('the 6167441 chunk (fixture kong-name-readings-v4-%s.lua) reads as v4: it lacks only the JSON synonym guard', (v) => {
    const old = readFileSync(new URL(`./fixtures/kong-name-readings-v4-${v}.lua`, import.meta.url), 'utf8');
    expect(readNameReadings(old)).toBe('v4');
    const today = nameReadingsLua(sets(old, 'watched'), sets(old, 'body_watched'), 1048576, sets(old, 'json_watched'));
    expect(readNameReadings(today)).toBe('current');
    expect(readNameReadings(old.replace('if k == nil then return false end', 'if k == nil then return true end'))).toBeUndefined();
    // And today's bracket reading (red team 17: v5's lack; redteam17-kong-bracket-key).
    expect(guards(today).filter((g) => !guards(old).includes(g)).sort()).toEqual(['a body typed text/x-json, application/x-json or application/csp-report (Rails, Symfony, koa-bodyparser parse it as JSON): read as JSON (pre-function)', 'query, form and multipart names read with a leading [ ] run and a trailing ] stripped as Rack 2 and qs read them ([api_key], ]api_key, api_key]) (pre-function)']);
    expect(guards(old).filter((g) => !guards(today).includes(g))).toEqual([]);
  });
});
