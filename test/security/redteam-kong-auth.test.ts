/**
 * Red team, Kong access control (DESIGN.md 7.1, 7.2, 7.3, 7.5; issue #13): requests a hostile
 * caller sends to a gateway gwc compiled, answered by the request oracle
 * (test/targets/kong/kong-oracle.ts), which follows Kong's own handlers (key-auth, basic-auth, jwt,
 * acl, cors, request-termination; https://github.com/Kong/kong/tree/master/kong/plugins) and
 * router. Every decK file here also passes deck validate and the decK schema. Each attack states
 * the secure answer: the request never reaches the backend, or reaches it as the caller it proved.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Backend, Consumer, Gateway, HttpMethod, Security, SecurityScheme } from '../../src/model/types.js';
import { evaluate, symbolicJwt, type DeckDoc, type OracleRequest } from '../targets/kong/kong-oracle.js';
import { compile, loc, route, shop } from '../targets/kong/model.js';
import { deckValidate, schemaValidate } from '../targets/kong/validate.js';

const env: Record<string, string> = {
  DECK_ALICE_API_KEY: 'k-alice', DECK_OPS_PASSWORD: 'p-ops', DECK_CAROL: 'k-carol', DECK_CARL: 'k-carl', DECK_FRANK: 'k-frank',
  DECK_PAT: 'k-pat', DECK_ROOT_PW: 'p-root',
};
const ref = (name: string) => ({ kind: 'env' as const, name, raw: `\${env:${name}}` });
const basic = (user: string, pw: string, scheme = 'Basic') => `${scheme} ${Buffer.from(`${user}:${pw}`).toString('base64')}`;
const keyConsumer = (name: string, groups: string[], scheme = 'apiKey'): Consumer => ({
  name, loc: loc(`/x-gateway/consumers/${name}`), groups, credentials: [{ scheme, kind: 'apiKey', key: ref(name.toUpperCase()), loc: loc() }],
});
const item = (scheme: string, scopes: string[] = []) => [{ scheme, scopes }];
const partnerKey: SecurityScheme = {
  name: 'partnerKey', loc: loc('/components/securitySchemes/partnerKey'), openapiType: 'apiKey', kind: 'apiKey',
  apiKey: { in: 'query', name: 'partner_key' }, hideCredentials: true,
};
const mock: Backend = { name: 'mock', loc: loc(), kind: 'mock', targets: [], hostHeader: 'backend', mock: { status: 200, body: '{"secret":true}', contentType: 'application/json', headers: {}, loc: loc() } };

/** shop() plus the consumers and routes the attacks aim at. */
function target(edit?: (g: Gateway) => void, partner = true): Gateway {
  const g = shop();
  if (partner) g.securitySchemes.push(partnerKey);
  g.backends.push(mock);
  g.consumers.push(
    keyConsumer('carol', ['admin']),
    keyConsumer('carl', ['Admin', 'admin ', 'ADMIN']),
    keyConsumer('frank', ['ops', 'shop.scheme.apikey', 'group.admin']),
    ...(partner ? [keyConsumer('pat', ['admin'], 'partnerKey')] : []),
    { name: 'root', loc: loc(), groups: ['admin'], credentials: [{ scheme: 'adminBasic', kind: 'basic', username: 'root', password: ref('ROOT_PW'), loc: loc() }] },
  );
  const add = (id: string, security: Security, extra: Partial<ReturnType<typeof route>> = {}, path = `/rt/${id}`, method: HttpMethod = 'GET') =>
    g.routes.push(route(id, method, path, { security, declaredPublic: false, ...extra }, '/v1'));
  add('keyOnly', [item('apiKey')]);
  add('adminKey', [item('apiKey', ['admin'])]);
  // An AND of a key and a basic user is refused on Kong (kong-auth-and-consumers: alice's key with
  // ops' password passed as ops; test/security/rl19-kong-and-consumers.test.ts).
  if (partner) add('partnerOnly', [item('partnerKey')]);
  add('jwtOrKey', [item('bearer'), item('apiKey')]);
  add('adminOrOps', [item('apiKey', ['admin']), item('apiKey', ['ops'])]);
  add('mockOr', [item('apiKey'), item('adminBasic')], { backend: 'mock' });
  add('mockKey', [item('apiKey')], { backend: 'mock' });
  add('pubAdmin', [item('adminBasic', ['admin'])], {}, '/pub/admin');
  g.routes.push(route('pubPage', 'GET', '/pub/{page}', { declaredPublic: true }, '/v1'));
  edit?.(g);
  return g;
}

function build(g: Gateway): DeckDoc {
  const r = compile(g);
  expect([...r.check.diagnostics, ...r.diagnostics].filter((d) => d.severity === 'error'), JSON.stringify(r.diagnostics)).toEqual([]);
  expect(deckValidate(r.yaml)?.ok ?? true).toBe(true);
  expect(schemaValidate(r.yaml)?.ok ?? true).toBe(true);
  return parse(r.yaml) as DeckDoc;
}

const doc = build(target());
const send = (req: Partial<OracleRequest> & { path: string }) =>
  evaluate(doc, { method: 'GET', host: 'api.shop.example.com', ...req }, env);
const refused = (o: ReturnType<typeof send>) => {
  expect(o.upstream, `reached the backend: ${JSON.stringify(o)}`).toBeUndefined();
  expect([401, 403, 404, 405, 503]).toContain(o.status);
};

describe('kong red team: whose credential opens what', () => {
  it.each([
    ["another consumer's key on a role route (alice lacks admin)", { path: '/v1/rt/adminKey', headers: { 'x-api-key': 'k-alice' } }, 403],
    ['role names are exact: Admin, "admin " and ADMIN are not admin', { path: '/v1/rt/adminKey', headers: { 'x-api-key': 'k-carl' } }, 403],
    ["a group spelled like gwc's scheme or role group is only a role", { path: '/v1/rt/adminKey', headers: { 'x-api-key': 'k-frank' } }, 403],
    ["another scheme's key (query scheme) in this scheme's header", { path: '/v1/rt/keyOnly', headers: { 'x-api-key': 'k-pat' } }, 403],
    ["another scheme's key in its own place, on this scheme's route", { path: '/v1/rt/keyOnly', query: { partner_key: 'k-pat' } }, 401],
    ["this scheme's key in the other scheme's place (partnerKey route)", { path: '/v1/rt/partnerOnly', query: { partner_key: 'k-alice' } }, 403],
    ['an admin key of another scheme on an admin route (pat holds admin, through partnerKey)', { path: '/v1/rt/adminKey', headers: { 'x-api-key': 'k-pat' } }, 403],
    ['the key header sent twice, valid first (Kong: duplicate API key)', { path: '/v1/rt/keyOnly', repeated: { 'x-api-key': ['k-alice', 'forged'] } }, 401],
    ['the key header sent twice on an OR route (falls to anonymous)', { path: '/v1/rt/jwtOrKey', repeated: { 'x-api-key': ['k-alice', 'k-carol'] } }, 401],
    ['an empty key', { path: '/v1/rt/keyOnly', headers: { 'x-api-key': '' } }, 401],
    ['the key in the query of a header scheme', { path: '/v1/rt/keyOnly', query: { 'x-api-key': 'k-alice' } }, 401],
    ['basic with the scheme word in capitals (Kong matches [Bb]asic)', { path: '/v1/pub/admin', headers: { authorization: basic('root', 'p-root', 'BASIC') } }, 401],
    ['OR of roles: a key holding neither role', { path: '/v1/rt/adminOrOps', headers: { 'x-api-key': 'k-alice' } }, 403],
    ['OR: a forged JWT and a forged key', { path: '/v1/rt/jwtOrKey', headers: { authorization: 'Bearer forged', 'x-api-key': 'forged' } }, 401],
    ['OR: a JWT in ?jwt= (Kong reads it by default, gwc does not)', { path: '/v1/rt/jwtOrKey', query: { jwt: 'valid:https://id.shop.example.com/' } }, 401],
    ['mock behind OR: no credential meets the anonymous 401, not the mock', { path: '/v1/rt/mockOr' }, 401],
    ['mock behind OR: a forged key', { path: '/v1/rt/mockOr', headers: { 'x-api-key': 'forged' } }, 401],
    ['mock behind one scheme: no credential', { path: '/v1/rt/mockKey' }, 401],
  ] as Array<[string, Partial<OracleRequest> & { path: string }, number]>)('%s', (_attack, req, status) => {
    const o = send(req);
    expect(o.status, JSON.stringify(o)).toBe(status);
    expect(o.upstream).toBeUndefined();
  });

  it.each([
    ['carol (admin) on the admin route', { path: '/v1/rt/adminKey', headers: { 'x-api-key': 'k-carol' } }, 'shop.carol'],
    ['frank (ops) on admin-or-ops', { path: '/v1/rt/adminOrOps', headers: { 'x-api-key': 'k-frank' } }, 'shop.frank'],
    ['pat through its own scheme', { path: '/v1/rt/partnerOnly', query: { partner_key: 'k-pat' } }, 'shop.pat'],
    ['root (admin) by basic on the literal beside a public template', { path: '/v1/pub/admin', headers: { authorization: basic('root', 'p-root') } }, 'shop.root'],
  ] as Array<[string, Partial<OracleRequest> & { path: string }, string]>)('the rightful caller still passes: %s', (_who, req, consumer) => {
    expect(send(req)).toMatchObject({ status: 200, consumer });
  });
});

describe('kong red team: what the backend sees of a credential', () => {
  it.each([
    ['a key in the header and a copy in the query (hide_credentials)', { path: '/v1/rt/keyOnly', headers: { 'x-api-key': 'k-alice' }, query: { 'x-api-key': 'k-alice' } }],
    ['a query key and a copy in a header of the same name', { path: '/v1/rt/partnerOnly', headers: { partner_key: 'k-pat' }, query: { partner_key: 'k-pat' } }],
    ["OR: a valid JWT and another consumer's key (key-auth skipped)", { path: '/v1/rt/jwtOrKey', headers: { authorization: `Bearer ${symbolicJwt('https://id.shop.example.com/', { aud: 'shop' })}`, 'x-api-key': 'k-carol' } }],
    ['OR: a valid key and a Proxy-Authorization of someone else', { path: '/v1/rt/mockOr', headers: { 'x-api-key': 'k-alice', 'proxy-authorization': basic('ops', 'p-ops') } }],
  ] as Array<[string, Partial<OracleRequest> & { path: string }]>)('%s: no credential reaches the backend', (_what, req) => {
    const o = send(req);
    expect(o.status).toBe(200);
    if (!o.upstream) return; // a mock answers itself
    const h = o.upstream.headers;
    // The JWT scheme of shop() keeps its token (hideCredentials: false); every other credential goes.
    const jwt = o.authenticatedBy === 'jwt';
    expect([h['x-api-key'], jwt ? undefined : h.authorization, h['proxy-authorization'], o.upstream.query.partner_key]).toEqual([undefined, undefined, undefined, undefined]);
    if (req.path.endsWith('keyOnly')) expect(o.upstream.query['x-api-key']).toBeUndefined();
  });
});

describe('kong red team: a path or method that reaches a route with weaker plugins', () => {
  it.each([
    ['trailing slash', '/v1/rt/adminKey/'],
    ['double slash', '/v1//rt//adminKey'],
    ['dot segment', '/v1/rt/./adminKey'],
    ['dot-dot from a public path', '/v1/pub/x/../../rt/adminKey'],
    ['escaped unreserved letter', '/v1/rt/%61dminKey'],
    ['escaped slash', '/v1/rt%2FadminKey'],
    ['upper case', '/v1/RT/ADMINKEY'],
    ['escaped slash into the public template', '/v1/pub/..%2Frt%2FadminKey'],
  ])('%s (%s) without a key never reaches the backend', (_what, path) => {
    refused(send({ path, headers: { 'x-api-key': 'k-alice' } }));
  });

  it('the protected literal wins over the public template beside it', () => {
    const o = send({ path: '/v1/pub/admin' });
    expect(o).toMatchObject({ status: 401, route: 'shop.pubadmin' });
  });

  it.each(['HEAD', 'OPTIONS', 'TRACE', 'POST', 'PATCH'])('%s on a key route without a key never reaches the backend', (method) => {
    refused(send({ method, path: '/v1/rt/adminKey' }));
    refused(send({ method, path: '/v1/users/me' }));
  });

  it('a CORS preflight is answered by the cors plugin, never proxied; a non-preflight OPTIONS is not proxied either', () => {
    const pre = send({ method: 'OPTIONS', path: '/v1/users/me', headers: { origin: 'https://shop.example.com', 'access-control-request-method': 'GET' } });
    expect(pre.status).toBe(200);
    expect(pre.upstream).toBeUndefined();
    refused(send({ method: 'OPTIONS', path: '/v1/users/me', headers: { origin: 'https://shop.example.com' } }));
    refused(send({ method: 'OPTIONS', path: '/v1/users/me' }));
  });

  it('a spec OPTIONS operation with security keeps its auth, preflight or not', () => {
    const d = build(target((g) => g.routes.push(route('optionsAdmin', 'OPTIONS', '/rt/adminKey', { security: [item('apiKey', ['admin'])], declaredPublic: false }, '/v1'))));
    const attempts: Array<Record<string, string>> = [{}, { 'access-control-request-method': 'GET', origin: 'https://shop.example.com' }, { 'x-api-key': 'k-alice' }];
    for (const headers of attempts) {
      const o = evaluate(d, { method: 'OPTIONS', path: '/v1/rt/adminKey', host: 'api.shop.example.com', headers }, env);
      expect(o.upstream, JSON.stringify(headers)).toBeUndefined();
      expect([401, 403]).toContain(o.status);
    }
  });
});

describe('kong red team: optional auth and accepted gaps never open a route', () => {
  const strict = (r: ReturnType<typeof compile>) => {
    // Whatever the compiler writes past the capability check must still be strict.
    const d = parse(r.yaml) as DeckDoc;
    const attempts: Array<Partial<OracleRequest>> = [{}, { headers: { 'x-api-key': 'forged' } }, { repeated: { 'x-api-key': ['k-alice', 'forged'] } }];
    for (const a of attempts) refused(evaluate(d, { method: 'GET', path: '/v1/feed', host: 'api.shop.example.com', ...a }, env));
  };
  it.each([
    ['[{}, {apiKey}]', [item('apiKey')]],
    ['[{}, {apiKey}, {adminBasic}]', [item('apiKey'), item('adminBasic')]],
  ] as Array<[string, Security]>)('%s is refused at the security line (a wrong key would pass as anonymous)', (_n, security) => {
    const g = target((x) => x.routes.push(route('feed', 'GET', '/feed', { security, optionalAuth: true, declaredPublic: false, securityLoc: loc('/paths/~1feed/get/security') }, '/v1')));
    const r = compile(g);
    expect(r.check.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.params?.feature, d.loc?.pointer])).toEqual([['capability-unsupported', 'auth.optional', '/paths/~1feed/get/security']]);
    strict(r);
  });

  it('accepting the optional-auth gap is refused too (it would open the route)', () => {
    const g = target((x) => {
      x.routes.push(route('feed', 'GET', '/feed', { security: [item('apiKey')], optionalAuth: true, declaredPublic: false }, '/v1'));
      x.accepted.push({ target: 'kong', feature: 'auth.optional', reason: 'we trust it', loc: loc('/x-gateway/accept/kong/1') });
    });
    const r = compile(g);
    expect(r.check.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.params?.feature, d.loc?.pointer])).toEqual([['accept-opens-route', 'auth.optional', '/x-gateway/accept/kong/1']]);
    strict(r);
  });
});

describe('kong red team: another gateway in the same Kong (decK select_tags: one Kong, several gwc gateways)', () => {
  // Kong's credential store is global: key-auth, basic-auth and jwt find a credential whoever's
  // consumer it is, including consumers another team's decK file (another gwc gateway) manages.
  const billing = (): Gateway => {
    const g = shop();
    g.name = 'billing';
    g.consumers = [keyConsumer('mallory', ['admin']), { name: 'bm', loc: loc(), groups: ['admin'], credentials: [{ scheme: 'adminBasic', kind: 'basic', username: 'bm', password: ref('BM_PW'), loc: loc() }] }];
    g.securitySchemes = g.securitySchemes.map((s) => (s.kind === 'jwt' && s.jwt ? { ...s, jwt: { ...s.jwt, issuer: 'https://id.billing.example.com/' } } : s));
    return g;
  };
  const ours = build(target(undefined, false));
  const theirs = build(billing());
  // What Kong holds: both files' consumers and global plugins (each file's routes are its own).
  const kong: DeckDoc = { ...ours, consumers: [...(ours.consumers ?? []), ...(theirs.consumers ?? [])], plugins: [...(ours.plugins ?? []), ...(theirs.plugins ?? [])] };
  const shared = { ...env, DECK_MALLORY: 'k-mallory', DECK_BM_PW: 'p-bm' };
  // From inside the office: /admin/stats is allow-listed (10.0.0.0/8), so its attack fails on the
  // credential, not on the address (KN21: the oracle runs ip-restriction).
  const at = (path: string, headers: Record<string, string>) => evaluate(kong, { method: 'GET', path, host: 'api.shop.example.com', headers, client: '10.0.0.9' }, shared);

  it.each([
    ['their key on our key route', '/v1/rt/keyOnly', { 'x-api-key': 'k-mallory' }],
    ['their key on our OR route', '/v1/rt/jwtOrKey', { 'x-api-key': 'k-mallory' }],
    ['their key (admin in their gateway) on our admin route', '/v1/rt/adminKey', { 'x-api-key': 'k-mallory' }],
    ['their basic user on our basic route', '/v1/admin/stats', { authorization: basic('bm', 'p-bm') }],
    ["a token of their issuer on our JWT route", '/v1/payments', { authorization: `Bearer ${symbolicJwt('https://id.billing.example.com/', { aud: 'shop' })}` }],
    ['their basic user on our OR route', '/v1/rt/mockOr', { authorization: basic('bm', 'p-bm') }],
  ])('%s is refused', (_what, path, headers) => {
    const o = path === '/v1/payments' ? evaluate(kong, { method: 'POST', path, host: 'api.shop.example.com', headers }, shared) : at(path, headers);
    expect(o.upstream, JSON.stringify(o)).toBeUndefined();
    expect([401, 403]).toContain(o.status);
  });

  it('our own callers still pass with their Kong holding both files', () => {
    expect(at('/v1/rt/keyOnly', { 'x-api-key': 'k-alice' }).status).toBe(200);
    expect(at('/v1/admin/stats', { authorization: basic('ops', 'p-ops') }).status).toBe(200);
    expect(evaluate(kong, { method: 'POST', path: '/v1/payments', host: 'api.shop.example.com', headers: { authorization: `Bearer ${symbolicJwt('https://id.shop.example.com/', { aud: 'shop' })}` } }, shared).status).toBe(200);
  });
});
