/**
 * Red team 12, every target: a required scope holding a blank (class: a scope text with the
 * separator of the scope list in it; DESIGN.md 7.1).
 *
 * `security: [{ tok: ["orders write"] }]` names ONE scope. Scopes travel space-delimited (RFC 6749
 * section 3.3: scope-token = 1*NQCHAR, no blank), both in a token's `scope` claim and in the
 * `?scope=` gwc sends a forwardAuth service (Traefik auth-middlewares.ts forwardMiddleware,
 * nginx runtime.js checkForward: encodeURIComponent(scopes.join(' '))). So the service is asked
 * exactly what `[orders, write]` asks: a token holding the two scopes `orders` and `write` opens
 * the route on Traefik (and through an nginx forward scheme), while nginx's own JWT check
 * (runtime.js scopesOf: the claim split on ' ') and API Gateway (AuthorizationScopes compared
 * whole) never find `orders write` and refuse every caller. One spec, two meanings by target; and
 * Traefik even shares one middleware between the two requirements (memo key scopes.join(' ')).
 *
 * FIXED (model/normalise/security.ts blankScopes): a scope (on a scheme whose list is scopes, not
 * roles) that is empty or holds a blank is refused at its line (schema-invalid), on every target and
 * in lint. Roles (apiKey, basic) are compared whole on every target and keep their text.
 */
import { describe, expect, it } from 'vitest';
import { compileGateway } from '../../src/api.js';
import { lint } from '../../src/lint/index.js';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { gatewayOf, unsecuredPublic, writeSpec } from '../helpers/spec.js';
import { compileCase } from '../targets/traefik/cases.js';
import { send, type AuthCall } from '../targets/traefik/traefik-oracle.js';

const ok = "{ '200': { description: ok } }";
const spec = (one: string, role = true) => `openapi: 3.1.0
info: { title: red team 12 scope blank, version: "1" }
servers: [{ url: 'https://api.test/v1' }]
x-gateway:
  name: rt12s
  backends: { app: { url: 'http://app.example.com:8080' } }
  defaults: { backend: app }
${role ? "  consumers:\n    alice: { groups: ['orders write'], credentials: { key: '\${env:K}' } }\n" : ''}paths:
  /one: { get: { operationId: one, security: [{ tok: [${one}] }], responses: ${ok} } }
  /two: { get: { operationId: two, security: [{ tok: [orders, write] }], responses: ${ok} } }
${role ? `  /role: { get: { operationId: role, security: [{ key: ['orders write'] }], responses: ${ok} } }\n` : ''}components:
  securitySchemes:
    tok: { type: http, scheme: bearer, x-gateway: { forwardAuth: { url: 'http://auth.example.com/check' } } }
${role ? '    key: { type: apiKey, in: header, name: X-Api-Key }\n' : ''}`;
const BLANK = spec("'orders write'");
const POINTER = '/paths/~1one/get/security/0/tok/0';

/** A service checking the scopes it is asked for against the token's (space-delimited, as OAuth). */
const service = (call: AuthCall) => {
  const asked = (new URL(call.address).searchParams.get('scope') ?? '').split(' ').filter(Boolean);
  const held = ['orders', 'write'];
  return asked.every((s) => held.includes(s)) ? { status: 200 } : { status: 403 };
};

describe('red team 12: a required scope holding a blank', () => {
  it('is refused at the scope\'s line on every target, and lint says so at the same line', async () => {
    const loaded = await gatewayOf(BLANK);
    const model = loaded.diagnostics.filter((d) => d.severity === 'error').map((d) => d.loc?.pointer);
    const byTarget: Record<string, boolean> = {};
    for (const target of ['nginx', 'traefik', 'kong', 'aws']) {
      const r = loaded.gateway ? compileGateway(unsecuredPublic(loaded.gateway), target) : undefined;
      byTarget[target] = [...model, ...(r?.diagnostics ?? []).filter((d) => d.severity === 'error').map((d) => d.loc?.pointer)].includes(POINTER);
    }
    expect(byTarget).toEqual({ nginx: true, traefik: true, kong: true, aws: true });
    const linted = (await lint(writeSpec(BLANK), { target: 'traefik' })).diagnostics.filter((d) => d.severity === 'error' && d.loc?.pointer === POINTER);
    expect(linted.length).toBeGreaterThan(0);
  });

  it('traefik (oracle): when it builds, a token holding `orders` and `write` does not open the route needing `orders write`', async () => {
    const c = await compileCase(writeSpec(spec("'orders write'", false)));
    const config = c.built?.config as TraefikConfig | undefined;
    if (!config || c.built!.result.diagnostics.some((d) => d.severity === 'error')) return; // refused: secure
    const get = (target: string) => send(config, { method: 'GET', host: 'api.test', target, headers: { Authorization: 'Bearer t' }, tls: true }, { auth: service });
    expect(get('/v1/two').status, 'control: the two scopes').toBe(200);
    expect(get('/v1/one').status).not.toBe(200);
  });

  it('controls: scopes without blanks, and a role holding a blank (compared whole everywhere), build', async () => {
    const loaded = await gatewayOf(spec("'orders:write'"));
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(compileGateway(unsecuredPublic(loaded.gateway!), 'nginx').diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });
});
