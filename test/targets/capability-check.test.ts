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
import { fakePolicies } from '../lint/fake-target.js';

function fakeTarget(overrides: Partial<Record<string, Capability>>): Target {
  const capabilities = Object.fromEntries(FEATURE_IDS.map((id) => [id, overrides[id] ?? { support: 'native' }])) as CapabilityTable;
  return { name: 'kong', title: 'fake', output: '-', capabilities, policies: fakePolicies(capabilities), compile: () => ({ files: [], diagnostics: [] }) };
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

/**
 * Typed fallbacks: a target names the one kind it can build from, and only that kind helps. Table:
 * what the scheme (`s`, a basic scheme; `t`, a second one) gives, the kind the fake target takes,
 * and the expected mode or refusal (with the hint the refusal must carry).
 */
const FA = '{ forwardAuth: { url: http://auth:9000/check } }';
const LA = '{ lambdaAuthorizer: { arn: "arn:aws:lambda:eu-west-1:123456789012:function:authz" } }';
const BOTH = '{ forwardAuth: { url: http://auth:9000/check }, lambdaAuthorizer: { arn: "arn:aws:lambda:eu-west-1:123456789012:function:authz" } }';
const typed = (s: string, t?: string, accept = '') => `${HEAD}x-gateway:
  backends: { app: { url: http://app:80 } }
${accept}paths:
  /b:
    get:
      operationId: basic
      security: [{ s: []${t ? ', t: []' : ''} }]
      responses: { "200": { description: ok } }
components:
  securitySchemes:
    s: { type: http, scheme: basic, x-gateway: ${s} }
${t ? `    t: { type: http, scheme: basic, x-gateway: ${t} }\n` : ''}`;

const TYPED_CASES: Array<{ name: string; s: string; t?: string; takes: 'forwardAuth' | 'lambdaAuthorizer'; mode?: 'fallback'; refused?: string }> = [
  { name: 'lambdaAuthorizer target, spec gives lambdaAuthorizer', s: LA, takes: 'lambdaAuthorizer', mode: 'fallback' },
  { name: 'lambdaAuthorizer target ignores a forwardAuth', s: FA, takes: 'lambdaAuthorizer', refused: 'give the scheme an x-gateway.lambdaAuthorizer' },
  { name: 'forwardAuth target, spec gives forwardAuth', s: FA, takes: 'forwardAuth', mode: 'fallback' },
  { name: 'forwardAuth target ignores a lambdaAuthorizer', s: LA, takes: 'forwardAuth', refused: 'give the scheme an x-gateway.forwardAuth service' },
  { name: 'both given: each target takes its own', s: BOTH, takes: 'forwardAuth', mode: 'fallback' },
  { name: 'both given, lambda target', s: BOTH, takes: 'lambdaAuthorizer', mode: 'fallback' },
  { name: 'two schemes of the kind, one without the fallback: refused', s: LA, t: '{ realm: r }', takes: 'lambdaAuthorizer', refused: 'give the scheme an x-gateway.lambdaAuthorizer' },
  { name: 'two schemes of the kind, both with it', s: LA, t: LA, takes: 'lambdaAuthorizer', mode: 'fallback' },
];

describe('capability check: typed fallbacks', () => {
  for (const c of TYPED_CASES) {
    it(c.name, async () => {
      const { gateway, diagnostics } = await gatewayOf(typed(c.s, c.t));
      expect(diagnostics.filter((d) => d.code !== 'scheme-no-consumers')).toEqual([]);
      const t = fakeTarget({ 'auth.basic': { support: 'unsupported', why: 'no basic', fallback: c.takes } });
      const r = checkCapabilities(gateway!, t);
      if (c.mode) {
        expect(r.diagnostics).toEqual([]);
        expect(r.plan.mode('basic', 'auth.basic')).toBe(c.mode);
        return;
      }
      expect(r.plan.enforced('basic', 'auth.basic')).toBe(false);
      expect(r.diagnostics.map((d) => [d.code, d.params.feature, d.loc?.pointer])).toEqual([['capability-unsupported', 'auth.basic', '/paths/~1b/get/security']]);
      expect(r.diagnostics[0]!.params.why).toBe(`no basic; ${c.refused}`);
    });
  }

  it('a target with no fallback for the feature uses none, and its refusal adds no hint', async () => {
    const { gateway } = await gatewayOf(typed(BOTH));
    const r = checkCapabilities(gateway!, fakeTarget({ 'auth.basic': { support: 'unsupported', why: 'no basic' } }));
    expect(r.diagnostics.map((d) => [d.code, d.params.why])).toEqual([['capability-unsupported', 'no basic']]);
  });

  it('refusing an accepted gap names the missing fallback too (fail closed)', async () => {
    const { gateway } = await gatewayOf(typed(FA, undefined, '  accept:\n    kong: [{ feature: auth.basic, reason: "x" }]\n'));
    const r = checkCapabilities(gateway!, fakeTarget({ 'auth.basic': { support: 'unsupported', why: 'no basic', fallback: 'lambdaAuthorizer' } }));
    expect(r.diagnostics.map((d) => [d.code, d.params.why])).toEqual([['accept-opens-route', 'no basic; give the scheme an x-gateway.lambdaAuthorizer']]);
    expect(r.plan.enforced('basic', 'auth.basic')).toBe(false);
  });

  it("a Lambda backend's fallbackUrl is the httpUrl kind", async () => {
    const lambda = (fallbackUrl: string) => `${HEAD}x-gateway:
  backends: { fn: { lambda: { arn: "arn:aws:lambda:eu-west-1:123456789012:function:fn"${fallbackUrl} } } }
paths:
  /f:
    get:
      operationId: fn
      x-gateway: { backend: fn, public: true }
      responses: { "200": { description: ok } }
`;
    const t = fakeTarget({ 'backend.lambda': { support: 'unsupported', why: 'no lambda', fallback: 'httpUrl' } });
    const withUrl = await gatewayOf(lambda(', fallbackUrl: http://fn:80'));
    expect(checkCapabilities(withUrl.gateway!, t).plan.mode('fn', 'backend.lambda')).toBe('fallback');
    const without = await gatewayOf(lambda(''));
    expect(checkCapabilities(without.gateway!, t).diagnostics.map((d) => d.params.why)).toEqual(['no lambda; give the backend an HTTP fallbackUrl']);
  });
});
