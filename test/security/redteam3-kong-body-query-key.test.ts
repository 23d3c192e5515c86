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

  // Mechanism (open): key-auth reads the query (key_in_body: false) and request-transformer's
  // remove.body lists only a bearer route's access_token spellings (policies.ts BEARER_BODY_FORMS),
  // so a body api_key passes to the backend as sent. Fix (as nginx): remove every spelling of the
  // query key's name from a form, multipart or JSON body (or refuse such a body) on its routes.
  it.fails("BROKE: bob's key as a form body api_key beside alice's verified ?api_key= never reaches the backend", () => {
    const o = send({ query: { api_key: 'alice-key-1' }, headers: { 'content-type': FORM }, body: 'api_key=bob-key-2' });
    if (o.status === 200) expect(o.upstream!.bodyFields?.api_key).toBeUndefined();
  });
});
