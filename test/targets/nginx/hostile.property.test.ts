/**
 * Hostile input: fast-check builds gateways whose paths, hosts, header names and values, CORS
 * origins, mock bodies, backend URLs, upstream paths, IP rules and credential names are full of
 * `$ ; { } " ' #`, whitespace, backslashes and control characters. Every gateway the compiler
 * accepts must (1) pass the real `nginx -t`, (2) contain only directives the compiler emits, with
 * their usual number of arguments (an escaped quote would add or split one), (3) carry each user
 * value back as exactly one token, and (4) keep an `auth_request` in the location of every route
 * that has security, with no `return` beside it (only a 405 for another method, inside `if`). Every refused one must be refused with a
 * diagnostic, never an internal error.
 */
import { rmSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Gateway, HttpMethod, Route } from '../../../src/model/types.js';
import { parseConf, walk, type Directive } from './conf-parse.js';
import { freePort, fullOptions, gatewayHosts, NGINX, nginxTest, prefixDir, writeFiles } from './harness.js';
import { build, gateway, httpBackend, keyScheme, loc, route } from './model.js';

/** Characters that are legal somewhere but mean something to nginx, regexes, URLs or Handlebars. */
const TRICKY = ['a', 'Z', '0', '-', '_', '.', '/', '$', ';', '{', '}', '{{', '"', "'", '#', ' ', '\\', '(', ')', '|', '^', '~', '*', '@', ':', '=', '&', '+', ',', '!', '[', ']', '`', '\u00e9', '%', '?'];
/** Characters nothing may carry. */
const CONTROL = ['\u0000', '\n', '\r', '\t', '\u007f', '\u2028'];
/** Characters a URL path may hold (pchar) that still mean something to nginx or PCRE. */
const PATHY = ['a', 'b', '-', '.', '_', '$', ';', "'", '(', ')', '*', '@', ':', '=', '&', '+', ',', '!', '~', '\u00e9'];
const charOf = (set: string[]) => fc.oneof({ weight: 40, arbitrary: fc.constantFrom(...set) }, { weight: 1, arbitrary: fc.constantFrom(...CONTROL) });
const hostile = fc.array(charOf(TRICKY), { minLength: 1, maxLength: 8 }).map((a) => a.join(''));
const pathy = fc.oneof({ weight: 4, arbitrary: fc.array(charOf(PATHY), { minLength: 1, maxLength: 6 }).map((a) => a.join('')) }, { weight: 1, arbitrary: hostile });
const mostlyOk = (ok: string) => fc.oneof({ weight: 10, arbitrary: fc.constant(ok) }, { weight: 1, arbitrary: hostile });

/** Arity of every directive the compiler may emit: [min, max] arguments (max -1: any). */
const ARITY: Record<string, [number, number]> = {
  geo: [1, 1], map: [2, 2], js_import: [3, 3], js_set: [2, 2], js_var: [1, 2], limit_req_zone: [3, 3], proxy_cache_path: [5, 6], log_format: [3, 3],
  upstream: [1, 1], server: [0, 4], events: [0, 0], http: [0, 0], include: [1, 1], user: [1, 1], worker_processes: [1, 1], pid: [1, 1], load_module: [1, 1], worker_connections: [1, 1], keepalive: [1, 1], keepalive_timeout: [1, 1], listen: [1, 3], server_name: [1, 1], ssl_certificate: [1, 1], ssl_certificate_key: [1, 1],
  uninitialized_variable_warn: [1, 1], proxy_headers_hash_bucket_size: [1, 1], server_tokens: [1, 1], proxy_ignore_headers: [1, 5], underscores_in_headers: [1, 1], ignore_invalid_headers: [1, 1], error_page: [2, 2], location: [1, 2], internal: [0, 0], types: [0, 0],
  default_type: [1, 1], add_header: [3, 3], return: [1, 2], if: [1, 3], rewrite: [3, 3], set: [2, 2], allow: [1, 1], deny: [1, 1],
  client_max_body_size: [1, 1], client_body_buffer_size: [1, 1], client_body_in_single_buffer: [1, 1], limit_req: [3, 3], limit_req_status: [1, 1], auth_request: [1, 1], auth_request_set: [2, 2], access_log: [2, 2],
  proxy_hide_header: [1, 1], js_content: [1, 1], proxy_pass: [1, 1], proxy_http_version: [1, 1], proxy_set_header: [2, 2],
  proxy_ssl_server_name: [1, 1], proxy_ssl_name: [1, 1], proxy_ssl_verify: [1, 1], proxy_ssl_trusted_certificate: [1, 1],
  proxy_connect_timeout: [1, 1], proxy_read_timeout: [1, 1], proxy_send_timeout: [1, 1], proxy_next_upstream: [1, 2], proxy_next_upstream_tries: [1, 1],
  proxy_cache: [1, 1], proxy_cache_key: [1, 1], proxy_cache_methods: [1, 3], proxy_cache_valid: [2, 8], proxy_no_cache: [1, 64], proxy_cache_bypass: [1, 64], proxy_request_buffering: [1, 1], proxy_pass_request_body: [1, 1], proxy_pass_request_headers: [1, 1],
};

const spec = fc.record({
  segments: fc.array(fc.array(fc.oneof(pathy, fc.constant('{p}')), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 }),
  methods: fc.array(fc.constantFrom<HttpMethod>('GET', 'POST', 'DELETE'), { minLength: 3, maxLength: 3 }),
  host: fc.option(mostlyOk('api.example.com'), { nil: undefined }),
  setHeaders: fc.dictionary(mostlyOk('X-Ok'), hostile, { maxKeys: 2 }),
  removeHeader: mostlyOk('X-Debug'),
  responseValue: hostile,
  origin: mostlyOk('https://ok.example.com'),
  corsHeader: mostlyOk('Content-Type'),
  mockBody: hostile,
  mockType: mostlyOk('application/json'),
  mockHeader: fc.tuple(mostlyOk('X-Mock'), hostile),
  backendHost: mostlyOk('backend.internal'),
  backendPath: pathy.map((h) => `/${h}`),
  upstream: pathy.map((h) => `/${h}`),
  ip: mostlyOk('10.0.0.0/8'),
  keyName: mostlyOk('x-api-key'),
  consumer: hostile,
  envName: mostlyOk('API_KEY'),
  limitHeader: mostlyOk('x-tenant'),
  secure: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
});

type Spec = typeof spec extends fc.Arbitrary<infer T> ? T : never;

function makeGateway(s: Spec): Gateway {
  const routes: Route[] = s.segments.map((segs, i) => {
    let n = 0;
    const path = `/${segs.map((x) => (x === '{p}' ? `{p${n++}}` : x)).join('/')}`;
    const r = route(`r${i}`, s.methods[i]!, path, { hosts: s.host ? [s.host] : [] });
    if (s.secure[i]) r.security = [[{ scheme: 'key', scopes: [] }]];
    return r;
  });
  const [r0, r1, r2] = routes;
  r0!.policy = {
    requestHeaders: { set: s.setHeaders, remove: [s.removeHeader], loc: loc() },
    responseHeaders: { set: { 'X-Resp': s.responseValue }, remove: [], loc: loc() },
    cors: { origins: [s.origin], methods: ['GET'], headers: [s.corsHeader], exposeHeaders: [], credentials: true, loc: loc() },
    ipRule: { allow: [s.ip], deny: [], loc: loc() },
    rateLimit: { requests: 5, per: 'second', by: { header: s.limitHeader }, burst: 0, loc: loc() },
    cache: { ttlMs: 1000, methods: ['GET'], keyHeaders: [s.limitHeader], keyQuery: true, loc: loc() },
  };
  if (r0!.params.length > 0) r0!.upstreamPath = { template: `${s.upstream}/{${r0!.params[0]}}`, loc: loc() };
  else r0!.upstreamPath = { template: s.upstream, loc: loc() };
  if (r1) r1.backend = 'mock';
  if (r2) r2.backend = 'remote';
  return gateway(routes, {
    backends: [
      httpBackend('app'),
      httpBackend('remote', s.backendHost, 8080, s.backendPath),
      { name: 'mock', loc: loc(), kind: 'mock', targets: [], hostHeader: 'backend', mock: { status: 200, body: s.mockBody, contentType: s.mockType, headers: { [s.mockHeader[0]]: s.mockHeader[1] }, loc: loc() } },
    ],
    securitySchemes: [keyScheme('key', 'header', s.keyName)],
    consumers: [{ name: s.consumer, loc: loc(), groups: [], credentials: [{ scheme: 'key', kind: 'apiKey', key: { kind: 'env', name: s.envName, raw: `\${env:${s.envName}}` }, loc: loc() }] }],
  });
}

function check(g: Gateway, conf: string, dollar: string): void {
  const all = walk(parseConf(conf));
  for (const { d, context } of all) {
    const parent = context[context.length - 1];
    if (parent === 'map' || parent === 'geo') {
      expect(d.args.length, `${d.name} in ${parent}`).toBe(1);
      continue;
    }
    const arity = ARITY[d.name];
    expect(arity, `unexpected directive ${JSON.stringify(d.name)} ${JSON.stringify(d.args)}`).toBeDefined();
    expect(d.args.length >= arity![0] && d.args.length <= arity![1], `${d.name} ${JSON.stringify(d.args)}`).toBe(true);
  }
  const locations = all.filter(({ d }) => d.name === 'location');
  const inside = (l: Directive, name: string) => (l.block ?? []).filter((x) => x.name === name);
  for (const { d: l } of locations) {
    if (inside(l, 'auth_request').length + inside(l, 'allow').length + inside(l, 'deny').length + inside(l, 'limit_req').length > 0) {
      expect(inside(l, 'return'), `return beside an access check in ${l.args.join(' ')}`).toEqual([]);
      // The only answers before the checks: a 405 for another method, or a rewrite to another location.
      for (const f of inside(l, 'if')) {
        const body = f.block ?? [];
        const rewrite = body.length === 1 && body[0]!.name === 'rewrite' && body[0]!.args[2] === 'last';
        const wrongMethod = f.args[0] === '($request_method' && f.args[1] === '!=' && body.filter((x) => x.name === 'return').map((x) => x.args[0]).join() === '405';
        // A method override in the query (_method) is refused before anything is checked: an error, never an answer.
        const override = /^\(\$\w+_override\)$/.test(f.args.join(' ')) && body.length === 1 && body[0]!.name === 'return' && body[0]!.args.join() === '400';
        // A request its own route did not admit (templates-route.ts) or, verified before its limit, without an identity: 403.
        const admitted = /^\(\$(\w+)_admit != \$\1_route\)$|^\(\$\w+_id_key = ""\)$/.test(f.args.join(' ')) && body.length === 1 && body[0]!.name === 'return' && body[0]!.args.join() === '403';
        expect(rewrite || wrongMethod || override || admitted, `if ${f.args.join(' ')} { ${body.map((x) => x.name).join('; ')} } beside an access check`).toBe(true);
        expect(body.every((x) => ['rewrite', 'return', 'add_header'].includes(x.name))).toBe(true);
      }
    }
  }
  for (const [i, r] of g.routes.entries()) {
    // The route's own location: its internal one, or its path location when served inline.
    const own = locations.filter(({ d }) => inside(d, 'set').some((x) => /_route$/.test(x.args[0]!) && x.args[1] === String(i)));
    expect(own.length).toBeGreaterThan(0);
    // The body-check location (js_content bodyCheck) only reads the body and redirects to the route's.
    for (const { d } of own.filter(({ d }) => !inside(d, 'js_content').some((x) => /\.bodyCheck$/.test(x.args[0]!)))) expect(inside(d, 'auth_request').length).toBe(r.security.length > 0 ? 1 : 0);
    // The path comes back byte for byte as the exact location's name, or its regex matches it.
    if (r.params.length === 0) expect(locations.some(({ d }) => d.args[0] === '=' && d.args[1] === r.publicPath)).toBe(true);
  }
  const sets = all.filter(({ d }) => d.name === 'proxy_set_header').map(({ d }) => d.args);
  for (const [k, v] of Object.entries(g.routes[0]!.policy.requestHeaders?.set ?? {})) {
    expect(sets).toContainEqual([k, v.split('$').join(`\${${dollar}}`)]);
  }
}

describe.skipIf(!NGINX)('hostile specs', () => {
  it('every accepted spec passes nginx -t and adds no directive the compiler did not intend', async () => {
    let accepted = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(spec, async (s) => {
        const g = makeGateway(s);
        if (g.routes.some((r) => r.segments.length === 0)) return;
        const keys = new Set(g.routes.map((r) => `${r.method} ${r.publicPath}`));
        if (keys.size !== g.routes.length) return;
        const dir = prefixDir();
        const port = await freePort();
        try {
          const r = build(g, fullOptions(dir, port));
          const errors = r.diagnostics.filter((d) => d.severity === 'error');
          if (errors.length > 0) {
            refused++;
            if (process.env.GWC_DEBUG) console.log(errors.map((e) => e.message).join(' / '));
            for (const e of errors) expect(['nginx-value-refused', 'nginx-path-unroutable', 'capability-unsupported']).toContain(e.code);
            for (const e of errors) expect(e.message).not.toMatch(/[\u0000-\u001f]/);
            return;
          }
          accepted++;
          const conf = r.files.find((f) => f.path === 'conf.d/test.conf')!.contents;
          check(g, conf, 'gwc_test_dollar');
          writeFiles(dir, r.files);
          const t = nginxTest(dir, gatewayHosts(g)) ?? nginxTest(dir);
          expect(t!.output, conf).toBe('');
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: Number(process.env.GWC_PROPERTY_RUNS ?? 300) },
    );
    if (process.env.GWC_DEBUG) console.log({ accepted, refused });
    // The generator must exercise both sides, or the property says little.
    expect(accepted).toBeGreaterThan(5);
    expect(refused).toBeGreaterThan(5);
  });
});
