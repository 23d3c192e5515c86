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
 */
import { describe, expect, it } from 'vitest';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { compileCase } from '../targets/traefik/cases.js';
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

  it('control: with one key each, alice and bob have a bucket each', () => {
    const config = one.built!.config as TraefikConfig;
    expect(keyOf(config, 'key-a1')).not.toBe(keyOf(config, 'key-b1'));
  });

  // Hole: sourceCriterion.requestHeaderName X-Api-Key, a bucket per key: alice's two keys are two buckets (6 a minute).
  it.fails('alice listing two keys is refused at the rateLimit, or counted in one bucket', () => {
    if (!two.built) return; // refused (as aws-limit-consumer-keys): secure
    const config = two.built.config as TraefikConfig;
    expect(keyOf(config, 'key-a1')).toBe(keyOf(config, 'key-a2'));
  });
});
