/**
 * What the HTTP API flavour cannot enforce is a build error at the spec line (fail closed), with
 * a stable code and params, and `gwc lint --target aws --option aws.api=http` reports it at the
 * same place (DESIGN.md 7.7). The capability table's gaps are the core's capability-unsupported.
 */
import { describe, expect, it } from 'vitest';
import { lint } from '../../../../src/lint/index.js';
import { writeSpec } from '../../../helpers/spec.js';
import { buildHttp, said, spec } from './helpers.js';

const op = (security: string, x = '') => `  /a:\n    get:\n      security: ${security}\n${x ? `      x-gateway: ${x}\n` : ''}      responses: { '200': { description: ok } }`;
const KEY = `\n    key: { type: apiKey, in: header, name: x-api-key }`;
const withKey = (s: string) => s.replace('  securitySchemes:', `  securitySchemes:${KEY}`);

const CASES: Array<[string, string, string, string, Record<string, unknown>?]> = [
  ['all of two scopes', spec(op('[{ oidc: [read, write] }]')), 'aws-http-scopes-all', '/paths/~1a/get/security', { route: 'get_a', scheme: 'oidc', scopes: 'read, write' }],
  ['no audience', spec(op('[{ oidc: [] }]'), 'audiences: []'), 'jwt-audience-missing', '/components/securitySchemes/oidc', { scheme: 'oidc', keys: "its issuer's published keys" }],
  // The opt-out of every other target cannot be expressed: a JWT authorizer requires a list.
  ['any audience', spec(op('[{ oidc: [] }]'), 'anyAudience: true'), 'aws-http-jwt-audience-missing', '/components/securitySchemes/oidc', { scheme: 'oidc' }],
  ['an ES256-only scheme', spec(op('[{ oidc: [] }]'), 'audiences: [api]\nalgorithms: [ES256]'), 'aws-http-jwt-algorithms', '/components/securitySchemes/oidc', { scheme: 'oidc', algorithms: 'ES256' }],
  ['a hidden Authorization header', spec(op('[{ oidc: [] }]')).replace('hideCredentials: false', 'hideCredentials: true'), 'aws-http-credential-unhidden', '/components/securitySchemes/oidc', { scheme: 'oidc' }],
  ['an API key', withKey(spec(op('[{ key: [] }]'))), 'capability-unsupported', '/paths/~1a/get/security', { feature: 'auth.apiKey', target: 'aws' }],
  ['an OR of two schemes', withKey(spec(op('[{ oidc: [] }, { key: [] }]'))), 'capability-unsupported', '/paths/~1a/get/security', { feature: 'auth.apiKey' }],
  ['optional auth', spec(op('[{}, { oidc: [] }]')), 'capability-unsupported', '/paths/~1a/get/security', { feature: 'auth.optional' }],
  ['an OR of scope sets', spec(op('[{ oidc: [a, b] }, { oidc: [c] }]')), 'aws-http-auth-alternatives', '/paths/~1a/get/security', {}],
  ['a cache', spec(op('[{ oidc: [] }]', '{ cache: { ttl: 60s } }')), 'capability-unsupported', '/paths/~1a/get/x-gateway/cache', { feature: 'cache' }],
  ['an IP allow list', spec(op('[{ oidc: [] }]', '{ ipAllow: [10.0.0.0/8] }')), 'capability-unsupported', '/paths/~1a/get/x-gateway/ipAllow', { feature: 'ipRule' }],
  ['a per-consumer limit', spec(op('[{ oidc: [] }]', '{ rateLimit: { requests: 5, per: second, by: consumer } }')), 'aws-http-limit-per-caller', '/paths/~1a/get/x-gateway/rateLimit', { by: 'consumer' }],
  ['a per-header limit', spec(op('[{ oidc: [] }]', "{ rateLimit: { requests: 5, per: second, by: { header: X-Tenant } } }")), 'aws-http-limit-per-caller', '/paths/~1a/get/x-gateway/rateLimit', { by: 'header X-Tenant' }],
  ['a private backend', spec(op('[{ oidc: [] }]')).replace('https://api.example.com', 'http://api.internal:8080'), 'aws-http-backend-private-host', '/x-gateway/backends/api', { backend: 'api', host: 'api.internal' }],
  ['a mock', spec(op('[{ oidc: [] }]')).replace('url: https://api.example.com }', "mock: { status: 200, body: ok } }"), 'capability-unsupported', '/x-gateway/backends/api/mock', { feature: 'backend.mock' }],
  // A key the flavour's own key table refuses (the core says it before compiling; lint relays it too).
  ['a VPC link', spec(op('[{ oidc: [] }]')).replace('url: https://api.example.com }', 'url: https://api.example.com, vpcLink: abc123 }'), 'key-refused', '/x-gateway/backends/api/vpcLink', { key: 'backends.*.vpcLink' }],
];

describe('aws api=http refuses at the spec line what an HTTP API cannot enforce', () => {
  it.each(CASES)('%s', async (_name, text, code, pointer, params = {}) => {
    const built = await buildHttp(text);
    expect(built.files).toEqual([]);
    const hit = built.errors.find((e) => e.code === code);
    expect(hit, JSON.stringify(said(built.errors))).toBeDefined();
    expect(hit!.loc?.pointer).toBe(pointer);
    expect(hit!.params).toMatchObject(params);
    // Lint green means build green: the same code at the same node, with the flavour's options.
    const linted = await lint(writeSpec(text), { target: 'aws', targetOptions: { aws: { api: 'http' } } });
    const same = linted.diagnostics.filter((d) => d.severity === 'error' && d.loc?.pointer === pointer && (d.code === code || d.params.code === code));
    expect(same, JSON.stringify(linted.diagnostics.map((d) => [d.code, d.params.code, d.loc?.pointer]))).not.toEqual([]);
  });

  it('builds the REST flavour by default and for api=rest (the option only selects)', async () => {
    const text = spec(op('[{ oidc: [] }]'));
    const rest = await buildHttp(text, { api: 'rest' });
    // REST verifies JWTs only through Cognito or a Lambda authorizer: refused there, built here.
    expect(rest.files).toEqual([]);
    expect((await buildHttp(text)).files).toHaveLength(1);
  });

  it('refuses a REST-only option given with api=http', async () => {
    const built = await buildHttp(spec(op('[{ oidc: [] }]')), { vpcLink: 'abc123' });
    expect(said(built.errors)).toEqual([{ code: 'aws-http-option-unsupported', pointer: undefined, params: { option: 'vpcLink' } }]);
  });
});
