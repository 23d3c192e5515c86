/**
 * Red team 4, every target's shared cache and the spec's credential carriers (DESIGN.md 7.4;
 * src/targets/credential-carriers.ts): a public cached route beside schemes carrying a JWT in
 * X-Token, a bearer token (RFC 6750 ?access_token=) and a query API key. Each target either keeps
 * every carrier out of the shared entry (nginx: bypass; AWS: key, or refuse what it cannot key) or
 * refuses the shared cache outright (Kong: kong-cache-key-ambiguous, its proxy-cache keys an
 * anonymous entry on route, method, path and query only; open-source Traefik has no cache:
 * capability-unsupported). Real requests and the AWS oracle: redteam4-nginx-cache, redteam4-aws-cache.
 */
import { describe, expect, it } from 'vitest';
import { compileGateway } from '../../src/api.js';
import { credentialCarriers } from '../../src/targets/credential-carriers.js';
import { gatewayOf, unsecuredPublic } from '../helpers/spec.js';

const ISS = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123';
const SPEC = `openapi: 3.1.0
info: { title: carriers, version: "1" }
servers: [{ url: "https://api.example.com/v1" }]
x-gateway:
  name: carriers
  backends: { app: { url: "https://app.example.com" } }
  defaults: { backend: app }
paths:
  /news: { get: { operationId: news, x-gateway: { public: true, cache: { ttl: 60s, keyQuery: false } }, responses: { "200": { description: ok } } } }
  /t: { get: { operationId: t, security: [{ tok: [] }], responses: { "200": { description: ok } } } }
  /b: { get: { operationId: b, security: [{ bearer: [] }], responses: { "200": { description: ok } } } }
  /q: { get: { operationId: q, security: [{ qk: [] }], responses: { "200": { description: ok } } } }
components:
  securitySchemes:
    tok: { type: http, scheme: bearer, x-gateway: { header: X-Token, issuer: "${ISS}", jwksUri: "${ISS}/.well-known/jwks.json", audiences: [api] } }
    bearer: { type: http, scheme: bearer, x-gateway: { issuer: "${ISS}", jwksUri: "${ISS}/.well-known/jwks.json", audiences: [api] } }
    qk: { type: apiKey, in: query, name: api-key }
`;

describe('red team 4: every target with a public cached route beside credential carriers', async () => {
  const gw = unsecuredPublic((await gatewayOf(SPEC)).gateway!);
  const errors = (t: string) => compileGateway(gw, t, {}).diagnostics.filter((d) => d.severity === 'error');

  it('the carriers of the spec', () => {
    expect(credentialCarriers(gw).map((c) => `${c.in} ${c.name} [${c.schemes.join(',')}]`)).toEqual([
      'body access_token [bearer]',
      'header authorization [,bearer]',
      'header cookie []',
      'header x-token [tok]',
      'query access_token [bearer]',
      'query api-key [qk]',
    ]);
  });

  it('nginx: builds, and the route bypasses every header carrier and checks the query names in njs', () => {
    const r = compileGateway(gw, 'nginx', {});
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const conf = r.files.find((f) => f.path.endsWith('.conf') && f.path.startsWith('conf.d/'))!.contents;
    const line = conf.split('\n').find((l) => l.trim().startsWith('proxy_no_cache'))!;
    for (const v of ['$http_authorization', '$http_cookie', '$http_x_token', '$content_length', '$http_transfer_encoding', '_cache_cred']) expect(line).toContain(v);
    const js = r.files.find((f) => f.path.endsWith('.js') && !f.path.endsWith('.validate.js'))!.contents;
    expect(js).toMatch(/"cacheQuery":\s*\[\s*"access_token",\s*"api-key"\s*\]/);
  });

  it('aws: refuses the shared entry for each query carrier it cannot key in every spelling', () => {
    expect(errors('aws').filter((d) => d.code === 'aws-cache-query-credential').map((d) => [d.code, d.params.name])).toEqual([
      ['aws-cache-query-credential', 'access_token'],
      ['aws-cache-query-credential', 'api-key'],
    ]);
  });

  // Kong verifies no JWT by key set (capability-unsupported above it): the query key alone, which it verifies.
  it('kong: refuses the shared cache (an anonymous proxy-cache entry is keyed without any credential)', async () => {
    const keyOnly = SPEC.split('\n').filter((l) => !/^\s+\/(t|b):|^\s+(tok|bearer):/.test(l)).join('\n');
    const kg = unsecuredPublic((await gatewayOf(keyOnly)).gateway!);
    expect(compileGateway(kg, 'kong', {}).diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['kong-cache-key-ambiguous']);
  });

  it('traefik: refuses the cache (no response cache in open-source Traefik)', () => {
    expect(errors('traefik').map((d) => [d.code, d.params.feature])).toContainEqual(['capability-unsupported', 'cache']);
  });
});
