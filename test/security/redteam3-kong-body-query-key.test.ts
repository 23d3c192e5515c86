/**
 * Red team 3, the body form of a query key (the class nginx closed in redteam3-nginx-roles, ca93494),
 * checked on Kong with the request oracle (test/targets/kong/kong-oracle.ts): Laravel's input(),
 * PHP's $_REQUEST (request_order GP) and Rack's merged params read a body field over the query
 * parameter of the same name, so `api_key=<bob>` in the body of a request Kong authorised on
 * alice's `?api_key=` is the key the backend reads.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileGateway } from '../../src/api.js';
import { gatewayOf } from '../helpers/spec.js';
import { evaluate, type DeckDoc, type OracleRequest } from '../targets/kong/kong-oracle.js';
import { readsAs, spellingsOf } from '../helpers/name-readings.js';

const ok = '{ "200": { description: ok } }';
const HOST = 'api.test';
const SPEC = `openapi: 3.1.0
info: { title: kong body query key, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: kq
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { qkey: "\${env:ALICE_KEY}" } }
    bob: { credentials: { qkey: "\${env:BOB_KEY}" } }
paths:
  /q: { post: { operationId: qPost, security: [{ qkey: [] }], responses: ${ok} } }
components:
  securitySchemes:
    qkey: { type: apiKey, in: query, name: api_key }
`;
const ENV = { DECK_ALICE_KEY: 'alice-key-1', DECK_BOB_KEY: 'bob-key-2' };
const FORM = 'application/x-www-form-urlencoded';

describe('red team 3: Kong, a query key in the request body', async () => {
  const loaded = await gatewayOf(SPEC);
  const built = compileGateway(loaded.gateway!, 'kong', {});
  const doc = parse(built.files.find((f) => f.path === 'kong.yaml')?.contents ?? '') as DeckDoc;
  const send = (req: Partial<OracleRequest>) => evaluate(doc, { method: 'POST', host: HOST, path: '/v1/q', ...req }, ENV);

  it('held: alice with her query key and a body without it passes, the body whole (control)', () => {
    const o = send({ query: { api_key: 'alice-key-1' }, headers: { 'content-type': FORM }, body: 'a=1' });
    expect(o.status).toBe(200);
    expect(o.upstream!.bodyFields!.a).toBe('1');
  });

  // Was open: key-auth reads the query (key_in_body: false) and request-transformer's remove.body
  // listed only a bearer route's access_token spellings, so a body api_key passed to the backend as
  // sent. Fixed: the route's name-readings pre-function chunk (name-readings.ts Watched.body) drops
  // every form pair whose name the query-name rule reads as the key's, and answers 400 to a multipart
  // body naming it; the query key itself is left to key-auth.
  it("bob's key as a form body api_key beside alice's verified ?api_key= never reaches the backend", () => {
    const o = send({ query: { api_key: 'alice-key-1' }, headers: { 'content-type': FORM }, body: 'api_key=bob-key-2' });
    expect(o.status).toBe(200);
    expect(o.upstream!.bodyFields?.api_key).toBeUndefined();
  });

  // Every spelling the rule table reads as the key (generated: case, blanks, `.`/` `/`[` for `_`, %XX, array forms).
  for (const name of spellingsOf('api_key')) {
    it(`a form body ${name}= beside the verified query key never reaches the backend as the key`, () => {
      const o = send({ query: { api_key: 'alice-key-1' }, headers: { 'content-type': FORM }, body: `a=1&${name}=bob-key-2` });
      expect(o.status).toBe(200);
      expect(Object.keys(o.upstream!.bodyFields ?? {}).filter((k) => readsAs(k, 'api_key'))).toEqual([]);
      expect(o.upstream!.bodyFields!.a).toBe('1');
    });
  }

  it('a multipart body naming the key is refused (400), the backend never reached', () => {
    const body = '--b\r\nContent-Disposition: form-data; name="api_key"\r\n\r\nbob-key-2\r\n--b--\r\n';
    const o = send({ query: { api_key: 'alice-key-1' }, headers: { 'content-type': 'multipart/form-data; boundary=b' }, body });
    expect(o.status).toBe(400);
  });

  it('control: the query key is still verified (no key 401, bob alone 200 as bob)', () => {
    expect(send({ headers: { 'content-type': FORM }, body: 'api_key=bob-key-2' }).status).toBe(401);
    expect(send({ query: { api_key: 'bob-key-2' }, headers: { 'content-type': FORM }, body: 'a=1' }).status).toBe(200);
  });
});
