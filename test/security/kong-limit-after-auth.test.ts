/**
 * Kong runs rate-limiting (priority 910) after its authentication plugins (key-auth 1250, ...):
 * a request they refuse ends with kong.response.exit before rate-limiting's access handler, so it
 * is never counted and a caller may guess keys at any rate. gwc cannot reorder Kong's plugins: it
 * says so at the rateLimit node of every secured, rate-limited route (kong-limit-after-auth), and
 * not on a public one. The simulation (test/targets/kong/kong-policy-sim.ts) shows the gap.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildTarget } from '../../src/api.js';
import { writeSpec } from '../helpers/spec.js';
import type { DeckDoc } from '../targets/kong/kong-oracle.js';
import { KongSim } from '../targets/kong/kong-policy-sim.js';

const HOST = 'api.example.com';
const SPEC = `openapi: 3.1.0
info: { title: rla, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  backends: { app: { url: "http://app.internal:8080" } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { hkey: "\${env:ALICE_KEY}" } }
paths:
  /keyed: { get: { operationId: keyed, security: [{ hkey: [] }], x-gateway: { rateLimit: { requests: 2, per: minute, by: ip } }, responses: { "200": { description: ok } } } }
  /mine: { get: { operationId: mine, security: [{ hkey: [] }], x-gateway: { rateLimit: { requests: 2, per: minute, by: consumer } }, responses: { "200": { description: ok } } } }
  /open: { get: { operationId: open, security: [], x-gateway: { public: true, rateLimit: { requests: 2, per: minute, by: ip } }, responses: { "200": { description: ok } } } }
components:
  securitySchemes:
    hkey: { type: apiKey, in: header, name: x-api-key }
`;
const env = { DECK_ALICE_KEY: 'alice-key-0001' };

describe('kong: requests its authentication refuses are not rate-limited', async () => {
  const b = await buildTarget(writeSpec(SPEC), { target: 'kong' });
  const yaml = b.files.find((f) => f.path === 'kong.yaml')?.contents;

  it('warns at the rateLimit node of each secured route, not on the public one', () => {
    expect(b.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const rows = b.diagnostics.filter((d) => d.code === 'kong-limit-after-auth').map((d) => [d.severity, d.params, d.loc?.pointer]);
    expect(rows.sort((x, y) => String(x[2]).localeCompare(String(y[2])))).toEqual([
      ['warn', { route: 'keyed' }, '/paths/~1keyed/get/x-gateway/rateLimit'],
      ['warn', { route: 'mine' }, '/paths/~1mine/get/x-gateway/rateLimit'],
    ]);
  });

  it('the gap it names: wrong keys are answered 401 without end, while the limit holds for the admitted caller', () => {
    const sim = new KongSim(parse(yaml!) as DeckDoc, env);
    const get = (key: string) => sim.send({ method: 'GET', path: '/v1/keyed', host: HOST, headers: { 'x-api-key': key }, ip: '192.0.2.7' }).status;
    expect(Array.from({ length: 6 }, (_, i) => get(`guess-${i}`))).toEqual([401, 401, 401, 401, 401, 401]);
    expect([get(env.DECK_ALICE_KEY), get(env.DECK_ALICE_KEY), get(env.DECK_ALICE_KEY)]).toEqual([200, 200, 429]);
  });
});
