/**
 * Route priority implements OpenAPI precedence explicitly: for EVERY pair of routes whose paths
 * can match the same URL, a URL matching both is sent by (a model of) Kong's router to the route
 * the reference matcher picks, and never left to creation order.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { comparePrecedence, matchRoute } from '../../../src/model/paths.js';
import type { Gateway, HttpMethod, Route } from '../../../src/model/types.js';
import { canOverlap } from '../../../src/targets/kong/paths.js';
import { namer } from '../../../src/targets/kong/names.js';
import { allRoutes, kongMatch, type KongRoute } from './kong-router.js';
import { compile, route, shop } from './model.js';

/** A URL both templates match: a literal wherever either side has one, a sample value elsewhere. */
function sharedUrl(a: string, b: string): string {
  const sa = a.split('/');
  const sb = b.split('/');
  return sa
    .map((x, i) => {
      const y = sb[i] ?? '';
      if (!x.includes('{')) return x;
      if (!y.includes('{')) return y;
      return x.replace(/\{[^}]+\}/g, 'v1x').replace(/^$/, 'v');
    })
    .join('/');
}

function check(g: Gateway) {
  const r = compile(g);
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const routes = allRoutes(parse(r.yaml));
  const names = namer(g.name);
  let pairs = 0;
  const rs = g.routes;
  for (let i = 0; i < rs.length; i++) {
    for (let j = 0; j < rs.length; j++) {
      const a = rs[i]!;
      const b = rs[j]!;
      if (i === j || !canOverlap(a.publicPath, b.publicPath)) continue;
      pairs++;
      const url = sharedUrl(a.publicPath, b.publicPath);
      for (const method of [a.method, b.method]) {
        const ref = matchRoute(g, method, url);
        const got = kongMatch(routes, method, url);
        expect('ambiguous' in got, `${method} ${url}: left to creation order`).toBe(false);
        if ('route' in ref) {
          expect('route' in got && got.route.name, `${method} ${url}`).toBe(names.route(ref.route.id));
        } else if (ref.status === 405) {
          expect('route' in got && got.route.name, `${method} ${url} should be 405`).toMatch(/~405/);
        }
      }
    }
  }
  return { pairs, routes };
}

function gateway(routes: Route[]): Gateway {
  const g = shop();
  g.routes = [...routes].sort(comparePrecedence);
  g.accepted = [];
  g.consumers = [];
  return g;
}

describe('kong: regex_priority encodes OpenAPI precedence', () => {
  it('holds for every overlapping pair of the shop model', () => {
    const { pairs } = check(shop());
    expect(pairs).toBeGreaterThan(0);
  });

  it('holds for a tricky path set, whatever order the spec lists it in', () => {
    const specs: Array<[string, HttpMethod, string]> = [
      ['aX', 'GET', '/a/{x}'],
      ['aB', 'GET', '/a/b'],
      ['yB', 'GET', '/{y}/b'],
      ['aXc', 'GET', '/a/{x}/c'],
      ['aBz', 'GET', '/a/b/{z}'],
      ['aBc', 'POST', '/a/b/c'],
      ['aSlash', 'GET', '/a/b/'],
      ['json', 'GET', '/files/{name}.json'],
      ['file', 'GET', '/files/{name}'],
      ['fileMe', 'DELETE', '/files/me.json'],
      ['dollar', 'GET', '/some/$test'],
      ['paren', 'GET', "/batchs(Material='{m}')"],
    ];
    const routes = specs.map(([id, m, p]) => route(id, m, p));
    const forward = check(gateway(routes));
    const backward = check(gateway([...routes].reverse()));
    expect(forward.pairs).toBeGreaterThan(10);
    expect(backward.routes.map((r) => [r.name, r.regex_priority])).toEqual(forward.routes.map((r) => [r.name, r.regex_priority]));
  });

  it('answers 405 with Allow on a known path and an undeclared method, never the next template', () => {
    const g = shop();
    const routes = allRoutes(parse(compile(g).yaml));
    const got = kongMatch(routes, 'POST', '/v1/users/me');
    expect('route' in got && got.route.name).toMatch(/^shop\.~405\./);
    const r = (got as { route: KongRoute }).route;
    const rt = r.plugins?.find((p) => p.name === 'request-termination');
    expect(rt?.config.status_code).toBe(405);
    const allow = r.plugins?.find((p) => p.name === 'response-transformer')?.config.add as { headers: string[] };
    expect(allow.headers).toEqual(['Allow:GET']);
  });

  it('rejects what the spec does not declare: trailing slash, extra segment, empty parameter', () => {
    const routes = allRoutes(parse(compile(shop()).yaml));
    for (const url of ['/v1/users/1/', '/v1/users/1/x', '/v1/users//', '/users/1', '/v1/users/']) {
      const got = kongMatch(routes, 'GET', url);
      expect('none' in got || ('route' in got && /~405/.test(got.route.name)), url).toBe(true);
    }
  });

  it('refuses a host-bound route Kong would try before an overlapping host-less one', () => {
    const g = gateway([route('me', 'GET', '/users/me'), route('byId', 'GET', '/users/{id}', { hosts: ['a.example.com'] })]);
    const r = compile(g);
    expect(r.files).toEqual([]);
    expect(r.diagnostics.filter((d) => d.code === 'kong-host-order')).toEqual([
      expect.objectContaining({ severity: 'error', params: { route: 'byId', hosts: 'a.example.com', before: 'me' }, loc: g.routes[1]!.loc }),
    ]);
  });
});
