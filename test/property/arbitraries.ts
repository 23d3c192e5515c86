/**
 * fast-check arbitraries for whole gateway specs, written as YAML the way a user writes them:
 * literal and templated paths, several methods, url / weighted / mock / Lambda backends, API key,
 * basic and JWT schemes (some with a forwardAuth fallback), AND and OR requirements, public
 * routes, named policies, and every route policy the schema has. Some specs accept gaps per
 * target. Most are valid; the ones the model refuses are counted by the test, not hidden.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';

const METHODS = ['get', 'post', 'put', 'delete', 'patch'] as const;
const LITERALS = ['a', 'b', 'users', 'items', 'v1', 'x.y', 'search'];

/** A path of 1-3 segments; `{}` marks a parameter, named p<index> later. */
const pathShape = fc.array(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...LITERALS) }, { weight: 2, arbitrary: fc.constant('{}') }), { minLength: 1, maxLength: 3 });

const named = (segments: string[]) => segments.map((s, i) => (s === '{}' ? `{p${i}}` : s));

const SECURITY = {
  public: [],
  key: [{ key: [] }],
  basic: [{ basic: [] }],
  bearer: [{ bearer: [] }],
  keyOrBasic: [{ key: [] }, { basic: [] }],
  keyOrBearer: [{ key: [] }, { bearer: [] }],
  keyAndBearer: [{ key: [], bearer: [] }],
} as const;
export type SecurityChoice = keyof typeof SECURITY | 'inherit';

/** Present in about one operation in `rarity`: the rarer a non-portable policy, the more specs build everywhere. */
const sometimes = <T>(rarity: number, arb: fc.Arbitrary<T>) => fc.oneof({ weight: rarity - 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });

const rateLimit = fc.oneof(
  fc.record({ requests: fc.integer({ min: 1, max: 50 }), per: fc.constant('second') }),
  fc.record({ requests: fc.integer({ min: 1, max: 5000 }), per: fc.constant('minute') }),
  // nginx counts no slower than 1 request a minute: slower hourly/daily limits are refused there.
  fc.record({ requests: fc.integer({ min: 60, max: 100_000 }), per: fc.constant('hour') }),
  fc.record({ requests: fc.integer({ min: 1, max: 100_000 }), per: fc.constant('day') }),
);

const settings = fc
  .record({
    rateLimit: sometimes(2, rateLimit),
    cache: sometimes(8, fc.record({ ttl: fc.constantFrom('30s', '5m') })),
    ipAllow: sometimes(4, fc.constantFrom(['10.0.0.0/8'], ['192.0.2.0/24', '2001:db8::/32'])),
    ipDeny: sometimes(4, fc.constantFrom(['192.0.2.7'], ['10.1.0.0/16'])),
    bodyLimit: sometimes(4, fc.constantFrom('1m', '64k', 2048)),
    requestHeaders: sometimes(4, fc.record({ set: fc.constantFrom({ 'X-From-Gateway': 'yes' }, { 'X-Env': 'prod', 'X-Team': 'core' }), remove: fc.constantFrom(['X-Debug'], ['X-Internal']) }, { requiredKeys: [] })),
    responseHeaders: sometimes(6, fc.record({ set: fc.constantFrom({ 'X-Frame-Options': 'DENY' }), remove: fc.constantFrom(['Server']) }, { requiredKeys: [] })),
    timeout: sometimes(3, fc.constantFrom('2s', '10s')),
    backend: sometimes(2, fc.constantFrom('app', 'app', 'split', 'stub', 'fn')),
    policies: sometimes(3, fc.constantFrom(['std'], ['std', 'strict'])),
  })
  .map((x) => Object.fromEntries(Object.entries(x).filter(([, v]) => v !== undefined)));

/** CORS is per path: a browser's preflight for a URL gets one answer, whatever the method. */
const cors = sometimes(4, fc.record({ origins: fc.constantFrom(['https://app.example.com'], ['*'], ['https://a.example.com', 'https://b.example.com']), maxAge: fc.integer({ min: 0, max: 3600 }) }));

const security = fc.oneof(
  ...(
    [
      ['inherit', 3],
      ['public', 2],
      ['key', 3],
      ['basic', 2],
      ['bearer', 1],
      ['keyOrBasic', 2],
      ['keyOrBearer', 1],
      ['keyAndBearer', 1],
    ] as Array<[SecurityChoice, number]>
  ).map(([choice, weight]) => ({ weight, arbitrary: fc.constant(choice) })),
);
const operation = fc.record({ security, x: settings });

/** Gaps a user may accept; auth.jwt has a partial enforcement on Kong (signature, exp, nbf). */
const ACCEPTABLE = ['bodyLimit', 'responseHeaders', 'backend.weighted', 'backend.retries', 'cache', 'backend.mock', 'auth.jwt'];

export const specArbitrary = fc
  .record({
    paths: fc.uniqueArray(pathShape, { minLength: 1, maxLength: 5, selector: (s) => s.join('/') }),
    ops: fc.array(fc.subarray([...METHODS], { minLength: 1 }), { minLength: 5, maxLength: 5 }),
    opSettings: fc.array(operation, { minLength: 25, maxLength: 25 }),
    cors: fc.array(cors, { minLength: 5, maxLength: 5 }),
    jwtKeys: fc.boolean(),
    rootSecurity: fc.constantFrom(undefined, 'key', 'keyOrBasic'),
    forwardAuthOnKey: fc.constantFrom(true, true, true, false),
    forwardAuthOnBearer: fc.constantFrom(true, true, true, false),
    kongAcceptsJwt: fc.constantFrom(true, true, true, false),
    // A third of the specs are written to build on all four targets (AWS included): API keys only,
    // with the gaps AWS and Traefik cannot enforce accepted, as fixtures/portable does.
    portable: fc.constantFrom(true, false, false),
    retries: sometimes(4, fc.integer({ min: 0, max: 3 })),
    basePath: fc.constantFrom('', '/v1', '/api/v2'),
    host: fc.constantFrom('api.example.com', 'localhost'),
    accept: fc.dictionary(fc.constantFrom('aws', 'kong', 'nginx', 'traefik'), fc.subarray(ACCEPTABLE), { maxKeys: 4 }),
  })
  .map((g) => {
    const paths: Record<string, Record<string, unknown>> = {};
    let k = 0;
    if (g.portable) {
      for (const o of g.opSettings) {
        if (!['inherit', 'public', 'key'].includes(o.security)) o.security = 'key';
        delete o.x.requestHeaders; // API Gateway proxy integrations cannot remove headers, nor set them for Lambda
      }
      if (g.rootSecurity) g.rootSecurity = 'key';
      g.forwardAuthOnKey = true;
      g.accept.aws = ACCEPTABLE.filter((f) => !f.startsWith('auth.'));
      g.accept.traefik = ['cache', 'backend.mock'];
    }
    g.paths.forEach((shape, i) => {
      const segs = named(shape);
      const params = segs.filter((s) => s.startsWith('{')).map((s) => s.slice(1, -1));
      const item: Record<string, unknown> = g.cors[i] ? { 'x-gateway': { cors: g.cors[i] } } : {};
      for (const m of g.ops[i]!) {
        const o = g.opSettings[k++ % g.opSettings.length]!;
        const x: Record<string, unknown> = { ...o.x };
        const op: Record<string, unknown> = { operationId: `${m}${i}` };
        if (o.security !== 'inherit') op.security = SECURITY[o.security];
        // An operation left without security must say it is public, or every target refuses it.
        if (o.security === 'public' || (o.security === 'inherit' && !g.rootSecurity)) x.public = true;
        if (params.length) op.parameters = params.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
        if (Object.keys(x).length) op['x-gateway'] = x;
        op.responses = { '200': { description: 'ok' } };
        item[m] = op;
      }
      paths[`/${segs.join('/')}`] = item;
    });
    const schemeX = (on: boolean, url: string) => (on ? { 'x-gateway': { forwardAuth: { url } } } : {});
    if (g.kongAcceptsJwt) g.accept.kong = [...new Set([...(g.accept.kong ?? []), 'auth.jwt'])];
    const accept = Object.fromEntries(Object.entries(g.accept).filter(([, f]) => f.length).map(([t, fs]) => [t, fs.map((feature) => ({ feature, reason: 'accepted in a generated spec' }))]));
    const doc = {
      openapi: '3.1.0',
      info: { title: 'Generated', version: '1.0.0' },
      servers: [{ url: `https://${g.host}${g.basePath}` }],
      ...(g.rootSecurity ? { security: SECURITY[g.rootSecurity] } : {}),
      'x-gateway': {
        name: 'gen',
        backends: {
          app: { url: 'http://app.internal:8080', vpcLink: 'a1b2c3', ...(g.retries !== undefined ? { retries: g.retries } : {}) },
          split: { targets: [{ url: 'http://blue.internal:8080', weight: 90 }, { url: 'http://green.internal:8080', weight: 10 }] },
          stub: { mock: { status: 200, contentType: 'application/json', body: '{"ok":true}' } },
          fn: { lambda: { arn: 'arn:aws:lambda:eu-west-1:123456789012:function:fn', fallbackUrl: 'http://fn.internal:8080' } },
        },
        policies: { std: { rateLimit: { requests: 100, per: 'minute' } }, strict: { ipDeny: ['198.51.100.0/24'] } },
        defaults: { backend: 'app' },
        consumers: { alice: { credentials: { key: '${env:ALICE_KEY}', basic: { username: 'alice', password: '${env:ALICE_PASSWORD}' } } } },
        ...(Object.keys(accept).length ? { accept } : {}),
      },
      paths,
      components: {
        securitySchemes: {
          key: { type: 'apiKey', in: 'header', name: 'X-Api-Key', ...schemeX(g.forwardAuthOnKey, 'http://keys.internal:9000/check') },
          basic: { type: 'http', scheme: 'basic' },
          bearer: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            'x-gateway': {
              issuer: 'https://issuer.example.com/',
              jwksUri: 'https://issuer.example.com/.well-known/jwks.json',
              audiences: ['api'],
              ...(g.jwtKeys ? { publicKeys: ['${env:JWT_PUBLIC_KEY}'], algorithms: ['RS256'] } : {}),
              ...(g.forwardAuthOnBearer ? { forwardAuth: { url: 'http://jwt.internal:9000/verify' } } : {}),
            },
          },
        },
      },
    };
    return stringify(doc);
  });
