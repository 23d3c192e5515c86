/**
 * Names gwc derives from user text (upstreams from backends, variables from forward-auth header
 * names, files from the gateway name) stay within what nginx accepts whatever the text's length:
 * a variable over 46 characters fails `nginx -t` ("could not build variables_hash") with the
 * default variables_hash_bucket_size. Each case is a gateway with 200-character names that must
 * pass the real `nginx -t`, and names that `ident` folds together must stay apart.
 */
import { describe, expect, it } from 'vitest';
import { bounded, MAX_VARIABLE, namePrefix } from '../../../src/targets/nginx/context.js';
import type { Gateway, SecurityScheme } from '../../../src/model/types.js';
import { nginxCheckGateway } from '../../helpers/checkers.js';
import { parseConf, walk } from './conf-parse.js';
import { NGINX } from './harness.js';
import { build, gateway, httpBackend, keyScheme, loc, route, url } from './model.js';

const long = (stem: string, n = 200) => (stem + '-x'.repeat(n)).slice(0, n);
const HEADER_MAX = 128; // escape.ts headerName: the longest header name gwc carries

const forward = (name: string, responseHeaders: string[]): SecurityScheme => ({
  name,
  loc: loc(`/components/securitySchemes/${name}`),
  openapiType: 'http',
  kind: 'forward',
  forwardAuth: { url: url('http', 'auth.internal', 9000, '/verify'), requestHeaders: [long('X-Req', HEADER_MAX)], responseHeaders, loc: loc() },
  hideCredentials: false,
});

/** A gateway with every user-named thing 200 characters long (header names: the 128 gwc accepts). */
function longGateway(): Gateway {
  const keyName = long('key-scheme');
  const fwdName = long('forward-scheme');
  const backendA = long('orders-backend');
  const backendB = `${backendA.slice(0, -1)}y`; // same start as A: the shortened names differ only by their tag
  const faHeaders = [long('X-User-Id', HEADER_MAX), long('X_User_Id', HEADER_MAX), long('X-User-Ix', HEADER_MAX)];
  const g = gateway(
    [
      route(long('getOrderWithAVeryLongOperationId'), 'GET', '/orders/{id}', {
        backend: backendA,
        security: [[{ scheme: keyName, scopes: [] }], [{ scheme: fwdName, scopes: [] }]],
        policy: {
          rateLimit: { requests: 10, per: 'second', by: { header: long('X-Tenant', HEADER_MAX) }, burst: 0, loc: loc() },
          cache: { ttlMs: 1000, methods: ['GET'], keyHeaders: [long('X-Variant', HEADER_MAX)], keyQuery: true, loc: loc() },
          requestHeaders: { set: { [long('X-Set', HEADER_MAX)]: 'v' }, remove: [], loc: loc() },
        },
      }),
      route(long('postOrderWithAVeryLongOperationId'), 'POST', '/orders', { backend: backendB, security: [[{ scheme: fwdName, scopes: [] }]] }),
      route(long('a-third'), 'GET', '/third', { backend: 'orders-backend' }),
      route(long('a-fourth'), 'GET', '/fourth', { backend: 'orders_backend' }),
    ],
    {
      name: long('A gateway whose name goes on and on'),
      backends: [httpBackend(backendA, 'orders.internal'), httpBackend(backendB, 'orders.internal'), httpBackend('orders-backend'), httpBackend('orders_backend')],
      securitySchemes: [{ ...keyScheme(keyName, 'header', long('X-Api-Key', HEADER_MAX)) }, forward(fwdName, faHeaders)],
      consumers: [{ name: long('a-consumer'), loc: loc(), groups: [long('group')], credentials: [{ scheme: keyName, kind: 'apiKey', key: { kind: 'env', name: 'K', raw: '${env:K}' }, loc: loc() }] }],
    },
  );
  return g;
}

describe('names derived from user text', () => {
  it('bounded() keeps short names and shortens long ones with a tag of the source', () => {
    expect(bounded('gwc_a', 'a', 46)).toBe('gwc_a');
    const a = bounded(`gwc_${'a'.repeat(100)}`, 'A', 46);
    expect(a.length).toBeLessThanOrEqual(46);
    expect(a).not.toBe(bounded(`gwc_${'a'.repeat(100)}`, 'B', 46));
    expect(namePrefix(long('g')).length).toBeLessThanOrEqual(24);
  });

  it('every variable, upstream and zone name is at most 46 characters, and distinct per thing', () => {
    const r = build(longGateway(), { mode: 'full' });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const conf = r.files.find((f) => f.path.startsWith('conf.d/'))!.contents;
    const declared: string[] = [];
    for (const { d } of walk(parseConf(conf))) {
      if (d.name === 'set' || d.name === 'auth_request_set') declared.push(d.args[0]!.slice(1));
      if (d.name === 'map' || d.name === 'geo' || d.name === 'js_set') declared.push(d.args.at(d.name === 'js_set' ? 0 : -1)!.slice(1));
      if (d.name === 'upstream') declared.push(d.args[0]!);
      if (d.name === 'limit_req_zone' || d.name === 'proxy_cache_path') declared.push(/zone=([^:]+)/.exec(d.args.join(' '))![1]!);
    }
    expect(declared.length).toBeGreaterThan(10);
    for (const name of declared) expect(name.length, name).toBeLessThanOrEqual(MAX_VARIABLE);
    const upstreams = [...conf.matchAll(/^upstream (\S+) \{/gm)].map((m) => m[1]!);
    expect(new Set(upstreams).size).toBe(4);
    const fa = [...new Set([...conf.matchAll(/auth_request_set \$(\S+_fa_\S+) /g)].map((m) => m[1]!))];
    expect(fa.length).toBe(3);
    for (const f of r.files) expect(f.path.split('/').at(-1)!.length, f.path).toBeLessThanOrEqual(80);
  });

  it('the same text always gets the same name (compiling twice, or in another route order)', () => {
    const g = longGateway();
    const once = build(g).files;
    const reversed = build({ ...g, routes: [...g.routes].reverse() }).files;
    const upstreamsOf = (files: typeof once) => [...files[0]!.contents.matchAll(/^upstream (\S+) \{/gm)].map((m) => m[1]).sort();
    expect(upstreamsOf(reversed)).toEqual(upstreamsOf(once));
    expect(build(g).files).toEqual(once);
  });

  it.skipIf(!NGINX)('nginx -t accepts the gateway with 200-character names', () => {
    const check = nginxCheckGateway(longGateway());
    if (!check) return console.warn('*** SKIPPING: no private mount namespace for /etc/hosts ***');
    // A name too long for the bucket is an emerg ("could not build variables_hash"); the warning that
    // the hash is not optimal (many variables in a 1024 table) is not a failure.
    expect(check.output).not.toMatch(/could not build variables_hash|emerg/);
    expect(check.ok, check.output).toBe(true);
  });

  // 46 is the longest name the default 64-byte bucket holds; past it gwc raises the server's bucket size.
  it.skipIf(!NGINX).each([
    [46, undefined],
    [47, 128],
    [HEADER_MAX, 256],
  ])('a %i-character header name passes nginx -t (proxy_headers_hash_bucket_size %s)', (n, bucket) => {
    const name = long('X-Set', n);
    const g = gateway([route('r', 'GET', '/r', { policy: { requestHeaders: { set: { [name]: 'v' }, remove: [name.replace(/^X/, 'Y')], loc: loc() } } })]);
    const conf = build(g).files.find((f) => f.path.startsWith('conf.d/'))!.contents;
    expect(/proxy_headers_hash_bucket_size (\d+);/.exec(conf)?.[1]).toBe(bucket?.toString());
    const check = nginxCheckGateway(g);
    if (check) expect(check.ok, check.output).toBe(true);
  });

  it('a header name over 128 characters is refused with a diagnostic, not left to nginx -t', () => {
    const g = longGateway();
    g.securitySchemes[1] = forward(g.securitySchemes[1]!.name, [long('X-User-Id', 200)]);
    const e = build(g).diagnostics.filter((d) => d.severity === 'error');
    expect(e.map((d) => d.code)).toEqual(['nginx-value-refused']);
    expect(e[0]!.params).toMatchObject({ what: 'header name', value: long('X-User-Id', 200) });
  });
});
