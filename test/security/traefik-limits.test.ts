/**
 * Traefik: a per-consumer rate limit keys on a header the client cannot vary without changing the
 * credential itself. sourceCriterion.requestHeaderName keys on the whole header value
 * (https://doc.traefik.io/traefik/middlewares/http/ratelimit/#requestheadername): the Cookie header
 * changes with any extra cookie, and a query parameter has no criterion at all, so both are kept
 * per client address with a coded warning at the rateLimit node. (The query key is kept for the
 * backend, hideCredentials: false: Traefik cannot remove it, so hidden it is refused.)
 */
import { describe, expect, it } from 'vitest';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { compileCase, ownSchema, storeSchema } from '../targets/traefik/cases.js';
import { pickRouter } from '../targets/traefik/traefik-router.js';

const limited = (path: string, security: string) =>
  `  ${path}: { get: { security: ${security}, x-gateway: { rateLimit: { requests: 3, per: minute, by: consumer } }, responses: { '200': { description: ok } } } }\n`;

const SPEC = `${HEAD}servers: [{ url: https://api.example.com }]
x-gateway:
  backends: { app: { url: http://app.example.com:8080 } }
paths:
${limited('/cookie', '[{ ck: [] }]')}${limited('/query', '[{ qk: [] }]')}${limited('/header', '[{ hk: [] }]')}${limited('/both', '[{ ck: [], hk: [] }]')}components:
  securitySchemes:
    ck: { type: apiKey, in: cookie, name: sid, x-gateway: { backendCookies: none, forwardAuth: { url: 'http://auth.example.com:9000/check' } } }
    qk: { type: apiKey, in: query, name: key, x-gateway: { hideCredentials: false, forwardAuth: { url: 'http://auth.example.com:9000/check' } } }
    hk: { type: apiKey, in: header, name: X-Api-Key, x-gateway: { forwardAuth: { url: 'http://auth.example.com:9000/check' } } }
`;

describe('traefik: per-consumer rate limit keys', async () => {
  const file = writeSpec(SPEC);
  const { built } = await compileCase(file);
  const config = built!.config!;
  const limitOf = (path: string) => {
    const router = pickRouter(config, { method: 'GET', host: 'api.example.com', path, headers: { Cookie: ['sid=a'], 'X-Api-Key': ['k'] }, query: { key: ['k'] } });
    const mws = (config.http.routers[router!]!.middlewares ?? []).map((n) => config.http.middlewares?.[n] as Record<string, any>);
    return mws.find((m) => m.rateLimit)?.rateLimit;
  };

  it('builds a file both schemas accept', () => {
    expect(ownSchema(config), JSON.stringify(ownSchema.errors)).toBe(true);
    if (storeSchema) expect(storeSchema(config), JSON.stringify(storeSchema.errors)).toBe(true);
  });

  it('never keys a limit on the Cookie header (an extra cookie would be a fresh bucket)', () => {
    for (const m of Object.values(config.http.middlewares ?? {}) as Array<Record<string, any>>) {
      expect(m.rateLimit?.sourceCriterion?.requestHeaderName?.toLowerCase()).not.toBe('cookie');
    }
    expect(limitOf('/cookie').sourceCriterion).toEqual({ ipStrategy: { depth: expect.any(Number), ipv6Subnet: 64 } });
  });

  it('a query API key is limited per client address too', () => {
    expect(limitOf('/query').sourceCriterion).toEqual({ ipStrategy: { depth: expect.any(Number), ipv6Subnet: 64 } });
  });

  // Red team 12: the limiter reads the key header's FIRST line, the service may verify another
  // (`X-Api-Key: junk-<n>` then the real key: a fresh bucket per request); per address instead.
  it('a header API key is limited per client address, also when ANDed with a cookie key (a second line would vary the key)', () => {
    expect(limitOf('/header').sourceCriterion).toEqual({ ipStrategy: { depth: expect.any(Number), ipv6Subnet: 64 } });
    expect(limitOf('/both').sourceCriterion).toEqual({ ipStrategy: { depth: expect.any(Number), ipv6Subnet: 64 } });
  });

  it('warns with a code, the route and scheme, at the rateLimit node', () => {
    const ws = built!.result.diagnostics.filter((d) => d.code === 'traefik-limit-key-unverified');
    const byRoute = Object.fromEntries(ws.map((d) => [d.params!.route, d]));
    expect(Object.keys(byRoute).sort()).toEqual(['get_both', 'get_cookie', 'get_header', 'get_query']);
    expect(byRoute.get_cookie).toMatchObject({ severity: 'warn', params: { scheme: 'ck' }, loc: { file, pointer: '/paths/~1cookie/get/x-gateway/rateLimit' } });
    expect(byRoute.get_query).toMatchObject({ params: { scheme: 'qk' }, loc: { pointer: '/paths/~1query/get/x-gateway/rateLimit' } });
  });
});

/**
 * Authorization credentials have a scheme word the verifier reads case-insensitively (Go's
 * Request.BasicAuth uses EqualFold on "Basic "; RFC 7235 section 2.1), so the raw header has 2^5
 * (Basic) or 2^6 (Bearer) spellings per credential: keyed on it, one caller gets that many buckets.
 * Native basicAuth writes the verified user to X-Consumer (headerField, after clear-inputs removed
 * any client value), and the limit keys on that; a bearer verified by a forward service has no such
 * header, so it is limited per client address with the coded warning.
 */
describe('traefik: per-consumer limits behind Authorization key on the verified user', async () => {
  const spec = `${HEAD}servers: [{ url: https://api.example.com }]
x-gateway:
  backends: { app: { url: http://app.example.com:8080 } }
  consumers:
    alice: { credentials: { basicAuth: { username: alice, password: '\${env:ALICE_PASSWORD}' } } }
paths:
${limited('/basic', '[{ basicAuth: [] }]')}${limited('/bearer', '[{ bearer: [] }]')}components:
  securitySchemes:
    basicAuth: { type: http, scheme: basic }
    bearer: { type: http, scheme: bearer, x-gateway: { forwardAuth: { url: 'http://auth.example.com:9000/check' } } }
`;
  const file = writeSpec(spec);
  const { built } = await compileCase(file);
  const config = built!.config!;
  const chain = (path: string, headers: Record<string, string[]>) => {
    const router = pickRouter(config, { method: 'GET', host: 'api.example.com', path, headers, query: {} });
    return (config.http.routers[router!]!.middlewares ?? []).map((n) => config.http.middlewares?.[n] as Record<string, any>);
  };

  it('basic: the limit keys on X-Consumer, which basicAuth sets from the verified user after clear-inputs removed the client value', () => {
    const mws = chain('/basic', { Authorization: ['bAsIc YWxpY2U6czNjcmV0LVBhc3N3MHJk'] });
    const at = (pred: (m: Record<string, any>) => boolean) => mws.findIndex(pred);
    const clear = at((m) => Object.keys(m.headers?.customRequestHeaders ?? {}).some((h) => h.toLowerCase() === 'x-consumer'));
    const auth = at((m) => m.basicAuth);
    const limit = at((m) => m.rateLimit);
    expect(clear).toBeGreaterThanOrEqual(0);
    expect(mws[auth]!.basicAuth.headerField).toBe('X-Consumer');
    expect(mws[limit]!.rateLimit.sourceCriterion).toEqual({ requestHeaderName: 'X-Consumer' });
    expect(clear < auth && auth < limit).toBe(true);
  });

  it('bearer through forward auth: never keyed on the raw Authorization, limited per client address and said', () => {
    for (const m of Object.values(config.http.middlewares ?? {}) as Array<Record<string, any>>) {
      expect(m.rateLimit?.sourceCriterion?.requestHeaderName?.toLowerCase()).not.toBe('authorization');
    }
    expect(chain('/bearer', { Authorization: ['Bearer t'] }).find((m) => m.rateLimit)!.rateLimit.sourceCriterion).toEqual({ ipStrategy: { depth: expect.any(Number), ipv6Subnet: 64 } });
    expect(built!.result.diagnostics.filter((d) => d.code === 'traefik-limit-key-unverified').map((d) => d.params!.route)).toEqual(['get_bearer']);
  });
});
