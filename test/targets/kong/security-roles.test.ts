/**
 * Kong: roles on API-key and basic requirements (acl groups) and schemes kept apart (DESIGN.md 7.1),
 * proved by the request oracle on the emitted decK file, which also passes deck validate and the
 * decK schema. Each attack is a request the route must refuse.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Consumer, Gateway, Security, SecurityScheme } from '../../../src/model/types.js';
import { evaluate, type DeckDoc } from './kong-oracle.js';
import { compile, loc, route, shop } from './model.js';
import { deckValidate, schemaValidate } from './validate.js';

const env = { DECK_ALICE_API_KEY: 'k-alice', DECK_OPS_PASSWORD: 'p-ops', DECK_BOB: 'k-bob', DECK_CAROL: 'k-carol', DECK_PAT: 'k-pat', DECK_EVE: 'k-eve', DECK_EVE_PW: 'p-eve', DECK_FRANK: 'k-frank', DECK_B2: 'p-b2' };
const ref = (name: string) => ({ kind: 'env' as const, name, raw: `\${env:${name}}` });
const keyConsumer = (name: string, groups: string[], scheme = 'apiKey', envName = name.toUpperCase()): Consumer => ({
  name, loc: loc(`/x-gateway/consumers/${name}`), groups, credentials: [{ scheme, kind: 'apiKey', key: ref(envName), loc: loc() }],
});
const basicAuth = (user: string, pw: string) => `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}`;
const req = (path: string, headers: Record<string, string> = {}) => ({ method: 'GET', path: `/v1${path}`, headers });

/** shop() plus role-holding consumers and one route per security shape. */
function rolesGateway(routes: Record<string, Security>, edit?: (g: Gateway) => void): Gateway {
  const g = shop();
  g.consumers.push(keyConsumer('bob', ['admin', 'ops']), keyConsumer('carol', ['admin']), keyConsumer('frank', ['ops']));
  for (const [id, security] of Object.entries(routes)) g.routes.push(route(id, 'GET', `/r/${id}`, { security, declaredPublic: false }, '/v1'));
  edit?.(g);
  return g;
}

function build(g: Gateway) {
  const r = compile(g);
  expect(r.diagnostics.filter((d) => d.severity === 'error'), JSON.stringify(r.diagnostics)).toEqual([]);
  expect(deckValidate(r.yaml)?.ok ?? true).toBe(true);
  expect(schemaValidate(r.yaml)?.ok ?? true).toBe(true);
  return parse(r.yaml) as DeckDoc;
}

const K = (groups: string[] = []) => [{ scheme: 'apiKey', scopes: groups }];
const B = (groups: string[] = []) => [{ scheme: 'adminBasic', scopes: groups }];

describe('kong: roles are acl groups', () => {
  const doc = build(rolesGateway({
    admin: [K(['admin'])],
    adminAndOps: [K(['admin', 'ops'])],
    adminKeyOrBasic: [K(['admin']), B()],
    adminOrPartners: [K(['admin']), K(['partners'])],
    adminKeyOrOpsBasic: [K(['admin']), B(['ops'])],
  }));
  const cases: Array<[string, string, Record<string, string>, number, string?]> = [
    ['admin', 'carol holds admin', { 'x-api-key': 'k-carol' }, 200, 'shop.carol'],
    ['admin', 'alice lacks admin', { 'x-api-key': 'k-alice' }, 403],
    ['admin', 'no key', {}, 401],
    ['admin', 'forged key', { 'x-api-key': 'nope' }, 401],
    ['adminAndOps', 'bob holds both roles', { 'x-api-key': 'k-bob' }, 200, 'shop.bob'],
    ['adminAndOps', 'carol holds only admin (roles of one item are ANDed)', { 'x-api-key': 'k-carol' }, 403],
    ['adminAndOps', 'frank holds only ops', { 'x-api-key': 'k-frank' }, 403],
    ['adminKeyOrBasic', 'carol by key (admin)', { 'x-api-key': 'k-carol' }, 200, 'shop.carol'],
    ['adminKeyOrBasic', 'ops by basic (no roles needed there)', { authorization: basicAuth('ops', 'p-ops') }, 200, 'shop.ops'],
    ['adminKeyOrBasic', 'alice by key lacks admin', { 'x-api-key': 'k-alice' }, 403],
    ['adminKeyOrBasic', 'nobody: anonymous is refused (acl: a consumer with no groups and no credential is 401)', {}, 401],
    ['adminKeyOrBasic', 'forged key and forged basic', { 'x-api-key': 'x', authorization: basicAuth('ops', 'wrong') }, 401],
    ['adminOrPartners', 'alice by partners', { 'x-api-key': 'k-alice' }, 200, 'shop.alice'],
    ['adminOrPartners', 'carol by admin', { 'x-api-key': 'k-carol' }, 200, 'shop.carol'],
    ['adminOrPartners', 'frank has neither', { 'x-api-key': 'k-frank' }, 403],
    // frank holds ops but by API key: the ops role belongs to the basic alternative only.
    ['adminKeyOrOpsBasic', "frank's ops role does not open the key alternative", { 'x-api-key': 'k-frank' }, 403],
    ['adminKeyOrOpsBasic', 'carol by key (admin)', { 'x-api-key': 'k-carol' }, 200, 'shop.carol'],
    ['adminKeyOrOpsBasic', 'ops by basic without the ops role', { authorization: basicAuth('ops', 'p-ops') }, 403],
  ];
  it.each(cases)('%s: %s', (id, _what, headers, status, consumer) => {
    const o = evaluate(doc, req(`/r/${id}`, headers), env);
    expect(o.route).toBe(`shop.${id.toLowerCase()}`);
    expect(o.status).toBe(status);
    if (consumer) expect(o.consumer).toBe(consumer);
  });

  it('names the single role as the consumer group the diff reader knows', () => {
    const r = doc.services!.flatMap((s) => (s.routes as Array<{ name: string; plugins: Array<{ name: string; config: { allow?: string[] } }> }>)).find((x) => x.name === 'shop.admin')!;
    expect(r.plugins.find((p) => p.name === 'acl')?.config.allow).toEqual(['shop.group.admin']);
  });
});

describe('kong: a consumer is judged by the credential it presents', () => {
  it('refuses a route a consumer would pass by one credential while presenting another', () => {
    const g = rolesGateway({ adminKeyOrBasic: [K(['admin']), B()] }, (x) => {
      // eve holds a key (no admin) and a basic password: by key she must be refused, but acl sees
      // only "eve", who is in the basic alternative's group.
      x.consumers.push({ ...keyConsumer('eve', []), credentials: [...keyConsumer('eve', []).credentials, { scheme: 'adminBasic', kind: 'basic', username: 'eve', password: ref('EVE_PW'), loc: loc() }] });
    });
    const r = compile(g);
    expect(r.files).toEqual([]);
    const d = r.diagnostics.find((x) => x.code === 'kong-roles-credential-ambiguous');
    expect(d?.params).toMatchObject({ route: 'adminKeyOrBasic', consumer: 'eve', schemes: 'adminBasic, apiKey' });
    expect(d?.loc?.pointer).toBe('/paths/~1r~1adminKeyOrBasic/get');
  });

  it('builds it once the consumer meets both alternatives', () => {
    const g = rolesGateway({ adminKeyOrBasic: [K(['admin']), B()] }, (x) => {
      x.consumers.push({ ...keyConsumer('eve', ['admin']), credentials: [...keyConsumer('eve', []).credentials, { scheme: 'adminBasic', kind: 'basic', username: 'eve', password: ref('EVE_PW'), loc: loc() }] });
    });
    const doc = build(g);
    expect(evaluate(doc, req('/r/adminKeyOrBasic', { 'x-api-key': 'k-eve' }), env).status).toBe(200);
  });

  it('refuses roles on a scheme Kong does not identify the caller by when schemes are ANDed', () => {
    const r = compile(rolesGateway({ both: [[{ scheme: 'apiKey', scopes: ['admin'] }, { scheme: 'adminBasic', scopes: [] }]] }));
    expect(r.files).toEqual([]);
    expect(r.diagnostics.find((x) => x.code === 'kong-auth-identity-and')?.params).toEqual({ route: 'both', scheme: 'apiKey', identifiedBy: 'adminBasic' });
  });

  it('refuses roles on the scheme Kong identifies the caller by too: the key may be another consumer\'s (kong-auth-and-consumers)', () => {
    // Built, alice's key with ops' password passed as ops: two consumers met the AND
    // (test/security/rl19-kong-and-consumers.test.ts).
    const g = rolesGateway({ both: [[{ scheme: 'apiKey', scopes: [] }, { scheme: 'adminBasic', scopes: ['ops'] }]] }, (x) => {
      x.consumers.find((c) => c.name === 'ops')!.groups = ['ops'];
    });
    const r = compile(g);
    expect(r.files).toEqual([]);
    expect(r.diagnostics.find((x) => x.code === 'kong-auth-and-consumers')?.params).toEqual({ route: 'both', key: 'apiKey', basic: 'adminBasic' });
  });
});

describe('kong: one scheme never opens another (credentials are global in Kong)', () => {
  const partnerKey: SecurityScheme = { ...shop().securitySchemes[0]!, name: 'partnerKey', loc: loc('/components/securitySchemes/partnerKey'), apiKey: { in: 'header', name: 'x-partner-key' } };
  const partnerBasic: SecurityScheme = { ...shop().securitySchemes[2]!, name: 'partnerBasic', loc: loc('/components/securitySchemes/partnerBasic') };
  const withPartners = (routes: Record<string, Security>) => rolesGateway(routes, (g) => {
    g.securitySchemes.push(partnerKey, partnerBasic);
    g.consumers.push(keyConsumer('pat', ['admin'], 'partnerKey'), { name: 'b2', loc: loc(), groups: [], credentials: [{ scheme: 'partnerBasic', kind: 'basic', username: 'b2', password: ref('B2'), loc: loc() }] });
  });

  it.each([
    ['key', [K()], { 'x-api-key': 'k-pat' }],
    ['adminKey', [K(['admin'])], { 'x-api-key': 'k-pat' }],
    ['keyOrBasic', [K(), B()], { 'x-api-key': 'k-pat' }],
    ['partnerOnly', [[{ scheme: 'partnerKey', scopes: [] }]], { 'x-partner-key': 'k-alice' }],
  ] as Array<[string, Security, Record<string, string>]>)("%s: another scheme's key in this scheme's header is refused", (id, security, headers) => {
    const doc = build(withPartners({ [id]: security }));
    const o = evaluate(doc, req(`/r/${id}`, headers), env);
    expect(o.status).toBe(403);
  });

  it("the owner's own key still passes", () => {
    const doc = build(withPartners({ key: [K()], partnerOnly: [[{ scheme: 'partnerKey', scopes: [] }]] }));
    expect(evaluate(doc, req('/r/key', { 'x-api-key': 'k-alice' }), env).status).toBe(200);
    expect(evaluate(doc, req('/r/partnerOnly', { 'x-partner-key': 'k-pat' }), env).status).toBe(200);
  });

  it('refuses an AND whose shared-plugin scheme is not the one Kong identifies the caller by', () => {
    // key-auth runs before basic-auth: acl would only see the basic user, so any key-auth key
    // (partnerKey's included) would pass the apiKey half.
    const r = compile(withPartners({ both: [[{ scheme: 'apiKey', scopes: [] }, { scheme: 'partnerBasic', scopes: [] }]] }));
    expect(r.files).toEqual([]);
    expect(r.diagnostics.find((x) => x.code === 'kong-auth-identity-and')?.params).toEqual({ route: 'both', scheme: 'apiKey', identifiedBy: 'partnerBasic' });
  });

  it.each([['Alice', 'alice'], ['~anonymous', 'a consumer gwc writes itself'], ['~jwt.bearer', 'a consumer gwc writes itself']])('refuses a consumer named %s (its Kong username is taken)', (name, other) => {
    const g = shop();
    g.consumers.push({ name, loc: loc(`/x-gateway/consumers/${name}`), groups: ['admin'], credentials: [] });
    const r = compile(g);
    expect(r.files).toEqual([]);
    expect(r.diagnostics.find((x) => x.code === 'kong-consumer-name-collision')).toMatchObject({ params: { consumer: name, other }, loc: { pointer: `/x-gateway/consumers/${name}` } });
  });

  it('refuses two schemes whose Kong names fold together', () => {
    const g = shop();
    g.securitySchemes.push({ ...g.securitySchemes[0]!, name: 'APIKEY', loc: loc('/components/securitySchemes/APIKEY') });
    const r = compile(g);
    expect(r.files).toEqual([]);
    expect(r.diagnostics.find((x) => x.code === 'kong-scheme-name-collision')).toMatchObject({ params: { scheme: 'APIKEY', other: 'apiKey' }, loc: { pointer: '/components/securitySchemes/APIKEY' } });
  });
});
