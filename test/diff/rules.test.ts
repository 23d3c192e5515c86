/**
 * The target-neutral rules of src/diff/rules.ts on facts alone: one row per change (old facts,
 * new facts, the rules it must raise), so each rule is pinned independently of any reader.
 */
import { describe, expect, it } from 'vitest';
import { classifyMatched, classifyTightened, RULES } from '../../src/diff/classify.js';
import type { Facts } from '../../src/diff/entity.js';

const route = { match: 'GET /x' };
const jwt = (j: Record<string, unknown> = {}): Facts => ({
  route,
  auth: [['jwt', 'jwt scope read']],
  mechanisms: { jwt: { kind: 'jwt', hideCredentials: true, jwt: { issuer: 'https://id', audiences: ['a'], algorithms: ['RS256'], clockSkewSeconds: 30, keys: 'file k.pem', ...j } } },
});
const key = (extra: Partial<Facts> = {}, m: Record<string, unknown> = {}): Facts => ({ route, auth: [['key']], mechanisms: { key: { kind: 'apiKey', in: ['header'], hideCredentials: true, ...m } }, ...extra });

const ROWS: Array<[string, Facts, Facts, string[]]> = [
  ['scope removed', jwt(), { ...jwt(), auth: [['jwt']] }, ['auth-scope-removed']],
  ['role removed', { route, auth: [['key', 'key role admin']] }, { route, auth: [['key']] }, ['auth-roles-removed']],
  ['audiences removed (unchecked)', jwt(), jwt({ audiences: [] }), ['jwt-audience-widened']],
  ['audience added', jwt(), jwt({ audiences: ['a', 'b'] }), ['jwt-audience-widened']],
  ['audience dropped of two: narrower', jwt({ audiences: ['a', 'b'] }), jwt(), []],
  ['issuer changed', jwt(), jwt({ issuer: 'https://other' }), ['jwt-issuer-changed']],
  ['issuer unchecked', jwt(), jwt({ issuer: null }), ['jwt-issuer-changed']],
  ['algorithms widened', jwt(), jwt({ algorithms: ['HS256', 'RS256'] }), ['jwt-algorithms-widened']],
  ['algorithms narrowed', jwt({ algorithms: ['RS256', 'RS384'] }), jwt(), []],
  ['clock skew raised', jwt(), jwt({ clockSkewSeconds: 300 }), ['jwt-clock-skew-raised']],
  ['clock skew lowered', jwt(), jwt({ clockSkewSeconds: 5 }), []],
  ['keys changed', jwt(), jwt({ keys: 'file other.pem' }), ['jwt-keys-changed']],
  ['a second way in', key(), { ...key(), auth: [['key'], ['basic']] }, ['auth-weakened']],
  ['a scheme swapped', key(), { route, auth: [['basic']] }, ['auth-weakened', 'auth-tightened']],
  ['optional', key(), { ...key(), auth: [['key'], []] }, ['auth-optional']],
  ['removed', key(), { route, auth: [] }, ['auth-removed']],
  ['key moved to the query', key(), key({}, { in: ['query'] }), ['credential-in-query']],
  ['hideCredentials off', key(), key({}, { hideCredentials: false }), ['credentials-forwarded']],
  ['deny entry removed', key({ ipDeny: ['203.0.113.0/24'] }), key(), ['ip-deny-narrowed']],
  ['deny entry narrowed', key({ ipDeny: ['203.0.113.0/24'] }), key({ ipDeny: ['203.0.113.0/28'] }), ['ip-deny-narrowed']],
  ['deny entry added', key(), key({ ipDeny: ['203.0.113.0/24'] }), ['ip-narrowed']],
  ['allow list widened', key({ ipAllow: ['10.0.0.0/8'] }), key({ ipAllow: ['10.0.0.0/8', '192.168.0.0/16'] }), ['ip-widened']],
  ['client TLS: minimum version lowered', key({ clientTls: { minVersion: 1.2 } }), key({ clientTls: { minVersion: 1.0 } }), ['client-tls-weakened']],
  ['client TLS: a cipher suite added', key({ clientTls: { minVersion: 1.2, cipherSuites: ['A'] } }), key({ clientTls: { minVersion: 1.2, cipherSuites: ['A', 'B'] } }), ['client-tls-weakened']],
  ['client TLS: a cipher list replaced by the defaults', key({ clientTls: { minVersion: 1.2, cipherSuites: ['A'] } }), key({ clientTls: { minVersion: 1.2 } }), ['client-tls-weakened']],
  ['client TLS: SNI no longer strict', key({ clientTls: { minVersion: 1.2, sniStrict: true } }), key({ clientTls: { minVersion: 1.2, sniStrict: false } }), ['client-tls-weakened']],
  ['client TLS: options named, not readable, renamed', key({ clientTls: { unread: 'strict' } }), key({ clientTls: { unread: 'legacy' } }), ['client-tls-weakened']],
  ['client TLS: minimum version raised, a cipher dropped (narrower)', key({ clientTls: { minVersion: 1.2, cipherSuites: ['A', 'B'] } }), key({ clientTls: { minVersion: 1.3, cipherSuites: ['A'] } }), []],
  ['rate limit made fail-open (counters down: uncounted)', key({ rateLimit: { '60': 100 }, rateLimitFailsOpen: false }), key({ rateLimit: { '60': 100 }, rateLimitFailsOpen: true }), ['rate-limit-fail-open']],
  ['rate limit made fail-closed', key({ rateLimit: { '60': 100 }, rateLimitFailsOpen: true }), key({ rateLimit: { '60': 100 }, rateLimitFailsOpen: false }), []],
  ['rate-limit key ip -> consumer', key({ rateLimit: { '60': 100 }, rateLimitKey: 'ip' }), key({ rateLimit: { '60': 100 }, rateLimitKey: 'consumer' }), ['rate-limit-key-changed']],
  ['rate-limit key -> header', key({ rateLimit: { '60': 100 }, rateLimitKey: 'consumer' }), key({ rateLimit: { '60': 100 }, rateLimitKey: 'header x-client' }), ['rate-limit-key-changed']],
  ['burst raised at the same rate', key({ rateLimit: { '60': 100 }, burst: 10 }), key({ rateLimit: { '60': 100 }, burst: 50 }), ['burst-raised']],
  ['cache on an authenticated route', key({ cache: false }), key({ cache: true }), ['cache-on-authenticated']],
  ['upgraded connections on an authenticated route (checked once per connection)', key({ upgrade: false }), key({ upgrade: true }), ['connection-upgraded']],
  ['upgraded connections on a public route', { route, auth: [], upgrade: false }, { route, auth: [], upgrade: true }, []],
  ['upgrade unknown on one side (the reader cannot tell)', key(), key({ upgrade: true }), []],
  ['cache on a public route', { route, auth: [], cache: false }, { route, auth: [], cache: true }, []],
  ['upstream re-pointed (authenticated)', key({ upstreamPath: '/a' }), key({ upstreamPath: '/admin/a' }), ['upstream-path-changed']],
  ['upstream re-pointed (public: another backend path exposed)', { route, auth: [], upstreamPath: '/a' }, { route, auth: [], upstreamPath: '/b' }, ['upstream-path-changed']],
  ['host removed (any Host)', key({ hosts: ['api.example.com'] }), key({ hosts: [] }), ['host-widened']],
  ['host added', key({ hosts: ['api.example.com'] }), key({ hosts: ['api.example.com', 'x.example.com'] }), ['host-widened']],
  ['host narrowed', key({ hosts: ['a.example.com', 'b.example.com'] }), key({ hosts: ['a.example.com'] }), []],
  ['HTTPS -> HTTP', key({ protocols: ['https'] }), key({ protocols: ['http', 'https'] }), ['protocol-widened']],
  ['backend TLS server name', { backendTls: { tls: true, verify: true, serverName: 'a' } }, { backendTls: { tls: true, verify: true, serverName: 'b' } }, ['backend-server-name-changed']],
  ['request validation: a required header made optional', key({ validation: ['body (any content type) matches {}', 'header x-tenant required'] }), key({ validation: ['body (any content type) matches {}'] }), ['validation-weakened']],
  ['a service asked after the own check removed (Mechanism.service)', key({}, { service: 'http://auth/check' }), key(), ['auth-weakened']],
  ['a service asked after the own check re-pointed', key({}, { service: 'http://auth/check' }), key({}, { service: 'http://other/' }), ['auth-verifier-changed']],
  ['a step the reader cannot judge added (Facts.unread)', key(), key({ unread: ['jwt: plugin {}'] }), ['unread-changed']],
  ['a step the reader cannot judge removed', key({ unread: ['jwt: plugin {}'] }), key(), ['unread-changed']],
  ['the checks run in another runtime (Facts.runtime)', { runtime: 'njs runtime 1111' }, { runtime: 'njs runtime 2222' }, ['runtime-changed']],
  ['a runtime on one side only (a module added)', {}, { runtime: 'njs runtime 2222' }, []],
  ['request validation: a model changed (two schemas are not ranked)', key({ validation: ['body (any content type) matches {"type":"object"}'] }), key({ validation: ['body (any content type) matches {}'] }), ['validation-weakened']],
  ['request validation: a check added', key({ validation: [] }), key({ validation: ['header x-tenant required'] }), []],
  ['a backend taken at its word (methodOverride: none)', {}, { trusts: ['no body _method'] }, ['trust-added']],
  ['the same trust on both sides', { trusts: ['no body _method'] }, { trusts: ['no body _method'] }, []],
  ['a trust withdrawn (the build refuses again instead)', { trusts: ['no body _method'] }, {}, []],
  ['a route re-pointed at another server (public)', { route, auth: [], backend: 'https://app.example.com' }, { route, auth: [], backend: 'https://admin.example.com' }, ['backend-changed']],
  ['a route re-pointed at another server (authenticated)', key({ backend: 'https://a' }), key({ backend: 'https://b' }), ['backend-changed']],
  ['another authorizer function', key({}, { verifier: 'fn:auth' }), key({}, { verifier: 'fn:allow' }), ['auth-verifier-changed']],
  ['a consumer added', {}, { holds: ['credential key'] }, ['consumer-added']],
  ['a consumer given a group', { holds: ['credential key'] }, { holds: ['credential key', 'group admin'] }, ['consumer-added']],
  ['a consumer losing a group', { holds: ['credential key', 'group admin'] }, { holds: ['credential key'] }, []],
  ['a cache key part dropped', key({ cache: true, cacheKey: ['header x-api-key', 'query q'] }), key({ cache: true, cacheKey: ['header x-api-key'] }), ['cache-key-narrowed']],
  ['a cache key part added', key({ cache: true, cacheKey: ['header x-api-key'] }), key({ cache: true, cacheKey: ['header x-api-key', 'query q'] }), []],
  ['client address read from X-Forwarded-For', key({ ipAllow: ['10.0.0.0/8'], clientAddress: 'the connection' }), key({ ipAllow: ['10.0.0.0/8'], clientAddress: 'X-Forwarded-For, entry 1 from the right' }), ['client-address-changed']],
  ['a credential guard lost', key({ guards: { credential: ['query api_key: removed unless key-auth verified the caller'] } }), key({ guards: { credential: [] } }), ['credential-unverified-passed']],
  ['a method guard lost', key({ guards: { method: ['_method in the query: refused (400)'] } }), key({ guards: {} }), ['method-override-passed']],
  ['a header guard lost', key({ guards: { header: ['header names with _: dropped'] } }), key({ guards: { header: [] } }), ['request-header-passed']],
  ['a guard added', key({ guards: { credential: [] } }), key({ guards: { credential: ['query api_key: removed'] } }), []],
  ['guards unknown on one side', key({ guards: { credential: ['query api_key: removed'] } }), key({}), []],
  ['nothing', key({ hosts: ['a'], protocols: ['https'], cache: false }), key({ hosts: ['a'], protocols: ['https'], cache: false }), []],
  ['a key name added (Kong key_names)', key({}, { names: ['x-api-key'] }), key({}, { names: ['x-api-key', 'apikey'] }), ['credential-carrier-added']],
  ['a key read from the body too', key(), key({}, { in: ['header', 'body'] }), ['credential-carrier-added']],
  ['a route answering any method (match text kept: only route.methods read)', key({ route: { match: 'GET /x', paths: ['^/x$'], methods: ['GET'] } }), key({ route: { match: 'GET /x', paths: ['^/x$'], methods: [] } }), ['route-widened']],
  ['a route answering a template for its literal', key({ route: { match: 'GET /x/a', paths: ['^/x/a$'], methods: ['GET'] } }), key({ route: { match: 'GET /x/a', paths: ['^/x/[^/]+$'], methods: ['GET'] } }), ['route-widened']],
  ['a route moved elsewhere (not widened)', key({ route: { match: 'GET /x', paths: ['^/x$'], methods: ['GET'] } }), key({ route: { match: 'GET /x', paths: ['^/y$'], methods: ['GET'] } }), []],
  ['a connection cap raised', key({ connectionLimit: 2 }), key({ connectionLimit: 20 }), ['rate-limit-raised']],
  ['a connection cap removed', key({ connectionLimit: 2 }), key({}), ['rate-limit-raised']],
];

describe('tightened: a security rule read backwards (classifyTightened)', () => {
  const tightened = (a: Facts, b: Facts) => classifyTightened(a, b, classifyMatched(a, b)).map((v) => `${v.rule} ${v.undoes}`);
  it('credentials stripped again is tightened, undoing credentials-forwarded', () => {
    expect(tightened(key({}, { hideCredentials: false }), key())).toEqual(['tightened credentials-forwarded']);
  });
  it('a change with a breaking rule of its own (a limit lowered) is not repeated as tightened', () => {
    expect(tightened(key({ rateLimit: { '60': 100 } }), key({ rateLimit: { '60': 10 } }))).toEqual([]);
  });
  it('a rule raised both ways (a backend re-pointed) stays security only', () => {
    expect(tightened(key({ backend: 'a' }), key({ backend: 'b' }))).toEqual([]);
  });
  it('a weakening is never tightened', () => {
    expect(tightened(key(), key({}, { hideCredentials: false }))).toEqual([]);
  });
});

describe('target-neutral rules (src/diff/rules.ts): facts -> findings', () => {
  for (const [name, a, b, rules] of ROWS) {
    it(name, () => {
      const got = classifyMatched(a, b).map((v) => v.rule);
      expect([...new Set(got)].sort()).toEqual([...rules].sort());
      for (const r of got) if (!['auth-tightened', 'ip-narrowed'].includes(r)) expect(RULES[r].class).toBe('security');
    });
  }

  it('every rule has a class, a title and the fact change that raises it', () => {
    for (const [id, r] of Object.entries(RULES)) {
      expect(['security', 'breaking'], id).toContain(r.class);
      expect(r.title.length, id).toBeGreaterThan(5);
      expect(r.when.length, id).toBeGreaterThan(5);
    }
  });
});
