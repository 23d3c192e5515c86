/**
 * Kong's rate-limiting proxies a request uncounted when its counter store fails, unless
 * `fault_tolerant` is false (kong/plugins/rate-limiting/handler.lua: get_usage's error is logged and
 * the request goes on; false ends it with a 500; the field defaults to true,
 * https://docs.konghq.com/hub/kong-inc/rate-limiting/configuration/#config-fault_tolerant). With
 * `policy: cluster` the store is Kong's database, so a database outage lifted every limit: a limit
 * that a flood of requests can switch off (DESIGN.md 7: a limit is kept or the build refused).
 * gwc writes `fault_tolerant: false` on every limit it compiles, whatever the policy and wherever
 * the limit came from (x-gateway or an x-kong-plugin-rate-limiting that asked for true; one that
 * asks for a cluster or redis count is refused: gwc would count it per node), and
 * `gwc diff` classes a limit turned fail-open as security. Attacks run through the Kong policy
 * simulation (test/targets/kong/kong-policy-sim.ts) with the counter store down.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildTarget } from '../../src/api.js';
import { diffStates } from '../../src/diff/plan.js';
import { classifyMatched } from '../../src/diff/classify.js';
import { kongDeployed } from '../../src/targets/kong/deployed.js';
import { writeSpec } from '../helpers/spec.js';
import type { DeckDoc } from '../targets/kong/kong-oracle.js';
import { KongSim } from '../targets/kong/kong-policy-sim.js';
import { deckValidate } from '../targets/kong/validate.js';

const ok = '{ "200": { description: ok } }';
const HOST = 'api.example.com';
const SPEC = `openapi: 3.1.0
info: { title: rlfc, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  backends: { app: { url: "http://app.internal:8080" } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { hkey: "\${env:ALICE_KEY}" } }
paths:
  /ip: { get: { operationId: byIp, x-gateway: { public: true, rateLimit: { requests: 2, per: minute, by: ip } }, responses: ${ok} } }
  /me: { get: { operationId: me, security: [{ hkey: [] }], x-gateway: { rateLimit: { requests: 2, per: minute, by: consumer } }, responses: ${ok} } }
  /tenant: { get: { operationId: tenant, security: [{ hkey: [] }], x-gateway: { rateLimit: { requests: 2, per: hour, by: { header: x-api-key } } }, responses: ${ok} } }
  /kong:
    get:
      operationId: kongLimit
      x-gateway: { public: true }
      x-kong-plugin-rate-limiting:
        config: { second: 2, limit_by: ip, policy: local, fault_tolerant: true }
      responses: ${ok}
components:
  securitySchemes:
    hkey: { type: apiKey, in: header, name: x-api-key }
`;
const env = { DECK_ALICE_KEY: 'alice-key-0001' };
const PATHS: Array<[string, Record<string, string>]> = [
  ['/v1/ip', {}],
  ['/v1/me', { 'x-api-key': env.DECK_ALICE_KEY }],
  ['/v1/tenant', { 'x-api-key': env.DECK_ALICE_KEY }],
  ['/v1/kong', {}],
];

async function build(options: Record<string, string> = {}) {
  const b = await buildTarget(writeSpec(SPEC), { target: 'kong', options });
  const yaml = b.files.find((f) => f.path === 'kong.yaml')?.contents;
  return { b, yaml: yaml!, doc: parse(yaml!) as DeckDoc };
}

type Plugin = { name: string; config: Record<string, unknown> };
const limits = (doc: DeckDoc): Plugin[] =>
  (doc.services ?? []).flatMap((s) => ((s.routes ?? []) as Array<{ plugins?: Plugin[] }>).flatMap((r) => (r.plugins ?? []).filter((p) => p.name === 'rate-limiting')));

describe('kong: a rate limit never lets requests through unlimited when its counters fail', () => {
  for (const policy of ['local', 'cluster']) {
    it(`attack (policy ${policy}): with the counter store down every limited route answers 500, the backend sees nothing`, async () => {
      const { b, yaml, doc } = await build({ 'rate-limit-policy': policy });
      expect(b.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const sim = new KongSim(doc, env);
      sim.counterStoreDown = true;
      for (const [path, headers] of PATHS) {
        const got = [1, 2, 3, 4].map(() => sim.send({ method: 'GET', path, host: HOST, headers, ip: '192.0.2.7' }).status);
        expect([path, got]).toEqual([path, [500, 500, 500, 500]]);
      }
      expect(sim.backendCalls).toEqual([]);
      expect(deckValidate(yaml)?.ok ?? true).toBe(true);
    });
  }

  it('every rate-limiting plugin says fault_tolerant: false (the x-kong one that asked for true too), with the chosen policy', async () => {
    const { doc } = await build({ 'rate-limit-policy': 'cluster' });
    const ls = limits(doc);
    expect(ls).toHaveLength(4);
    for (const l of ls) expect([l.config.fault_tolerant, l.config.policy]).toEqual([false, 'cluster']);
  });

  it('the x-kong fault_tolerant: true is said to be not applied, at its line', async () => {
    const { b } = await build();
    const d = b.diagnostics.find((x) => x.code === 'kong-extension-ignored' && String(x.params?.extension).endsWith('.config.fault_tolerant'));
    expect(d?.loc?.pointer).toBe('/paths/~1kong/get/x-kong-plugin-rate-limiting/config/fault_tolerant');
  });

  it('an x-kong limit counted across nodes (policy cluster or redis) is refused at its policy field, never built as a per-node one', async () => {
    for (const policy of ['cluster', 'redis']) {
      const b = await buildTarget(writeSpec(SPEC.replace('policy: local, fault_tolerant: true', `policy: ${policy}`)), { target: 'kong', options: { 'rate-limit-policy': 'cluster' } });
      const d = b.diagnostics.filter((x) => x.severity === 'error').map((x) => [x.code, x.loc?.pointer]);
      expect(d).toEqual([['kong-extension-unmapped', '/paths/~1kong/get/x-kong-plugin-rate-limiting/config/policy']]);
      expect(b.files).toEqual([]);
    }
  });

  it('with the store up the limits still count (2 per window, then 429)', async () => {
    const { doc } = await build();
    const sim = new KongSim(doc, env);
    for (const [path, headers] of PATHS) {
      expect([path, [1, 2, 3].map(() => sim.send({ method: 'GET', path, host: HOST, headers, ip: '192.0.2.7' }).status)]).toEqual([path, [200, 200, 429]]);
    }
  });

  it('gwc diff: a limit turned fail-open (fault_tolerant false -> true, or the field dropped: Kong defaults to true) is a security finding', async () => {
    const { yaml } = await build();
    const read = (text: string) => kongDeployed.normalise([{ path: 'kong.yaml', contents: text }], 'test').state!;
    const closed = read(yaml);
    for (const open of [yaml.replaceAll('fault_tolerant: false', 'fault_tolerant: true'), yaml.replaceAll(/\n\s*fault_tolerant: false/g, '')]) {
      const plan = diffStates(closed, read(open));
      const rows = plan.findings.filter((f) => f.rule === 'rate-limit-fail-open').map((f) => `${f.class} ${f.key}`);
      expect(rows.sort()).toEqual(['security rlfc.byip', 'security rlfc.konglimit', 'security rlfc.me', 'security rlfc.tenant']);
      // Back to fail-closed is no security finding.
      expect(diffStates(read(open), closed).findings.filter((f) => f.class === 'security')).toEqual([]);
    }
  });

  it('the rule on facts alone: fail-open on is security, off is not, unknown is not compared', () => {
    expect(classifyMatched({ rateLimit: { '60': 2 }, rateLimitFailsOpen: false }, { rateLimit: { '60': 2 }, rateLimitFailsOpen: true }).map((v) => v.rule)).toEqual(['rate-limit-fail-open']);
    expect(classifyMatched({ rateLimit: { '60': 2 }, rateLimitFailsOpen: true }, { rateLimit: { '60': 2 }, rateLimitFailsOpen: false })).toEqual([]);
    expect(classifyMatched({ rateLimit: { '60': 2 } }, { rateLimit: { '60': 2 }, rateLimitFailsOpen: true })).toEqual([]);
  });
});
