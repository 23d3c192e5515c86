/**
 * Unit table for the nginx policy mapping (policies.ts, templates-limit.ts): burst, rates, which
 * limit key and which locations a route gets, what its cache key is made of, and that the verify
 * location carries every access control of its route. The attacks themselves run through real
 * nginx in test/security/nginx-policies*.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { RateLimit } from '../../../src/model/types.js';
import { burstOf } from '../../../src/targets/nginx/policies.js';
import { parseConf, walk, type Directive } from './conf-parse.js';
import { build, gateway, httpBackend, keyScheme, loc, route } from './model.js';

const rl = (requests: number, per: RateLimit['per'], burst = 0, by: RateLimit['by'] = 'consumer'): RateLimit => ({ requests, per, by, burst, loc: loc() });
const conf = (r: ReturnType<typeof build>) => r.files.find((f) => f.path.startsWith('conf.d/'))!.contents;
const secured = { security: [[{ scheme: 'key', scopes: [] }]] };
const opts = { backends: [httpBackend('app')], securitySchemes: [keyScheme('key', 'header', 'x-api-key')] };
const locations = (text: string): Map<string, Directive> => {
  const out = new Map<string, Directive>();
  for (const { d } of walk(parseConf(text))) if (d.name === 'location') out.set(d.args.at(-1)!, d);
  return out;
};
const names = (d: Directive | undefined) => (d?.block ?? []).map((x) => [x.name, ...x.args].join(' '));

/** The njs configuration the compiler wrote into the module. */
const njsCfg = (r: ReturnType<typeof build>) => {
  const js = r.files.find((f) => f.path.endsWith('.js'))!.contents;
  const start = js.indexOf('(/** @type {any} */ (') + '(/** @type {any} */ ('.length;
  const end = js.indexOf('));\n', start);
  return JSON.parse(js.slice(start, end)) as { routes: Record<string, { cacheKey?: string[]; upstream?: unknown[] }> };
};

describe('nginx rate limits', () => {
  it.each([
    [rl(1, 'second'), 0],
    [rl(10, 'second'), 9],
    [rl(10, 'second', 5), 14],
    [rl(3, 'minute', 1), 3],
    [rl(90, 'hour'), 89],
  ])('burst: a full period plus the spec burst above it (%#)', (limit, want) => {
    expect(burstOf(limit)).toBe(want);
  });

  it('a larger spec burst never makes the limit stricter than the default', () => {
    for (const n of [1, 2, 10, 100]) expect(burstOf(rl(n, 'minute', 1))).toBeGreaterThan(burstOf(rl(n, 'minute', 0)));
  });

  it('per: hour/day rounds the rate down to whole requests per minute (warning), finer is refused', () => {
    const r = build(gateway([route('r', 'GET', '/r', { policy: { rateLimit: rl(150, 'hour', 0, 'ip') } })], opts));
    expect(conf(r)).toContain('rate=2r/m');
    expect(conf(r)).toContain('burst=149 nodelay');
    expect(r.diagnostics.map((d) => [d.code, d.params])).toEqual([['nginx-rate-rounded', { route: 'r', requests: 150, per: 'hour', perMinute: 2 }]]);
    expect(build(gateway([route('r', 'GET', '/r', { policy: { rateLimit: rl(2880, 'day', 0, 'ip') } })], opts)).diagnostics).toEqual([]);
    expect(build(gateway([route('r', 'GET', '/r', { policy: { rateLimit: rl(59, 'hour', 0, 'ip') } })], opts)).files).toEqual([]);
  });

  it('by: consumer on a secured route: dispatched to a verify location, limited after the auth check on the verified identity', () => {
    const text = conf(build(gateway([route('r', 'GET', '/r', { ...secured, policy: { rateLimit: rl(5, 'minute') } })], opts)));
    expect(text).not.toContain('.consumer;');
    expect(text).toMatch(/limit_req_zone "\$\{gwc_test_route\}:\$\{gwc_test_lim_id\}"/);
    const locs = locations(text);
    // The body check first (a header key's name in a body is refused, 04b540c), which hands the
    // request on to the verify location; the dispatch admits it pending (b0, NGX7), which only the
    // body check's success makes 0, and the verify location admits nothing else.
    expect(text).toMatch(/if \(\$request_method = GET\) \{\n\s+set \$gwc_test_admit b0;\n\s+rewrite \^ \/_gwc_internal\/b\/0 last;/);
    expect(names(locs.get('/_gwc_internal/b/0'))).toContain('js_content gwc_test.bodyCheck');
    const verify = names(locs.get('/_gwc_internal/v/0'));
    expect(verify).toContain('if ($gwc_test_admit != $gwc_test_route)');
    expect(verify).toContain('auth_request /_gwc_internal/a/0');
    expect(verify).toContain('auth_request_set $gwc_test_id_key $sent_http_x_gwc_identity');
    expect(verify.some((d) => d.startsWith('limit_req'))).toBe(false);
    expect(verify).toContain('error_page 401 = /_gwc_internal/x/0/401');
    expect(verify).toContain('try_files /gwc /_gwc_internal/r/0?$args');
    const routeLoc = names(locs.get('/_gwc_internal/r/0'));
    expect(routeLoc.some((d) => d.startsWith('auth_request '))).toBe(false);
    expect(routeLoc).toContain('limit_req zone=gwc_test_rl0 burst=4 nodelay');
    for (const status of [401, 403]) expect(names(locs.get(`/_gwc_internal/x/0/${status}`))).toContain('limit_req zone=gwc_test_rl0 burst=4 nodelay');
  });

  it('the verify location carries the route IP rules and body limit (they would otherwise answer differently before the hand-off)', () => {
    const policy = { rateLimit: rl(5, 'minute'), ipRule: { allow: [], deny: ['10.0.0.0/8'], loc: loc() }, bodyLimit: { bytes: 5000000, loc: loc() } };
    const verify = names(locations(conf(build(gateway([route('r', 'POST', '/r', { ...secured, policy })], opts)))).get('/_gwc_internal/v/0'));
    expect(verify).toContain('deny 10.0.0.0/8');
    expect(verify).toContain('client_max_body_size 5000000');
  });

  it('by: ip and by: consumer on public routes stay in the route location (no verify location)', () => {
    const text = conf(build(gateway([route('a', 'GET', '/a', { ...secured, policy: { rateLimit: rl(5, 'minute', 0, 'ip') } }), route('b', 'GET', '/b', { policy: { rateLimit: rl(5, 'minute') } })], opts)));
    expect(text).not.toContain('/_gwc_internal/v/');
  });
});

describe('nginx cache key', () => {
  it('is the njs digest of its parts; a secured route adds the verified identity, a public one does not', () => {
    const cache = { ttlMs: 60000, methods: ['GET' as const], keyHeaders: ['X-B', 'X-A'], keyQuery: true, loc: loc() };
    const r = build(gateway([route('s', 'GET', '/s/{id}', { ...secured, policy: { cache } }), route('p', 'GET', '/p', { policy: { cache } })], opts));
    expect(conf(r)).toContain('proxy_cache_key $gwc_test_ck;');
    expect(conf(r)).toContain('js_set $gwc_test_ck gwc_test.cacheKey;');
    const cfg = njsCfg(r);
    expect(cfg.routes['0']!.cacheKey).toEqual(['gwc_test_route', 'request_method', 'scheme', 'host', 'gwc_p0', 'args', 'http_x_a', 'http_x_b', 'gwc_test_id_key']);
    expect(cfg.routes['1']!.cacheKey).toEqual(['gwc_test_route', 'request_method', 'scheme', 'host', 'args', 'http_x_a', 'http_x_b']);
  });
});

describe('nginx upstream paths with parameters', () => {
  it('go through the njs upstreamPath (proxy_pass with a variable, no rewrite); concrete ones keep rewrite', () => {
    const r = build(gateway([route('u', 'GET', '/users/{id}'), route('m', 'GET', '/users/me')], opts));
    const locs = locations(conf(r));
    const param = names(locs.get('/_gwc_internal/r/0'));
    expect(param.find((d) => d.startsWith('proxy_pass'))).toMatch(/^proxy_pass http:\/\/gwc_test_\w+\$gwc_test_upath$/);
    expect(param.some((d) => d.startsWith('rewrite'))).toBe(false);
    expect(names(locs.get('/_gwc_internal/r/1'))).toContain('rewrite ^ /users/me break');
    expect(njsCfg(r).routes['0']!.upstream).toEqual(['/users/', 0]);
  });
});
