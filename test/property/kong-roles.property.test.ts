/**
 * Issue #13 (standing defence): generated consumers (groups, API keys, basic users) and routes
 * whose requirements carry roles, OR alternatives and ANDs, through the Kong compiler; the request
 * oracle (test/targets/kong/kong-oracle.ts) answers every consumer presenting each credential it
 * holds, and a forged one. Property: a request is admitted exactly when some alternative has every
 * scheme it needs presented by a consumer holding that credential and every role of the item in
 * the consumer's groups; anything less meets 401/403. Admissions are counted so the property cannot
 * pass by refusing everyone; a spec Kong cannot enforce must be refused at build (counted).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Consumer, Security } from '../../src/model/types.js';
import { evaluate, type DeckDoc } from '../targets/kong/kong-oracle.js';
import { compile, loc, route, shop } from '../targets/kong/model.js';

const ROLES = ['admin', 'ops'] as const;
const RUNS = Number(process.env.GWC_PROPERTY_RUNS ?? 60);
const ref = (name: string) => ({ kind: 'env' as const, name, raw: `\${env:${name}}` });
const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

type GenConsumer = { groups: string[]; key: boolean; basic: boolean };
type Item = { scheme: 'apiKey' | 'adminBasic'; scopes: string[] };

const roles = fc.subarray([...ROLES]);
const item = fc.record({ scheme: fc.constantFrom('apiKey' as const, 'adminBasic' as const), scopes: roles });
const alternative = fc.oneof({ weight: 4, arbitrary: item.map((i) => [i]) }, { weight: 1, arbitrary: fc.tuple(roles, roles).map(([a, b]) => [{ scheme: 'apiKey' as const, scopes: a }, { scheme: 'adminBasic' as const, scopes: b }]) });
const consumer = fc.record({ groups: roles, key: fc.boolean(), basic: fc.boolean() }).filter((c) => c.key || c.basic);
const world = fc.record({ consumers: fc.array(consumer, { minLength: 1, maxLength: 4 }), routes: fc.array(fc.array(alternative, { minLength: 1, maxLength: 2 }), { minLength: 1, maxLength: 3 }) });

function gateway(w: { consumers: GenConsumer[]; routes: Item[][][] }) {
  const g = shop();
  const env: Record<string, string> = {};
  g.consumers = w.consumers.map((c, i): Consumer => {
    const credentials: Consumer['credentials'] = [];
    if (c.key) {
      credentials.push({ scheme: 'apiKey', kind: 'apiKey', key: ref(`C${i}_KEY`), loc: loc() });
      env[`DECK_C${i}_KEY`] = `key-of-c${i}`;
    }
    if (c.basic) {
      credentials.push({ scheme: 'adminBasic', kind: 'basic', username: `user${i}`, password: ref(`C${i}_PW`), loc: loc() });
      env[`DECK_C${i}_PW`] = `pw-of-c${i}`;
    }
    return { name: `c${i}`, loc: loc(), groups: c.groups, credentials };
  });
  w.routes.forEach((security, i) => g.routes.push(route(`gen${i}`, 'GET', `/gen/r${i}`, { security: security as Security, declaredPublic: false }, '/v1')));
  return { g, env };
}

/** What the spec admits: an alternative whose every item the presented credentials satisfy, with its roles. */
function admits(c: GenConsumer, presented: Set<string>, security: Item[][]): boolean {
  return security.some((alt) => alt.every((it) => presented.has(it.scheme) && (it.scheme === 'apiKey' ? c.key : c.basic) && it.scopes.every((r) => c.groups.includes(r))));
}

describe('kong: consumers and roles, generated', () => {
  it('a request is admitted exactly when a presented credential and its holder\'s roles satisfy an alternative', () => {
    const tally = { built: 0, refused: 0, requests: 0, admitted: 0, refusedRequests: 0 };
    const codes = new Map<string, number>();
    fc.assert(
      fc.property(world, (w) => {
        const { g, env } = gateway(w);
        const r = compile(g);
        const errors = r.diagnostics.filter((d) => d.severity === 'error');
        if (errors.length > 0) {
          tally.refused++;
          for (const d of errors) {
            const k = String(d.code);
            codes.set(k, (codes.get(k) ?? 0) + 1);
          }
          return;
        }
        tally.built++;
        const doc = parse(r.yaml) as DeckDoc;
        w.routes.forEach((security, ri) => {
          const send = (headers: Record<string, string>) => evaluate(doc, { method: 'GET', path: `/v1/gen/r${ri}`, host: 'api.shop.example.com', headers }, env);
          w.consumers.forEach((c, ci) => {
            const options: Array<Set<string>> = [];
            if (c.key) options.push(new Set(['apiKey']));
            if (c.basic) options.push(new Set(['adminBasic']));
            if (c.key && c.basic) options.push(new Set(['apiKey', 'adminBasic']));
            for (const presented of options) {
              const headers: Record<string, string> = {};
              if (presented.has('apiKey')) headers['x-api-key'] = `key-of-c${ci}`;
              if (presented.has('adminBasic')) headers.authorization = basic(`user${ci}`, `pw-of-c${ci}`);
              const o = send(headers);
              const ok = ![401, 403].includes(o.status);
              const want = admits(c, presented, security);
              tally.requests++;
              if (ok) tally.admitted++;
              else tally.refusedRequests++;
              // Presenting both of one's own credentials may be identified by either one, so only
              // an admission the spec refuses is a failure there; single credentials are exact.
              if (presented.size === 2) expect(ok && !want, `c${ci} both creds on ${JSON.stringify(security)}`).toBe(false);
              else expect(ok, `c${ci} ${[...presented]} on ${JSON.stringify(security)} groups ${c.groups}`).toBe(want);
            }
          });
          expect([401, 403]).toContain(send({ 'x-api-key': 'forged' }).status);
          expect([401, 403]).toContain(send({ authorization: basic('user0', 'forged') }).status);
          expect([401, 403]).toContain(send({}).status);
        });
      }),
      { numRuns: RUNS, seed: 13 },
    );
    console.log(`kong roles property: ${JSON.stringify(tally)} refusals ${JSON.stringify(Object.fromEntries(codes))}`);
    // Kong refuses only with its own coded reasons (#17.3: the catch-all target-error is gone from the Kong target).
    expect([...codes.keys()].filter((c) => !c.startsWith('kong-'))).toEqual([]);
    expect(tally.built).toBeGreaterThan(RUNS / 4);
    expect(tally.admitted).toBeGreaterThan(0);
    expect(tally.refusedRequests).toBeGreaterThan(0);
  });
});
