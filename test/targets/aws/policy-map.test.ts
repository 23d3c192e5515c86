/**
 * The aws target's policy maps (issue #17 item 5), both flavours: each answers every PolicyId,
 * `UNSUPPORTED` exactly where the flavour's capability table says `unsupported` for the policy's
 * feature, and the compile reaches each supported policy only through its map (emptying an entry
 * drops that policy from the template).
 */
import { describe, expect, it } from 'vitest';
import { compileGateway } from '../../../src/api.js';
import { POLICY_FEATURE, POLICY_IDS, type PolicyId } from '../../../src/model/policies/ids.js';
import { AWS_CAPABILITIES } from '../../../src/targets/aws/capabilities.js';
import { AWS_HTTP_CAPABILITIES } from '../../../src/targets/aws/http/capabilities.js';
import { AWS_HTTP_POLICIES } from '../../../src/targets/aws/http/policies.js';
import { awsHttpTarget } from '../../../src/targets/aws/http/index.js';
import { awsTarget } from '../../../src/targets/aws/index.js';
import { AWS_POLICIES } from '../../../src/targets/aws/policies.js';
import { UNSUPPORTED } from '../../../src/targets/policy-map.js';
import type { CapabilityTable } from '../../../src/targets/target.js';
import { gatewayOf, HEAD } from '../../helpers/spec.js';
import { spec as httpSpec } from './http/helpers.js';

const FLAVOURS = [
  { name: 'REST', map: AWS_POLICIES as Record<PolicyId, unknown>, table: AWS_CAPABILITIES, target: awsTarget },
  { name: 'HTTP API', map: AWS_HTTP_POLICIES as Record<PolicyId, unknown>, table: AWS_HTTP_CAPABILITIES as CapabilityTable, target: awsHttpTarget },
];

describe.each(FLAVOURS)('aws $name: the policy map agrees with the capability table', ({ map, table, target }) => {
  it('is the Target\'s policies', () => {
    expect(target.policies).toBe(map);
  });

  it.each([...POLICY_IDS])('%s: UNSUPPORTED exactly when its feature is unsupported', (id) => {
    const support = table[POLICY_FEATURE[id]]?.support;
    expect(support, `${id}: no capability answer`).toBeDefined();
    expect(map[id] === UNSUPPORTED, `${id} (${POLICY_FEATURE[id]}: ${support})`).toBe(support === 'unsupported');
  });

  it('each supported entry names at least one hook of the compiler', () => {
    for (const id of POLICY_IDS) {
      const entry = map[id];
      if (entry === UNSUPPORTED) continue;
      const hooks = Object.values(entry as Record<string, unknown>);
      expect(hooks.length, id).toBeGreaterThan(0);
      for (const hook of hooks) expect(typeof hook, id).toBe('function');
    }
  });
});

/** Every policy REST supports, on one GET (rate limit, CORS, cache, IP rule, headers, access log) and one PUT (validation). */
const REST_SPEC = `${HEAD}x-gateway:
  backends: { api: { url: https://api.example.com } }
  defaults: { backend: api }
paths:
  /items/{id}:
    parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
    get:
      operationId: getItem
      x-gateway:
        public: true
        rateLimit: { requests: 10, per: second, by: ip }
        cors: { origins: [https://a.example.com] }
        cache: { ttl: 60s }
        ipAllow: [10.0.0.0/8]
        requestHeaders: { set: { X-From: gwc } }
        accessLog: true
      responses: { '200': { description: ok } }
    put:
      operationId: putItem
      x-gateway: { public: true, validate: true }
      requestBody: { required: true, content: { application/json: { schema: { type: object } } } }
      responses: { '200': { description: ok } }
`;

/** Every policy the HTTP API flavour supports, on one route. */
const HTTP_SPEC = httpSpec(`  /a:
    get:
      operationId: a
      security: [{ oidc: [] }]
      x-gateway:
        rateLimit: { requests: 10, per: second, by: ip }
        cors: { origins: [https://a.example.com] }
        requestHeaders: { set: { X-From: gwc } }
        accessLog: true
      responses: { '200': { description: ok } }
`);

async function templateOf(text: string, options: Record<string, string>): Promise<string> {
  const loaded = await gatewayOf(text);
  expect(loaded.gateway, JSON.stringify(loaded.diagnostics)).toBeDefined();
  const r = compileGateway(loaded.gateway!, 'aws', options, loaded.spec);
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r.files[0]?.contents ?? '';
}

const CALLS: Array<{ name: string; map: Record<PolicyId, unknown>; text: string; options: Record<string, string> }> = [
  { name: 'REST', map: AWS_POLICIES as unknown as Record<PolicyId, unknown>, text: REST_SPEC, options: {} },
  { name: 'HTTP API', map: AWS_HTTP_POLICIES as unknown as Record<PolicyId, unknown>, text: HTTP_SPEC, options: { api: 'http' } },
];

describe.each(CALLS)('aws $name: the compile emits each policy through its map', ({ map, text, options }) => {
  const supported = POLICY_IDS.filter((id) => map[id] !== UNSUPPORTED);

  it.each(supported)('%s: its entry emptied, the template loses it', async (id) => {
    const full = await templateOf(text, options);
    const entry = map[id];
    map[id] = {};
    try {
      const without = await templateOf(text, options);
      expect(without).not.toBe(full);
    } finally {
      map[id] = entry;
    }
    expect(await templateOf(text, options)).toBe(full);
  });
});
