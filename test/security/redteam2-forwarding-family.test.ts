/**
 * Red team 2 follow-up (DESIGN.md 7.3, 7.5): the client-settable forwarding/identity family beyond
 * the X-Forwarded-* names gwc cleared first, named here literally (not read from
 * model/overrides.ts, so a name dropped from the lists fails here): Rack's scheme headers
 * (X-Forwarded-Ssl/-Scheme win over -Proto), oauth2-proxy's and Authelia's login headers, client
 * certificate headers no gwc gateway checks, "original request" headers (another path or method
 * than the one authorised) and CDN client-address headers (IP allow lists). nginx: real traffic in
 * redteam2-nginx-identity.test.ts; here Kong (request oracle on a `deck validate`d file, '_'
 * spellings too), Traefik (router oracle, both schemas) and AWS REST (request oracle,
 * cfn-validated) and HTTP API (the integration's parameter mappings).
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { build, spec } from '../targets/aws/security-helpers.js';
import { buildHttp, spec as httpSpec } from '../targets/aws/http/helpers.js';
import { evaluate, type DeckDoc } from '../targets/kong/kong-oracle.js';
import { compile, shop } from '../targets/kong/model.js';
import { deckValidate, schemaValidate } from '../targets/kong/validate.js';
import { compileCase, ownSchema, storeSchema } from '../targets/traefik/cases.js';
import { pickRouter } from '../targets/traefik/traefik-router.js';

/** One or more of each group (model/overrides.ts). */
const NAMES = [
  'X-Forwarded-Ssl', 'X-Forwarded-Scheme', 'Front-End-Https', 'X-Url-Scheme',
  'X-Forwarded-User', 'X-Forwarded-Groups', 'X-Auth-Request-Email', 'Remote-User', 'Remote-Groups', 'X-Remote-User',
  'X-Forwarded-Client-Cert', 'X-SSL-Client-Cert', 'Ssl-Client-Cert',
  'X-Forwarded-Path', 'X-Original-URI', 'X-Original-Method',
  'True-Client-IP', 'CF-Connecting-IP', 'X-Cluster-Client-IP', 'Client-IP',
];
/** '_' spellings a CGI/WSGI/Rack backend reads as the dash name (HTTP_X_FORWARDED_SSL). */
const UNDERSCORED = ['X_Forwarded_Ssl', 'X-Forwarded_User', 'Remote_User', 'True_Client_IP', 'X_Original_URI'];
const forged = (names: string[]) => Object.fromEntries(names.map((h) => [h.toLowerCase(), 'forged']));

describe('red team 2: kong, the forwarding/identity family a client writes', () => {
  const r = compile(shop());
  it('builds a file deck validate and the decK schema accept', () => {
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(deckValidate(r.yaml)?.ok ?? true).toBe(true);
    expect(schemaValidate(r.yaml)?.ok ?? true).toBe(true);
  });
  const doc = parse(r.yaml) as DeckDoc;
  const env = { DECK_ALICE_API_KEY: 'k-alice', DECK_OPS_PASSWORD: 'p-ops' };
  it.each([...NAMES, ...UNDERSCORED])('%s never reaches the backend as the client wrote it (API-key route)', (h) => {
    const o = evaluate(doc, { method: 'GET', path: '/v1/users/42', headers: { ...forged([h]), 'x-api-key': 'k-alice' } }, env);
    expect(o.status).toBe(200);
    expect(o.upstream?.headers[h.toLowerCase()], h).not.toBe('forged');
  });
});

describe('red team 2: traefik, the forwarding/identity family a client writes', async () => {
  const { built } = await compileCase(writeSpec(`${HEAD}servers: [{ url: https://api.example.com }]
x-gateway:
  backends: { app: { url: http://app.example.com:8080 } }
paths:
  /public:
    get: { x-gateway: { public: true }, responses: { '200': { description: ok } } }
`));
  const config = built!.config!;
  it('builds a file both schemas accept', () => {
    expect(ownSchema(config), JSON.stringify(ownSchema.errors)).toBe(true);
    if (storeSchema) expect(storeSchema(config), JSON.stringify(storeSchema.errors)).toBe(true);
  });
  it.each([...NAMES, ...UNDERSCORED])('%s is cleared by the router before the backend', (h) => {
    const req = { method: 'GET', host: 'api.example.com', path: '/public', headers: { [h]: ['forged'] } };
    const router = pickRouter(config, req);
    expect(router).toBeDefined();
    const cleared = (config.http.routers[router!]!.middlewares ?? []).flatMap((m) =>
      Object.entries((config.http.middlewares?.[m] as any)?.headers?.customRequestHeaders ?? {}).filter(([, v]) => v === '').map(([k]) => k.toLowerCase()),
    );
    // Go canonicalises X_Forwarded_Ssl and x_forwarded_ssl alike: the middleware key matches case-insensitively.
    expect(cleared, h).toContain(h.toLowerCase());
  });
});

describe('red team 2: aws REST, the forwarding/identity family a client writes', async () => {
  const b = await build(spec({ '/items': { get: { operationId: 'items', security: [] } } }));
  it('builds (cfn-validate)', () => expect(b.errors).toEqual([]));
  it.each(NAMES)('%s reaches the backend empty', (h) => {
    const d = b.oracle!.request({ method: 'GET', path: '/items', headers: forged([h]) });
    expect(d.status).toBe(200);
    expect(d.upstream?.headers[h.toLowerCase()], h).not.toBe('forged');
  });
});

describe('red team 2: aws HTTP API, the forwarding/identity family a client writes', async () => {
  const b = await buildHttp(httpSpec(`  /me:\n    get:\n      security: [{ oidc: [] }]\n      responses: { '200': { description: ok } }`));
  it('builds', () => expect(b.errors).toEqual([]));
  it.each(NAMES)('the integration removes %s', (h) => {
    const integration = Object.values(b.template!.Resources).find((x: any) => x.Type === 'AWS::ApiGatewayV2::Integration') as any;
    expect(Object.keys(integration.Properties.RequestParameters).map((k) => k.toLowerCase())).toContain(`remove:header.${h.toLowerCase()}`);
  });
});
