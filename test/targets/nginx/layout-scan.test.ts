/**
 * The location layout (layout.ts) read the way nginx reads it (location-sim.ts): every URL routes
 * as OpenAPI precedence says on random route sets (regex groups and first-character buckets
 * included), and no request to GitHub's REST description scans more than a few regexes (issue #9:
 * a flat list made the last route 0.3 of a catch-all's throughput). The real-nginx side of the
 * same layout is e2e-precedence.test.ts; the throughput is bench/nginx-wrk.ts.
 */
import { unsecuredPublic } from '../../helpers/spec.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadGateway } from '../../../src/api.js';
import { comparePrecedence, matchRoute } from '../../../src/model/paths.js';
import type { Gateway, HttpMethod } from '../../../src/model/types.js';
import { namePrefix } from '../../../src/targets/nginx/context.js';
import { parseConf, type Directive } from './conf-parse.js';
import { compileOrThrow } from './harness.js';
import { routeName, routeNames, sampleUris, trace } from './location-sim.js';
import { gateway, httpBackend, route } from './model.js';

function compiled(g: Gateway): { server: Directive; names: Map<string, string> } {
  const conf = compileOrThrow(g, {}).find((f) => f.path.startsWith('conf.d/'))!.contents;
  return { server: parseConf(conf).find((d) => d.name === 'server')!, names: routeNames(conf) };
}

/** What nginx does with the request, as the reference matcher would say it. */
function check(g: Gateway, server: Directive, names: Map<string, string>, method: HttpMethod, uri: string): string | undefined {
  const want = matchRoute(g, method, uri);
  const got = trace(server, method, uri);
  const expected = 'route' in want ? routeName(want.route) : `status ${want.status}`;
  const actual = got.route !== undefined ? names.get(got.route) : `status ${got.status}`;
  return expected === actual ? undefined : `${method} ${uri}: want ${expected}, got ${actual}`;
}

const SEGMENTS = ['a', 'b', 'c', 'v', '{p}', '{p}', '{p}.json'];
const ALPHABET = ['a', 'b', 'c', 'v', 'z', 'z.json'];

function urls(depth: number): string[] {
  const out: string[] = [];
  const rec = (prefix: string[]) => {
    if (prefix.length > 0) out.push(`/${prefix.join('/')}`);
    if (prefix.length < depth) for (const s of ALPHABET) rec([...prefix, s]);
  };
  rec([]);
  return out;
}

describe('nginx location layout', () => {
  it('routes every URL as OpenAPI precedence does, on random route sets', () => {
    const all = urls(4);
    const pathArb = fc.array(fc.constantFrom(...SEGMENTS), { minLength: 1, maxLength: 4 }).map((segs) => {
      let i = 0;
      return `/${segs.map((s) => s.replace('{p}', () => `{p${i++}}`)).join('/')}`;
    });
    fc.assert(
      fc.property(fc.uniqueArray(pathArb, { minLength: 1, maxLength: 40, selector: (p) => p.replace(/\{p\d+\}/g, '{}') }), fc.boolean(), (paths, reversed) => {
        const routes = paths.flatMap((p, i) => (['GET', 'POST'] as const).filter((_, k) => k === 0 || i % 3 === 0).map((m) => route(`r${i}${m}`, m, p)));
        routes.sort(comparePrecedence);
        const g = gateway(routes, { backends: [httpBackend('app')] });
        const { server, names } = compiled(reversed ? { ...g, routes: [...routes].reverse() } : g);
        const mismatches = all.flatMap((u) => (['GET', 'POST'] as const).map((m) => check(g, server, names, m, u))).filter(Boolean);
        expect(mismatches).toEqual([]);
      }),
      { numRuns: 40 },
    );
  });

  it("scans at most 30 regexes for any sampled GET request to GitHub's REST description, routed as precedence says", async () => {
    const loaded = await loadGateway(new URL('../../../node_modules/@octokit/openapi/generated/api.github.com.json', import.meta.url).pathname);
    const g = unsecuredPublic(loaded.gateway!);
    const { server, names } = compiled(g);
    let worst = { uri: '', scans: 0 };
    const mismatches: string[] = [];
    for (const uri of sampleUris(g)) {
      const m = check(g, server, names, 'GET', uri);
      if (m && !m.includes('want status 405')) mismatches.push(m);
      const scans = trace(server, 'GET', uri).regexScans;
      if (scans > worst.scans) worst = { uri, scans };
    }
    expect(mismatches).toEqual([]);
    // 23 at the time of writing (GET /repos/{owner}/{repo}/copilot/cloud-agent/configuration); 342 with one group per leading literal.
    expect(worst.scans).toBeLessThanOrEqual(30);
  }, 60_000);

  it('keeps the names it creates short enough for nginx variable hash (46 characters)', () => {
    expect(namePrefix('shop')).toBe('gwc_shop');
    const long = namePrefix("GitHub's official OpenAPI spec + Octokit extension");
    expect(long).toMatch(/^gwc_github_s_offi_[0-9a-f]{6}$/);
    expect(`${long}_preflight`.length).toBeLessThanOrEqual(46);
    expect(namePrefix("GitHub's official OpenAPI spec + Octokit extension")).toBe(long);
    expect(namePrefix("GitHub's official OpenAPI spec + Octokit extensio")).not.toBe(long);
  });
});
