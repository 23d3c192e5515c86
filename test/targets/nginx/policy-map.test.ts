/**
 * nginx's policy map (src/targets/nginx/policy-map.ts, issue #17 item 5): one answer per policy
 * id, `UNSUPPORTED` exactly where the capability table says `unsupported`, and the compile calls
 * through it (a stubbed entry's output disappears), in the order the view is assembled.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { compileGateway } from '../../../src/api.js';
import { POLICY_FEATURE, POLICY_IDS, type PolicyId } from '../../../src/model/policies/ids.js';
import { nginxTarget } from '../../../src/targets/nginx/index.js';
import { NGINX_CAPABILITIES } from '../../../src/targets/nginx/capabilities.js';
import { NGINX_POLICIES, type NginxPolicy } from '../../../src/targets/nginx/policy-map.js';
import { UNSUPPORTED } from '../../../src/targets/policy-map.js';
import { gatewayOf, HEAD } from '../../helpers/spec.js';

/** One public route that sets every policy (validate with a typed query parameter and a JSON body). */
const SPEC = `${HEAD}x-gateway:
  name: pm
  backends: { app: { url: http://app.internal:8080 } }
  defaults:
    backend: app
    public: true
    rateLimit: { requests: 10, per: second }
    cors: { origins: [https://shop.example.com] }
    cache: { ttl: 30s }
    ipAllow: [10.0.0.0/8]
    bodyLimit: 4kb
    requestHeaders: { set: { X-Gateway: pm } }
    responseHeaders: { set: { X-Served-By: pm } }
    accessLog: true
    validate: { body: true, parameters: true }
paths:
  /items:
    post:
      operationId: addItem
      parameters: [{ name: n, in: query, schema: { type: integer } }]
      requestBody: { content: { application/json: { schema: { type: object } } } }
      responses: { '200': { description: ok } }
`;

async function build() {
  const loaded = await gatewayOf(SPEC);
  expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const built = compileGateway(loaded.gateway!, 'nginx');
  expect(built.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const conf = built.files.find((f) => f.path.startsWith('conf.d/'))!.contents;
  return { conf, files: built.files.map((f) => f.path) };
}

/** What each policy writes into the conf (or, for validate, the module it adds). */
const MARK: Record<PolicyId, (b: Awaited<ReturnType<typeof build>>) => boolean> = {
  rateLimit: (b) => b.conf.includes('limit_req_zone') && b.conf.includes('limit_req zone='),
  cors: (b) => b.conf.includes('map $http_origin') && b.conf.includes('Access-Control-Allow-Methods'),
  cache: (b) => b.conf.includes('proxy_cache_path') && b.conf.includes('proxy_cache gwc_pm_cache;'),
  ipRule: (b) => b.conf.includes('allow 10.0.0.0/8;'),
  bodyLimit: (b) => b.conf.includes('client_max_body_size 4096;'),
  requestHeaders: (b) => b.conf.includes('proxy_set_header X-Gateway "pm";'),
  responseHeaders: (b) => b.conf.includes('add_header X-Served-By "pm" always;'),
  accessLog: (b) => b.conf.includes('access_log '),
  validate: (b) => b.files.some((f) => f.endsWith('.validate.js')) && b.conf.includes('validateRequest'),
};

afterEach(() => vi.restoreAllMocks());

describe('nginx policy map', () => {
  it('answers every policy id, UNSUPPORTED exactly where the capability table says unsupported', () => {
    expect(Object.keys(NGINX_POLICIES).sort()).toEqual([...POLICY_IDS].sort());
    for (const id of POLICY_IDS) {
      const unsupported = NGINX_CAPABILITIES[POLICY_FEATURE[id]].support === 'unsupported';
      expect({ id, unsupported: NGINX_POLICIES[id] === UNSUPPORTED }).toEqual({ id, unsupported });
    }
  });

  it('is the nginx target’s policies', () => {
    expect(nginxTarget.policies).toBe(NGINX_POLICIES);
  });

  it('runs in the order the route view is assembled (access controls, then proxy, then the validate location)', () => {
    expect(Object.keys(NGINX_POLICIES)).toEqual(['accessLog', 'cors', 'ipRule', 'bodyLimit', 'rateLimit', 'requestHeaders', 'responseHeaders', 'cache', 'validate']);
    const stages = Object.values(NGINX_POLICIES).map((p) => (p === UNSUPPORTED ? 'unsupported' : p.stage));
    expect(stages).toEqual(['access', 'access', 'access', 'access', 'access', 'access', 'access', 'proxy', 'check']);
  });

  it('a route that sets every policy gets each one’s directives', async () => {
    const b = await build();
    for (const id of POLICY_IDS) expect({ id, emitted: MARK[id](b) }).toEqual({ id, emitted: true });
  });

  it.each(POLICY_IDS.filter((id) => NGINX_POLICIES[id] !== UNSUPPORTED))('the compile calls through the map: %s stubbed out is not emitted', async (id) => {
    const entry = NGINX_POLICIES[id] as NginxPolicy;
    const spy = vi.spyOn(entry, 'route').mockImplementation(() => {});
    if (entry.http) vi.spyOn(entry as Required<NginxPolicy>, 'http').mockImplementation(() => ({}));
    const b = await build();
    expect(spy).toHaveBeenCalledTimes(1);
    expect(spy.mock.calls[0]![0].route.id).toBe('addItem');
    expect(MARK[id](b)).toBe(false);
    // The other policies are untouched.
    for (const other of POLICY_IDS.filter((o) => o !== id)) expect({ other, emitted: MARK[other](b) }).toEqual({ other, emitted: true });
  });

  it.each([
    ['ipRule', '/x-gateway/defaults/ipAllow'],
    ['rateLimit', '/x-gateway/defaults/rateLimit'],
    ['cache', '/x-gateway/defaults/cache'],
    ['validate', '/x-gateway/defaults/validate'],
  ] as const)('fails closed: %s enforced by the plan but UNSUPPORTED in the map refuses the build at the policy (%s)', async (id, pointer) => {
    const map = NGINX_POLICIES as Record<PolicyId, unknown>;
    const saved = map[id];
    map[id] = UNSUPPORTED;
    try {
      const loaded = await gatewayOf(SPEC);
      const built = compileGateway(loaded.gateway!, 'nginx');
      expect(built.files).toEqual([]);
      expect(built.diagnostics.map((d) => [d.code, d.params, d.loc?.pointer])).toEqual([
        ['internal-error', { detail: `route addItem: nginx has no code for policy ${id}, which the capability plan enforces` }, pointer],
      ]);
    } finally {
      map[id] = saved;
    }
  });
});
