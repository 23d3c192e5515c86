/**
 * Kong: headers and body fields a client must never set reach the backend cleared (DESIGN.md 7.3,
 * 7.5), request by request through the oracle (kong-oracle.ts) on a decK file `deck validate`
 * accepts: the identity headers every gwc gateway sets (FOREIGN_IDENTITY_HEADERS and
 * GATEWAY_IDENTITY_HEADERS, src/model/overrides.ts) on public and authenticated routes, without
 * ever removing what Kong's own auth plugins set after verification; client forwarding headers
 * (CLIENT_FORWARDING_HEADERS); and `_method` in a form, multipart or JSON body
 * (request-transformer remove.body).
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CLIENT_FORWARDING_HEADERS, FOREIGN_IDENTITY_HEADERS, GATEWAY_IDENTITY_HEADERS, METHOD_OVERRIDE_QUERY_FORMS } from '../../../src/model/overrides.js';
import { evaluate, type DeckDoc } from './kong-oracle.js';
import { allRoutes } from './kong-router.js';
import { compile, loc, shop, url } from './model.js';
import { deckValidate, schemaValidate } from './validate.js';

const env = { DECK_ALICE_API_KEY: 'k-alice', DECK_OPS_PASSWORD: 'p-ops' };
const alice = { 'x-api-key': 'k-alice' };
const FORGED = Object.fromEntries([...FOREIGN_IDENTITY_HEADERS, ...GATEWAY_IDENTITY_HEADERS, ...CLIENT_FORWARDING_HEADERS, 'X-User-Id'].map((h) => [h.toLowerCase(), 'forged']));

function built() {
  const g = shop();
  // A public route, and a forward-auth scheme (Kong cannot run it) whose answer header X-User-Id a
  // backend behind nginx or Traefik trusts.
  g.routes.push({ ...g.routes.find((r) => r.id === 'getDocs')!, id: 'publicPing', operationId: 'publicPing', path: '/ping', publicPath: '/v1/ping', backend: 'users', policy: {} });
  g.routes.push({ ...g.routes.find((r) => r.id === 'getDocs')!, id: 'publicPost', operationId: 'publicPost', method: 'POST', path: '/ping', publicPath: '/v1/ping', backend: 'users', policy: {} });
  // On a scheme no route requires: on a required one Kong refuses it (it cannot call the service the
  // backend relies on, forward-auth-not-callable, red team 10); its answer header is removed anyway.
  g.securitySchemes.push({
    name: 'svc', kind: 'forward', openapiType: 'http', hideCredentials: true, loc: loc('/components/securitySchemes/svc'),
    forwardAuth: { url: url('http://auth.internal/check'), requestHeaders: [], responseHeaders: ['x-user-id'], loc: loc('/components/securitySchemes/svc/x-gateway/forwardAuth') },
  });
  const r = compile(g);
  expect(r.diagnostics.filter((d) => d.severity === 'error'), JSON.stringify(r.diagnostics)).toEqual([]);
  expect(deckValidate(r.yaml)?.ok ?? true).toBe(true);
  expect(schemaValidate(r.yaml)?.ok ?? true).toBe(true);
  return { doc: parse(r.yaml) as DeckDoc, yaml: r.yaml };
}

describe('kong: identity and forwarding headers a client writes never reach the backend', () => {
  const { doc } = built();

  it.each(Object.keys(FORGED))('%s is not the client\'s on a public route (GET and POST)', (h) => {
    for (const method of ['GET', 'POST']) {
      const o = evaluate(doc, { method, path: '/v1/ping', headers: FORGED }, env);
      expect(o.status).toBe(200);
      expect(o.upstream?.headers[h], `${method} ${h}`).not.toBe('forged');
    }
  });

  it.each(Object.keys(FORGED))('%s is not the client\'s on an API-key route', (h) => {
    const o = evaluate(doc, { method: 'GET', path: '/v1/users/42', headers: { ...FORGED, ...alice } }, env);
    expect(o.status).toBe(200);
    expect(o.upstream?.headers[h], h).not.toBe('forged');
  });

  it('Kong\'s own verified consumer headers still reach the backend on an authenticated route', () => {
    const o = evaluate(doc, { method: 'GET', path: '/v1/users/42', headers: { ...FORGED, ...alice } }, env);
    const aliceId = (doc.consumers ?? []).find((c) => c.username === 'shop.alice')!.id;
    expect(o.upstream?.headers).toMatchObject({ 'x-consumer-id': aliceId, 'x-consumer-username': 'shop.alice' });
  });

  // The family holds X_Forwarded_For (model/overrides.ts GATEWAY_FORWARDING_HEADERS), and Kong reads
  // `-` and `_` alike when it removes it: the client's X-Forwarded-For goes too, before Kong writes
  // its own (the connection's address), as the client's X-Real-IP and X-Forwarded-Port/-Prefix did.
  it('Kong sets X-Real-IP and X-Forwarded-* itself from the connection; the client\'s X-Forwarded-For is removed first', () => {
    const o = evaluate(doc, { method: 'GET', path: '/v1/ping', client: '198.51.100.9', headers: { 'x-forwarded-for': '10.0.0.1', 'x-forwarded-proto': 'http', 'x-forwarded-host': 'evil.example', 'x-real-ip': '10.0.0.1' } }, env);
    expect(o.upstream?.headers).toMatchObject({ 'x-real-ip': '198.51.100.9', 'x-forwarded-for': '198.51.100.9', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'api.shop.example.com' });
  });

  it('a header the route sets itself wins over the clear', () => {
    const o = evaluate(doc, { method: 'POST', path: '/v1/users', headers: { ...alice, 'x-gateway': 'forged' } }, env);
    expect(o.upstream?.headers['x-gateway']).toBe('shop');
  });
});

describe('kong: _method in a request body never reaches the backend', () => {
  const { doc, yaml } = built();
  const bodies: Array<[string, string, string]> = [
    ['a form', 'application/x-www-form-urlencoded', '_method=DELETE&name=x'],
    ['a form, escaped', 'application/x-www-form-urlencoded; charset=utf-8', '%5Fmethod=DELETE&name=x'],
    ['a form, PHP spelling', 'application/x-www-form-urlencoded', '.method=DELETE&name=x'],
    ['JSON', 'application/json', '{"_method":"DELETE","name":"x"}'],
    ['JSON, escaped key', 'application/json; charset=utf-8', '{"\\u005fmethod":"DELETE","name":"x"}'],
    ['multipart', 'multipart/form-data; boundary=XX', '--XX\r\nContent-Disposition: form-data; name="_method"\r\n\r\nDELETE\r\n--XX\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--XX--\r\n'],
  ];
  // A multipart body naming _method is refused (400) since red team 4, as nginx does: Kong's
  // lua-multipart misreads bare and duplicated names (src/targets/kong/name-readings.ts); a JSON
  // one since kong-body-readings (nginx alike: at any depth, under any JSON type).
  it.each(bodies)('%s: removed (multipart, JSON: refused) on a public and an API-key POST route, other fields kept', (_what, contentType, body) => {
    for (const [path, headers] of [['/v1/ping', {}], ['/v1/users', alice]] as const) {
      const o = evaluate(doc, { method: 'POST', path, headers: { ...headers, 'content-type': contentType }, body }, env);
      if (contentType.startsWith('multipart/') || contentType.startsWith('application/json')) {
        expect([o.status, o.upstream]).toEqual([400, undefined]);
        continue;
      }
      expect(o.status).toBe(200);
      expect(o.upstream?.bodyFields, `${path} ${body}`).toBeDefined();
      expect(Object.keys(o.upstream!.bodyFields!).filter((k) => /method/.test(k)), `${path} ${body}`).toEqual([]);
      expect(o.upstream!.bodyFields!.name).toBe('x');
    }
  });

  it('every route removes every spelling from the body (decK file)', () => {
    // Each proxied route's effective request-transformer (its own, or its service's: hoist.ts, #18).
    const proxied = allRoutes(doc).filter((r) => r.service);
    const transformers = proxied.flatMap((r) => ((r as { plugins?: Array<{ name: string; config: { remove: { body: string[] } } }> }).plugins ?? []).filter((p) => p.name === 'request-transformer'));
    expect(transformers.length).toBe(proxied.length);
    expect(transformers.length).toBeGreaterThan(5);
    // Routes with a bearer scheme also remove access_token's body spellings (redteam2-kong-identity-body-token).
    for (const t of transformers) expect(t.config.remove.body.filter((n) => !/^access/.test(n))).toEqual([...METHOD_OVERRIDE_QUERY_FORMS].sort());
    expect(yaml).toContain('_method');
  });

  it('an operation that declares _method keeps it in the body', () => {
    const g = shop();
    g.routes.find((r) => r.id === 'createUser')!.declaredOverrides = [{ in: 'query', name: '_method' }];
    const r = compile(g);
    const d = parse(r.yaml) as DeckDoc;
    const o = evaluate(d, { method: 'POST', path: '/v1/users', headers: { ...alice, 'content-type': 'application/json' }, body: '{"_method":"PUT"}' }, env);
    expect(o.upstream?.bodyFields).toEqual({ _method: 'PUT' });
  });
});
