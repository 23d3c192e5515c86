/**
 * Red team 3b, Kong-compatible input (src/targets/kong/README.md: "Nothing is dropped silently ...
 * kong-extension-unmapped (error) when dropping it could let in what the other refuses"). A spec
 * written for openapi2kong says its rate limit is counted cluster-wide (`policy: cluster` or
 * `redis`); gwc drops the field with a warning (kong-extension-ignored) and writes `policy: local`,
 * which every Kong node counts on its own: on N nodes a caller gets N times the limit the spec
 * says. The build compiles a weaker limit than the spec (DESIGN.md 7.4 and fail closed).
 * Fix: carry the policy (cluster; redis with its settings, or refuse redis), or refuse the field
 * when it differs from --option rate-limit-policy (kong-extension-unmapped), never a warning.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileGateway } from '../../src/api.js';
import { gatewayOf } from '../helpers/spec.js';
import type { DeckDoc } from '../targets/kong/kong-oracle.js';
import { deckValidate } from '../targets/kong/validate.js';

const spec = (config: string) => `openapi: 3.1.0
info: { title: k3in, version: "1" }
servers: [{ url: "https://api.test/v1" }]
x-kong-plugin-rate-limiting:
  config: ${config}
x-gateway:
  name: k3in
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { key: "\${env:A}" } }
paths:
  /a: { get: { operationId: a, security: [{ key: [] }], responses: { "200": { description: ok } } } }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: X-Api-Key }
`;

async function build(config: string) {
  const loaded = await gatewayOf(spec(config));
  const errs = loaded.diagnostics.filter((d) => d.severity === 'error');
  if (!loaded.gateway || errs.length) return { refused: true as const, codes: errs.map((d) => d.code) };
  const built = compileGateway(loaded.gateway, 'kong', {});
  if (built.diagnostics.some((d) => d.severity === 'error')) return { refused: true as const, codes: built.diagnostics.map((d) => d.code) };
  const yaml = built.files.find((f) => f.path === 'kong.yaml')!.contents;
  const doc = parse(yaml) as DeckDoc & { routes?: Array<{ plugins?: Array<{ name: string; config: Record<string, unknown> }> }> };
  const limits = [...(doc.routes ?? []).flatMap((r) => r.plugins ?? []), ...((doc.services ?? []) as Array<{ routes?: Array<{ plugins?: Array<{ name: string; config: Record<string, unknown> }> }> }>).flatMap((s) => (s.routes ?? []).flatMap((r) => r.plugins ?? []))]
    .filter((p) => p.name === 'rate-limiting');
  return { refused: false as const, yaml, limits, warnings: [...loaded.diagnostics, ...built.diagnostics].filter((d) => d.severity === 'warn').map((d) => d.code) };
}

describe('red team 3b: Kong x-kong-plugin-rate-limiting policy', () => {
  it('control: policy local builds one rate-limiting plugin with the spec window, decK-valid', async () => {
    const r = await build('{ minute: 10, limit_by: consumer, policy: local }');
    expect(r.refused).toBe(false);
    if (r.refused) return;
    expect(r.limits.map((p) => [p.config.minute, p.config.policy])).toEqual([[10, 'local']]);
    expect(deckValidate(r.yaml)?.ok ?? true).toBe(true);
  });

  for (const policy of ['cluster', 'redis']) {
    // FIXED: refused at the field (kong-extension-unmapped), never compiled as a per-node limit.
    it(`policy ${policy} is never dropped with a warning and compiled as local (counted per node: N nodes, N times the limit)`, async () => {
      const config = policy === 'redis' ? '{ minute: 10, limit_by: consumer, policy: redis, redis: { host: redis.internal, port: 6379 } }' : '{ minute: 10, limit_by: consumer, policy: cluster }';
      const r = await build(config);
      // Secure outcomes: refused, or every limit counted the way the spec says (not per node).
      if (r.refused) return;
      expect(r.limits.length).toBeGreaterThan(0);
      for (const p of r.limits) expect(p.config.policy, `warnings: ${r.warnings.join(', ')}`).not.toBe('local');
    });
  }

  // CORS decides which sites may read a route's answers (gwc diff classes cors-widened as
  // security), yet it is not among the access policies that refuse a disagreement: x-gateway
  // `defaults.cors` (origins *) beats an operation's own, nearer x-kong-plugin-cors (one origin)
  // with only kong-extension-overridden. Fix: treat cors like ipRule/rateLimit/bodyLimit
  // (kong-extension-unmapped unless both agree or the operation's own x-gateway replaces it).
  it("FIXED: x-gateway defaults cors origins ['*'] never silently (a warning) replaces an operation's own x-kong-plugin-cors of one origin (kong-extension-unmapped)", async () => {
    const loaded = await gatewayOf(`openapi: 3.1.0
info: { title: k3in, version: "1" }
servers: [{ url: "https://api.test/v1" }]
x-gateway:
  name: k3in
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo, cors: { origins: ["*"] } }
  consumers:
    alice: { credentials: { key: "\${env:A}" } }
paths:
  /a:
    get:
      operationId: a
      security: [{ key: [] }]
      x-kong-plugin-cors: { config: { origins: ["https://app.example.com"] } }
      responses: { "200": { description: ok } }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: X-Api-Key }
`);
    const errs = loaded.diagnostics.filter((d) => d.severity === 'error');
    expect(errs.map((d) => [d.code, d.loc?.pointer])).toEqual([['kong-extension-unmapped', '/paths/~1a/get/x-kong-plugin-cors']]);
    if (errs.length > 0 || !loaded.gateway) return; // refused: held
    const route = loaded.gateway.routes.find((r) => r.id === 'a')!;
    expect(route.policy.cors?.origins).toEqual(['https://app.example.com']);
  });

  // Our own variants (red team 3b fixes): credentials differing is a conflict too; the same
  // origins in another order, or the operation's own x-gateway cors, are not.
  const corsSpec = (defaults: string, plugin: string, opGateway = '') => `openapi: 3.1.0
info: { title: k3in, version: "1" }
servers: [{ url: "https://api.test/v1" }]
x-gateway:
  name: k3in
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo${defaults ? `, cors: ${defaults}` : ''} }
  consumers:
    alice: { credentials: { key: "\${env:A}" } }
paths:
  /a:
    get:
      operationId: a
      security: [{ key: [] }]${opGateway ? `\n      x-gateway: ${opGateway}` : ''}
      x-kong-plugin-cors: { config: ${plugin} }
      responses: { "200": { description: ok } }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: X-Api-Key }
`;
  const errors = async (text: string) => (await gatewayOf(text)).diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);
  it('x-gateway defaults cors with credentials over an x-kong-plugin-cors of the same origin without them is refused', async () => {
    expect(await errors(corsSpec('{ origins: ["https://app.example.com"], credentials: true }', '{ origins: ["https://app.example.com"] }'))).toEqual(['kong-extension-unmapped']);
  });
  it('the same origins in another order and the same credentials: overridden, a warning only', async () => {
    const loaded = await gatewayOf(corsSpec('{ origins: ["https://b.example", "https://a.example"] }', '{ origins: ["https://a.example", "https://b.example"] }'));
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(loaded.diagnostics.map((d) => d.code)).toContain('kong-extension-overridden');
  });
  it("the operation's own x-gateway cors over a document-level x-kong-plugin-cors is Kong's own precedence (no error)", async () => {
    const text = corsSpec('', '{ origins: ["https://app.example.com"] }', '{ cors: { origins: ["https://other.example"] } }').replace('      x-kong-plugin-cors: { config: { origins: ["https://app.example.com"] } }\n', '').replace('paths:\n', 'x-kong-plugin-cors: { config: { origins: ["https://app.example.com"] } }\npaths:\n');
    expect(await errors(text)).toEqual([]);
  });
});
