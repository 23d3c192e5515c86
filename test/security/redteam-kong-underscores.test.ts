/**
 * Red team, Kong (DESIGN.md 7.3, 7.5): Kong's own nginx template turns `underscores_in_headers on`
 * (kong/templates/nginx_kong.lua), so a header spelt with `_` for some `-` passes Kong to the
 * backend, where PHP, Rack and CGI/WSGI servers read X_Consumer_Username and X-Consumer-Username as
 * the same HTTP_X_CONSUMER_USERNAME (Puma CVE-2024-45614 is this clobbering). gwc's
 * request-transformer removed identity, override, forwarding and credential headers by their dash
 * names only: X_HTTP_Method_Override, X_Consumer_Username, X_Authenticated_Scheme, X-Api_Key
 * reached the backend. The nginx target pins underscores_in_headers off (redteam-nginx-auth.test.ts);
 * Kong cannot be told from a decK file, so every spelling is removed. Kong request oracle; the decK
 * file passes deck validate and the decK schema.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileGateway } from '../../src/api.js';
import { gatewayOf } from '../helpers/spec.js';
import { evaluate, type DeckDoc } from '../targets/kong/kong-oracle.js';
import { deckValidate, schemaValidate } from '../targets/kong/validate.js';

const ok = '{ "200": { description: ok } }';
const env = { DECK_ALICE_KEY: 'alice-key-1' };
const HOST = 'api.test';
const SPEC = `openapi: 3.1.0
info: { title: underscore lab, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: us
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { key: "\${env:ALICE_KEY}" } }
paths:
  /public: { get: { operationId: pub, x-gateway: { public: true, requestHeaders: { set: { X-Tenant-Id: shop } } }, responses: ${ok} } }
  /keyed: { get: { operationId: keyed, security: [{ key: [] }], responses: ${ok} } }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: X-Api-Key }
`;

/** Every spelling of a dash-separated name with `_` for at least one `-`. */
function underscored(name: string): string[] {
  const parts = name.split('-');
  const out: string[] = [];
  for (let mask = 1; mask < 1 << (parts.length - 1); mask++) {
    out.push(parts.reduce((acc, p, i) => (i === 0 ? p : `${acc}${mask & (1 << (i - 1)) ? '_' : '-'}${p}`), ''));
  }
  return out;
}

const CLIENT_WRITTEN = [
  'X-Consumer', 'X-Authenticated-Scheme', 'X-Consumer-Username', 'X-Consumer-ID', 'X-Consumer-Custom-ID', 'X-Credential-Identifier',
  'X-Anonymous-Consumer', 'X-Authenticated-Userid', 'X-Consumer-Groups', 'X-HTTP-Method-Override', 'X-HTTP-Method', 'X-Method-Override',
  'X-Original-URL', 'X-Rewrite-URL', 'X-Real-IP', 'X-Forwarded-Prefix',
];

describe('kong: a header spelt with underscores never reaches the backend as the one gwc clears or sets', async () => {
  const loaded = await gatewayOf(SPEC);
  const built = compileGateway(loaded.gateway!, 'kong', {});
  const yaml = built.files.find((f) => f.path === 'kong.yaml')!.contents;
  const doc = parse(yaml) as DeckDoc;

  it('the decK file is valid', () => {
    expect(built.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(deckValidate(yaml)?.ok ?? true).toBe(true);
    expect(schemaValidate(yaml)?.ok ?? true).toBe(true);
  });

  const cgi = (h: string) => h.toUpperCase().replace(/-/g, '_');
  it.each([
    ['/v1/public', {}, ['X-Tenant-Id']],
    ['/v1/keyed', { 'x-api-key': 'alice-key-1' }, []],
  ])('%s: no client spelling of an identity, override, forwarding or set header is passed on', (path, auth, own) => {
    for (const name of [...CLIENT_WRITTEN, ...own]) {
      const headers: Record<string, string> = { ...auth };
      for (const s of underscored(name)) headers[s] = 'forged';
      const o = evaluate(doc, { method: 'GET', host: HOST, path, headers }, env);
      expect(o.status, `${path} ${name}`).toBe(200);
      const leaked = Object.keys(o.upstream!.headers).filter((h) => h.includes('_') && cgi(h) === cgi(name));
      expect(leaked, `${path}: ${name}`).toEqual([]);
    }
  });

  it('the credential header spelt with underscores never reaches the backend beside the verified one', () => {
    const o = evaluate(doc, { method: 'GET', host: HOST, path: '/v1/keyed', headers: { 'x-api-key': 'alice-key-1', X_Api_Key: 'forged', 'X-Api_Key': 'forged' } }, env);
    expect(o.status).toBe(200);
    expect(Object.keys(o.upstream!.headers).filter((h) => cgi(h) === 'X_API_KEY')).toEqual([]);
  });

  it('Kong\'s own consumer headers still reach the backend on the keyed route, and the set header keeps its value', () => {
    const o = evaluate(doc, { method: 'GET', host: HOST, path: '/v1/keyed', headers: { 'x-api-key': 'alice-key-1', X_Consumer_Username: 'admin' } }, env);
    expect(o.upstream!.headers['x-consumer-username']).toBe('us.alice');
    const p = evaluate(doc, { method: 'GET', host: HOST, path: '/v1/public', headers: { X_Tenant_Id: 'evil' } }, env);
    expect(p.upstream!.headers['x-tenant-id']).toBe('shop');
  });
});
