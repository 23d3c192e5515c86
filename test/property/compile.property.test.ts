/**
 * Generated specs (arbitraries.ts) through the whole pipeline, on every target:
 * (1) nothing crashes: no exception and no `internal-error`, at load or compile;
 * (2) a target either writes files or refuses with a capability/target diagnostic, never both,
 *     never with another error code;
 * (3) the same spec, loaded and compiled again, gives the same bytes;
 * (4) a route that needs auth never compiles open: a request with no credential, sent where the
 *     reference matcher (matchRoute, OpenAPI precedence) says it goes, meets an auth check in the
 *     nginx, Kong and Traefik outputs (nginx: the route's own location has auth_request; Kong: the
 *     matched route has an auth plugin, and a 401 for the anonymous consumer when the plugins
 *     allow anonymous; Traefik: the router picked has a forwardAuth or basicAuth middleware; AWS:
 *     the request oracle on the template answers 401 or 403).
 * About 10-20 s here: the run count is set so the file stays well under a minute.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileGateway, loadGateway, type BuildResult } from '../../src/api.js';
import { AWS_CODES } from '../../src/diagnostics/codes-aws.js';
import { matchRoute } from '../../src/model/paths.js';
import type { Gateway, Route } from '../../src/model/types.js';
import { TARGET_NAMES } from '../../src/targets/index.js';
import type { OutputFile } from '../../src/targets/target.js';
import { writeSpec } from '../helpers/spec.js';
import { parseConf, walk, type Directive } from '../targets/nginx/conf-parse.js';
import { allRoutes, kongMatch } from '../targets/kong/kong-router.js';
import { AwsOracle } from '../targets/aws/oracle.js';
import { pickRouter } from '../targets/traefik/traefik-router.js';
import { specArbitrary } from './arbitraries.js';

const RUNS = Number(process.env.GWC_PROPERTY_RUNS ?? 80);
/** The error codes a target may refuse a valid spec with: capabilities and the target's own limits. */
const REFUSALS = new Set([
  'capability-unsupported', 'accept-opens-route',
  // aws's own refusals (src/diagnostics/codes-aws.ts: API Gateway's and CloudFormation's limits)
  ...Object.entries(AWS_CODES).filter(([, e]) => e.severity === 'error').map(([code]) => code),
  // kong's: a cache where Kong cannot tell callers apart (every JWT of an issuer is one consumer)
  'kong-cache-identity-shared', 'kong-cache-key-ambiguous', 'kong-cache-control-rule',
  // ... and what Kong OSS cannot express (src/targets/kong; coded in #17.3)
  'kong-security-or-of-and', 'kong-security-weakened', 'kong-scheme-no-plugin', 'kong-plugin-shared', 'kong-consumer-credentials-shared',
  'kong-jwt-issuer-missing', 'kong-jwt-issuer-shared', 'kong-jwt-keys', 'websocket-limit-connections', 'kong-jwt-algorithm', 'kong-jwt-header-name', 'kong-api-key-cookie', 'kong-api-key-name',
  'kong-host-order', 'kong-preflight-cors-differs', 'kong-upstream-mixed', 'kong-tls-server-name', 'kong-tls-ca-file', 'kong-backend-no-target',
  'kong-route-name-collision', 'kong-credential-secret-source', 'kong-secret-env-name', 'kong-target-weight', 'kong-path-template', 'kong-header-template',
  'kong-auth-identity-and', 'kong-auth-and-consumers', 'traefik-auth-and-consumers', 'kong-roles-credential-ambiguous', 'kong-scheme-name-collision', 'kong-consumer-name-collision',
  // traefik's (src/targets/traefik; coded in #17.3)
  'traefik-alternatives-indistinguishable', 'traefik-forward-auth-missing', 'traefik-host-not-ascii', 'traefik-backend-host', 'traefik-server-paths',
  'traefik-upstream-path-param', 'traefik-header-name', 'traefik-cors-origins-empty', 'traefik-ip-range', 'traefik-header-empty-value',
  'traefik-tls-key-source', 'traefik-matcher-empty', 'traefik-matcher-control-character', 'traefik-value-control-character', 'traefik-no-routers',
  'traefik-roles-forward-auth', 'traefik-optional-credential-unknown',
  // nginx's (src/targets/nginx): a limit finer than limit_req counts, text that cannot stay in its slot, ...
  'nginx-rate-too-fine', 'nginx-value-refused', 'nginx-path-unroutable', 'nginx-upstream-mixed', 'nginx-lambda-no-fallback', 'nginx-backend-no-target',
  'nginx-jwt-no-keys', 'nginx-jwt-algorithm', 'jwt-audience-missing', 'nginx-scheme-unverifiable', 'nginx-secret-source', 'nginx-tls-key-source',
  'aws-api-key-schemes-merged', 'aws-cache-identity-unkeyed', 'aws-authorizer-cache-unkeyed', 'aws-path-param-confusable', 'aws-backend-private-host', 'aws-no-methods',
  // `_method` in a body where the target cannot read it (src/targets/body-override.ts)
  'aws-body-method-override', 'traefik-body-method-override',
  // every target's fail-closed refusal of a path a backend reads as a more protected route's
  // (src/targets/upstream-reach.ts and the case/suffix variants of a path parameter, a83c57b)
  'upstream-param-reaches-protected', 'param-variant-reaches-protected',
  // every target's refusal of a declared method override that can name a more protected method (src/targets/declared-override.ts, red team 12)
  'method-override-widens',
  // Kong's * and Kong's/Traefik's null CORS origin with credentials: every site reads the route (red team 3)
  'cors-credentials-origin-open',
  // traefik's users files and optional auth (cea6217, a289ce6)
  'traefik-users-file-collision', 'traefik-optional-query-key', 'traefik-optional-bearer-query',
  // a per-consumer limit a consumer's several keys would multiply (red team 4, as aws-limit-consumer-keys)
  'traefik-limit-consumer-keys',
  // an OR route's kept query or cookie key another alternative's router passes on (red team 6)
  'traefik-or-kept-credential',
  // a hidden (the default) query or cookie key Traefik cannot remove before the backend (DESIGN.md 7.3)
  'traefik-credential-not-hidden',
  // a kept credential header a client can send twice: the verifier reads one line, the backend another (red team 12)
  'traefik-kept-header-credential',
  // a kept cookie key a client can send twice (two sids, two Cookie lines): no rule counts cookies (red team 15)
  'traefik-kept-cookie-credential',
  // a forwardAuth service the backend relies on (answer or other request headers) that Kong or AWS cannot call (red team 10)
  'forward-auth-not-callable',
]);
const AUTH_PLUGINS = new Set(['key-auth', 'basic-auth', 'jwt', 'openid-connect', 'forward-auth']);

/** A concrete request path for a route: each parameter a value no literal in the specs uses. */
const samplePath = (r: Route) => `/${r.segments.map((s) => (s.kind === 'literal' ? s.value : s.kind === 'param' ? 'zz9' : s.parts.map((p) => ('literal' in p ? p.literal : 'zz9')).join(''))).join('/')}`;

/** The routes a request with no credential reaches, and the route OpenAPI says it is. */
function probes(g: Gateway): Array<{ method: string; path: string; expected: Route }> {
  const out = [];
  for (const r of g.routes) {
    const path = samplePath(r);
    const m = matchRoute(g, r.method, path);
    if ('route' in m) out.push({ method: r.method, path, expected: m.route });
  }
  return out;
}

function nginxAuth(g: Gateway, files: OutputFile[]): void {
  const locations = files
    .filter((f) => f.path.endsWith('.conf'))
    .flatMap((f) => walk(parseConf(f.contents)))
    .map(({ d }) => d)
    .filter((d) => d.name === 'location');
  const inside = (l: Directive, name: string) => (l.block ?? []).filter((x) => x.name === name);
  g.routes.forEach((r, i) => {
    // The route's own location (its internal one, or its path location when served inline) sets $gwc_<name>_route.
    const own = locations.filter((d) => inside(d, 'set').some((x) => /_route$/.test(x.args[0]!) && x.args[1] === String(i)));
    expect(own.length, `nginx: a location for route ${r.id}`).toBeGreaterThan(0);
    // The body-check location (js_content bodyCheck) only reads the body and hands on to the route's, which checks auth.
    const checked = own.filter((d) => !inside(d, 'js_content').some((x) => /\.bodyCheck$/.test(x.args[0]!)));
    expect(checked.length, `nginx: the route location of ${r.id}`).toBeGreaterThan(0);
    for (const d of checked) expect(inside(d, 'auth_request').length, `nginx: auth_request on ${r.id}`).toBe(r.security.length > 0 ? 1 : 0);
  });
}

function kongAuth(g: Gateway, files: OutputFile[]): void {
  const doc = parse(files[0]!.contents) as { plugins?: Array<{ name: string; consumer?: string; config?: Record<string, unknown> }> } & Parameters<typeof allRoutes>[0];
  const routes = allRoutes(doc);
  const host = g.servers[0]?.host;
  for (const p of probes(g)) {
    const m = kongMatch(routes, p.method, p.path, host);
    expect('route' in m, `kong: ${p.method} ${p.path} reaches one route (${JSON.stringify(m).slice(0, 200)})`).toBe(true);
    if (!('route' in m) || p.expected.security.length === 0) continue;
    const auth = (m.route.plugins ?? []).filter((x) => AUTH_PLUGINS.has(x.name));
    expect(auth.length, `kong: ${m.route.name} (${p.expected.id}) has an auth plugin`).toBeGreaterThan(0);
    if (auth.some((x) => x.config?.anonymous)) {
      expect(doc.plugins ?? [], `kong: anonymous is refused for ${p.expected.id}`).toContainEqual(expect.objectContaining({ name: 'request-termination', config: expect.objectContaining({ status_code: 401 }) }));
    }
  }
}

function traefikAuth(g: Gateway, files: OutputFile[]): void {
  const config = parse(files[0]!.contents) as { http: { routers: Record<string, { middlewares?: string[] }>; middlewares?: Record<string, Record<string, unknown>> } };
  const host = g.servers[0]?.host ?? 'localhost';
  for (const p of probes(g)) {
    const router = pickRouter(config as never, { method: p.method, host, path: p.path });
    expect(router, `traefik: a router for ${p.method} ${p.path}`).toBeDefined();
    if (p.expected.security.length === 0) continue;
    const auth = (config.http.routers[router!]!.middlewares ?? []).filter((n) => {
      const mw = config.http.middlewares?.[n] ?? {};
      return 'forwardAuth' in mw || 'basicAuth' in mw;
    });
    expect(auth.length, `traefik: ${router} (${p.expected.id}) has an auth middleware`).toBeGreaterThan(0);
  }
}

/** AWS: the request oracle on the template (test/targets/aws/oracle.ts) with no credential. */
function awsAuth(g: Gateway, files: OutputFile[]): void {
  const oracle = new AwsOracle(JSON.parse(files[0]!.contents) as Record<string, unknown> as never);
  for (const r of g.routes) {
    const d = oracle.request({ method: r.method, path: r.path.replace(/\{[^}]+\}/g, 'zz9') });
    if (r.operationId && d.operationId) expect(d.operationId, `aws: ${r.method} ${r.path} reaches ${r.id}`).toBe(r.operationId);
    if (r.security.length > 0) expect([401, 403], `aws: ${r.id} refuses a request with no credential`).toContain(d.status);
    // A public http_proxy route: method-override inputs reach the backend empty.
    if (d.upstream) {
      const o = oracle.request({ method: r.method, path: r.path.replace(/\{[^}]+\}/g, 'zz9'), headers: { 'X-HTTP-Method-Override': 'DELETE' }, query: { _method: 'DELETE' } });
      expect([o.upstream?.headers['x-http-method-override'], o.upstream?.query._method], `aws: ${r.id} empties method overrides`).toEqual(['', '']);
    }
  }
  // A cached route that needs a credential keys its cache on one (DESIGN.md 7.4).
  const body = (JSON.parse(files[0]!.contents) as { Resources: { RestApi: { Properties: { Body: { paths: Record<string, Record<string, any>> } } } } }).Resources.RestApi.Properties.Body;
  for (const item of Object.values(body.paths)) {
    for (const op of Object.values(item)) {
      const keys: string[] | undefined = op?.['x-amazon-apigateway-integration']?.cacheKeyParameters;
      const route = g.routes.find((x) => x.operationId !== undefined && x.operationId === op?.operationId);
      if (op?.security && route?.policy.cache?.methods.includes(route.method)) {
        expect((keys ?? []).some((k) => k.startsWith('method.request.header.') || k.startsWith('method.request.querystring.')), `aws: ${route.id} cache keyed on the caller`).toBe(true);
      }
    }
  }
}

const CHECK: Record<string, (g: Gateway, files: OutputFile[]) => void> = { nginx: nginxAuth, kong: kongAuth, traefik: traefikAuth, aws: awsAuth };

describe('generated specs on every target', () => {
  it('compile or are refused with a capability diagnostic, deterministically, and never open a route that needs auth', async () => {
    const tally = { specs: 0, invalid: 0, built: Object.fromEntries(TARGET_NAMES.map((t) => [t, 0])), refused: Object.fromEntries(TARGET_NAMES.map((t) => [t, 0])) };
    const codes = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(specArbitrary, async (yaml) => {
        const file = writeSpec(yaml);
        try {
          tally.specs++;
          const loaded = await loadGateway(file);
          expect(loaded.diagnostics.filter((d) => d.code === 'internal-error')).toEqual([]);
          if (!loaded.gateway) {
            tally.invalid++;
            for (const d of loaded.diagnostics) if (d.severity === 'error') codes.set(`load ${d.code}`, (codes.get(`load ${d.code}`) ?? 0) + 1);
            return;
          }
          const again = await loadGateway(file);
          for (const t of TARGET_NAMES) {
            let r: BuildResult | undefined;
            expect(() => (r = compileGateway(loaded.gateway!, t, {}, loaded.spec))).not.toThrow();
            const errors = r!.diagnostics.filter((d) => d.severity === 'error');
            expect(r!.diagnostics.filter((d) => d.code === 'internal-error')).toEqual([]);
            if (errors.length > 0) {
              tally.refused[t]!++;
              for (const d of errors) codes.set(`${t} ${d.code}`, (codes.get(`${t} ${d.code}`) ?? 0) + 1);
              expect(r!.files, `${t}: files beside errors`).toEqual([]);
              expect(errors.filter((d) => !REFUSALS.has(String(d.code))).map((d) => `${d.code}: ${d.message}`)).toEqual([]);
              continue;
            }
            tally.built[t]!++;
            expect(r!.files.length, `${t}: no error and no file`).toBeGreaterThan(0);
            expect(compileGateway(again.gateway!, t, {}, again.spec).files, `${t}: same bytes on a second compile`).toEqual(r!.files);
            CHECK[t]?.(loaded.gateway, r!.files);
          }
        } finally {
          rmSync(path.dirname(file), { recursive: true, force: true });
        }
      }),
      { numRuns: RUNS },
    );
    console.log(`property: ${JSON.stringify(tally)}\n  error codes: ${JSON.stringify(Object.fromEntries([...codes].sort()))}`);
    // The generator must mostly produce specs the model accepts, or the properties prove little.
    expect(tally.invalid).toBeLessThan(tally.specs / 2);
  });
});
