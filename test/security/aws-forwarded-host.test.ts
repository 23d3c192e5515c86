/**
 * AWS: how the client addressed the gateway (host poisoning). A REST API writes no
 * X-Forwarded-Host, and gwc cleared only its `_` forms (CLIENT_FORWARDING_HEADERS lists the dash
 * name as one the gateway sets), so `X-Forwarded-Host: evil.example` reached an http_proxy backend
 * as sent: Express (trust proxy), Rails, Django (USE_X_FORWARDED_HOST) and Spring build absolute
 * URLs, redirects and password-reset links from it (the reset mail points at evil.example with the
 * victim's token), or route tenants by it. Likewise a client's `X-Forwarded-Proto: http` makes Rack
 * and Spring build plain-http links. REST now maps X-Forwarded-Host to '' and X-Forwarded-Proto to
 * 'https' (the only scheme a REST endpoint serves) in every `-`/`_` spelling unless the backend
 * reads names as sent (src/targets/aws/neutralise.ts ADDRESSED); X-Forwarded-Port, Forwarded and
 * X-Real-IP were emptied already (the forwarding family).
 *
 * The HTTP API cannot map Forwarded, X-Forwarded-Host, -Proto or -For (reserved headers,
 * http-api-parameter-mapping.html#http-api-mapping-reserved-headers), and "HTTP APIs translate
 * incoming X-Forwarded-* headers into a standard Forwarded header and will append the egress IP,
 * host and protocol" (api-gateway-known-issues.html): the client's host is the FIRST Forwarded
 * element, API Gateway's the last. The `_` spellings are removed (not reserved); the dash names are
 * a platform gap (README "Known gaps"), said at build and lint as aws-http-forwarded-host (a warning
 * once per HTTP backend: the backend must not trust them, or use REST) and pinned by the it.fails below.
 */
import { describe, expect, it } from 'vitest';
import { separatorSpellings } from '../../src/targets/header-spellings.js';
import { build, spec } from '../targets/aws/security-helpers.js';
import { buildHttp } from '../targets/aws/http/helpers.js';
import { GATEWAY_FORWARDED, HttpApiOracle } from '../targets/aws/http/oracle.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { buildTarget } from '../../src/api.js';
import { lint } from '../../src/lint/index.js';
import { writeSpec } from '../helpers/spec.js';

const EVIL = 'evil.example';
const spelt = (h: string) => [h, ...separatorSpellings(h)];
const HOSTS = spelt('X-Forwarded-Host');
const PROTOS = spelt('X-Forwarded-Proto');
const forged: Record<string, string> = {
  ...Object.fromEntries(HOSTS.map((h) => [h, EVIL])),
  ...Object.fromEntries(PROTOS.map((h) => [h, 'http'])),
  Forwarded: `host=${EVIL};proto=http`,
  'X-Forwarded-Port': '80',
};
const paths = { '/pub': { get: { operationId: 'pub' } }, '/me': { get: { operationId: 'me', security: [{ key: [] }] } } };
const consumers = { alice: { credentials: { key: '${env:ALICE_KEY}' } } };
const restOf = (headerNames?: string) => build(spec(paths, { consumers, backends: { app: { url: 'https://app.example.com', ...(headerNames ? { headerNames } : {}) } } }));

describe('aws REST: a client X-Forwarded-Host / -Proto never reaches the backend', async () => {
  const built = { unstated: await restOf(), folded: await restOf('folded'), exact: await restOf('exact') };

  for (const [naming, b] of Object.entries(built)) {
    it(`headerNames ${naming}: every spelling gwc maps arrives empty (host) or https (proto), on a public and a keyed route`, () => {
      expect(b.errors).toEqual([]);
      for (const [path, extra] of [['/pub', {}], ['/me', { 'x-api-key': b.oracle!.keysOf('alice')[0]! }]] as const) {
        const d = b.oracle!.request({ method: 'GET', path, headers: { ...forged, ...extra } });
        expect(d.status, path).toBe(200);
        const up = d.upstream!.headers;
        // `exact`: the backend reads X_Forwarded_Host as another header (gunicorn >= 22 drops it).
        const read = naming === 'exact' ? ['X-Forwarded-Host', 'X-Forwarded-Proto'] : [...HOSTS, ...PROTOS];
        expect(Object.entries(up).filter(([k, v]) => v.includes(EVIL) && read.some((h) => h.toLowerCase() === k)), path).toEqual([]);
        expect(up['x-forwarded-host'], path).toBe('');
        for (const h of read.filter((n) => /proto/i.test(n))) expect(up[h.toLowerCase()], `${path} ${h}`).toBe('https');
        expect([up.forwarded, up['x-forwarded-port']], path).toEqual(['', '']);
      }
    });
  }

  it('a route that sets X-Forwarded-Host itself (requestHeaders) keeps its own value', async () => {
    const b = await build(spec({ '/pub': { get: { operationId: 'pub', 'x-gateway': { public: true, policies: ['host'] } } } }, { policies: { host: { requestHeaders: { set: { 'X-Forwarded-Host': 'shop.example.com' } } } } }));
    expect(b.errors).toEqual([]);
    expect(b.oracle!.request({ method: 'GET', path: '/pub', headers: forged }).upstream!.headers['x-forwarded-host']).toBe('shop.example.com');
  });
});

describe('aws HTTP API: X-Forwarded-Host / -Proto', async () => {
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
  const built = { unstated: await httpOf(), folded: await httpOf('folded'), exact: await httpOf('exact') };
  const upstream = (b: (typeof built)['unstated']) => new HttpApiOracle(b.template!).upstream('GET /pub', forged, {})!.headers;

  it('the "_" spellings are removed unless the backend reads names as sent; the reserved dash names are never mapped (API Gateway refuses such a mapping)', () => {
    for (const [naming, b] of Object.entries(built)) {
      expect(b.errors, naming).toEqual([]);
      const integration = Object.values(b.template!.Resources).find((r: any) => r.Type === 'AWS::ApiGatewayV2::Integration') as any;
      const keys = Object.keys(integration.Properties.RequestParameters).map((k) => k.toLowerCase());
      expect(keys.filter((k) => /^(remove|overwrite|append):header\.(x-forwarded-(host|proto|for)|forwarded)$/.test(k)), naming).toEqual([]);
      const under = [...HOSTS, ...PROTOS].filter((h) => h.includes('_'));
      const removed = under.filter((h) => keys.includes(`remove:header.${h.toLowerCase()}`));
      expect(removed, naming).toEqual(naming === 'exact' ? [] : under);
      if (naming !== 'exact') expect(Object.keys(upstream(b)).filter((k) => k.includes('_')), naming).toEqual([]);
    }
  });

  it('the oracle: the client element comes first in Forwarded, API Gateway\'s own last', () => {
    expect(upstream(built.unstated).forwarded).toBe(`host=${EVIL};proto=http, host=${EVIL};proto=http, ${GATEWAY_FORWARDED}`);
  });

  it('said at build, aws-http-forwarded-host (warn), once per HTTP backend at its line, public routes too; lint --target aws api=http at the same line:col; not on REST nor for a Lambda function', async () => {
    const text = `openapi: 3.1.0
info: { title: t, version: '1' }
servers: [{ url: https://api.example.com }]
x-gateway:
  name: t
  backends:
    app: { url: https://app.example.com }
    shop: { url: https://shop.example.com }
    fn: { lambda: { arn: 'arn:aws:lambda:eu-west-1:123456789012:function:fn' } }
  defaults: { backend: app }
paths:
  /pub: { get: { operationId: pub, x-gateway: { public: true }, responses: { '200': { description: ok } } } }
  /reset: { post: { operationId: reset, x-gateway: { public: true }, responses: { '200': { description: ok } } } }
  /shop: { get: { operationId: shop, x-gateway: { public: true, backend: shop }, responses: { '200': { description: ok } } } }
  /fn: { get: { operationId: fn, x-gateway: { public: true, backend: fn }, responses: { '200': { description: ok } } } }
`;
    const file = writeSpec(text);
    const at = (ds: Diagnostic[], code: (d: Diagnostic) => unknown) => ds.filter((d) => code(d) === 'aws-http-forwarded-host').map((d) => [d.severity, d.loc?.pointer, d.position?.line, d.position?.column]);
    const built = await buildTarget(file, { target: 'aws', options: { api: 'http' } });
    expect(built.files.length).toBeGreaterThan(0);
    expect(at(built.diagnostics, (d) => d.code)).toEqual([
      ['warn', '/x-gateway/backends/app', 7, 5],
      ['warn', '/x-gateway/backends/shop', 8, 5],
    ]);
    const linted = await lint(file, { target: 'aws', targetOptions: { aws: { api: 'http' } } } as Parameters<typeof lint>[1]);
    expect(at(linted.diagnostics, (d) => (d.params as { code?: string } | undefined)?.code)).toEqual(at(built.diagnostics, (d) => d.code));
    expect(at((await buildTarget(file, { target: 'aws' })).diagnostics, (d) => d.code)).toEqual([]);
  });

  // Platform gap, not fixable by a mapping: Forwarded and X-Forwarded-* are reserved on HTTP APIs,
  // and API Gateway puts the client's X-Forwarded-Host into Forwarded before its own element, so a
  // backend reading the first Forwarded element (Spring's ForwardedHeaderFilter, UriComponentsBuilder)
  // or the client's X-Forwarded-Host line builds links to evil.example. Only the LAST element is
  // API Gateway's (README "Known gaps": read that one, or use the REST flavour).
  // Re-checked session 19: http-api-parameter-mapping.html "Reserved headers" still lists Forwarded,
  // X-Forwarded-For, -Host and -Proto; no overwrite:/remove: of them is accepted, so it stays open.
  // Said since session 20: aws-http-forwarded-host warns once per HTTP backend (the test above); this
  // it.fails stays as the record of what reaches the backend until API Gateway lets a mapping touch them.
  it.fails('no header the backend reads as the host names the client\'s host', () => {
    const up = upstream(built.unstated);
    expect(up['x-forwarded-host']).toBeUndefined();
    expect(up.forwarded!.split(',')[0]).not.toContain(EVIL);
  });
});
