/**
 * Red team 4 (redB), Traefik per-consumer limits and a consumer's key list (class: limits keyed on
 * something other than the verified consumer; the AWS variant was fixed in 40c9216,
 * aws-limit-consumer-keys).
 *
 * A header API key is verified by forwardAuth on Traefik, and `rateLimit.by: consumer` keys
 * `sourceCriterion.requestHeaderName` on the key header itself (credentials.ts limitKeyHeader: "one
 * whose whole value is the verified caller"). That is one bucket per KEY, not per consumer: alice
 * listing two keys (`credentials: { hk: [k1, k2] }`, the rotation gwc supports on every target)
 * gets the limit once per key, twice in all, with no diagnostic; nginx and Kong count the consumer,
 * and AWS refuses it (aws-limit-consumer-keys). Fix: refuse `by: consumer` on Traefik while a
 * consumer of the route's key scheme lists several keys (as AWS), or key on a verified identity
 * header the key service answers (responseHeaders), never on the key.
 *
 * Since red team 12 a header API key is never the limit's key (per client address, warned:
 * traefik-limit-key-unverified); the refusal below now applies to native basic's verified user.
 * FIXED (policies.ts multiCredentialConsumers): refused as AWS does, new error
 * traefik-limit-consumer-keys at the rateLimit, whenever the limit keys on a credential header
 * (an API key header, or native basic's verified user: a consumer with two basic users is two
 * buckets too). Refused rather than keyed on the consumer: the consumer's name is known to Traefik
 * only through a verifier's answer header gwc does not control (a forward-auth key service's
 * responseHeaders), and a bucket keyed on a header the verifier may not set would fall back to one
 * bucket for everyone or to the client's own value.
 */
import { describe, expect, it } from 'vitest';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { build, compileCase } from '../targets/traefik/cases.js';
import { send, type AuthCall } from '../targets/traefik/traefik-oracle.js';

const ok = "{ '200': { description: ok } }";
const spec = (alice: string) => `${HEAD}servers: [{ url: 'https://api.test/v1' }]
x-gateway:
  name: rt4lim
  backends: { app: { url: 'http://app.internal:8080' } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { hk: ${alice} } }
    bob: { credentials: { hk: '\${env:B1}' } }
paths:
  /orders:
    get:
      operationId: orders
      security: [{ hk: [] }]
      x-gateway: { rateLimit: { requests: 3, per: minute, by: consumer } }
      responses: ${ok}
components:
  securitySchemes:
    hk: { type: apiKey, in: header, name: X-Api-Key, x-gateway: { forwardAuth: { url: 'http://auth.internal/k' } } }
`;
/** The key service: alice's two keys and bob's one (what the operator loads from the spec's consumers). */
const KEYS: Record<string, string> = { 'key-a1': 'alice', 'key-a2': 'alice', 'key-b1': 'bob' };
const auth = (call: AuthCall) => (KEYS[call.headers.get('X-Api-Key') ?? ''] ? { status: 200 } : { status: 401 });

describe('red team 4: Traefik by: consumer counts per key, not per consumer', async () => {
  const two = await compileCase(writeSpec(spec("['${env:A1}', '${env:A2}']")));
  const one = await compileCase(writeSpec(spec("'${env:A1}'")));
  const keyOf = (config: TraefikConfig, key: string) => {
    const o = send(config, { method: 'GET', host: 'api.test', target: '/v1/orders', headers: { 'X-Api-Key': key }, tls: true }, { auth });
    expect(o.status).toBe(200);
    return o.rateLimitKeys.map((k) => k.key).join('|');
  };

  // Red team 12: a header API key is never the limit's key (the limiter reads the first line, the
  // service may verify another): the limit is per client address, so one caller is one bucket.
  it('a header API key limit is per client address (red team 12): one address, one bucket', () => {
    const config = one.built!.config as TraefikConfig;
    expect(keyOf(config, 'key-a1')).toBe(keyOf(config, 'key-b1'));
    expect(one.built!.result.diagnostics.map((d) => d.code)).toContain('traefik-limit-key-unverified');
  });

  // FIXED: refused at the rateLimit (traefik-limit-consumer-keys), never a bucket per key.
  it('alice listing two keys is refused at the rateLimit, or counted in one bucket', () => {
    if (!two.built?.config) return; // refused (as aws-limit-consumer-keys): secure
    const config = two.built.config as TraefikConfig;
    expect(keyOf(config, 'key-a1')).toBe(keyOf(config, 'key-a2'));
  });

  it('two keys of one consumer build: the limit does not key on the key (per address, warned)', async () => {
    const built = await build(writeSpec(spec("['${env:A1}', '${env:A2}']")));
    expect(built.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(built.diagnostics.filter((d) => d.code === 'traefik-limit-key-unverified').map((d) => d.loc?.pointer)).toEqual(['/paths/~1orders/get/x-gateway/rateLimit']);
  });

  it('variant: two basic users of one consumer (native basicAuth keys on the verified user) are refused too', async () => {
    const text = spec("'${env:A1}'")
      .replace("    bob: { credentials: { hk: '\${env:B1}' } }", "    bob: { credentials: { hk: '\${env:B1}' } }\n    carol: { credentials: { pw: [{ username: c1, password: '\${env:C1}' }, { username: c2, password: '\${env:C2}' }] } }")
      .replace('security: [{ hk: [] }]', 'security: [{ pw: [] }]')
      .replace('    hk: { type: apiKey', '    pw: { type: http, scheme: basic }\n    hk: { type: apiKey');
    const r = await build(writeSpec(text));
    const codes = r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);
    if (codes.includes('schema-invalid')) return; // the model holds one basic user per scheme: nothing to multiply
    expect(codes).toEqual(['traefik-limit-consumer-keys']);
  });

  it('control: two keys of a scheme the limit does not key on (by: ip) build', async () => {
    const r = await build(writeSpec(spec("['${env:A1}', '${env:A2}']").replace('by: consumer', 'by: ip')));
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });
});
