/**
 * TRAEFIK_POLICIES (src/targets/traefik/policy-map.ts) against Traefik's capability table: a policy
 * is UNSUPPORTED in the map exactly when its feature is `unsupported` in the table, so the map
 * never names code the core would refuse to run, and never leaves out code for a feature the
 * table promises. The route compile runs policies only through the map: the chain order it
 * builds from the map's slots is pinned here, and a plan that enforces a policy the map cannot
 * compile fails closed.
 */
import { describe, expect, it } from 'vitest';
import { POLICY_FEATURE, POLICY_IDS } from '../../../src/model/policies/ids.js';
import { UNSUPPORTED } from '../../../src/targets/policy-map.js';
import { checkCapabilities } from '../../../src/targets/capability-check.js';
import { TRAEFIK_CAPABILITIES } from '../../../src/targets/traefik/capabilities.js';
import { compileTraefik, traefikTarget } from '../../../src/targets/traefik/index.js';
import { TRAEFIK_POLICIES } from '../../../src/targets/traefik/policy-map.js';
import { HEAD, gatewayOf, writeSpec } from '../../helpers/spec.js';
import { compileCase } from './cases.js';

describe('traefik: policy map', () => {
  it.each(POLICY_IDS.map((id) => [id]))('%s: UNSUPPORTED in the map exactly when unsupported in the capability table', (id) => {
    const unsupportedInMap = TRAEFIK_POLICIES[id] === UNSUPPORTED;
    const unsupportedInTable = TRAEFIK_CAPABILITIES[POLICY_FEATURE[id]].support === 'unsupported';
    expect(unsupportedInMap, `${id} (feature ${POLICY_FEATURE[id]})`).toBe(unsupportedInTable);
  });

  it('answers every policy id, and is the map the traefik target declares', () => {
    expect(Object.keys(TRAEFIK_POLICIES).sort()).toEqual([...POLICY_IDS].sort());
    expect(traefikTarget.policies).toBe(TRAEFIK_POLICIES);
  });
});

const BASE = `${HEAD}servers: [{ url: https://api.example.com }]
x-gateway:
  backends: { app: { url: http://app.example.com:8080 } }
components:
  securitySchemes:
    hk: { type: apiKey, in: header, name: X-Api-Key, x-gateway: { forwardAuth: { url: 'http://auth.example.com:9000/check' } } }
paths:
`;

const ALL = `rateLimit: { requests: 3, per: minute, by: RATE_BY }, cors: { origins: [https://app.example.com] }, ipAllow: [10.0.0.0/8], bodyLimit: 1k, requestHeaders: { set: { X-Req: a } }, responseHeaders: { set: { X-Res: b } }`;

const op = (path: string, by: string) =>
  `  ${path}: { post: { security: [{ hk: [] }], x-gateway: { ${ALL.replace('RATE_BY', by)} }, responses: { '200': { description: ok } } } }\n`;

/** The kinds of an operation router's middlewares, in chain order. */
async function chainOf(path: string, by: string): Promise<string[]> {
  const { built } = await compileCase(writeSpec(BASE + op(path, by)));
  const config = built!.config!;
  const router = Object.entries(config.http.routers).find(([name]) => !/preflight|other-methods/.test(name))![1];
  return (router.middlewares ?? []).map((n) => {
    const mw = config.http.middlewares![n] as Record<string, any>;
    if (n.includes('clear-inputs')) return 'clears';
    if (mw.headers?.accessControlAllowOriginList) return 'cors';
    if (n.endsWith('-hide')) return 'hide';
    if (mw.headers) return 'headers';
    return Object.keys(mw)[0]!;
  });
}

describe('traefik: the chain the route compile builds from the map', () => {
  // redirectRegex first: a query name a backend reads as _method is denied before anything runs (query-names.ts).
  it('a per-IP limit runs before auth, after the IP rule', async () => {
    expect(await chainOf('/by-ip', 'ip')).toEqual(['redirectRegex', 'clears', 'cors', 'ipAllowList', 'rateLimit', 'forwardAuth', 'hide', 'buffering', 'headers', 'replacePathRegex']);
  });
  it('a per-consumer limit runs after auth and before the credential is removed', async () => {
    expect(await chainOf('/by-consumer', 'consumer')).toEqual(['redirectRegex', 'clears', 'cors', 'ipAllowList', 'forwardAuth', 'rateLimit', 'hide', 'buffering', 'headers', 'replacePathRegex']);
  });
  it('the request and response header policies share one headers middleware', async () => {
    const { built } = await compileCase(writeSpec(BASE + op('/h', 'ip')));
    const headers = Object.values(built!.config!.http.middlewares!).filter((m) => 'headers' in m && m.headers.customResponseHeaders?.['X-Res']);
    expect(headers).toEqual([{ headers: { customRequestHeaders: { 'X-Req': 'a' }, customResponseHeaders: { 'X-Res': 'b' } } }]);
  });
});

describe('traefik: a policy the plan enforces but the map cannot compile', () => {
  it('fails closed with internal-error at the route, no files', async () => {
    const { gateway } = await gatewayOf(`${BASE}  /c: { get: { security: [{ hk: [] }], x-gateway: { cache: { ttl: 60s } }, responses: { '200': { description: ok } } } }\n`);
    // The table and the map disagree: the table says cache is native, the map has no code for it.
    const { plan, diagnostics } = checkCapabilities(gateway!, { ...traefikTarget, capabilities: { ...TRAEFIK_CAPABILITIES, cache: { support: 'native' } } });
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(plan.enforced('get_c', 'cache')).toBe(true);
    const { result } = compileTraefik(gateway!, plan, { options: {} });
    expect(result.files).toEqual([]);
    expect(result.diagnostics).toContainEqual(
      expect.objectContaining({ code: 'internal-error', severity: 'error', params: { detail: 'traefik: cache is enforced on get_c but has no compiler' }, loc: expect.objectContaining({ pointer: '/paths/~1c/get' }) }),
    );
  });
});
