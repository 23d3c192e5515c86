/**
 * The core's capability check (DESIGN.md section 4) with a fake target: fail closed on security
 * and traffic features, warn on observability, use the spec's fallback, honour accepted gaps, and
 * never let an accepted gap leave a route without its auth check.
 */
import { describe, expect, it } from 'vitest';
import { checkCapabilities } from '../../src/targets/capability-check.js';
import { FEATURE_IDS } from '../../src/model/features.js';
import type { Capability, CapabilityTable, Target } from '../../src/targets/target.js';
import { gatewayOf, HEAD } from '../helpers/spec.js';

function fakeTarget(overrides: Partial<Record<string, Capability>>): Target {
  const capabilities = Object.fromEntries(FEATURE_IDS.map((id) => [id, overrides[id] ?? { support: 'native' }])) as CapabilityTable;
  return { name: 'kong', title: 'fake', output: '-', capabilities, compile: () => ({ files: [], diagnostics: [] }) };
}

const spec = (extra: string) => `${HEAD}x-gateway:
  backends: { app: { url: http://app:80 } }
${extra}paths:
  /k:
    get:
      operationId: keyed
      security: [{ key: [] }]
      x-gateway: { accessLog: true }
      responses: { "200": { description: ok } }
components:
  securitySchemes:
    key:
      type: apiKey
      in: header
      name: X-Key
      x-gateway: { forwardAuth: { url: http://auth:9000/check } }
`;

describe('capability check', () => {
  it('refuses an auth feature the target cannot enforce, naming route and feature', async () => {
    const { gateway } = await gatewayOf(spec(''));
    const t = fakeTarget({ 'auth.apiKey': { support: 'unsupported', why: 'no key plugin' }, 'auth.forward': { support: 'unsupported', why: 'none' } });
    const r = checkCapabilities(gateway!, t);
    expect(r.diagnostics.map((d) => [d.code, d.severity, d.params.route, d.params.feature])).toEqual([['capability-unsupported', 'error', 'keyed', 'auth.apiKey']]);
    expect(r.plan.enforced('keyed', 'auth.apiKey')).toBe(false);
  });

  it("uses the scheme's forwardAuth where the target allows a fallback", async () => {
    const { gateway } = await gatewayOf(spec(''));
    const t = fakeTarget({ 'auth.apiKey': { support: 'unsupported', why: 'no key plugin', fallback: 'forwardAuth' } });
    const r = checkCapabilities(gateway!, t);
    expect(r.diagnostics).toEqual([]);
    expect(r.plan.mode('keyed', 'auth.apiKey')).toBe('fallback');
  });

  it('warns (does not fail) for an observability gap', async () => {
    const { gateway } = await gatewayOf(spec(''));
    const r = checkCapabilities(gateway!, fakeTarget({ accessLog: { support: 'unsupported', why: 'no log format' } }));
    expect(r.diagnostics.map((d) => [d.code, d.severity])).toEqual([['capability-dropped', 'warn']]);
  });

  it('refuses to accept an auth gap that would leave the route open', async () => {
    const { gateway } = await gatewayOf(spec('  accept:\n    kong: [{ feature: auth.apiKey, reason: "trust me" }]\n'));
    const r = checkCapabilities(gateway!, fakeTarget({ 'auth.apiKey': { support: 'unsupported', why: 'no key plugin' } }));
    expect(r.diagnostics.map((d) => [d.code, d.severity, d.params.feature])).toEqual([['accept-opens-route', 'error', 'auth.apiKey']]);
  });

  it('accepts an auth gap where the target still enforces part of it, with a warning', async () => {
    const { gateway } = await gatewayOf(spec('  accept:\n    kong: [{ feature: auth.apiKey, reason: "partial is fine here" }]\n'));
    const r = checkCapabilities(gateway!, fakeTarget({ 'auth.apiKey': { support: 'unsupported', why: 'no scopes', partial: 'the key itself is checked' } }));
    expect(r.diagnostics.map((d) => [d.code, d.severity])).toEqual([['capability-accepted', 'warn']]);
    expect(r.plan.mode('keyed', 'auth.apiKey')).toBe('accepted');
  });
});
