/**
 * Red team 13, Kong's name-readings chunk (888fe7a, kong-token-json-fold): a JSON body is read for
 * access_token (and _method, a query key's name) where the type holds `/json` or `+json`, or there
 * is none. Rails registers `text/x-json` (and application/jsonrequest) as a JSON synonym
 * (action_dispatch/http/mime_types.rb) and parses such a body into params (Doorkeeper reads
 * params[:access_token]); `text/x-json` holds neither `/json` nor `+json`, so the chunk does not
 * read it and request-transformer (application/json only) does not strip it: the forged token
 * reaches the backend beside the verified bearer. nginx fixed the same gap in bodyKinds (red team
 * 13, x-json). Fixed on Kong by KNG3 for the class: `x-json` (Rails' text/x-json, Symfony's
 * application/x-json) and `csp-report` (koa-bodyparser's and AdonisJS's default JSON types).
 * Through the request oracle.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileGateway } from '../../src/api.js';
import { gatewayOf } from '../helpers/spec.js';
import { evaluate, type DeckDoc, type OracleRequest } from '../targets/kong/kong-oracle.js';

const HOST = 'api.test';
const SPEC = `openapi: 3.1.0
info: { title: kong json synonym, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: kjs
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  accept:
    kong: [{ feature: auth.jwt, reason: audience checked by the backend }]
paths:
  /tok: { post: { operationId: tokPost, security: [{ jwt: [] }], responses: { "200": { description: ok } } } }
components:
  securitySchemes:
    jwt:
      type: http
      scheme: bearer
      x-gateway: { anyAudience: true, issuer: "https://one.example/", algorithms: [RS256], publicKeys: ["\${env:PEM1}"] }
`;
const ENV = { DECK_PEM1: 'pem1' };
const BEARER = { authorization: 'Bearer valid:https://one.example/' };

describe('Kong: a JSON body under a type Rails reads as JSON', async () => {
  const loaded = await gatewayOf(SPEC);
  const built = compileGateway(loaded.gateway!, 'kong', {});
  const doc = parse(built.files.find((f) => f.path === 'kong.yaml')?.contents ?? '') as DeckDoc;
  const tok = (ct: string, body: string) =>
    evaluate(doc, { method: 'POST', host: HOST, path: '/v1/tok', rawQuery: '', headers: { ...BEARER, 'content-type': ct }, body } as OracleRequest, ENV);

  it('control: text/json with a nested access_token is refused (400)', () => {
    expect(tok('text/json', '{"a":{"access_token":"forged"}}').status).toBe(400);
  });

  // Fixed (KNG3): the chunk reads `x-json` and `csp-report` types as JSON too (name-readings.ts).
  it.each(['text/x-json', 'application/x-json', 'application/csp-report', 'TEXT/X-JSON; charset=utf-8'])('%s with access_token (top level or nested) is refused 400', (ct) => {
    for (const body of ['{"access_token":"forged"}', '{"a":{"access_token":"forged"}}']) {
      const o = tok(ct, body);
      expect(o.status, JSON.stringify(o.upstream?.bodyFields)).toBe(400);
    }
  });

  it('control: text/x-json without a watched key passes; text/plain naming one is no framework\'s JSON and passes', () => {
    expect(tok('text/x-json', '{"a":1}').status).toBe(200);
    expect(tok('text/plain', '{"access_token":"forged"}').status).toBe(200);
  });
});

/** The same class on a route with an API key: its name as a JSON key under a JSON synonym. */
const KEYED = `openapi: 3.1.0
info: { title: kong json synonym keyed, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: kjk
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { key: "\${env:ALICE_KEY}" } }
paths:
  /k: { post: { operationId: kPost, security: [{ key: [] }], responses: { "200": { description: ok } } } }
components:
  securitySchemes:
    key: { type: apiKey, in: query, name: api_key }
`;

describe('Kong: an API key name in a JSON body under a JSON synonym', async () => {
  const loaded = await gatewayOf(KEYED);
  const built = compileGateway(loaded.gateway!, 'kong', {});
  const doc = parse(built.files.find((f) => f.path === 'kong.yaml')?.contents ?? '') as DeckDoc;
  const send = (ct: string, body: string) =>
    evaluate(doc, { method: 'POST', host: HOST, path: '/v1/k', rawQuery: 'api_key=alice-key', headers: { 'content-type': ct }, body } as OracleRequest, { DECK_ALICE_KEY: 'alice-key' });

  it.each(['application/json', 'text/x-json', 'application/x-json', 'application/csp-report'])('%s naming api_key is refused 400; without it passes', (ct) => {
    expect(built.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(send(ct, '{"api_key":"bob-key"}').status).toBe(400);
    expect(send(ct, '{"a":1}').status).toBe(200);
  });
});
