/**
 * The issuer of an openIdConnectUrl (ENV2 item 3). Was: the URL with `/.well-known/openid-configuration`
 * replaced by `/`, so `https://accounts.google.com/.well-known/openid-configuration` gave
 * `https://accounts.google.com/` while Google's tokens say `iss: https://accounts.google.com`
 * (Keycloak's `https://host/realms/R` likewise): every valid token was denied (the iss check is
 * exact, RFC 7519 4.1.1). Now OpenID Connect Discovery 1.0 section 4 (suffix cut, nothing added)
 * and RFC 8414 section 3 (well-known segment inserted after the host); x-gateway.issuer wins; a URL
 * of neither layout is refused (bad-url at the URL) rather than taken as the issuer.
 */
import { describe, expect, it } from 'vitest';
import { issuerOfDiscoveryUrl } from '../../src/model/normalise/oidc-issuer.js';
import { planInit } from '../../src/init/plan.js';
import { buildTarget } from '../../src/api.js';
import { lint } from '../../src/lint/index.js';
import { gatewayOf, HEAD, writeSpec } from '../helpers/spec.js';

const TABLE: Array<[string, string | undefined]> = [
  // OpenID Connect Discovery 1.0 section 4: ISSUER + /.well-known/openid-configuration.
  ['https://accounts.google.com/.well-known/openid-configuration', 'https://accounts.google.com'],
  ['https://sso.example.com/realms/shop/.well-known/openid-configuration', 'https://sso.example.com/realms/shop'],
  ['https://login.microsoftonline.com/7f0c/v2.0/.well-known/openid-configuration', 'https://login.microsoftonline.com/7f0c/v2.0'],
  ['https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Ab12/.well-known/openid-configuration', 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Ab12'],
  ['http://localhost:8080/realms/dev/.well-known/openid-configuration', 'http://localhost:8080/realms/dev'],
  // Written as given: the issuer is compared as a string, no case or port normalisation.
  ['https://ID.Example.com:443/.well-known/openid-configuration', 'https://ID.Example.com:443'],
  // RFC 8414 section 3: the well-known segment between the host and the issuer's path.
  ['https://as.example.com/.well-known/openid-configuration/tenant1', 'https://as.example.com/tenant1'],
  ['https://as.example.com/.well-known/oauth-authorization-server/t/a', 'https://as.example.com/t/a'],
  ['https://as.example.com/.well-known/oauth-authorization-server', undefined],
  // Neither layout, or what no issuer has: refused, never guessed.
  ['https://id.example.com/openid-configuration', undefined],
  ['https://id.example.com/', undefined],
  ['https://id.example.com/.well-known/openid-configuration?p=1', undefined],
  ['https://id.example.com/.well-known/openid-configuration#x', undefined],
  ['https://id.example.com//.well-known/openid-configuration', undefined],
  ['https://as.example.com/.well-known/openid-configuration/', undefined],
  ['https://as.example.com/.well-known/openid-configuration/t/', undefined],
  ['https://u:p@id.example.com/.well-known/openid-configuration', undefined],
  ['ftp://id.example.com/.well-known/openid-configuration', undefined],
  ['/.well-known/openid-configuration', undefined],
];

describe('issuerOfDiscoveryUrl', () => {
  for (const [url, issuer] of TABLE) it(`${url} -> ${String(issuer)}`, () => expect(issuerOfDiscoveryUrl(url)).toBe(issuer));
});

const spec = (scheme: string) => `${HEAD}servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  backends: { app: { url: https://app.example.com } }
  defaults: { backend: app }
paths:
  /a: { get: { operationId: a, security: [{ oidc: [] }], responses: { '200': { description: ok } } } }
components:
  securitySchemes:
    oidc:
      type: openIdConnect
${scheme}
`;

describe('the model reads the issuer of an openIdConnectUrl', () => {
  it("Google's discovery URL gives Google's iss, no trailing slash", async () => {
    const r = await gatewayOf(spec('      openIdConnectUrl: https://accounts.google.com/.well-known/openid-configuration\n      x-gateway: { jwksUri: https://www.googleapis.com/oauth2/v3/certs, audiences: [api] }'));
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.gateway!.securitySchemes[0]!.jwt!.issuer).toBe('https://accounts.google.com');
  });

  it('x-gateway.issuer wins (a provider whose iss ends in /, as Auth0 tenants)', async () => {
    const r = await gatewayOf(spec('      openIdConnectUrl: https://t.eu.auth0.com/.well-known/openid-configuration\n      x-gateway: { issuer: https://t.eu.auth0.com/, jwksUri: https://t.eu.auth0.com/.well-known/jwks.json, audiences: [api] }'));
    expect(r.gateway!.securitySchemes[0]!.jwt!.issuer).toBe('https://t.eu.auth0.com/');
  });

  it('a URL of neither layout, without x-gateway.issuer: bad-url at the URL (was: the URL itself as the issuer)', async () => {
    const r = await gatewayOf(spec('      openIdConnectUrl: https://id.example.com/oidc/config\n      x-gateway: { jwksUri: https://id.example.com/keys, audiences: [api] }'));
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => [d.code, d.loc?.pointer, d.position?.line, d.params.url])).toEqual([['bad-url', '/components/securitySchemes/oidc/openIdConnectUrl', 13, 'https://id.example.com/oidc/config']]);
    expect(String(errors[0]!.params.detail)).toContain('x-gateway.issuer');
  });

  it('the same URL with x-gateway.issuer builds: the issuer is named, the URL is not read', async () => {
    const r = await gatewayOf(spec('      openIdConnectUrl: https://id.example.com/oidc/config\n      x-gateway: { issuer: https://id.example.com, jwksUri: https://id.example.com/keys, audiences: [api] }'));
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.gateway!.securitySchemes[0]!.jwt!.issuer).toBe('https://id.example.com');
  });

  it('gwc init writes the issuer the build derives', () => {
    const plan = planInit({ openapi: '3.1.0', info: { title: 't', version: '1' }, paths: {}, components: { securitySchemes: { oidc: { type: 'openIdConnect', openIdConnectUrl: 'https://sso.example.com/realms/shop/.well-known/openid-configuration' } } } });
    expect(plan.schemes.find((s) => s.name === 'oidc')?.issuer).toBe('https://sso.example.com/realms/shop');
  });

  it("each target's output carries the derived issuer as Google writes iss (nginx njs CFG, AWS HTTP API JwtConfiguration.Issuer)", async () => {
    const file = writeSpec(spec('      openIdConnectUrl: https://accounts.google.com/.well-known/openid-configuration\n      x-gateway: { jwksUri: https://www.googleapis.com/oauth2/v3/certs, audiences: [api], hideCredentials: false }'));
    const nginx = await buildTarget(file, { target: 'nginx' });
    expect(nginx.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const cfg = nginx.files.map((f) => f.contents).join('\n');
    expect(cfg).toContain('"issuer": "https://accounts.google.com",');
    expect(cfg).not.toContain('https://accounts.google.com/"');
    const aws = await buildTarget(file, { target: 'aws', options: { api: 'http' } });
    expect(aws.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const template = JSON.parse(aws.files[0]!.contents) as { Resources: Record<string, { Type: string; Properties: { JwtConfiguration?: { Issuer: string } } }> };
    const issuers = Object.values(template.Resources).flatMap((r) => (r.Properties.JwtConfiguration ? [r.Properties.JwtConfiguration.Issuer] : []));
    expect(issuers).toEqual(['https://accounts.google.com']);
  });
});

describe('a derived issuer is said (oidc-issuer-derived, a warning at the URL): Auth0 issuers end with /', () => {
  const derived = (r: { diagnostics: Array<{ code: unknown; loc?: { pointer: string }; params: Record<string, unknown>; message: string; severity: string }> }) =>
    r.diagnostics.filter((d) => d.code === 'oidc-issuer-derived');

  it('Auth0: the derived https://t.eu.auth0.com is named, the trailing-/ issuer and x-gateway.issuer are told; both spellings are never accepted', async () => {
    const r = await gatewayOf(spec('      openIdConnectUrl: https://t.eu.auth0.com/.well-known/openid-configuration\n      x-gateway: { jwksUri: https://t.eu.auth0.com/.well-known/jwks.json, audiences: [api] }'));
    const [d, ...more] = derived(r as never);
    expect(more).toEqual([]);
    expect([d!.severity, d!.loc?.pointer, d!.params.issuer]).toEqual(['warn', '/components/securitySchemes/oidc/openIdConnectUrl', 'https://t.eu.auth0.com']);
    expect(d!.message).toContain('Auth0');
    expect(d!.message).toContain('https://t.eu.auth0.com/');
    expect(d!.message).toContain('x-gateway.issuer');
    expect(r.gateway!.securitySchemes[0]!.jwt!.issuer).toBe('https://t.eu.auth0.com');
  });

  it('Okta: the org and authorization-server issuers are told apart; another host: the plain warning', async () => {
    const okta = await gatewayOf(spec('      openIdConnectUrl: https://acme.okta.com/oauth2/default/.well-known/openid-configuration\n      x-gateway: { jwksUri: https://acme.okta.com/oauth2/default/v1/keys, audiences: [api] }'));
    expect(derived(okta as never).map((d) => [d.params.issuer, d.message.includes('Okta')])).toEqual([['https://acme.okta.com/oauth2/default', true]]);
    const google = await gatewayOf(spec('      openIdConnectUrl: https://accounts.google.com/.well-known/openid-configuration\n      x-gateway: { jwksUri: https://www.googleapis.com/oauth2/v3/certs, audiences: [api] }'));
    expect(derived(google as never).map((d) => [d.params.issuer, d.params.provider])).toEqual([['https://accounts.google.com', '']]);
  });

  it('none with x-gateway.issuer, none for a URL refused (bad-url); gwc lint says it at the same line', async () => {
    const named = await gatewayOf(spec('      openIdConnectUrl: https://t.eu.auth0.com/.well-known/openid-configuration\n      x-gateway: { issuer: https://t.eu.auth0.com/, jwksUri: https://t.eu.auth0.com/.well-known/jwks.json, audiences: [api] }'));
    expect(derived(named as never)).toEqual([]);
    const bad = await gatewayOf(spec('      openIdConnectUrl: https://id.example.com/oidc/config\n      x-gateway: { jwksUri: https://id.example.com/keys, audiences: [api] }'));
    expect(derived(bad as never)).toEqual([]);
    const text = spec('      openIdConnectUrl: https://t.eu.auth0.com/.well-known/openid-configuration\n      x-gateway: { jwksUri: https://t.eu.auth0.com/.well-known/jwks.json, audiences: [api] }');
    const built = (await buildTarget(writeSpec(text), { target: 'nginx' })).diagnostics.filter((d) => d.code === 'oidc-issuer-derived');
    const linted = (await lint(writeSpec(text), {})).diagnostics.filter((d) => d.code === 'oidc-issuer-derived' || (d.params as { code?: string }).code === 'oidc-issuer-derived');
    const at = (ds: typeof built) => ds.map((d) => [d.loc?.pointer, d.position?.line, d.position?.column]);
    expect(at(built)).toEqual([['/components/securitySchemes/oidc/openIdConnectUrl', 13, expect.any(Number)]]);
    expect(at(linted)).toEqual(at(built));
  });
});
