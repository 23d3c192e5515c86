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
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileGateway } from '../../src/api.js';
import { gatewayOf, unsecuredPublic } from '../helpers/spec.js';
import { evaluate, type DeckDoc } from '../targets/kong/kong-oracle.js';

const ok = '{ "200": { description: ok } }';
const SPEC = `openapi: 3.1.0
info: { title: rt17 bracket key, version: "1" }
servers: [{ url: "https://api.test/v1" }]
x-gateway:
  name: rt17k
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    erin: { credentials: { hq: "\${env:E_HQ}" } }
    gina: { credentials: { kq: "\${env:G_KQ}" } }
paths:
  /hq: { get: { operationId: hq, security: [{ hq: [] }], responses: ${ok} } }
  /kq: { get: { operationId: kq, security: [{ kq: [] }], responses: ${ok} } }
components:
  securitySchemes:
    hq: { type: apiKey, in: query, name: api_key }
    kq: { type: apiKey, in: query, name: kept_key, x-gateway: { hideCredentials: false } }
`;
const ENV = { DECK_E_HQ: 'erin-key', DECK_G_KQ: 'gina-key' };

const decode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
/** Rack 2's top-level key of a raw query name. */
const rack2Key = (raw: string) => /^[[\]]*([^[\]]+)\]*/.exec(decode(raw))?.[1] ?? '';
/** The values a Rack 2 backend reads for `name`, in order. */
const rack2Values = (rawQuery: string, name: string) =>
  rawQuery
    .split('&')
    .filter((p) => p !== '')
    .filter((p) => rack2Key(p.split('=')[0]!) === name)
    .map((p) => p.slice(p.indexOf('=') + 1));

describe('red team 17, Kong: a query key sent again with brackets a Rack 2 / qs backend strips', async () => {
  const loaded = await gatewayOf(SPEC);
  const r = compileGateway(unsecuredPublic(loaded.gateway!), 'kong');
  const d = parse(r.files[0]!.contents) as DeckDoc;
  const call = (path: string, rawQuery: string) => evaluate(d, { method: 'GET', path, host: 'api.test', rawQuery, kongVersion: '3.6' }, ENV);

  it('control: builds; a key alone passes (hidden: removed, kept: once), the known spellings are handled', () => {
    expect(r.diagnostics.filter((x) => x.severity === 'error')).toEqual([]);
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
    it.fails(`hidden key, then ${form}=forged: never reaches a Rack 2 backend as api_key`, () => {
      const o = call('/v1/hq', `api_key=erin-key&${form}=forged`);
      if (o.status !== 200) return;
      expect(rack2Values(o.upstream!.rawQuery ?? '', 'api_key')).toEqual([]); // was ['forged']
    });
  }
  for (const form of [']kept_key', '[kept_key]']) {
    it.fails(`kept key, then ${form}=forged: the backend reads only the verified key`, () => {
      const o = call('/v1/kq', `kept_key=gina-key&${form}=forged`);
      if (o.status !== 200) return;
      expect(rack2Values(o.upstream!.rawQuery ?? '', 'kept_key')).toEqual(['gina-key']);
    });
  }
});
