/**
 * Every Kong refusal and warning has its own code, params and the spec node to edit (issue #17.3):
 * a table of spec changes, each asserting code, params, severity and loc, never prose. The catch-all
 * target-error/target-warning may not come back into the Kong compiler.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Gateway } from '../../../src/model/types.js';
import { compile, loc, route, shop } from './model.js';

interface Case {
  name: string;
  change: (g: Gateway) => void;
  options?: Record<string, string>;
  code: string;
  params: Record<string, string | number | boolean>;
  severity?: 'error' | 'warn';
  /** The JSON pointer the diagnostic is at (undefined: none, e.g. an --option). */
  pointer?: string;
}

const r0 = (g: Gateway) => g.routes[0]!;
const byId = (g: Gateway, id: string) => g.routes.find((r) => r.id === id)!;
const jwtScheme = (g: Gateway) => g.securitySchemes.find((s) => s.kind === 'jwt')!;

const CASES: Case[] = [
  {
    name: 'OR of AND alternatives',
    change: (g) => (r0(g).security = [[{ scheme: 'apiKey', scopes: [] }, { scheme: 'adminBasic', scopes: [] }], [{ scheme: 'bearer', scopes: [] }]]),
    code: 'kong-security-or-of-and',
    params: { route: 'createUser' },
    pointer: '/paths/~1users/post',
  },
  {
    name: 'a file secret for a consumer credential',
    change: (g) => (g.consumers[0]!.credentials[0] = { scheme: 'apiKey', kind: 'apiKey', key: { kind: 'file', path: 'k', raw: '${file:k}' }, loc: loc('/x-gateway/consumers/alice/apiKey') }),
    code: 'kong-credential-secret-source',
    params: { what: 'consumer alice key for apiKey', kind: 'file', ref: '${file:k}' },
    pointer: '/x-gateway/consumers/alice/apiKey',
  },
  {
    name: 'an environment variable name that is no identifier',
    change: (g) => (g.consumers[0]!.credentials[0] = { scheme: 'apiKey', kind: 'apiKey', key: { kind: 'env', name: 'ALICE-KEY', raw: '${env:ALICE-KEY}' }, loc: loc('/x-gateway/consumers/alice/apiKey') }),
    code: 'kong-secret-env-name',
    params: { what: 'consumer alice key for apiKey', name: 'ALICE-KEY' },
    pointer: '/x-gateway/consumers/alice/apiKey',
  },
  {
    name: 'a JWT scheme without issuer',
    change: (g) => (jwtScheme(g).jwt = { ...jwtScheme(g).jwt!, issuer: undefined }),
    code: 'kong-jwt-issuer-missing',
    params: { scheme: 'bearer' },
    pointer: '/components/securitySchemes/bearer',
  },
  {
    name: 'a JWT scheme with two keys',
    change: (g) => (jwtScheme(g).jwt = { ...jwtScheme(g).jwt!, publicKeys: [...jwtScheme(g).jwt!.publicKeys, { kind: 'env', name: 'K2', raw: '${env:K2}' }] }),
    code: 'kong-jwt-keys',
    params: { scheme: 'bearer', algorithms: 1, keys: 2 },
    pointer: '/components/securitySchemes/bearer',
  },
  {
    name: 'a JWT algorithm jwt_secrets do not take',
    change: (g) => (jwtScheme(g).jwt = { ...jwtScheme(g).jwt!, algorithms: ['PS256'] }),
    code: 'kong-jwt-algorithm',
    params: { scheme: 'bearer', algorithm: 'PS256' },
    pointer: '/components/securitySchemes/bearer',
  },
  {
    name: 'a JWT header that is no header name',
    change: (g) => (jwtScheme(g).jwt = { ...jwtScheme(g).jwt!, header: 'X Token' }),
    code: 'kong-jwt-header-name',
    params: { scheme: 'bearer', header: 'X Token' },
    pointer: '/components/securitySchemes/bearer',
  },
  {
    name: 'an API key name key-auth does not take',
    change: (g) => (g.securitySchemes[0]!.apiKey = { in: 'header', name: 'x api key' }),
    code: 'kong-api-key-name',
    params: { scheme: 'apiKey', name: 'x api key' },
    pointer: '/components/securitySchemes/apiKey',
  },
  {
    name: 'an upstream target weight over 65535',
    change: (g) => {
      const t = g.backends.find((b) => b.name === 'orders')!.targets[0]!;
      t.weight = 70000;
      t.loc = loc('/x-gateway/backends/orders/targets/0');
    },
    code: 'kong-target-weight',
    params: { backend: 'orders', weight: 70000 },
    pointer: '/x-gateway/backends/orders/targets/0',
  },
  {
    name: 'weighted targets on different paths',
    change: (g) => {
      const t = g.backends.find((b) => b.name === 'orders')!.targets[1]!;
      t.url = { ...t.url, path: '/v2' };
    },
    code: 'kong-upstream-mixed',
    params: { backend: 'orders' },
    pointer: '/x-gateway/backends/orders',
  },
  {
    name: 'a TLS server name other than the target host',
    change: (g) => (g.backends.find((b) => b.name === 'payments')!.tls = { verify: true, serverName: 'other.internal', loc: loc('/x-gateway/backends/payments/tls') }),
    code: 'kong-tls-server-name',
    params: { backend: 'payments', serverName: 'other.internal' },
    pointer: '/x-gateway/backends/payments/tls',
  },
  {
    name: 'a TLS CA file',
    change: (g) => (g.backends.find((b) => b.name === 'payments')!.tls = { verify: true, caFile: '/ca.pem', loc: loc('/x-gateway/backends/payments/tls') }),
    code: 'kong-tls-ca-file',
    params: { backend: 'payments' },
    pointer: '/x-gateway/backends/payments/tls',
  },
  {
    name: 'two routes folding to one Kong name',
    change: (g) => g.routes.push(route('createuser', 'PUT', '/users', { security: [[{ scheme: 'apiKey', scopes: [] }]] }, '/v1')),
    code: 'kong-route-name-collision',
    params: { first: 'createUser', second: 'createuser', name: 'shop.createuser' },
    pointer: '/paths/~1users/put',
  },
  {
    name: '"$(" in an upstream path',
    change: (g) => (byId(g, 'getMe').upstreamPath = { template: '/internal/$(x)', loc: loc('/paths/~1users~1me/get/x-gateway/upstreamPath') }),
    code: 'kong-path-template',
    params: { route: 'getMe' },
    pointer: '/paths/~1users~1me/get',
  },
  {
    name: '"$(" in a request header value, at requestHeaders',
    change: (g) => (r0(g).policy.requestHeaders = { set: { 'X-Note': '$(headers.host)' }, remove: [], loc: loc('/paths/~1users/post/x-gateway/requestHeaders') }),
    code: 'kong-header-template',
    params: { route: 'createUser', direction: 'request', header: 'X-Note' },
    pointer: '/paths/~1users/post/x-gateway/requestHeaders',
  },
  {
    name: 'operations of one path with different CORS',
    change: (g) => {
      const r = byId(g, 'createOrder');
      r.policy = { ...r.policy, cors: { ...r.policy.cors!, origins: ['https://other.example.com'] } };
    },
    code: 'kong-preflight-cors-differs',
    params: { path: '/v1/orders' },
    pointer: '/paths/~1orders/get',
  },
  {
    name: 'operations of one path on different hosts (warning)',
    change: (g) => {
      byId(g, 'listOrders').hosts = ['a.example.com'];
      byId(g, 'createOrder').hosts = ['b.example.com'];
    },
    code: 'kong-path-hosts-differ',
    params: { path: '/v1/orders' },
    severity: 'warn',
    pointer: '/paths/~1orders/get',
  },
  {
    name: 'scopes on an accepted JWT requirement (warning)',
    change: (g) => (byId(g, 'createPayment').security = [[{ scheme: 'bearer', scopes: ['pay'] }]]),
    code: 'kong-jwt-scopes-unchecked',
    params: { route: 'createPayment', scheme: 'bearer', scopes: 'pay' },
    severity: 'warn',
    pointer: '/paths/~1payments/post',
  },
  {
    name: 'an unknown rate-limit policy option',
    change: () => {},
    options: { 'rate-limit-policy': 'redis' },
    code: 'target-option-invalid',
    params: { target: 'kong', option: 'rate-limit-policy', value: 'redis', expected: 'local or cluster' },
  },
  {
    name: 'an unknown names option',
    change: () => {},
    options: { names: 'kong' },
    code: 'target-option-invalid',
    params: { target: 'kong', option: 'names', value: 'kong', expected: 'gwc or openapi2kong' },
  },
];

describe('kong: coded diagnostics', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const g = shop();
    c.change(g);
    const r = compile(g, c.options);
    const found = r.diagnostics.filter((d) => d.code === c.code);
    expect(found.map((d) => d.params), JSON.stringify(r.diagnostics.map((d) => d.code))).toContainEqual(c.params);
    const d = found.find((x) => JSON.stringify(x.params) === JSON.stringify(c.params))!;
    expect(d.severity).toBe(c.severity ?? 'error');
    expect(d.loc?.pointer).toBe(c.pointer);
    if (d.severity === 'error') expect(r.files).toEqual([]);
    // The text is the catch-all's was: the target's name, then the sentence.
    expect(d.message.startsWith('kong: ')).toBe(true);
  });
});

describe('no catch-all codes in the Kong and Traefik targets (issue #17.3)', () => {
  it.each(['kong', 'traefik'])('src/targets/%s names neither target-error nor target-warning', (target) => {
    const dir = path.resolve(__dirname, '../../../src/targets', target);
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.(ts|json|md)$/.test(f));
    expect(files.length).toBeGreaterThan(10);
    const offending = files.filter((f) => /target-(error|warning)/.test(readFileSync(path.join(dir, f), 'utf8')));
    expect(offending).toEqual([]);
  });
});
