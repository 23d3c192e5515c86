/**
 * Red team 2, Kong (DESIGN.md 7.3): credential header spellings a CGI-style backend reads as the
 * credential. Kong runs underscores_in_headers on, and PHP, Rack and WSGI read X-Tenant-Key and
 * X_Tenant_Key as one HTTP_X_TENANT_KEY: gwc removes the '_' spellings of a dash-named header it
 * verified (redteam-kong-underscores.test.ts); these are the variants that file does not try: a
 * scheme header whose own name has '_', and a long name. Kong request oracle; deck validate.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileGateway } from '../../src/api.js';
import { gatewayOf } from '../helpers/spec.js';
import { evaluate, type DeckDoc } from '../targets/kong/kong-oracle.js';
import { deckValidate, schemaValidate } from '../targets/kong/validate.js';

const ok = '{ "200": { description: ok } }';
const env = { DECK_ALICE_KEY: 'alice-key-1', DECK_ALICE_LONG: 'alice-long-1' };
const HOST = 'api.test';
const SPEC = `openapi: 3.1.0
info: { title: underscore lab 2, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: us2
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { ukey: "\${env:ALICE_KEY}" } }
    bob: { credentials: { lkey: "\${env:ALICE_LONG}" } }
paths:
  /u: { get: { operationId: u, security: [{ ukey: [] }], responses: ${ok} } }
  /l: { get: { operationId: l, security: [{ lkey: [] }], responses: ${ok} } }
components:
  securitySchemes:
    ukey: { type: apiKey, in: header, name: X_Tenant_Key }
    lkey: { type: apiKey, in: header, name: X-A-B-C-D-E-F-G-Key }
`;

const cgi = (h: string) => h.toUpperCase().replace(/-/g, '_');

describe('red team 2: Kong credential header spellings', async () => {
  const built = compileGateway((await gatewayOf(SPEC)).gateway!, 'kong', {});
  // The '_' name on its own (the long name is refused, last test).
  const short = compileGateway((await gatewayOf(SPEC.replace(/  \/l: .*\n/, '').replace(/    bob: .*\n/, '').replace(/    lkey: .*\n/, ''))).gateway!, 'kong', {});
  const yaml = short.files.find((f) => f.path === 'kong.yaml')?.contents ?? '';
  const doc = parse(yaml) as DeckDoc;

  it('the decK file is valid', () => {
    expect(short.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(deckValidate(yaml)?.ok ?? true).toBe(true);
    expect(schemaValidate(yaml)?.ok ?? true).toBe(true);
  });

  it('a scheme header named with "_": the dash spelling beside the verified key never reaches the backend', () => {
    const o = evaluate(doc, { method: 'GET', host: HOST, path: '/v1/u', headers: { X_Tenant_Key: 'alice-key-1', 'X-Tenant-Key': 'forged', 'X-Tenant_Key': 'forged' } }, env);
    expect(o.status).toBe(200);
    expect(Object.keys(o.upstream!.headers).filter((h) => cgi(h) === 'X_TENANT_KEY')).toEqual([]);
  });

  // FIXED: src/targets/kong/underscores.ts writes the '-'/'_' spellings of a header it removes up to
  // six separators; a credential header with more was silently left with spellings a CGI backend
  // reads (X-A-B-C-D-E-F-G_Key beside the verified key). Such a scheme is now refused at its
  // definition (kong-credential-header-separators), by build and lint.
  it('a scheme header with seven dashes is refused at the scheme, by build and by lint', async () => {
    const d = built.diagnostics.filter((x) => x.code === 'kong-credential-header-separators');
    expect(d.map((x) => [x.severity, x.params, x.loc?.pointer])).toEqual([['error', { scheme: 'lkey', header: 'x-a-b-c-d-e-f-g-key', max: 6 }, '/components/securitySchemes/lkey']]);
    const { lint } = await import('../../src/lint/index.js');
    const { writeSpec } = await import('../helpers/spec.js');
    const linted = await lint(writeSpec(SPEC), { target: 'kong' });
    expect(linted.diagnostics.filter((x) => x.code === 'target-compile' && x.params.code === 'kong-credential-header-separators').map((x) => [x.severity, x.loc?.pointer])).toEqual([['error', '/components/securitySchemes/lkey']]);
  });
});

describe('red team 2: Kong and a bearer token in ?access_token= (RFC 6750 section 2.3)', async () => {
  const spec = `openapi: 3.1.0
info: { title: bearer query lab, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: bq
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  accept:
    kong: [{ feature: auth.jwt, reason: audience checked by the backend }]
paths:
  /tok: { get: { operationId: tok, security: [{ jwt: [] }], responses: ${ok} } }
components:
  securitySchemes:
    jwt:
      type: http
      scheme: bearer
      x-gateway: { anyAudience: true, issuer: "https://id.example/", algorithms: [RS256], publicKeys: ["\${env:JWT_PEM}"] }
`;
  const loaded = await gatewayOf(spec);
  const built = compileGateway(loaded.gateway!, 'kong', {});
  const yaml = built.files.find((f) => f.path === 'kong.yaml')?.contents ?? '';
  const doc = parse(yaml) as DeckDoc;

  it('builds a valid decK file', () => {
    expect(built.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(deckValidate(yaml)?.ok ?? true).toBe(true);
  });

  it('an unverified ?access_token= beside the verified header token never reaches the backend (Kong verifies the header only)', () => {
    const o = evaluate(doc, { method: 'GET', host: HOST, path: '/v1/tok', headers: { authorization: 'Bearer valid:https://id.example/' }, query: { a: '1', access_token: 'forged' } }, { DECK_JWT_PEM: 'pem' });
    expect(o.status).toBe(200);
    expect(o.upstream!.query).toEqual({ a: '1' });
  });
});
