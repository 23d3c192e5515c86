/**
 * Review of limitByHeader (src/targets/kong/policies.ts): `by: {header}` is counted per consumer only
 * where the header's plugin is its alternative's LAST auth plugin (Kong keeps the last one's
 * consumer). A scheme kind outside Kong's auth plugin order (forward: bearer/OAuth2/OIDC verified by
 * a service Kong OSS cannot call, accepted as a gap) was left out of "last" (`?? Infinity`), so the
 * key-auth header counted as the alternative's consumer whatever that scheme might set. Fail closed:
 * an alternative holding such a scheme is never read as keyed on the header: per client address, said.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildTarget, loadGateway } from '../../src/api.js';
import { checkCapabilities } from '../../src/targets/capability-check.js';
import { compileKong } from '../../src/targets/kong/compile.js';
import { kongTarget } from '../../src/targets/kong/index.js';
import { writeSpec } from '../helpers/spec.js';

const SPEC = (security: string, accept: string) => `openapi: 3.1.0
info: { title: klu, version: "1" }
servers: [{ url: "https://api.example.com/v1" }]
x-gateway:
  backends: { app: { url: "http://app.internal:8080" } }
  defaults: { backend: app }
  accept: { kong: [${accept}] }
  consumers:
    alice: { credentials: { hkey: "\${env:ALICE_KEY}" } }
paths:
  /k: { get: { operationId: keyRoute, security: ${security}, x-gateway: { rateLimit: { requests: 1, per: minute, by: { header: X-Api-Key } } }, responses: { "200": { description: ok } } } }
components:
  securitySchemes:
    hkey: { type: apiKey, in: header, name: x-api-key }
    SCHEME
`;

async function build(security: string, accept: string, scheme = 'sso: { type: http, scheme: basic }') {
  const b = await buildTarget(writeSpec(SPEC(security, accept).replace('SCHEME', scheme)), { target: 'kong' });
  const yaml = b.files.find((f) => f.path === 'kong.yaml')?.contents;
  type Doc = { services?: Array<{ routes?: Array<{ plugins?: Array<{ name: string; config: Record<string, unknown> }> }> }> };
  const limitBy = ((parse(yaml ?? 'null') as Doc | null)?.services ?? []).flatMap((s) => s.routes ?? []).flatMap((r) => r.plugins ?? []).filter((p) => p.name === 'rate-limiting').map((p) => p.config.limit_by);
  return { b, yaml, limitBy, codes: b.diagnostics.map((d) => `${d.severity}:${d.code}`) };
}

describe('kong: by: {header} beside a scheme outside Kong\'s auth plugin order counts per address', () => {
  it('control: the key alone is per consumer', async () => {
    const r = await build('[{ hkey: [] }]', '');
    expect(r.limitBy).not.toContain('ip');
    expect(r.codes).not.toContain('warn:limit-key-unverified');
  });

  // Today Kong refuses such an alternative before its compile runs (accept-opens-route: no plugin
  // verifies the scheme), so the limit is never deployed. Kong's compile, run on the plan anyway,
  // must still read the limit fail-closed (was 'credential', no warning: the scheme left out of "last").
  for (const [what, scheme, feature] of [
    ['a bearer token its service verifies', 'sso: { type: http, scheme: bearer, x-gateway: { forwardAuth: { url: "http://auth.internal/check" } } }', 'auth.forward'],
  ] as const) {
    it(`a key AND ${what} (${feature} accepted): refused, and the limit is not read as keyed on the header (limit-key-unverified)`, async () => {
      const file = writeSpec(SPEC('[{ hkey: [], sso: [] }]', `{ feature: ${feature}, reason: the backend checks the session }`).replace('SCHEME', scheme));
      const r = await build('[{ hkey: [], sso: [] }]', `{ feature: ${feature}, reason: the backend checks the session }`, scheme);
      expect(r.yaml).toBeUndefined();
      expect(r.codes).toContain('error:accept-opens-route');
      const gateway = (await loadGateway(file)).gateway!;
      const compiled = compileKong(gateway, checkCapabilities(gateway, kongTarget).plan, { rateLimitPolicy: 'local' });
      expect(compiled.diagnostics.filter((d) => d.code === 'limit-key-unverified').map((d) => [d.severity, d.params])).toEqual([['warn', { route: 'keyRoute', header: 'X-Api-Key', target: 'kong' }]]);
    });
  }
});
