/**
 * The generated routers, tried the way Traefik tries them (descending priority, then the rule),
 * against sample requests for every case that builds: each request must reach the router of the
 * operation the reference matcher `matchRoute` picks (OpenAPI precedence), a 405 router when the
 * path is known but the method is not, nothing when the path is unknown, and the CORS preflight
 * router of the operation a preflight asks about. The chosen router must enforce one whole
 * security alternative of its operation, and rewrite the path to what DESIGN.md section 3 rule 5
 * says the backend receives.
 */
import { describe, expect, it } from 'vitest';
import { HTTP_METHODS, type Gateway, type Route } from '../../../src/model/types.js';
import { matchRoute } from '../../../src/model/paths.js';
import type { TraefikBuild } from '../../../src/targets/traefik/index.js';
import type { Middleware, TraefikConfig } from '../../../src/targets/traefik/types.js';
import { CASES, compileCase } from './cases.js';
import { pickRouter, upstreamPath, type Req } from './traefik-router.js';

/** Concrete URL paths: every template filled with every literal seen at that depth, and 'x1'. */
function samplePaths(g: Gateway): string[] {
  const literals = new Set<string>(['x1']);
  for (const r of g.routes) for (const s of r.segments) if (s.kind === 'literal' && s.value !== '') literals.add(s.value);
  const out = new Set<string>(['/', `${g.basePath}/nope`]);
  for (const r of g.routes) {
    for (const value of literals) {
      const path = r.segments
        .map((s) => (s.kind === 'literal' ? s.value : s.kind === 'param' ? value : s.parts.map((p) => ('literal' in p ? p.literal : value)).join('')))
        .join('/');
      out.add(`/${path}`);
      out.add(`/${path}/`);
    }
  }
  return [...out].sort();
}

const CREDENTIALS: Array<Record<string, string[]>> = [
  {},
  { 'x-api-key': ['k1'] },
  { authorization: ['Bearer t1'] },
  { authorization: ['Basic b3BzOnB3'] },
  { 'x-api-key': ['k1'], authorization: ['Bearer t1'] },
  { cookie: ['sid=s1'] },
];

function authMiddlewares(config: TraefikConfig, router: string): Middleware[] {
  return (config.http.routers[router]!.middlewares ?? [])
    .map((n) => config.http.middlewares![n]!)
    .filter((m) => 'forwardAuth' in m || 'basicAuth' in m);
}

function expectEnforces(g: Gateway, built: TraefikBuild, router: string, route: Route): void {
  const role = built.roles.get(router)!;
  const auth = authMiddlewares(built.config!, router);
  if (route.security.length === 0) {
    expect(auth, `${router} of public ${route.id} has no auth`).toEqual([]);
    return;
  }
  expect(role.alternative, `${router} names the alternative it enforces`).toBeTypeOf('number');
  const alt = route.security[role.alternative!]!;
  for (const item of alt) {
    const scheme = g.securitySchemes.find((s) => s.name === item.scheme)!;
    const ok = auth.some((m) =>
      'basicAuth' in m ? scheme.kind === 'basic' : 'forwardAuth' in m && m.forwardAuth.address.startsWith(scheme.forwardAuth!.url.raw),
    );
    expect(ok, `${router} enforces ${scheme.name}`).toBe(true);
  }
}

/** DESIGN.md section 3 rule 5. */
function expectedUpstream(g: Gateway, route: Route, path: string, params: Record<string, string>): string {
  const backend = g.backends.find((b) => b.name === route.backend)!;
  const prefix = new Set(backend.targets.map((t) => t.url.path)).size > 1 ? '' : (backend.targets[0]?.url.path ?? '');
  const op = route.upstreamPath ? route.upstreamPath.template.replace(/\{([^{}]+)\}/g, (_x, p: string) => params[p] ?? '') : path.slice(g.basePath.replace(/\/$/, '').length);
  return prefix + op;
}

describe('traefik routing matches OpenAPI precedence', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const { gateway: g, built } = await compileCase(c.file);
      if (!g || !built?.config) return; // refused: golden.test.ts pins the diagnostics
      const config = built.config;
      const priorities = Object.values(config.http.routers).map((r) => r.priority);
      expect(new Set(priorities).size, 'unique priorities').toBe(priorities.length);
      const hosts = g.hosts.length > 0 ? [...g.hosts, 'other.example'] : ['any.example'];
      let checked = 0;
      for (const host of hosts) {
        for (const path of samplePaths(g)) {
          for (const method of HTTP_METHODS) {
            for (const headers of CREDENTIALS) {
              const req: Req = { method, host, path, headers };
              const got = pickRouter(config, req);
              const ref = matchRoute(g, method, path, host);
              const where = `${method} ${host}${path} ${JSON.stringify(headers)} -> ${got}`;
              checked++;
              if ('route' in ref) {
                const role = got ? built.roles.get(got) : undefined;
                expect(role?.kind, where).toBe('operation');
                expect(role?.routeId, where).toBe(ref.route.id);
                expectEnforces(g, built, got!, ref.route);
                const backend = g.backends.find((b) => b.name === ref.route.backend)!;
                if (backend.targets.length > 0 && config.http.routers[got!]!.service !== 'noop@internal') {
                  expect(upstreamPath(config, got!, path), where).toBe(expectedUpstream(g, ref.route, path, ref.params));
                }
              } else if (ref.status === 405) {
                expect(got && built.roles.get(got)?.kind, where).toBe('method-not-allowed');
              } else {
                expect(got, where).toBeUndefined();
              }
            }
            // A CORS preflight for `method` is answered by the CORS of the operation it asks about.
            const pre = pickRouter(config, { method: 'OPTIONS', host, path, headers: { origin: ['https://a.example'], 'access-control-request-method': [method] } });
            const asked = matchRoute(g, method, path, host);
            if ('route' in asked && asked.route.policy.cors) {
              expect(built.roles.get(pre!), `preflight ${method} ${path}`).toEqual({ kind: 'preflight', routeId: asked.route.id });
              expect(config.http.routers[pre!]!.service).toBe('noop@internal');
            } else if (pre) {
              expect(built.roles.get(pre)?.kind, `preflight ${method} ${path} -> ${pre}`).not.toBe('preflight');
            }
          }
        }
      }
      expect(checked).toBeGreaterThan(100);
    });
  }
});
