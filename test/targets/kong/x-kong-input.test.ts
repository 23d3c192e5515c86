/**
 * Kong-compatible input (issue #4, item 5): x-kong-* extensions → the model, table by table, with
 * each diagnostic's code, line and column (the position of the key it is about, found in the
 * case's own text so a case cannot point at the wrong line by accident).
 */
import { describe, expect, it } from 'vitest';
import type { Gateway } from '../../../src/model/types.js';
import { gatewayOf } from '../../helpers/spec.js';

const COMPONENTS = `components:
  securitySchemes:
    key: { type: apiKey, in: header, name: x-api-key }
    bearer: { type: http, scheme: bearer, x-gateway: { issuer: "https://id.example.com/", jwksUri: "https://id.example.com/jwks" } }
`;
const spec = (root: string, paths: string) =>
  `openapi: 3.0.3\ninfo: { title: Kong Way, version: "1" }\nservers:\n  - url: https://a.internal/api\n${root}paths:\n${paths}${COMPONENTS}`;
const op = (extra = '', method = 'get', path = '/a') => `  ${path}:\n    ${method}:\n${extra}      responses: { "200": { description: ok } }\n`;

/** 1-based line and column of the nth occurrence of `needle` in `text`. */
function pos(text: string, needle: string, nth = 0): string {
  let i = -1;
  for (let k = 0; k <= nth; k++) i = text.indexOf(needle, i + 1);
  if (i < 0) throw new Error(`${needle} not in the case`);
  const before = text.slice(0, i).split('\n');
  return `${before.length}:${before[before.length - 1]!.length + 1}`;
}

interface Case {
  name: string;
  text: string;
  /** [code, needle in the text (its position is expected), nth occurrence] */
  diags?: Array<[string, string, number?]>;
  model?: (g: Gateway) => void;
}

const CASES: Case[] = [
  {
    name: 'x-kong-name on the document names the gateway',
    text: spec('x-kong-name: Pet Store\n', op()),
    model: (g) => expect(g.name).toBe('pet-store'),
  },
  {
    name: 'x-kong-name on path and operation names an operation without operationId',
    text: spec('', `  /a:\n    x-kong-name: things\n    get:\n      x-kong-name: list\n      responses: { "200": { description: ok } }\n`),
    model: (g) => expect(g.routes[0]!.id).toBe('things-list'),
  },
  {
    name: 'x-kong-name beside an operationId is reported; the operationId names the route',
    text: spec('', op('      operationId: getA\n      x-kong-name: other\n')),
    diags: [['kong-extension-ignored', 'x-kong-name: other']],
    model: (g) => expect(g.routes[0]!.id).toBe('getA'),
  },
  {
    name: 'document service defaults: retries and timeouts on the server backend',
    text: spec('x-kong-service-defaults: { retries: 2, connect_timeout: 1500, read_timeout: 7000, write_timeout: 7000 }\n', op()),
    model: (g) => {
      expect(g.backends).toHaveLength(1);
      expect(g.backends[0]).toMatchObject({ retries: 2, connectTimeoutMs: 1500, timeoutMs: 7000 });
    },
  },
  {
    name: 'read and write timeouts that differ: the larger, with a warning',
    text: spec('x-kong-service-defaults: { read_timeout: 3000, write_timeout: 9000 }\n', op()),
    diags: [['kong-extension-ignored', 'write_timeout']],
    model: (g) => expect(g.backends[0]!.timeoutMs).toBe(9000),
  },
  {
    name: 'path service defaults replace the document ones as a whole and point elsewhere (07a)',
    text: spec('x-kong-service-defaults: { retries: 9 }\n', `${op()}  /b:\n    x-kong-service-defaults: { protocol: http, host: b.internal, port: 8081, path: /x }\n    get:\n      responses: { "200": { description: ok } }\n`),
    model: (g) => {
      const b = g.backends.find((x) => x.name === g.routes.find((r) => r.path === '/b')!.backend)!;
      expect(b.targets.map((t) => t.url.raw)).toEqual(['http://b.internal:8081/x']);
      expect(b.retries).toBeUndefined();
      expect(g.backends.find((x) => x.name === g.routes.find((r) => r.path === '/a')!.backend)!.retries).toBe(9);
    },
  },
  {
    name: 'upstream defaults: targets (06a) and active health checks',
    text: spec(
      'x-kong-upstream-defaults:\n  targets: [{ target: "a1.internal:8443", weight: 30 }, { target: "a2.internal:8443", weight: 10 }]\n  healthchecks: { active: { http_path: /up, timeout: 3, healthy: { interval: 5, successes: 1 }, unhealthy: { interval: 5, http_failures: 4 } }, passive: {} }\n',
      op(),
    ),
    diags: [['kong-extension-ignored', 'passive']],
    model: (g) => {
      const b = g.backends[0]!;
      expect(b.targets.map((t) => [t.url.raw, t.weight])).toEqual([['https://a1.internal:8443/api', 30], ['https://a2.internal:8443/api', 10]]);
      expect(b.healthCheck).toMatchObject({ path: '/up', intervalMs: 5000, timeoutMs: 3000, healthyThreshold: 1, unhealthyThreshold: 4 });
    },
  },
  {
    name: 'route defaults: strip_path strips the whole path, preserve_host passes the client Host',
    text: spec('x-kong-route-defaults: { strip_path: true, preserve_host: true }\n', op()),
    diags: [['kong-strip-path-slash', 'strip_path']], // the service path /api: Kong sends /api, gwc /api/
    model: (g) => {
      expect(g.routes[0]!.upstreamPath?.template).toBe('/'); // the backend's path alone (was '', which nginx refused and gwc routes did not show)
      expect(g.backends.find((b) => b.name === g.routes[0]!.backend)!.hostHeader).toBe('client');
    },
  },
  {
    name: 'route defaults that narrow matching are refused; regex_priority is reported',
    text: spec('x-kong-route-defaults: { hosts: [a.example.com], protocols: [http], regex_priority: 5 }\n', op()),
    diags: [['kong-extension-unmapped', 'hosts'], ['kong-extension-unmapped', 'protocols'], ['kong-extension-ignored', 'regex_priority']],
  },
  {
    name: 'rate-limiting → rateLimit; the nearest level wins per plugin name',
    text: spec('x-kong-plugin-rate-limiting: { config: { minute: 100 } }\n', op('      x-kong-plugin-rate-limiting: { config: { second: 5, limit_by: header, header_name: X-Team } }\n')),
    model: (g) => expect(g.routes[0]!.policy.rateLimit).toMatchObject({ requests: 5, per: 'second', by: { header: 'x-team' } }),
  },
  {
    name: 'rate-limiting with two windows cannot be mapped: an error',
    text: spec('x-kong-plugin-rate-limiting: { config: { minute: 100, hour: 1000 } }\n', op()),
    diags: [['kong-extension-unmapped', 'x-kong-plugin-rate-limiting']],
  },
  {
    name: 'cors, request-size-limiting, ip-restriction → policies',
    text: spec(
      'x-kong-plugin-cors: { config: { origins: ["https://a.example.com"], methods: [GET], credentials: true, max_age: 60 } }\n',
      op('      x-kong-plugin-request-size-limiting: { config: { allowed_payload_size: 2, size_unit: kilobytes } }\n      x-kong-plugin-ip-restriction: { config: { deny: [192.0.2.0/24], status: 401 } }\n'),
    ),
    diags: [['kong-extension-ignored', 'status: 401']],
    model: (g) => {
      const p = g.routes[0]!.policy;
      expect(p.cors).toMatchObject({ origins: ['https://a.example.com'], methods: ['GET'], credentials: true, maxAgeSeconds: 60 });
      expect(p.bodyLimit?.bytes).toBe(2048);
      expect(p.ipRule).toMatchObject({ allow: [], deny: ['192.0.2.0/24'] });
    },
  },
  {
    name: 'key-auth on a public operation requires a key scheme made from its config',
    text: spec('', op('      x-kong-plugin-key-auth: { config: { key_names: [X-Key], hide_credentials: true } }\n')),
    model: (g) => {
      expect(g.routes[0]!.security).toEqual([[{ scheme: 'kong-apikey', scopes: [] }]]);
      expect(g.securitySchemes.find((s) => s.name === 'kong-apikey')).toMatchObject({ kind: 'apiKey', apiKey: { in: 'header', name: 'x-key' }, hideCredentials: true });
    },
  },
  {
    name: 'key-auth where security already requires an API key in every alternative adds nothing',
    text: spec('', op('      security: [{ key: [] }]\n      x-kong-plugin-key-auth: {}\n')),
    model: (g) => expect(g.routes[0]!.security).toEqual([[{ scheme: 'key', scopes: [] }]]),
  },
  {
    name: 'basic-auth is required (AND) in each alternative that lacks it',
    text: spec('', op('      security: [{ key: [] }, { bearer: [] }]\n      x-kong-plugin-basic-auth: {}\n')),
    model: (g) =>
      expect(g.routes[0]!.security).toEqual([
        [{ scheme: 'key', scopes: [] }, { scheme: 'kong-basic', scopes: [] }],
        [{ scheme: 'bearer', scopes: [] }, { scheme: 'kong-basic', scopes: [] }],
      ]),
  },
  {
    name: 'key-auth with anonymous would make the key optional: an error',
    text: spec('', op('      x-kong-plugin-key-auth: { config: { anonymous: guest } }\n')),
    diags: [['kong-extension-unmapped', 'anonymous']],
  },
  {
    name: 'jwt without a JWT scheme in security is refused; with one it is the same check',
    text: spec('', `${op('      x-kong-plugin-jwt: {}\n')}${op('      security: [{ bearer: [] }]\n      x-kong-plugin-jwt: {}\n', 'get', '/b')}`),
    diags: [['kong-extension-unmapped', 'x-kong-plugin-jwt'], ['kong-extension-ignored', 'x-kong-plugin-jwt', 1]],
  },
  {
    name: 'unknown, Enterprise and consumer-scoped plugins are errors; observability and disabled ones warnings',
    text: spec(
      'x-kong-plugin-prometheus: {}\n',
      op('      x-kong-plugin-my-auth: {}\n      x-kong-plugin-request-validator: {}\n      x-kong-plugin-acl: { enabled: false }\n      x-kong-plugin-cors: { consumer: alice }\n'),
    ),
    diags: [
      ['kong-extension-ignored', 'x-kong-plugin-prometheus'],
      ['kong-extension-unmapped', 'x-kong-plugin-my-auth'],
      ['kong-extension-unmapped', 'x-kong-plugin-request-validator'],
      ['kong-extension-ignored', 'enabled: false'],
      ['kong-extension-unmapped', 'consumer: alice'],
    ],
  },
  {
    name: 'x-gateway and x-kong limits that differ on the same operation: an error (dropping either could let more in)',
    text: spec('', op('      x-gateway: { rateLimit: { requests: 1, per: second } }\n      x-kong-plugin-rate-limiting: { config: { minute: 100 } }\n')),
    diags: [['kong-extension-unmapped', 'x-kong-plugin-rate-limiting']],
  },
  {
    name: 'x-gateway wins over an equal x-kong limit, with a warning',
    text: spec('', op('      x-gateway: { rateLimit: { requests: 100, per: minute, by: ip } }\n      x-kong-plugin-rate-limiting: { config: { minute: 100, limit_by: ip } }\n')),
    diags: [['kong-extension-overridden', 'x-kong-plugin-rate-limiting']],
    model: (g) => expect(g.routes[0]!.policy.rateLimit).toMatchObject({ requests: 100, per: 'minute' }),
  },
  {
    name: "the operation's own x-gateway limit replaces a document plugin, as a Kong route plugin replaces a service one",
    text: spec('x-kong-plugin-rate-limiting: { config: { minute: 100 } }\n', op('      x-gateway: { rateLimit: { requests: 10, per: second } }\n')),
    diags: [['kong-extension-overridden', 'x-kong-plugin-rate-limiting']],
    model: (g) => expect(g.routes[0]!.policy.rateLimit).toMatchObject({ requests: 10, per: 'second' }),
  },
  {
    name: 'a path-level x-gateway ipAllow does not silently drop an operation ip-restriction deny: an error',
    text: spec('', `  /a:\n    x-gateway: { ipAllow: [10.0.0.0/8] }\n    get:\n      x-kong-plugin-ip-restriction: { config: { deny: [10.0.0.5] } }\n      responses: { "200": { description: ok } }\n`),
    diags: [['kong-extension-unmapped', 'x-kong-plugin-ip-restriction']],
  },
  {
    name: 'an x-gateway body limit from a named policy that differs from an x-kong one: an error',
    text: spec(
      'x-gateway: { policies: { small: { bodyLimit: 1k } } }\n',
      `  /a:\n    get:\n      x-gateway: { policies: [small] }\n      x-kong-plugin-request-size-limiting: { config: { allowed_payload_size: 2, size_unit: kilobytes } }\n      responses: { "200": { description: ok } }\n`,
    ),
    diags: [['kong-extension-unmapped', 'x-kong-plugin-request-size-limiting']],
  },
  {
    // CORS decides which sites read the answers: a disagreement is an access conflict like an IP
    // rule's (red team 3, redteam3-kong-input), no longer x-gateway winning with a warning.
    name: 'cors set by both with other origins is an access conflict: an error',
    text: spec('', op('      x-gateway: { cors: { origins: ["https://b.example.com"] } }\n      x-kong-plugin-cors: { config: { origins: ["https://a.example.com"] } }\n')),
    diags: [['kong-extension-unmapped', 'x-kong-plugin-cors']],
  },
  {
    name: 'cors set by both alike (origins in any order, credentials): x-gateway wins with a warning',
    text: spec('', op('      x-gateway: { cors: { origins: ["https://b.example.com", "https://a.example.com"], maxAge: 60 } }\n      x-kong-plugin-cors: { config: { origins: ["https://a.example.com", "https://b.example.com"] } }\n')),
    diags: [['kong-extension-overridden', 'x-kong-plugin-cors']],
    model: (g) => expect(g.routes[0]!.policy.cors?.maxAgeSeconds).toBe(60),
  },
  {
    name: 'request-termination answers from the gateway: a mock backend',
    text: spec('', op('      x-kong-plugin-request-termination: { config: { status_code: 410, message: gone } }\n')),
    model: (g) => expect(g.backends.find((b) => b.name === g.routes[0]!.backend)!.mock).toMatchObject({ status: 410, body: '{"message":"gone"}' }),
  },
  {
    name: 'request-termination on an operation whose x-gateway names a backend: an error, not a silent replacement',
    text: spec(
      'x-gateway: { backends: { api: { url: "https://api.internal" } } }\n',
      op('      x-gateway: { backend: api }\n      x-kong-plugin-request-termination: { config: { status_code: 403 } }\n'),
    ),
    diags: [['kong-extension-unmapped', 'x-kong-plugin-request-termination']],
  },
  {
    name: 'plugin fields of the wrong type are errors at their own line, never defaults',
    text: spec(
      '',
      `${op("      x-kong-plugin-ip-restriction: { config: { allow: '10.0.0.0/8' } }\n")}${op("      x-kong-plugin-request-size-limiting: { config: { allowed_payload_size: '1' } }\n", 'get', '/b')}${op("      x-kong-plugin-cors: { config: { origins: 'https://a' } }\n", 'get', '/c')}${op('      x-kong-plugin-key-auth: { config: { key_in_header: "no" } }\n', 'get', '/d')}${op('      x-kong-plugin-request-size-limiting: "1k"\n', 'get', '/e')}`,
    ),
    diags: [['kong-extension-unmapped', 'allow:'], ['kong-extension-unmapped', 'allowed_payload_size'], ['kong-extension-unmapped', 'origins'], ['kong-extension-unmapped', 'key_in_header'], ['kong-extension-unmapped', 'x-kong-plugin-request-size-limiting: "1k"']],
  },
  {
    name: 'plugin values out of range are errors: status 99, minute -5, a negative size, a bad CIDR or header',
    text: spec(
      '',
      `${op('      x-kong-plugin-request-termination: { config: { status_code: 99 } }\n')}${op('      x-kong-plugin-rate-limiting: { config: { minute: -5 } }\n', 'get', '/b')}${op('      x-kong-plugin-request-size-limiting: { config: { allowed_payload_size: -3145728 } }\n', 'get', '/c')}${op('      x-kong-plugin-ip-restriction: { config: { deny: ["10.0.0.5; allow all"] } }\n', 'get', '/d')}${op('      x-kong-plugin-rate-limiting: { config: { second: 1.5, limit_by: header, header_name: "X A" } }\n', 'get', '/e')}`,
    ),
    diags: [['kong-extension-unmapped', 'status_code'], ['kong-extension-unmapped', 'minute'], ['kong-extension-unmapped', 'allowed_payload_size'], ['kong-extension-unmapped', 'deny'], ['kong-extension-unmapped', 'second'], ['kong-extension-unmapped', 'header_name']],
  },
  {
    name: 'service defaults out of range or of the wrong type are errors: port 99999, a host with nginx syntax, tls_verify "no"',
    text: spec('x-kong-service-defaults: { port: 99999, host: "evil.com;return 200 x;#", tls_verify: "no", connect_timeout: -1 }\n', op()),
    diags: [['kong-extension-unmapped', 'port:'], ['kong-extension-unmapped', 'host:'], ['kong-extension-unmapped', 'tls_verify'], ['kong-extension-unmapped', 'connect_timeout']],
  },
  {
    name: 'upstream targets and health checks are checked: a bad port, a weight out of range, a non-numeric interval',
    text: spec(
      'x-kong-upstream-defaults:\n  targets: [{ target: "a1.internal:70000" }, { target: "a2.internal:8443", weight: 5000 }]\n  healthchecks: { active: { timeout: -1, healthy: { interval: zz } } }\n',
      op(),
    ),
    diags: [['kong-extension-unmapped', '{ target: "a1'], ['kong-extension-unmapped', 'weight'], ['kong-extension-unmapped', 'timeout'], ['kong-extension-unmapped', 'interval']],
  },
  {
    name: 'route defaults of the wrong type are errors',
    text: spec('x-kong-route-defaults: { preserve_host: "yes", strip_path: 1 }\n', op()),
    diags: [['kong-extension-unmapped', 'preserve_host'], ['kong-extension-unmapped', 'strip_path']],
  },
  {
    name: 'x-kong-security-openid-connect with config is refused; unknown x-kong keys are reported',
    text: spec('x-kong-servce-defaults: {}\n', op()).replace('scheme: bearer,', 'scheme: bearer, x-kong-security-openid-connect: { config: { scopes_required: [a] } },'),
    diags: [['kong-extension-ignored', 'x-kong-servce-defaults'], ['kong-extension-unmapped', 'x-kong-security-openid-connect']],
  },
  {
    name: 'with x-gateway backends, x-kong service defaults are reported and not applied',
    text: spec('x-gateway: { backends: { api: { url: "http://api.internal" } } }\nx-kong-service-defaults: { retries: 1 }\n', op()),
    diags: [['kong-extension-overridden', 'x-kong-service-defaults']],
    model: (g) => expect(g.backends[0]!.retries).toBeUndefined(),
  },
  {
    name: 'with x-gateway backends and preserve_host, service and upstream defaults still do not touch the backend',
    text: spec(
      'x-gateway: { backends: { api: { url: "https://api.internal:8443" } } }\nx-kong-service-defaults: { tls_verify: false, host: other.example.net }\nx-kong-upstream-defaults: { targets: [{ target: "evil.example.net:443" }] }\nx-kong-route-defaults: { preserve_host: true }\n',
      op(),
    ),
    diags: [['kong-extension-overridden', 'x-kong-service-defaults'], ['kong-extension-overridden', 'x-kong-upstream-defaults']],
    model: (g) => {
      const b = g.backends.find((x) => x.name === g.routes[0]!.backend)!;
      expect(b.targets.map((t) => t.url.raw)).toEqual(['https://api.internal:8443']);
      expect(b.tls?.verify).not.toBe(false);
      expect(b.hostHeader).toBe('client');
    },
  },
];

describe('kong input: x-kong-* extensions', () => {
  it.each(CASES)('$name', async (c) => {
    const loaded = await gatewayOf(c.text);
    const got = loaded.diagnostics.filter((d) => d.code.startsWith('kong-')).map((d) => `${d.code} ${d.position?.line}:${d.position?.column}`).sort();
    const want = (c.diags ?? []).map(([code, needle, nth]) => `${code} ${pos(c.text, needle, nth ?? 0)}`).sort();
    expect(got).toEqual(want);
    const others = loaded.diagnostics.filter((d) => !d.code.startsWith('kong-') && d.severity === 'error');
    expect(others).toEqual([]);
    if (c.model) c.model(loaded.gateway!);
  });
});
