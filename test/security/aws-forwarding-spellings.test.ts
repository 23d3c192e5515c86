/**
 * AWS (closing15 "Still open" 5): the forwarding family (X-Forwarded-User, X-Real-IP, the `_` forms
 * of X-Forwarded-Host/-For, ...) was emptied (REST) or removed (HTTP API) by its dash names only, so
 * `X_Forwarded_User: admin` reached the backend, and PHP/CGI, Rack (Unicorn, Puma < 6.4.3) and WSGI
 * (gunicorn < 22) read it as HTTP_X_FORWARDED_USER, the trusted-header SSO identity; likewise
 * `Content_Length` on REST (a second Content-Length to Unicorn or Puma < 5.0.3). Spelling the whole
 * family costs ~19.7 KB per REST method (32 keyed routes per 1 MB template instead of 84), so the
 * backend says how it reads names (src/targets/aws/header-names.ts):
 *
 * - unstated: the family's `_` spellings still pass, and the build warns at the backend
 *   (aws-header-name-spellings), naming Content_Length on REST;
 * - `headerNames: folded`: every spelling arrives empty (REST) / is removed (HTTP API);
 * - `headerNames: exact`: no `_` spelling is mapped at all (the backend reads them as other
 *   headers), and the template shrinks; gwc diff flags the declaration (trust-added).
 *
 * REST through the request oracle (`upstream` is what the backend gets); the HTTP API on its mappings.
 */
import { describe, expect, it } from 'vitest';
import { CLIENT_FORWARDING_HEADERS, DASH_NAME } from '../../src/model/overrides.js';
import { separatorSpellings } from '../../src/targets/header-spellings.js';
import { build, coded, spec } from '../targets/aws/security-helpers.js';
import { buildHttp } from '../targets/aws/http/helpers.js';
import { buildTarget } from '../../src/api.js';
import { lint } from '../../src/lint/index.js';
import { writeSpec } from '../helpers/spec.js';

const FAMILY = CLIENT_FORWARDING_HEADERS.filter(DASH_NAME);
/** Every '_' spelling a folding backend reads as one of the family (X_Forwarded_User, X-Forwarded_User, ...). */
const UNDERSCORED = [...new Set([...CLIENT_FORWARDING_HEADERS.filter((h) => !DASH_NAME(h)), ...FAMILY.flatMap((h) => separatorSpellings(h))])];
const paths = { '/pub': { get: { operationId: 'pub' } }, '/me': { get: { operationId: 'me', security: [{ key: [] }] } } };
const consumers = { alice: { credentials: { key: '${env:ALICE_KEY}' } } };
const restOf = (headerNames?: string) => build(spec(paths, { consumers, backends: { app: { url: 'https://app.example.com', ...(headerNames ? { headerNames } : {}) } } }));

describe('aws REST: the forwarding family and Content_Length in their "_" spellings', async () => {
  const unstated = await restOf();
  const folded = await restOf('folded');
  const exact = await restOf('exact');
  const forged = Object.fromEntries([...UNDERSCORED, 'X-Forwarded-User', 'X-Real-IP'].map((n) => [n, 'admin']));
  const reached = (b: typeof unstated, path: string, headers: Record<string, string> = {}) => {
    const d = b.oracle!.request({ method: 'GET', path, headers: { ...headers, ...forged } });
    expect(d.status, path).toBe(200);
    return Object.entries(d.upstream!.headers).filter(([, v]) => v === 'admin').map(([k]) => k);
  };

  it('all three build', () => {
    for (const b of [unstated, folded, exact]) expect(b.errors).toEqual([]);
  });

  it('unstated: the dash names arrive empty, the "_" spellings as sent, and the build says so at the backend (warning)', () => {
    const got = reached(unstated, '/pub');
    expect(got).not.toContain('x-forwarded-user');
    expect(got).toContain('x_forwarded_user');
    expect(got).toContain('x-forwarded_for');
    expect(got).not.toContain('x-forwarded_host'); // how the client addressed the gateway: every spelling (aws-forwarded-host.test.ts)
    expect(coded(unstated.diagnostics, 'aws-header-name-spellings')).toEqual([
      { code: 'aws-header-name-spellings', params: { backend: 'app', routes: 2, first: 'me', flavour: 'rest' }, pointer: '/x-gateway/backends/app' },
    ]);
    expect(unstated.diagnostics.find((d) => d.code === 'aws-header-name-spellings')!.message).toContain('Content_Length');
  });

  it('headerNames: folded: no spelling of the family reaches the backend, on a public and a keyed route; no aws-header-name-spellings', () => {
    expect(reached(folded, '/pub')).toEqual([]);
    expect(reached(folded, '/me', { 'x-api-key': folded.oracle!.keysOf('alice')[0]! })).toEqual([]);
    expect(coded(folded.diagnostics, 'aws-header-name-spellings')).toEqual([]);
  });

  // The backend that reads Content_Length as Content-Length is the folding one: it is told at its
  // headerNames line (a warning: refusing would leave a folding backend no REST build).
  it('headerNames: folded warns aws-folded-content-length at the headerNames line, once per backend; unstated and exact do not', () => {
    expect(coded(folded.diagnostics, 'aws-folded-content-length')).toEqual([
      { code: 'aws-folded-content-length', params: { backend: 'app', routes: 2, first: 'me' }, pointer: '/x-gateway/backends/app/headerNames' },
    ]);
    expect(folded.diagnostics.find((d) => d.code === 'aws-folded-content-length')!.severity).toBe('warn');
    expect(folded.diagnostics.find((d) => d.code === 'aws-folded-content-length')!.message).toContain('Content_Length');
    for (const b of [unstated, exact]) expect(coded(b.diagnostics, 'aws-folded-content-length')).toEqual([]);
  });

  it('lint --target aws says the same at the same place (warning, not a refusal)', async () => {
    const r = await buildObjectFor(spec(paths, { consumers, backends: { app: { url: 'https://app.example.com', headerNames: 'folded' } } }));
    const at = (ds: typeof r.diagnostics) => ds.filter((d) => d.code === 'aws-folded-content-length').map((d) => [d.loc?.pointer, d.severity, d.position?.line, d.position?.column]);
    expect(at(r.diagnostics)).toHaveLength(1);
    expect(at(r.linted)).toEqual(at(r.diagnostics));
    expect(r.files.length).toBeGreaterThan(0);
  });

  it('headerNames: exact: the dash names still arrive empty, no "_" spelling is mapped, and the template is smaller than unstated', () => {
    const got = reached(exact, '/pub');
    expect(got.filter((h) => !h.includes('_'))).toEqual([]);
    const keys = Object.keys(exact.t!.Resources.RestApi.Properties.Body.paths['/pub'].get['x-amazon-apigateway-integration'].requestParameters);
    expect(keys.filter((k) => k.slice('integration.request.header.'.length).includes('_') && k.startsWith('integration.request.header.'))).toEqual([]);
    const size = (b: typeof unstated) => b.files[0]!.contents.length;
    expect(size(exact)).toBeLessThan(size(unstated));
    expect(size(unstated)).toBeLessThan(size(folded));
    expect(coded(exact.diagnostics, 'aws-header-name-spellings')).toEqual([]);
  });

  it('Content_Length stays unmapped whatever the backend says (an empty or copied value is a second Content-Length: Unicorn refuses every body)', () => {
    for (const b of [unstated, folded, exact]) {
      const keys = Object.keys(b.t!.Resources.RestApi.Properties.Body.paths['/pub'].get['x-amazon-apigateway-integration'].requestParameters);
      expect(keys.filter((k) => /content.length/i.test(k))).toEqual([]);
    }
  });
});

describe('aws HTTP API: the forwarding family in its "_" spellings', async () => {
  const httpOf = (headerNames?: string) =>
    buildHttp(`openapi: 3.1.0
info: { title: t, version: '1' }
servers: [{ url: https://api.example.com }]
x-gateway:
  name: t
  backends: { app: { url: https://app.example.com${headerNames ? `, headerNames: ${headerNames}` : ''} } }
  defaults: { backend: app }
paths:
  /pub: { get: { operationId: pub, x-gateway: { public: true }, responses: { '200': { description: ok } } } }
`);
  const removed = async (headerNames?: string) => {
    const b = await httpOf(headerNames);
    expect(b.errors).toEqual([]);
    const integration = Object.values(b.template!.Resources).find((r: any) => r.Type === 'AWS::ApiGatewayV2::Integration') as any;
    return { b, keys: new Set(Object.keys(integration.Properties.RequestParameters).map((k) => k.toLowerCase())) };
  };

  it('unstated warns at the backend; folded removes every spelling; exact removes none', async () => {
    const u = await removed();
    expect(coded(u.b.diagnostics, 'aws-header-name-spellings').map((d) => d.params)).toEqual([{ backend: 'app', routes: 1, first: 'pub', flavour: 'http' }]);
    expect(u.keys.has('remove:header.x_forwarded_user')).toBe(false);
    const f = await removed('folded');
    expect(UNDERSCORED.filter((h) => !f.keys.has(`remove:header.${h.toLowerCase()}`))).toEqual([]);
    expect(coded(f.b.diagnostics, 'aws-header-name-spellings')).toEqual([]);
    expect(coded(f.b.diagnostics, 'aws-folded-content-length')).toEqual([]); // the HTTP API removes Content_Length
    const e = await removed('exact');
    expect([...e.keys].filter((k) => k.startsWith('remove:header.') && k.includes('_'))).toEqual([]);
    expect(e.keys.has('remove:header.x-forwarded-user')).toBe(true);
  });
});

describe('aws: a header cleared in every spelling with more separators than gwc spells (closing15 item 5: 64 spellings only)', async () => {
  const LONG = 'X-A-B-C-D-E-F-User'; // 7 separators: 127 other spellings, of which 63 were mapped
  const answer = (api?: 'http') =>
    buildObjectFor(
      spec(paths, {
        ...(api ? {} : { consumers }),
        schemes: {
          key: api ? { type: 'openIdConnect', openIdConnectUrl: 'https://id.example.com/.well-known/openid-configuration', 'x-gateway': { issuer: 'https://id.example.com/', audiences: ['api'] } } : { type: 'apiKey', in: 'header', name: 'x-api-key' },
          svc: { type: 'http', scheme: 'bearer', 'x-gateway': { forwardAuth: { url: 'https://auth.example.com/check', responseHeaders: [LONG, 'X-Ok-Id'] } } },
        },
      }),
      api,
    );

  it('a forward answer header with 7 separators is refused at its line, on REST and the HTTP API, and lint says the same', async () => {
    for (const api of [undefined, 'http'] as const) {
      const r = await answer(api);
      expect(coded(r.diagnostics, 'aws-header-name-separators'), String(api)).toEqual([
        { code: 'aws-header-name-separators', params: { scheme: 'svc', header: LONG.toLowerCase(), separators: 7, max: 6 }, pointer: '/components/securitySchemes/svc/x-gateway/forwardAuth/responseHeaders' },
      ]);
      expect(r.files).toEqual([]);
      const at = (ds: typeof r.diagnostics) => coded(ds, 'aws-header-name-separators').map((d) => [d.code, d.pointer]);
      expect(at(r.linted), `lint ${api}`).toEqual(at(r.diagnostics));
    }
  });

  it('a header credential with 7 separators is refused at its scheme; 6 builds (all 63 other spellings mapped)', async () => {
    // A key a Lambda authorizer verifies (API Gateway's own key check reads x-api-key only).
    const withKey = (name: string) =>
      buildObjectFor(spec(paths, { schemes: { key: { type: 'apiKey', in: 'header', name, 'x-gateway': { lambdaAuthorizer: { arn: 'arn:aws:lambda:eu-west-1:123456789012:function:authz', type: 'request', ttlSeconds: 0, identitySource: [`method.request.header.${name}`] } } } } }));
    const long = await withKey('X-A-B-C-D-E-F-Key');
    expect(coded(long.diagnostics, 'aws-header-name-separators').map((d) => [d.params, d.pointer])).toEqual([[{ scheme: 'key', header: 'x-a-b-c-d-e-f-key', separators: 7, max: 6 }, '/components/securitySchemes/key']]);
    const six = await withKey('X-A-B-C-D-E-Key');
    expect(six.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const keys = Object.keys(JSON.parse(six.files[0]!.contents).Resources.RestApi.Properties.Body.paths['/me'].get['x-amazon-apigateway-integration'].requestParameters);
    expect(keys.filter((k) => /^integration\.request\.header\.x[-_]a[-_]b[-_]c[-_]d[-_]e[-_]key$/i.test(k) && k.includes('_')).length).toBe(63);
  });
});

async function buildObjectFor(s: unknown, api?: 'http') {
  const file = writeSpec(JSON.stringify(s));
  const options: Record<string, string> = api ? { api } : {};
  const b = await buildTarget(file, { target: 'aws', options });
  const l = await lint(file, { target: 'aws', ...(api ? { targetOptions: { aws: options } } : {}) } as Parameters<typeof lint>[1]);
  // lint relays a target's diagnostic under its own code, the target's in params.code
  const linted = l.diagnostics.map((d) => ({ ...d, code: String((d.params as { code?: string } | undefined)?.code ?? d.code) }));
  return { diagnostics: b.diagnostics, files: b.files ?? [], linted: linted as typeof b.diagnostics };
}
