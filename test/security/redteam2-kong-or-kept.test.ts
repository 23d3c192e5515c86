/**
 * Red team 2, Kong (DESIGN.md 7.1, 7.3): on a route with alternatives (OR), a credential the spec
 * keeps for the backend (`hideCredentials: false`) must reach it only when Kong verified it. Kong
 * skips the remaining auth plugins once one authenticated, and maps a failing one to the anonymous
 * consumer so a later one may still authenticate: a caller verified by basic auth sent a forged
 * exact `?api_key=`, `X-Api-Key` or bearer token beside it and the backend got it as sent (every
 * attack below failed on the code before the post-function, src/targets/kong/unverified-credentials.ts).
 * Kong request oracle with the Lua run for real (test/targets/kong/lua-sandbox.ts), deck validate,
 * the decK schema and gwc's plugin schemas.
 */
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileGateway } from '../../src/api.js';
import { PLUGIN_SCHEMAS } from '../../src/targets/kong/plugin-schemas.js';
import { luaString } from '../../src/targets/kong/query-spellings.js';
import { unverifiedCredentialsLua } from '../../src/targets/kong/unverified-credentials.js';
import type { SecurityScheme } from '../../src/model/types.js';
import { gatewayOf } from '../helpers/spec.js';
import { evaluate, type DeckDoc, type OracleRequest } from '../targets/kong/kong-oracle.js';
import { allRoutes } from '../targets/kong/kong-router.js';
import { runPostFunction } from '../targets/kong/lua-sandbox.js';
import { deckValidate, schemaValidate } from '../targets/kong/validate.js';

const ok = '{ "200": { description: ok } }';
const HOST = 'api.test';
const SPEC = `openapi: 3.1.0
info: { title: or kept lab, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: ok
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  accept:
    kong: [{ feature: auth.jwt, reason: audience checked by the backend }]
  consumers:
    alice: { credentials: { qkey: "\${env:ALICE_KEY}" } }
    amy: { credentials: { basic: { username: amy, password: "\${env:ALICE_PW}" } } }
    bob: { credentials: { hkey: "\${env:BOB_KEY}" } }
    bea: { credentials: { sbasic: { username: bea, password: "\${env:BOB_PW}" } } }
    carol: { credentials: { hqkey: "\${env:CAROL_KEY}" } }
paths:
  /qb: { get: { operationId: qb, security: [{ basic: [] }, { qkey: [] }], responses: ${ok} } }
  /hb: { get: { operationId: hb, security: [{ basic: [] }, { hkey: [] }], responses: ${ok} } }
  /jk: { get: { operationId: jk, security: [{ jwt: [] }, { hqkey: [] }], responses: ${ok} } }
  /sb: { get: { operationId: sb, security: [{ sbasic: [] }, { hqkey: [] }], responses: ${ok} } }
  /q: { get: { operationId: q, security: [{ qkey: [] }], responses: ${ok} } }
  /h: { get: { operationId: h, security: [{ hkey: [] }], responses: ${ok} } }
  /s: { get: { operationId: s, security: [{ sbasic: [] }], responses: ${ok} } }
components:
  securitySchemes:
    basic: { type: http, scheme: basic }
    sbasic: { type: http, scheme: basic, x-gateway: { hideCredentials: false } }
    qkey: { type: apiKey, in: query, name: api_key, x-gateway: { hideCredentials: false } }
    hkey: { type: apiKey, in: header, name: X-Api-Key, x-gateway: { hideCredentials: false } }
    hqkey: { type: apiKey, in: query, name: token_key }
    jwt:
      type: http
      scheme: bearer
      x-gateway: { anyAudience: true, issuer: "https://id.example/", algorithms: [RS256], publicKeys: ["\${env:JWT_PEM}"], hideCredentials: false }
`;
const ENV = { DECK_ALICE_KEY: 'alice-key-1', DECK_ALICE_PW: 'alice-pw-1', DECK_BOB_KEY: 'bob-key-1', DECK_BOB_PW: 'bob-pw-1', DECK_CAROL_KEY: 'carol-key-1', DECK_JWT_PEM: 'pem' };
const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

describe('red team 2: Kong OR routes, a kept credential Kong did not verify', async () => {
  const loaded = await gatewayOf(SPEC);
  const built = compileGateway(loaded.gateway!, 'kong', {});
  const yaml = built.files.find((f) => f.path === 'kong.yaml')?.contents ?? '';
  const doc = parse(yaml) as DeckDoc;
  const send = (path: string, req: Partial<OracleRequest>) => evaluate(doc, { method: 'GET', host: HOST, path, ...req }, ENV);

  it('builds; the output passes deck validate, the decK schema and the post-function config schema', () => {
    expect(built.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const deck = deckValidate(yaml);
    if (deck) expect(deck.ok, deck.output).toBe(true);
    const schema = schemaValidate(yaml);
    if (schema) expect(schema.ok, JSON.stringify(schema.errors)).toBe(true);
    const v = new Ajv({ strict: false }).compile(PLUGIN_SCHEMAS['post-function']!);
    for (const r of allRoutes(doc)) for (const p of r.plugins ?? []) if (p.name === 'post-function') expect(v(p.config)).toBe(true);
  });

  it('controls: each kept credential that Kong verified reaches the backend as the spec says', () => {
    const k = send('/v1/qb', { query: { api_key: 'alice-key-1', x: '1' } });
    expect([k.status, k.authenticatedBy, k.upstream?.query]).toEqual([200, 'key-auth', { api_key: 'alice-key-1', x: '1' }]);
    const h = send('/v1/hb', { headers: { 'x-api-key': 'bob-key-1' } });
    expect([h.status, h.upstream?.headers['x-api-key']]).toEqual([200, 'bob-key-1']);
    const j = send('/v1/jk', { headers: { authorization: 'Bearer valid:https://id.example/' } });
    expect([j.status, j.authenticatedBy, j.upstream?.headers.authorization]).toEqual([200, 'jwt', 'Bearer valid:https://id.example/']);
    const b = send('/v1/sb', { headers: { authorization: basic('bea', 'bob-pw-1') } });
    expect([b.status, b.authenticatedBy, b.upstream?.headers.authorization]).toEqual([200, 'basic-auth', basic('bea', 'bob-pw-1')]);
  });

  // The query key: exact, percent-encoded, '+'-spelt names key-auth reads as api_key, each forged beside a verified password.
  for (const raw of ['api_key=forged', 'api%5Fkey=forged', 'api%5fkey=forged&x=1', 'x=1&api_key=', 'api_key']) {
    it(`basic verified, ?${raw} (the kept query key, never verified) never reaches the backend`, () => {
      const o = send('/v1/qb', { headers: { authorization: basic('amy', 'alice-pw-1') }, rawQuery: raw });
      expect([o.status, o.authenticatedBy]).toEqual([200, 'basic-auth']);
      expect(Object.keys(o.upstream!.query).filter((n) => n.toLowerCase().replace(/[ .[]/g, '_') === 'api_key')).toEqual([]);
    });
  }

  it('basic verified, two api_key pairs (key-auth refuses a duplicate key, then maps to anonymous): the route\'s Lua drops both', () => {
    // The oracle keeps the first of a repeated name; Kong's key-auth gets a table and fails (ERR_DUPLICATE_API_KEY).
    const route = allRoutes(doc).find((r) => r.name === 'ok.qb')!;
    const post = (route.plugins ?? []).find((p) => p.name === 'post-function')!;
    const lua = (post.config as { access: string[] }).access[0]!;
    expect(runPostFunction(lua, 'api_key=alice-key-1&x=1&api_key=forged', 'basic-auth').query).toBe('x=1');
  });

  it('basic verified, a kept header key never verified (X-Api-Key) never reaches the backend', () => {
    const o = send('/v1/hb', { headers: { authorization: basic('amy', 'alice-pw-1'), 'x-api-key': 'forged' } });
    expect([o.status, o.authenticatedBy]).toEqual([200, 'basic-auth']);
    expect(o.upstream!.headers['x-api-key']).toBeUndefined();
  });

  it('a key verified, a kept bearer token never verified never reaches the backend', () => {
    const o = send('/v1/jk', { headers: { authorization: 'Bearer forged' }, query: { token_key: 'carol-key-1' } });
    expect([o.status, o.authenticatedBy]).toEqual([200, 'key-auth']);
    expect(o.upstream!.headers.authorization).toBeUndefined();
  });

  it('a key verified, a kept basic password never verified (Authorization or Proxy-Authorization) never reaches the backend', () => {
    const o = send('/v1/sb', { headers: { authorization: basic('bea', 'wrong'), 'proxy-authorization': basic('root', 'x') }, query: { token_key: 'carol-key-1' } });
    expect([o.status, o.authenticatedBy]).toEqual([200, 'key-auth']);
    expect([o.upstream!.headers.authorization, o.upstream!.headers['proxy-authorization']]).toEqual([undefined, undefined]);
  });

  /** Every header value of the upstream whose name a CGI backend reads as `name`. */
  const asCgi = (h: Record<string, string>, name: string) => Object.entries(h).filter(([k]) => k.replace(/_/g, '-').toLowerCase() === name).map(([, v]) => v);

  for (const spelling of ['x_api_key', 'x-api_key', 'x_api-key']) {
    it(`OR, basic verified: a kept header key spelt ${spelling} (never verified) never reaches the backend`, () => {
      const o = send('/v1/hb', { headers: { authorization: basic('amy', 'alice-pw-1'), [spelling]: 'forged' } });
      expect([o.status, o.authenticatedBy]).toEqual([200, 'basic-auth']);
      expect(asCgi(o.upstream!.headers, 'x-api-key')).toEqual([]);
    });

    it(`one alternative, the kept key verified: ${spelling} beside it never reaches the backend, the verified key does`, () => {
      for (const path of ['/v1/h', '/v1/hb']) {
        const o = send(path, { headers: { 'x-api-key': 'bob-key-1', [spelling]: 'forged' } });
        expect([o.status, o.authenticatedBy]).toEqual([200, 'key-auth']);
        expect(asCgi(o.upstream!.headers, 'x-api-key')).toEqual(['bob-key-1']);
      }
    });
  }

  it('OR, a key verified: a kept basic password spelt Proxy_Authorization never reaches the backend', () => {
    const o = send('/v1/sb', { headers: { proxy_authorization: basic('root', 'x') }, query: { token_key: 'carol-key-1' } });
    expect([o.status, o.authenticatedBy]).toEqual([200, 'key-auth']);
    expect(asCgi(o.upstream!.headers, 'proxy-authorization')).toEqual([]);
  });

  it('a kept basic scheme: bea verified through Proxy-Authorization, an unverified Authorization never reaches the backend (red team 3)', () => {
    for (const path of ['/v1/s', '/v1/sb']) {
      const o = send(path, { headers: { 'proxy-authorization': basic('bea', 'bob-pw-1'), authorization: basic('root', 'x') } });
      expect([o.status, o.authenticatedBy], path).toEqual([200, 'basic-auth']);
      expect([o.upstream!.headers.authorization, o.upstream!.headers['proxy-authorization']], path).toEqual([undefined, undefined]);
      // Authorization alone: the verified password goes on, as hideCredentials: false says.
      expect(send(path, { headers: { authorization: basic('bea', 'bob-pw-1') } }).upstream!.headers.authorization).toBe(basic('bea', 'bob-pw-1'));
    }
  });

  it('a route of one alternative keeps its verified key without a post-function (Kong refuses a wrong one: 401)', () => {
    const route = allRoutes(doc).find((r) => r.name === 'ok.q')!;
    expect((route.plugins ?? []).map((p) => p.name)).not.toContain('post-function');
    expect(send('/v1/q', { query: { api_key: 'alice-key-1' } }).upstream!.query).toEqual({ api_key: 'alice-key-1' });
    expect(send('/v1/q', { query: { api_key: 'forged' } }).status).toBe(401);
  });
});

describe('red team 2: Kong, a kept credential header too long to spell out', () => {
  it('is refused at its scheme (kong-credential-header-separators), hidden or kept', async () => {
    const text = SPEC.replace('name: X-Api-Key, x-gateway: { hideCredentials: false }', 'name: X-A-B-C-D-E-F-G-Key, x-gateway: { hideCredentials: false }');
    const r = compileGateway((await gatewayOf(text)).gateway!, 'kong', {});
    expect(r.files).toEqual([]);
    const said = r.diagnostics.filter((d) => d.code === 'kong-credential-header-separators').map((d) => JSON.stringify([d.severity, d.params, d.loc?.pointer]));
    expect([...new Set(said)]).toEqual([JSON.stringify(['error', { scheme: 'hkey', header: 'x-a-b-c-d-e-f-g-key', max: 6 }, '/components/securitySchemes/hkey'])]);
  });
});

describe('the post-function Lua', () => {
  const scheme = (over: Partial<SecurityScheme>): SecurityScheme => ({ name: 's', loc: { file: 'f', pointer: '' }, openapiType: 'apiKey', kind: 'apiKey', hideCredentials: false, ...over }) as SecurityScheme;

  it('is none when every credential of the route is hidden (request-transformer removes them)', () => {
    expect(unverifiedCredentialsLua([scheme({ hideCredentials: true, apiKey: { in: 'query', name: 'k' } }), scheme({ kind: 'basic', hideCredentials: true })])).toBeUndefined();
  });

  it('holds a key name as one string literal of decimal escapes, and runs: the exact name goes unless key-auth verified it', () => {
    const name = `k'"]]..\\$%&=x`;
    const lua = unverifiedCredentialsLua([scheme({ apiKey: { in: 'query', name } }), scheme({ kind: 'basic', hideCredentials: true })])!;
    expect(lua).toContain(luaString(name));
    const raw = `${encodeURIComponent(name)}=v&a=1`;
    expect(runPostFunction(lua, raw, 'basic-auth').query).toBe('a=1');
    expect(runPostFunction(lua, raw, '').query).toBe('a=1');
    expect(runPostFunction(lua, raw, 'key-auth').query).toBe(raw);
  });

  it('two kept schemes on one header: kept when either verified it, cleared otherwise', () => {
    const lua = unverifiedCredentialsLua([scheme({ kind: 'basic', name: 'b' }), scheme({ kind: 'jwt', name: 'j', jwt: { header: 'authorization' } as SecurityScheme['jwt'] })])!;
    // proxy_authorization: a spelling of a kept header, cleared whoever authenticated.
    expect(runPostFunction(lua, '', 'jwt').cleared.sort()).toEqual(['proxy-authorization', 'proxy_authorization']);
    expect(runPostFunction(lua, '', 'basic-auth').cleared).toEqual(['proxy_authorization']);
    expect(runPostFunction(lua, '', 'key-auth').cleared.sort()).toEqual(['authorization', 'proxy-authorization', 'proxy_authorization']);
  });
});
