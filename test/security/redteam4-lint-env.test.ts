/**
 * Red team 4, lint = build parity (DESIGN.md 7.7) and environment overlays: `gwc build --env prod`
 * compiles the prod overlay (x-gateway.environments.prod: backends, policies, consumers, defaults,
 * accept, servers), `gwc lint` compiles the overlay named by its own --env only. Lint already walks
 * every environment for backend-plain-http (rules/backend-plain-http.ts gatewayFor), but the
 * target compile it relays (target-compile) runs on the base model alone.
 */
import { describe, expect, it } from 'vitest';
import { buildTarget } from '../../src/api.js';
import { lint } from '../../src/lint/index.js';
import { HEAD, writeSpec } from '../helpers/spec.js';

const SPEC = `${HEAD}servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: e4
  backends: { app: { url: http://app.internal:8080 } }
  policies:
    lim: { rateLimit: { requests: 100, per: minute } }
  defaults: { backend: app, policies: [lim] }
  consumers:
    alice: { credentials: { key: '\${env:ALICE_KEY}' } }
  environments:
    prod:
      policies:
        lim: { rateLimit: { requests: 1, per: day } }
paths:
  /k:
    get: { operationId: k, security: [{ key: [] }], responses: { '200': { description: ok } } }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: x-api-key }
`;

const errors = (ds: ReadonlyArray<{ severity: string; code: unknown; params?: unknown; loc?: { pointer: string } }>) =>
  ds.filter((d) => d.severity === 'error').map((d) => `${d.code === 'target-compile' ? (d.params as { code: string }).code : String(d.code)} ${d.loc?.pointer}`);

describe('red team 4: lint and build under an environment overlay (nginx)', () => {
  it('held: lint --env prod reports what build --env prod refuses, at the same place', async () => {
    const file = writeSpec(SPEC);
    const b = errors((await buildTarget(file, { target: 'nginx', env: 'prod' })).diagnostics);
    const l = errors((await lint(file, { target: 'nginx', env: 'prod' })).diagnostics);
    expect(b).toEqual(['nginx-rate-too-fine /x-gateway/environments/prod/policies/lim/rateLimit']);
    expect(l).toEqual(b);
  });

  // Mechanism: target-refusals.ts compiles ctx.gateway (the model of lint's own --env, the base
  // without it); the environments are walked only by backend-plain-http. A PR gate running
  // `gwc lint gateway.yaml --target nginx` is green and the release job's `gwc build --target nginx
  // --env prod` refuses (a 1/day limit nginx cannot count). Class: lint = build parity across the
  // spec's environments. (Arguable: lint --env prod holds; said so fixers can decide.)
  it('lint without --env reports the refusal build --env prod makes, naming the environment', async () => {
    const file = writeSpec(SPEC);
    const b = errors((await buildTarget(file, { target: 'nginx', env: 'prod' })).diagnostics);
    expect(b).toEqual(['nginx-rate-too-fine /x-gateway/environments/prod/policies/lim/rateLimit']);
    const l = (await lint(file, { target: 'nginx' })).diagnostics.filter((d) => d.severity === 'error');
    expect(errors(l)).toEqual(b);
    expect(l[0]!.params).toMatchObject({ environment: 'prod' });
    expect(l[0]!.message).toMatch(/environment prod/);
    // Every target checked: the prod refusal is among them.
    expect(errors((await lint(file, {})).diagnostics)).toContain(b[0]);
  });

  it('a refusal the base build makes too is reported once, without an environment; the overlay writing it again is its own', async () => {
    const file = writeSpec(SPEC.replace('lim: { rateLimit: { requests: 100, per: minute } }', 'lim: { rateLimit: { requests: 1, per: day } }'));
    const l = (await lint(file, { target: 'nginx' })).diagnostics.filter((d) => d.severity === 'error');
    expect(l.map((d) => [errors([d])[0], (d.params as { environment?: string }).environment])).toEqual([
      ['nginx-rate-too-fine /x-gateway/policies/lim/rateLimit', undefined],
      ['nginx-rate-too-fine /x-gateway/environments/prod/policies/lim/rateLimit', 'prod'],
    ]);
    const once = writeSpec(SPEC.replace('lim: { rateLimit: { requests: 100, per: minute } }', 'lim: { rateLimit: { requests: 1, per: day } }').replace('      policies:\n        lim: { rateLimit: { requests: 1, per: day } }', '      backends: { app: { url: http://app2.internal:8080 } }'));
    expect(errors((await lint(once, { target: 'nginx' })).diagnostics)).toEqual(['nginx-rate-too-fine /x-gateway/policies/lim/rateLimit']);
  });

  it("an overlay's feature a target lacks (capability table) is linted too: cache on Traefik in prod", async () => {
    const file = writeSpec(SPEC.replace("        lim: { rateLimit: { requests: 1, per: day } }", "        lim: { rateLimit: { requests: 100, per: minute }, cache: { ttl: 60s } }"));
    const b = errors((await buildTarget(file, { target: 'traefik', env: 'prod' })).diagnostics);
    expect(b.length).toBeGreaterThan(0);
    const l = (await lint(file, { target: 'traefik' })).diagnostics.filter((d) => d.severity === 'error');
    expect(errors(l)).toEqual(b);
    expect(errors((await lint(file, { target: 'traefik', env: 'prod' })).diagnostics)).toEqual(b);
  });

  // Both point at the base policy's rateLimit (line 8 here), which builds; the value refused, 1 per
  // day, is written in the prod overlay (line 15). The refusal names no environment either.
  it("the refusal is placed at the overlay's rateLimit, where the refused value is written", async () => {
    const file = writeSpec(SPEC);
    const l = (await lint(file, { target: 'nginx', env: 'prod' })).diagnostics.filter((d) => d.severity === 'error');
    expect(l.map((d) => d.loc?.pointer)).toEqual(['/x-gateway/environments/prod/policies/lim/rateLimit']);
  });
});
