/**
 * AWS: `_method` in the QUERY in a spelling other than the exact name. API Gateway blanks (REST:
 * integration.request.querystring._method = '') or removes (HTTP API: remove:querystring._method)
 * the one exact name, so `POST /items?[_method]=DELETE` (Express's qs reads `[_method]` as
 * `_method`), `?_method]=` and `?]_method=` (Rack 2), `?.method=` (PHP: Symfony's getMethod reads
 * the query's `_method` on a POST) reached the backend as sent: a method-override backend ran the
 * keyed DELETE for an anonymous POST. The body check (aws-body-method-override) refuses such a pair
 * unless the backend says `methodOverride: none`, which speaks for the body only: such a backend
 * is now refused too, aws-query-method-override, unless it also says `queryNames: exact` (it reads
 * `_method` only as sent, the spelling blanked). Oracles: test/targets/aws/oracle.ts, http/oracle.ts;
 * the backend's reading is query-names.ts queryNameAsRead (the rule nginx and Kong refuse by).
 */
import { describe, expect, it } from 'vitest';
import { build, coded, spec } from '../targets/aws/security-helpers.js';
import { buildHttp } from '../targets/aws/http/helpers.js';
import { HttpApiOracle } from '../targets/aws/http/oracle.js';
import { queryNameAsRead } from '../../src/targets/query-names.js';
import { buildTarget } from '../../src/api.js';
import { lint } from '../../src/lint/index.js';
import { HEAD, writeSpec } from '../helpers/spec.js';

const SPELLINGS = ['[_method]', '_method]', ']_method', '[[_method]]', '%5B_method%5D', '_METHOD]', '_method[]'];
const paths = { '/items': { post: { operationId: 'create' }, delete: { operationId: 'wipe', security: [{ key: [] }] } } };
const consumers = { ops: { credentials: { key: '${env:OPS_KEY}' } } };
const backend = (extra: Record<string, string>) => ({ app: { url: 'https://app.example.com', methodOverride: 'none', ...extra } });
/** What a method-override backend runs for a POST: the method its query's `_method`, as it reads names, says. */
const runs = (query: Record<string, string | string[]>) => {
  const hit = Object.entries(query).find(([k, v]) => queryNameAsRead(k) === '_method' && [v].flat()[0] !== '');
  return hit ? String([hit[1]].flat()[0]).toUpperCase() : 'POST';
};
const httpSpec = (extra: string) => `${HEAD}x-gateway:
  backends: { app: { url: https://app.example.com, methodOverride: none${extra} } }
  defaults: { backend: app }
paths:
  /items:
    post: { operationId: create, x-gateway: { public: true }, responses: { '200': { description: ok } } }
    delete: { operationId: wipe, security: [{ key: [] }], responses: { '200': { description: ok } } }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: X-Token, x-gateway: { lambdaAuthorizer: { arn: 'arn:aws:lambda:eu-west-1:123456789012:function:authz', type: request, identitySource: [method.request.header.X-Token] } } }
`;

describe('aws: ?[_method]=DELETE on an anonymous POST never runs the keyed DELETE', async () => {
  const rest = await build(spec(paths, { consumers, backends: backend({}) }));
  const restExact = await build(spec(paths, { consumers, backends: backend({ queryNames: 'exact' }) }));
  const http = await buildHttp(httpSpec(''));
  const httpExact = await buildHttp(httpSpec(', queryNames: exact'));

  it('the mechanism: every spelling is `_method` to the backend, and the exact-name mapping passes it on (queryNames: exact build)', () => {
    for (const s of SPELLINGS) expect(queryNameAsRead(s), s).toBe('_method');
    expect(restExact.errors).toEqual([]);
    for (const s of SPELLINGS.filter((x) => !x.includes('%'))) {
      const d = restExact.oracle!.request({ method: 'POST', path: '/items', query: { [s]: 'DELETE' } });
      expect(d.status, s).toBe(200);
      // Passed on as sent: a backend reading names leniently would run DELETE (queryNames: exact says it does not).
      expect(runs(d.upstream!.query), s).toBe('DELETE');
    }
    // The exact name itself is blanked.
    expect(runs(restExact.oracle!.request({ method: 'POST', path: '/items', query: { _method: 'DELETE' } }).upstream!.query)).toBe('POST');
    expect(httpExact.errors).toEqual([]);
    const o = new HttpApiOracle(httpExact.template!);
    expect(runs(o.upstream('POST /items', {}, { '[_method]': 'DELETE' })!.query)).toBe('DELETE');
    expect(o.upstream('POST /items', {}, { _method: 'DELETE' })!.query._method).toBeUndefined();
  });

  it('REST and HTTP API: refused at the POST operation (aws-query-method-override), naming the backend; no template', () => {
    for (const [flavour, b, t] of [['rest', rest, rest.t], ['http', http, http.template]] as const) {
      expect(coded(b.errors, 'aws-query-method-override', 'aws-body-method-override'), flavour).toEqual([
        { code: 'aws-query-method-override', params: { route: 'create', method: 'POST', other: 'wipe', otherMethod: 'DELETE', path: '/items', backend: 'app' }, pointer: '/paths/~1items/post' },
      ]);
      expect(t, flavour).toBeUndefined();
    }
  });

  it('controls: the same security on both builds; without methodOverride: none the body refusal alone speaks', async () => {
    const same = await build(spec({ '/items': { post: { operationId: 'create', security: [{ key: [] }] }, delete: { operationId: 'wipe', security: [{ key: [] }] } } }, { consumers, backends: backend({}) }));
    expect(same.errors).toEqual([]);
    const plain = await build(spec(paths, { consumers, backends: { app: { url: 'https://app.example.com' } } }));
    expect(plain.errors.map((d) => d.code)).toEqual(['aws-body-method-override']);
  });

  it('gwc lint --target aws (REST and api=http) reports it at the build\'s line:col', async () => {
    const file = writeSpec(httpSpec(''));
    for (const options of [{}, { api: 'http' }] as Array<Record<string, string>>) {
      const built = (await buildTarget(file, { target: 'aws', options })).diagnostics.filter((d) => d.code === 'aws-query-method-override');
      const l = await lint(file, { target: 'aws', targetOptions: { aws: options } } as Parameters<typeof lint>[1]);
      const linted = l.diagnostics.filter((d) => (d.params as { code?: string } | undefined)?.code === 'aws-query-method-override');
      const at = (ds: typeof built) => ds.map((d) => [d.loc?.pointer, d.position?.line, d.position?.column]);
      expect(at(built), JSON.stringify(options)).toEqual([['/paths/~1items/post', expect.any(Number), expect.any(Number)]]);
      expect(at(linted), JSON.stringify(options)).toEqual(at(built));
    }
  });
});
