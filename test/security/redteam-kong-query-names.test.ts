/**
 * Red team, Kong (DESIGN.md 7.3): the nginx catalogue's query-key spellings
 * (redteam-nginx-credential-names.test.ts) against Kong. key-auth reads the query key by its exact
 * name (ngx.req.get_uri_args splits on & only) and gwc's request-transformer removes that exact name,
 * so a spelling a backend reads as the key (API_KEY on ASP.NET, api.key / api[key on PHP, a pair
 * behind ';' on Python < 3.9.2 or Go < 1.17) passes Kong unverified beside the verified key.
 * request-transformer's remove.querystring takes exact names and the case spellings are 2^n, so this
 * is NOT fixed: documented with it.fails (a failing expectation), the exact name held as control.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileGateway } from '../../src/api.js';
import { gatewayOf } from '../helpers/spec.js';
import { evaluate, type DeckDoc } from '../targets/kong/kong-oracle.js';

const SPEC = `openapi: 3.1.0
info: { title: q lab, version: "1" }
servers: [{ url: "https://api.test/v1" }]
x-gateway:
  name: q
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { qkey: "\${env:ALICE_KEY}" } }
paths:
  /q: { get: { operationId: q, security: [{ qkey: [] }], responses: { "200": { description: ok } } } }
components:
  securitySchemes:
    qkey: { type: apiKey, in: query, name: api_key }
`;

describe('kong: query key spellings a backend reads', async () => {
  const loaded = await gatewayOf(SPEC);
  const doc = parse(compileGateway(loaded.gateway!, 'kong', {}).files[0]!.contents) as DeckDoc;
  const send = (query: Record<string, string>) => evaluate(doc, { method: 'GET', host: 'api.test', path: '/v1/q', query }, { DECK_ALICE_KEY: 'alice-key-1' });

  it('control: the verified key itself is stripped', () => {
    const o = send({ api_key: 'alice-key-1' });
    expect(o.status).toBe(200);
    expect(Object.keys(o.upstream!.query)).toEqual([]);
  });

  it.fails.each(['API_KEY', 'Api_Key', 'api.key', 'api[key'])('GAP: %s beside the verified key reaches the backend unverified', (name) => {
    const o = send({ api_key: 'alice-key-1', [name]: 'forged' });
    expect(o.status).toBe(200);
    expect(Object.keys(o.upstream!.query)).toEqual([]);
  });
});
