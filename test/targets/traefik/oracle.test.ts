/**
 * The Traefik request oracle against hand-made configurations, each case a behaviour read in
 * traefik/traefik's source (see traefik-oracle.ts), and the htpasswd hashes against known vectors.
 */
import { describe, expect, it } from 'vitest';
import type { TraefikConfig } from '../../../src/targets/traefik/types.js';
import { bcryptHash, checkSecret } from './htpasswd.js';
import { send, type AuthAnswer, type AuthCall } from './traefik-oracle.js';

const basic = (u: string, p: string, word = 'Basic') => `${word} ${Buffer.from(`${u}:${p}`).toString('base64')}`;

describe('htpasswd hashes (goauth.CheckSecret)', () => {
  it('bcrypt: OpenWall test vectors, and a hash of our own', () => {
    expect(checkSecret('U*U', '$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW')).toBe(true);
    expect(checkSecret('', '$2a$05$CCCCCCCCCCCCCCCCCCCCC.7uG0VCzI2bS7j6ymqJi9CdcdxiRTWNy')).toBe(true);
    expect(checkSecret('U*U*U', '$2a$05$XXXXXXXXXXXXXXXXXXXXXOAcXxm9kjPGEMsLznoKqmqw7tc8WCx4a')).toBe(true);
    expect(checkSecret('U*V', '$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW')).toBe(false);
    const h = bcryptHash('pw', Buffer.alloc(16, 7));
    expect(checkSecret('pw', h)).toBe(true);
    expect(checkSecret('pW', h)).toBe(false);
  });
  it('apr1, $1$ and {SHA} (vectors from openssl passwd and openssl sha1); plain text never matches', () => {
    expect(checkSecret('secret', '$apr1$abcdefgh$h9FWgUz3n9YxylKLlR5SQ/')).toBe(true);
    expect(checkSecret('secret', '$1$abcdefgh$cHJi5PXp/ki/ktXzqlk6I1')).toBe(true);
    expect(checkSecret('secret', '{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=')).toBe(true);
    expect(checkSecret('Secret', '$apr1$abcdefgh$h9FWgUz3n9YxylKLlR5SQ/')).toBe(false);
    expect(checkSecret('secret', 'secret')).toBe(false);
  });
});

const HASH = bcryptHash('pw-a', Buffer.alloc(16, 1));
const files = { '/h/users': `# comment\n\nalice:${HASH}\n bob:$apr1$abcdefgh$h9FWgUz3n9YxylKLlR5SQ/ \n` };

const config = (): TraefikConfig =>
  ({
    http: {
      routers: {
        basic: { rule: 'PathRegexp(`^/b$`)', priority: 10, middlewares: ['clear', 'ba', 'strip'], service: 'app' },
        fwd: { rule: 'PathRegexp(`^/f(/.*)?$`)', priority: 9, middlewares: ['fa'], service: 'app' },
        chained: { rule: 'PathRegexp(`^/c$`) && Method(`GET`)', priority: 8, middlewares: ['ch'], service: 'app' },
        cors: { rule: 'PathRegexp(`^/o$`)', priority: 7, middlewares: ['corsmw'], service: 'app' },
        broken: { rule: 'PathRegexp(`^/x$`)', priority: 6, middlewares: ['nousers'], service: 'app' },
        fallback: { rule: 'PathRegexp(`^/x$`)', priority: 5, service: 'app' },
        rewrite: { rule: 'PathRegexp(`^/v1/r/[^/]+$`)', priority: 4, middlewares: ['rw'], service: 'app' },
        strip: { rule: 'PathRegexp(`^/s/.*$`)', priority: 3, middlewares: ['sp'], service: 'app' },
        tieA: { rule: 'PathRegexp(`^/t$`)', priority: 2, service: 'app' },
        tieB: { rule: 'PathRegexp(`^/t$`) || PathRegexp(`^/u$`)', priority: 2, service: 'app' },
      },
      middlewares: {
        clear: { headers: { customRequestHeaders: { 'X-Consumer': '', 'X-Added': 'yes' } } },
        ba: { basicAuth: { usersFile: '/h/users', realm: 'shop', removeHeader: true, headerField: 'X-Consumer' } },
        strip: { headers: { customRequestHeaders: { 'X-Api-Key': '' } } },
        fa: { forwardAuth: { address: 'http://auth:9000/check?scope=admin', trustForwardHeader: false, authRequestHeaders: ['Authorization'], authResponseHeaders: ['X-User-Id'] } },
        ch: { chain: { middlewares: ['ip', 'rl'] } },
        ip: { ipAllowList: { sourceRange: ['10.0.0.0/8'] } },
        rl: { rateLimit: { average: 1, period: '1s', burst: 1, sourceCriterion: { requestHeaderName: 'X-Consumer' } } },
        corsmw: { headers: { accessControlAllowOriginList: ['https://a.example'], accessControlAllowMethods: ['GET'] } },
        nousers: { basicAuth: { usersFile: '/h/empty', realm: 'x', removeHeader: false, headerField: 'X-Consumer' } },
        rw: { replacePathRegex: { regex: '^/v1/r/([^/]+)$', replacement: '/api/items/$1' } },
        sp: { stripPrefix: { prefixes: ['/s'] } },
      },
      services: { app: { loadBalancer: { servers: [{ url: 'http://app:8080/base' }], passHostHeader: true } } },
    },
  }) as unknown as TraefikConfig;

const fakeAuth = (calls: AuthCall[]) => (call: AuthCall): AuthAnswer => {
  calls.push(call);
  return call.headers.get('Authorization') === 'Bearer good' ? { status: 200, headers: { 'X-User-Id': 'u1' } } : { status: 401, headers: { 'WWW-Authenticate': 'Bearer' } };
};

describe('traefik request oracle', () => {
  const c = config();
  const env = { files: { ...files, '/h/empty': '# nobody\n' }, auth: fakeAuth([]) };
  const get = (target: string, headers: Record<string, string | string[]> = {}, extra: Partial<Parameters<typeof send>[1]> = {}, e: Parameters<typeof send>[2] = env) =>
    send(c, { method: 'GET', host: 'api.example.com', target, headers, ...extra }, e);

  it('basicAuth: bcrypt and apr1 users, scheme word in any case, realm on 401', () => {
    expect(get('/b', { Authorization: basic('alice', 'pw-a') }).status).toBe(200);
    expect(get('/b', { Authorization: basic('bob', 'secret', 'bAsIc') }).status).toBe(200);
    const bad = get('/b', { Authorization: basic('alice', 'nope') });
    expect(bad.status).toBe(401);
    expect(bad.responseHeaders.get('WWW-Authenticate')).toBe('Basic realm="shop"');
    expect(get('/b', { Authorization: basic('carol', 'pw-a') }).status).toBe(401);
    expect(get('/b').status).toBe(401);
    expect(get('/b', { Authorization: 'Basic !!!' }).status).toBe(401);
  });

  it('basicAuth reads the first Authorization value; removeHeader drops all; headerField is the verified user', () => {
    const o = get('/b', { Authorization: [basic('alice', 'pw-a'), basic('bob', 'x')], 'X-Consumer': 'bob' });
    expect(o.status).toBe(200);
    expect(o.backend!.user).toBe('alice');
    expect(o.backend!.headers.values('Authorization')).toEqual([]);
    expect(o.backend!.headers.values('X-Consumer')).toEqual(['alice']);
    expect(o.backend!.headers.get('X-Added')).toBe('yes');
    expect(get('/b', { Authorization: [basic('bob', 'x'), basic('alice', 'pw-a')] }).status).toBe(401);
  });

  it('a router whose basicAuth has no users is not served: the request falls to the next router', () => {
    expect(get('/x').router).toBe('fallback');
  });

  it('forwardAuth: GET to the address with the allowed headers and X-Forwarded-*, answer headers copied', () => {
    const calls: AuthCall[] = [];
    const o = get('/f/a?q=1', { Authorization: 'Bearer good', 'X-User-Id': 'admin', Cookie: 'a=b', 'X-Forwarded-Uri': '/public' }, {}, { ...env, entryPoint: { trustForwardedHeaders: true }, auth: fakeAuth(calls) });
    expect(o.status).toBe(200);
    const h = calls[0]!.headers;
    expect(calls[0]!.address).toBe('http://auth:9000/check?scope=admin');
    expect(h.get('Authorization')).toBe('Bearer good');
    expect(h.has('Cookie')).toBe(false);
    expect(h.get('X-Forwarded-Uri')).toBe('/f/a?q=1');
    expect(h.get('X-Forwarded-Method')).toBe('GET');
    expect(h.get('X-Forwarded-Host')).toBe('api.example.com');
    expect(o.backend!.headers.values('X-User-Id')).toEqual(['u1']);
  });

  it('forwardAuth: a refusal is passed to the client; trustForwardHeader keeps a trusted client\'s X-Forwarded-Uri', () => {
    const no = get('/f', { Authorization: 'Bearer bad' });
    expect(no.status).toBe(401);
    expect(no.responseHeaders.get('WWW-Authenticate')).toBe('Bearer');
    const trusting = structuredClone(c);
    (trusting.http.middlewares!.fa as any).forwardAuth.trustForwardHeader = true;
    const calls: AuthCall[] = [];
    send(trusting, { method: 'GET', host: 'h', target: '/f/admin', headers: { Authorization: 'Bearer good', 'X-Forwarded-Uri': '/public' } }, { auth: fakeAuth(calls), entryPoint: { trustForwardedHeaders: true } });
    expect(calls[0]!.headers.get('X-Forwarded-Uri')).toBe('/public');
    // An untrusted client's X-Forwarded-* never get past the entry point.
    send(trusting, { method: 'GET', host: 'h', target: '/f/admin', headers: { Authorization: 'Bearer good', 'X-Forwarded-Uri': '/public' } }, { auth: fakeAuth(calls) });
    expect(calls[1]!.headers.get('X-Forwarded-Uri')).toBe('/f/admin');
  });

  it('a service answer without a listed header removes the client\'s', () => {
    const o = send(c, { method: 'GET', host: 'h', target: '/f', headers: { Authorization: 'Bearer good', 'X-User-Id': 'admin' } }, { auth: () => ({ status: 204 }) });
    expect(o.status).toBe(200);
    expect(o.backend!.headers.has('X-User-Id')).toBe(false);
  });

  it('chain expands in place: ipAllowList then rateLimit keyed on the header', () => {
    expect(get('/c', {}, { remoteAddr: '192.0.2.1' }).status).toBe(403);
    const o = get('/c', { 'X-Consumer': 'k' }, { remoteAddr: '10.1.2.3' });
    expect(o.status).toBe(200);
    expect(o.rateLimitKeys).toEqual([{ middleware: 'rl', key: 'k' }]);
  });

  it('headers with CORS answers a preflight itself (the service is never called)', () => {
    const o = send(c, { method: 'OPTIONS', host: 'h', target: '/o', headers: { Origin: 'https://a.example', 'Access-Control-Request-Method': 'GET' } }, env);
    expect(o.status).toBe(200);
    expect(o.answeredBy).toBe('corsmw');
    expect(o.backend).toBeUndefined();
    expect(send(c, { method: 'OPTIONS', host: 'h', target: '/o' }, env).backend).toBeDefined();
  });

  it('entry point: dot segments, encoded dots and // are cleaned before routing; # is 400', () => {
    expect(get('/x/../b', { Authorization: basic('alice', 'pw-a') }).router).toBe('basic');
    expect(get('/x/%2e%2E/b').router).toBe('basic');
    expect(get('//b').router).toBe('basic');
    expect(get('/b#x').status).toBe(400);
    expect(get('/b', {}, {}, { ...env, entryPoint: { sanitizePath: false } }).router).toBe('basic');
    expect(get('/x/../b', {}, {}, { ...env, entryPoint: { sanitizePath: false } }).status).toBe(404);
  });

  it('replacePathRegex on the escaped path; stripPrefix; the service path is not prepended unless preservePath', () => {
    expect(get('/v1/r/a%2Fb').status).toBe(404); // routed on the decoded path: two segments
    const o = get('/v1/r/a%3Fb');
    expect(o.router).toBe('rewrite');
    expect(o.backend!.path).toBe('/api/items/a%3Fb');
    expect(o.backend!.headers.get('X-Replaced-Path')).toBe('/v1/r/a%3Fb');
    const s = get('/s/x/y');
    expect(s.backend!.path).toBe('/x/y');
    expect(s.backend!.headers.get('X-Forwarded-Prefix')).toBe('/s');
  });

  it('routing path: decoded up to Traefik 3.4.0, reserved characters kept encoded from 3.4.1', () => {
    const g = (target: string, routing: 'decoded' | 'reserved-encoded') => send(c, { method: 'GET', host: 'h', target }, { ...env, routing });
    expect(g('/s/a%2Fb', 'decoded').backend!.path).toBe('/a%2Fb');
    expect(g('/%62', 'decoded').router).toBe('basic'); // normalizePath decodes unreserved %62 (b)
    expect(g('/%62', 'reserved-encoded').router).toBe('basic');
    expect(g('/v1/r/a%3Bb', 'decoded').router).toBe('rewrite');
    expect(g('/v1/r/a%3Bb', 'reserved-encoded').router).toBe('rewrite'); // [^/]+ takes the literal %3B
    expect(g('/v1/r/a%2Fb', 'reserved-encoded').router).toBe('rewrite'); // one segment in the routing path
    expect(g('/v1/r/a%2Fb', 'decoded').status).toBe(404);
    expect(g('/v1/r/%C3%A9', 'reserved-encoded').router).toBe('rewrite');
  });

  it('two matching routers of one priority are an error, not a guess', () => {
    expect(() => get('/t')).toThrow(/both match/);
    expect(get('/u').router).toBe('tieB');
  });
});
