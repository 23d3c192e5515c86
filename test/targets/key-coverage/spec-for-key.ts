/**
 * Builds the smallest spec that uses one x-gateway key (src/model/keys.ts), in two variants A and
 * B that differ only in that key's value (or in its presence, for an object key), so a test can
 * tell whether a target emitted the key (outputs differ), refused or warned (a coded diagnostic),
 * or dropped it without a word (same output, no diagnostic).
 */
import type { KeyId } from '../../../src/model/keys.js';

type Json = unknown;
type Obj = Record<string, unknown>;

/** Two values for a key; `undefined` means the key is absent in that variant. */
export interface Variants {
  a: Json;
  b: Json;
}

const ARN = (f: string) => `arn:aws:lambda:us-east-1:123456789012:function:${f}`;
const COGNITO = (pool: string) => `https://cognito-idp.us-east-1.amazonaws.com/us-east-1_${pool}Pool`;
/** Kong writes the certificate as decK env templates; the others read files. */
const TLS = (target: string) =>
  target === 'kong' ? { certificate: '${env:TLS_CERT}', key: '${env:TLS_KEY}' } : { certificate: 'certs/gw.pem', key: '${file:certs/gw.key}' };

/** Values by the key's last segment (and parent where the name is ambiguous). */
function values(id: KeyId, target: string): Variants | undefined {
  const policy = id.replace(/^(policies\.\*|defaults|route)\./, '');
  const table: Record<string, Variants> = {
    name: { a: 'gw-a', b: 'gw-b' },
    backend: { a: 'api', b: 'other' },
    upstreamPath: { a: '/v1/items/{id}', b: '/v2/items/{id}' },
    timeout: { a: '5s', b: '7s' },
    websocket: { a: true, b: false },
    validate: { a: true, b: false },
    'validate.body': { a: true, b: false },
    'validate.parameters': { a: true, b: false },
    rateLimit: { a: { requests: 10, per: 'minute' }, b: undefined },
    'rateLimit.requests': { a: 10, b: 20 },
    'rateLimit.per': { a: 'second', b: 'minute' },
    'rateLimit.by': { a: 'ip', b: { header: 'X-Client' } },
    'rateLimit.by.header': { a: { header: 'X-Client' }, b: { header: 'X-Tenant' } },
    'rateLimit.burst': { a: 2, b: 5 },
    cors: { a: { origins: ['https://app.example'] }, b: undefined },
    'cors.origins': { a: ['https://app.example'], b: ['https://web.example'] },
    'cors.methods': { a: ['GET'], b: ['GET', 'POST'] },
    'cors.headers': { a: ['X-A'], b: ['X-B'] },
    'cors.exposeHeaders': { a: ['X-A'], b: ['X-B'] },
    'cors.credentials': { a: true, b: false },
    'cors.maxAge': { a: 60, b: 600 },
    cache: { a: { ttl: '30s' }, b: undefined },
    'cache.ttl': { a: '30s', b: '60s' },
    'cache.methods': { a: ['GET'], b: ['HEAD'] },
    'cache.keyHeaders': { a: ['X-A'], b: ['X-B'] },
    'cache.keyQuery': { a: true, b: false },
    ipAllow: { a: ['10.0.0.0/8'], b: ['192.168.0.0/16'] },
    ipDeny: { a: ['10.0.0.0/8'], b: ['192.168.0.0/16'] },
    bodyLimit: { a: '1m', b: '2m' },
    requestHeaders: { a: { set: { 'X-A': '1' } }, b: undefined },
    'requestHeaders.set': { a: { 'X-A': '1' }, b: { 'X-A': '2' } },
    'requestHeaders.remove': { a: ['X-A'], b: ['X-B'] },
    responseHeaders: { a: { set: { 'X-A': '1' } }, b: undefined },
    'responseHeaders.set': { a: { 'X-A': '1' }, b: { 'X-A': '2' } },
    'responseHeaders.remove': { a: ['X-A'], b: ['X-B'] },
    accessLog: { a: true, b: false },
    'accessLog.format': { a: { format: 'json' }, b: false },
  };
  if (id.startsWith('policies.*.') || id.startsWith('defaults.') || id.startsWith('route.')) {
    const v = table[policy];
    if (!v) return undefined;
    // rateLimit.by.header and accessLog.format replace their parent object whole.
    if (policy === 'rateLimit.by.header') return { a: v.a, b: v.b };
    return v;
  }
  const root: Partial<Record<KeyId, Variants>> = {
    'backends.*.url': { a: 'http://api.example:8080', b: 'http://api2.example:8081' },
    'backends.*.targets': { a: [{ url: 'http://t1.example:8080' }, { url: 'http://t2.example:8080' }], b: undefined },
    'backends.*.targets[].url': { a: 'http://t1.example:8080', b: 'http://t3.example:8080' },
    'backends.*.targets[].weight': { a: 1, b: 5 },
    'backends.*.lambda': { a: { arn: ARN('a') }, b: undefined },
    'backends.*.lambda.arn': { a: ARN('a'), b: ARN('b') },
    'backends.*.lambda.fallbackUrl': { a: 'http://fa.example:80', b: 'http://fb.example:80' },
    'backends.*.mock': { a: { status: 200, body: 'a' }, b: undefined },
    'backends.*.mock.status': { a: 200, b: 201 },
    'backends.*.mock.contentType': { a: 'application/json', b: 'text/plain' },
    'backends.*.mock.body': { a: 'a', b: 'b' },
    'backends.*.mock.headers': { a: { 'X-A': '1' }, b: { 'X-A': '2' } },
    'backends.*.timeout': { a: '5s', b: '7s' },
    'backends.*.connectTimeout': { a: '2s', b: '3s' },
    'backends.*.retries': { a: 1, b: 3 },
    'backends.*.healthCheck': { a: { path: '/health' }, b: undefined },
    'backends.*.healthCheck.path': { a: '/health', b: '/ready' },
    'backends.*.healthCheck.interval': { a: '10s', b: '20s' },
    'backends.*.healthCheck.timeout': { a: '2s', b: '3s' },
    'backends.*.healthCheck.healthyThreshold': { a: 2, b: 3 },
    'backends.*.healthCheck.unhealthyThreshold': { a: 2, b: 3 },
    'backends.*.hostHeader': { a: 'backend', b: 'client' },
    'backends.*.tls': { a: { verify: false }, b: undefined },
    'backends.*.tls.verify': { a: true, b: false },
    'backends.*.tls.serverName': { a: 'a.example', b: 'b.example' },
    'backends.*.tls.caFile': { a: 'ca-a.pem', b: 'ca-b.pem' },
    'backends.*.keepalive': { a: 8, b: 16 },
    'backends.*.vpcLink': { a: 'abc123', b: 'def456' },
    // Absent in B: the default (possible) refuses on the targets that read it, so A builds because of it.
    'backends.*.methodOverride': { a: 'none', b: undefined },
    // Absent in B: AWS reads a path parameter's '..' as climbing out of its route (aws-path-param-confusable).
    'backends.*.dotSegments': { a: 'rejected', b: undefined },
    // Absent in B: every target refuses /items/{id} beside a keyed /items/me (param-variant-reaches-protected).
    'backends.*.pathMatching': { a: 'exact', b: undefined },
    // Absent in B: AWS refuses a query credential it blanks by its exact name only (aws-query-credential-spellings).
    'backends.*.queryNames': { a: 'exact', b: undefined },
    // Absent in B: AWS refuses a Lambda route verified on X-Token, whose X_Token the event holds (aws-lambda-header-spellings).
    'backends.*.headerNames': { a: 'exact', b: undefined },
    'consumers.*.groups': { a: ['a'], b: ['b'] },
    'consumers.*.credentials': { a: { key: '${env:K1}' }, b: { key: '${env:K2}' } },
    'consumers.*.credentials.*.username': { a: 'u1', b: 'u2' },
    'consumers.*.credentials.*.password': { a: '${env:P1}', b: '${env:P2}' },
    trustedProxies: { a: ['10.0.0.0/8'], b: ['192.168.0.0/16'] },
    tls: { a: TLS(target), b: undefined },
    'tls.certificate': target === 'kong' ? { a: '${env:TLS_CERT_A}', b: '${env:TLS_CERT_B}' } : { a: 'certs/a.pem', b: 'certs/b.pem' },
    'tls.key': target === 'kong' ? { a: '${env:TLS_KEY_A}', b: '${env:TLS_KEY_B}' } : { a: '${file:certs/a.key}', b: '${file:certs/b.key}' },
    'scheme.issuer': target === 'aws' ? { a: COGNITO('a'), b: COGNITO('b') } : { a: 'https://a.example', b: 'https://b.example' },
    'scheme.audiences': { a: ['a'], b: ['b'] },
    // Absent in B: a scheme verified with public keys and no audiences is refused (jwt-audience-missing).
    'scheme.anyAudience': { a: true, b: undefined },
    'scheme.jwksUri': { a: 'https://a.example/jwks', b: 'https://b.example/jwks' },
    'scheme.algorithms': { a: ['RS256'], b: ['ES256'] },
    'scheme.publicKeys': { a: ['${env:JWT_K1}'], b: ['${env:JWT_K2}'] },
    'scheme.header': { a: 'Authorization', b: 'X-Token' },
    'scheme.clockSkew': { a: '10s', b: '30s' },
    'scheme.realm': { a: 'a', b: 'b' },
    'scheme.hideCredentials': { a: true, b: false },
    // Absent in B: Traefik refuses a hidden cookie key unless the spec says the backend reads no cookie.
    'scheme.backendCookies': { a: 'none', b: undefined },
    'scheme.forwardAuth': { a: { url: 'http://auth.example:9000/check' }, b: undefined },
    'scheme.forwardAuth.url': { a: 'http://auth.example:9000/check', b: 'http://auth2.example:9000/check' },
    'scheme.forwardAuth.requestHeaders': { a: ['X-A'], b: ['X-B'] },
    'scheme.forwardAuth.responseHeaders': { a: ['X-A'], b: ['X-B'] },
    'scheme.lambdaAuthorizer': { a: { arn: ARN('auth') }, b: undefined },
    'scheme.lambdaAuthorizer.arn': { a: ARN('auth'), b: ARN('auth2') },
    'scheme.lambdaAuthorizer.type': { a: 'token', b: 'request' },
    'scheme.lambdaAuthorizer.identitySource': { a: ['method.request.header.X-A'], b: ['method.request.header.X-B'] },
    'scheme.lambdaAuthorizer.ttlSeconds': { a: 0, b: 60 },
    'scheme.lambdaAuthorizer.contextHeaders': { a: { 'X-User': 'principalId' }, b: { 'X-User': 'user' } },
  };
  return root[id];
}

/** Keys the core reads for every target alike (overlays, accepted gaps, the target list): no per-target sample. */
export function sampled(id: KeyId, target: string): boolean {
  return values(id, target) !== undefined;
}

function base(): Obj {
  return {
    openapi: '3.1.0',
    info: { title: 't', version: '1' },
    'x-gateway': {
      backends: { api: { url: 'http://api.example:8080' }, other: { url: 'http://other.example:9090' } },
      defaults: { backend: 'api' },
    },
    paths: {
      '/items/{id}': {
        get: {
          operationId: 'getItem',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          'x-gateway': { public: true },
          responses: { '200': { description: 'ok' } },
        },
      },
    },
  };
}

/** The scheme a `scheme.*` or consumer key is tried on: name and its OpenAPI definition. */
function schemeFor(id: KeyId, target: string): { name: string; def: Obj } {
  if (/^scheme\.(issuer|audiences|anyAudience|jwksUri|algorithms|publicKeys|header|clockSkew)$/.test(id)) {
    const jwt: Obj = { issuer: target === 'aws' ? COGNITO('a') : 'https://a.example', publicKeys: ['${env:JWT_K1}'] };
    // A Cognito authorizer takes no keys of the spec's (refused): the pool's own verify.
    if (id === 'scheme.jwksUri' || (target === 'aws' && id !== 'scheme.publicKeys')) delete jwt.publicKeys;
    // A scheme verified with public keys or a key set names its audiences or says it takes any
    // (jwt-audience-missing otherwise); a Cognito authorizer checks none (aws-cognito-audiences).
    if (id !== 'scheme.audiences' && id !== 'scheme.anyAudience') {
      if (target === 'aws') jwt.anyAudience = true;
      else jwt.audiences = ['api'];
    }
    return { name: 'bearer', def: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', 'x-gateway': jwt } };
  }
  if (id === 'scheme.realm' || /username|password/.test(id)) return { name: 'basic', def: { type: 'http', scheme: 'basic', 'x-gateway': {} } };
  // Traefik refuses a kept header credential (traefik-kept-header-credential, red team 12) and a kept
  // cookie key (traefik-kept-cookie-credential, red team 15): a cookie key the backend reads no cookie
  // beside, whose whole Cookie header goes when hidden (true builds), refused when kept (false).
  if (id === 'scheme.hideCredentials' && target === 'traefik') return { name: 'key', def: { type: 'apiKey', in: 'cookie', name: 'sid', 'x-gateway': { backendCookies: 'none', forwardAuth: { url: 'http://auth.example:9000/check' } } } };
  // backendCookies stands only beside a cookie key (schema-invalid on any other scheme), which Kong and
  // API Gateway refuse (kong-api-key-cookie, aws-api-key-location: their answer).
  if (id === 'scheme.backendCookies') return { name: 'key', def: { type: 'apiKey', in: 'cookie', name: 'sid', 'x-gateway': target === 'traefik' ? { forwardAuth: { url: 'http://auth.example:9000/check' } } : {} } };
  return { name: 'key', def: { type: 'apiKey', in: 'header', name: 'X-Api-Key', 'x-gateway': {} } };
}

/** Where a key id lives in the document, with map keys and array indexes chosen. */
function docPath(id: KeyId, scheme: string): string[] {
  const segs = id.split('.').flatMap((s) => (s.endsWith('[]') ? [s.slice(0, -2), '0'] : [s]));
  if (segs[0] === 'route') return ['paths', '/items/{id}', /(^|\.)validate(\.|$)/.test(id) ? 'put' : 'get', 'x-gateway', ...segs.slice(1)];
  if (segs[0] === 'scheme') return ['components', 'securitySchemes', scheme, 'x-gateway', ...segs.slice(1)];
  const out = ['x-gateway'];
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i]!;
    if (s !== '*') out.push(s);
    else out.push(segs[i - 1] === 'backends' ? 'api' : segs[i - 1] === 'policies' ? 'p' : segs[i - 1] === 'consumers' ? 'c' : scheme);
  }
  return out;
}

function setIn(doc: Obj, p: string[], v: Json) {
  let o = doc;
  for (const k of p.slice(0, -1)) {
    const next = p[p.indexOf(k) + 1];
    if (o[k] === undefined || o[k] === false || o[k] === true) o[k] = /^\d+$/.test(next ?? '') ? [] : {};
    o = o[k] as Obj;
  }
  const last = p[p.length - 1]!;
  if (v === undefined) delete o[last];
  else o[last] = v;
}

function getIn(doc: Obj, p: string[]): unknown {
  return p.reduce<unknown>((o, k) => (o as Obj | undefined)?.[k], doc);
}

/** Required siblings of a container the key sits in, by the container's id (policy prefix removed). */
const FILL: Record<string, Obj> = {
  rateLimit: { requests: 10, per: 'minute' },
  cors: { origins: ['https://app.example'] },
  cache: { ttl: '30s' },
  'backends.*.healthCheck': { path: '/health' },
  'backends.*.lambda': { arn: ARN('a') },
  'backends.*.targets[]': { url: 'http://t1.example:8080' },
  'scheme.forwardAuth': { url: 'http://auth.example:9000/check' },
  'scheme.lambdaAuthorizer': { arn: ARN('auth') },
};

/** The spec document for variant `which` of key `id`, or undefined for a key without samples. */
export function specForKey(id: KeyId, which: 'a' | 'b', target: string): Obj | undefined {
  const v = values(id, target);
  if (!v) return undefined;
  const doc = base();
  const x = doc['x-gateway'] as Obj;
  const { name: schemeName, def } = schemeFor(id, target);
  if (id === 'tls' || id.startsWith('tls.')) doc.servers = [{ url: 'https://api.example.com' }];
  const usesScheme = id.startsWith('scheme.') || id.startsWith('consumers');
  if (usesScheme) {
    doc.components = { securitySchemes: { [schemeName]: def } };
    const op = getIn(doc, ['paths', '/items/{id}', 'get']) as Obj;
    op.security = [{ [schemeName]: [] }];
    op['x-gateway'] = {};
    if (id.startsWith('consumers.*.credentials.*')) x.consumers = { c: { credentials: { [schemeName]: { username: 'u1', password: '${env:P1}' } } } };
    else if (id.startsWith('consumers.')) x.consumers = { c: { credentials: { key: '${env:K1}' } } };
    if (id === 'consumers.*.groups') op.security = [{ key: ['a'] }];
  }
  // Kong refuses a cache every caller shares (kong-cache-key-ambiguous): its cache keys are tried
  // on a route that requires an API key, so entries are per consumer.
  if (target === 'kong' && /^(policies\.\*|defaults|route)\.cache(\.|$)/.test(id)) {
    doc.components = { securitySchemes: { key: { type: 'apiKey', in: 'header', name: 'X-Api-Key', 'x-gateway': {} } } };
    x.consumers = { c: { credentials: { key: '${env:K1}' } } };
    const op = getIn(doc, ['paths', '/items/{id}', 'get']) as Obj;
    op.security = [{ key: [] }];
    op['x-gateway'] = {};
  }
  // Validation checks what the operation declares: a required query parameter and a JSON body.
  if (/(^|\.)validate(\.|$)/.test(id)) {
    const item = getIn(doc, ['paths', '/items/{id}']) as Obj;
    const get = item.get as Obj;
    item.put = {
      ...get,
      operationId: 'putItem',
      parameters: [...(get.parameters as Obj[]), { name: 'q', in: 'query', required: true, schema: { type: 'string' } }],
      requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['n'], properties: { n: { type: 'string' } } } } } },
    };
    delete item.get;
  }
  if (id.startsWith('policies.')) {
    x.policies = { p: {} };
    (getIn(doc, ['paths', '/items/{id}', 'get', 'x-gateway']) as Obj).policies = ['p'];
  }
  if (/^backends\.\*\.(targets|lambda|mock)/.test(id) && v[which] !== undefined) delete (x.backends as Record<string, Obj>).api!.url;
  if (/^backends\.\*\.tls/.test(id)) (x.backends as Record<string, Obj>).api!.url = 'https://api.example:8443';
  if (/^scheme\.forwardAuth\.|^scheme\.lambdaAuthorizer\./.test(id)) {
    const c = id.split('.').slice(0, 2).join('.');
    setIn(doc, [...docPath(c as KeyId, schemeName)], { ...FILL[c] });
  }
  // Containers the key sits in get their required siblings first.
  const policyPart = id.replace(/^(policies\.\*|defaults|route)\./, '');
  const container = policyPart.split('.')[0]!;
  if (policyPart !== id && FILL[container] && policyPart !== container) setIn(doc, docPath(id.replace(/\.[^.]+(\.header)?$/, '') as KeyId, schemeName), { ...FILL[container] });
  for (const c of ['backends.*.healthCheck', 'backends.*.lambda', 'backends.*.targets[]']) {
    if (id.startsWith(`${c}.`)) setIn(doc, docPath(c as KeyId, schemeName), { ...FILL[c] });
  }
  if (id.startsWith('tls.')) x.tls = TLS(target);
  // Weights only matter between two targets.
  if (id.startsWith('backends.*.targets[].')) (x.backends as Record<string, Obj>).api!.targets = [{ url: 'http://t1.example:8080' }, { url: 'http://t2.example:8080' }];
  if (id === 'backends.*.lambda.fallbackUrl') (x.backends as Record<string, Obj>).api!.lambda = { arn: ARN('a') };
  // A public POST beside a keyed GET of one backend path: a body's _method=GET would run the GET
  // (src/targets/body-override.ts). Keyed by a scheme each target verifies itself.
  if (id === 'backends.*.methodOverride') {
    const aws = target === 'aws';
    doc.components = { securitySchemes: { key: aws ? { type: 'apiKey', in: 'header', name: 'x-api-key' } : { type: 'http', scheme: 'basic' } } };
    x.consumers = { c: { credentials: { key: aws ? '${env:K1}' : { username: 'u1', password: '${env:P1}' } } } };
    const item = getIn(doc, ['paths', '/items/{id}']) as Obj;
    const get = item.get as Obj;
    get.security = [{ key: [] }];
    delete get['x-gateway'];
    item.post = { ...get, operationId: 'postItem', security: [], 'x-gateway': { public: true } };
    // On AWS `none` speaks for the body; the query's `[_method]` needs queryNames: exact (aws-query-method-override).
    if (aws) (x.backends as Record<string, Obj>).api!.queryNames = 'exact';
  }
  // nginx reads a trusted proxy's X-Forwarded-Proto for the own-origin check of a websocket route
  // a basic user's browser could open from another site (websocket-origin.ts 'same').
  if (id === 'trustedProxies' && target === 'nginx') {
    doc.components = { securitySchemes: { key: { type: 'http', scheme: 'basic' } } };
    x.consumers = { c: { credentials: { key: { username: 'u1', password: '${env:P1}' } } } };
    const op = getIn(doc, ['paths', '/items/{id}', 'get']) as Obj;
    op.security = [{ key: [] }];
    op['x-gateway'] = { websocket: true };
  }
  // A public /items/{id}/a beside a keyed /a of one backend: id = '..' reaches /a where the backend
  // resolves it (src/targets/aws/confusable.ts). Keyed by a scheme each target verifies itself.
  if (id === 'backends.*.dotSegments') {
    const aws = target === 'aws';
    doc.components = { securitySchemes: { key: aws ? { type: 'apiKey', in: 'header', name: 'x-api-key' } : { type: 'http', scheme: 'basic' } } };
    x.consumers = { c: { credentials: { key: aws ? '${env:K1}' : { username: 'u1', password: '${env:P1}' } } } };
    const paths = doc.paths as Obj;
    const item = paths['/items/{id}'] as Obj;
    delete paths['/items/{id}'];
    paths['/items/{id}/a'] = item;
    paths['/a'] = { get: { operationId: 'getA', security: [{ key: [] }], responses: { '200': { description: 'ok' } } } };
  }
  // A public /items/{id} beside a keyed /items/me of one backend: ME, me.json, me. reach /items/me
  // on a backend that folds paths (src/targets/param-variants.ts). AWS refuses the pair itself
  // whatever the key says (aws-path-param-confusable): it keeps the base spec, where the key changes nothing.
  if (id === 'backends.*.pathMatching' && target !== 'aws') {
    doc.components = { securitySchemes: { key: { type: 'http', scheme: 'basic' } } };
    x.consumers = { c: { credentials: { key: { username: 'u1', password: '${env:P1}' } } } };
    (doc.paths as Obj)['/items/me'] = { get: { operationId: 'getMe', security: [{ key: [] }], responses: { '200': { description: 'ok' } } } };
  }
  // A route keyed by a query parameter: AWS (a Lambda authorizer) refuses it unless the backend reads
  // exact names; nginx and Kong (a consumer's key) read every spelling themselves, whatever the key says.
  if (id === 'backends.*.queryNames' && target !== 'traefik') {
    const lambda = { lambdaAuthorizer: { arn: ARN('auth'), type: 'request', identitySource: ['method.request.querystring.api_key'] } };
    doc.components = { securitySchemes: { key: { type: 'apiKey', in: 'query', name: 'api_key', ...(target === 'aws' ? { 'x-gateway': lambda } : {}) } } };
    if (target !== 'aws') x.consumers = { c: { credentials: { key: '${env:K1}' } } };
    const op = getIn(doc, ['paths', '/items/{id}', 'get']) as Obj;
    op.security = [{ key: [] }];
    delete op['x-gateway'];
  }
  // A Lambda function keyed by X-Token (a Lambda authorizer): AWS refuses it unless the function reads
  // header names exactly; the other targets are not handed the event, the key changes nothing there.
  if (id === 'backends.*.headerNames' && target === 'aws') {
    const lambda = { hideCredentials: false, lambdaAuthorizer: { arn: ARN('auth'), type: 'request', identitySource: ['method.request.header.X-Token'] } };
    doc.components = { securitySchemes: { key: { type: 'apiKey', in: 'header', name: 'X-Token', 'x-gateway': lambda } } };
    const api = (x.backends as Record<string, Obj>).api!;
    delete api.url;
    api.lambda = { arn: ARN('app') };
    const op = getIn(doc, ['paths', '/items/{id}', 'get']) as Obj;
    op.security = [{ key: [] }];
    delete op['x-gateway'];
  }
  const at = docPath((id === 'route.rateLimit.by.header' || id.endsWith('rateLimit.by.header') ? id.replace(/\.header$/, '') : id) as KeyId, schemeName);
  const value = v[which];
  if (id === 'backends') x.backends = value;
  else if (id === 'consumers') x.consumers = value;
  else if (id.endsWith('accessLog.format')) setIn(doc, docPath(id.replace(/\.format$/, '') as KeyId, schemeName), value);
  else setIn(doc, at, value);
  return doc;
}

/** The JSON pointer of the key in the spec `specForKey` writes (where a key-level diagnostic belongs). */
export function keyPointer(id: KeyId, target: string): string {
  const p = docPath(id.endsWith('rateLimit.by.header') ? (id.replace(/\.header$/, '') as KeyId) : id, schemeFor(id, target).name);
  const at = id.endsWith('rateLimit.by.header') ? [...p, 'header'] : p;
  return at.map((t) => `/${t.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}
