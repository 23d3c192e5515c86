/**
 * Issue #13 (standing defence), nginx: the consumers and roles property of
 * kong-roles.property.test.ts through a REAL nginx with gwc's njs module, the one target that
 * enforces roles by emulation. Generated consumers (groups, API keys, basic users) and routes whose
 * requirements carry roles, OR alternatives and ANDs are compiled, loaded by nginx on loopback with
 * an echo backend, and every consumer presents each of its credentials (and both), plus forged
 * and missing ones. Property: a request reaches the backend exactly when some alternative has
 * every scheme it needs presented by a consumer holding that credential and every role of the
 * item in the consumer's groups; anything less meets 401/403 and the backend never sees it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Consumer, Security, SecurityScheme } from '../../src/model/types.js';
import { compileOrThrow, freePort, fullOptions, NGINX, prefixDir, send, startNginx, startStub, writeFiles } from '../targets/nginx/harness.js';
import { gateway as model, httpBackend, keyScheme, loc, route } from '../targets/nginx/model.js';

const ROLES = ['admin', 'ops'] as const;
// Each run starts an nginx: fewer runs than the oracle properties, more with GWC_PROPERTY_RUNS.
const RUNS = Number(process.env.GWC_PROPERTY_RUNS ?? 40);
const ref = (name: string) => ({ kind: 'env' as const, name, raw: `\${env:${name}}` });
const basicHeader = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

type GenConsumer = { groups: string[]; key: boolean; basic: boolean };
type Item = { scheme: 'key' | 'basic'; scopes: string[] };

const roles = fc.subarray([...ROLES]);
const item = fc.record({ scheme: fc.constantFrom('key' as const, 'basic' as const), scopes: roles });
const alternative = fc.oneof(
  { weight: 3, arbitrary: item.map((i) => [i]) },
  { weight: 1, arbitrary: fc.tuple(roles, roles).map(([a, b]) => [{ scheme: 'key' as const, scopes: a }, { scheme: 'basic' as const, scopes: b }]) },
);
const consumer = fc.record({ groups: roles, key: fc.boolean(), basic: fc.boolean() }).filter((c) => c.key || c.basic);
const world = fc.record({
  consumers: fc.array(consumer, { minLength: 1, maxLength: 4 }),
  routes: fc.array(fc.array(alternative, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 }),
});

const basicScheme: SecurityScheme = { name: 'basic', loc: loc('/components/securitySchemes/basic'), openapiType: 'http', kind: 'basic', basic: { realm: 'lab' }, hideCredentials: true };

function gatewayOf(w: { consumers: GenConsumer[]; routes: Item[][][] }, port: number) {
  const env: Record<string, string> = {};
  const consumers = w.consumers.map((c, i): Consumer => {
    const credentials: Consumer['credentials'] = [];
    if (c.key) {
      credentials.push({ scheme: 'key', kind: 'apiKey', key: ref(`C${i}_KEY`), loc: loc() });
      env[`C${i}_KEY`] = `key-of-c${i}`;
    }
    if (c.basic) {
      credentials.push({ scheme: 'basic', kind: 'basic', username: `user${i}`, password: ref(`C${i}_PW`), loc: loc() });
      env[`C${i}_PW`] = `pw-of-c${i}`;
    }
    return { name: `c${i}`, loc: loc(), groups: c.groups, credentials };
  });
  const routes = w.routes.map((security, i) => route(`gen${i}`, 'GET', `/gen/r${i}`, { security: security as Security, declaredPublic: false }));
  return { g: model(routes, { backends: [httpBackend('app', '127.0.0.1', port)], securitySchemes: [keyScheme('key'), basicScheme], consumers }), env };
}

/** What the spec admits: an alternative whose every item the presented credentials satisfy, with its roles. */
function admits(c: GenConsumer, presented: Set<string>, security: Item[][]): boolean {
  return security.some((alt) => alt.every((it) => presented.has(it.scheme) && (it.scheme === 'key' ? c.key : c.basic) && it.scopes.every((r) => c.groups.includes(r))));
}

describe.skipIf(!NGINX)('nginx: consumers and roles, generated, through a real nginx', () => {
  it('a request reaches the backend exactly when a presented credential and its holder\'s roles satisfy an alternative', async () => {
    const tally = { worlds: 0, requests: 0, admitted: 0, refused: 0 };
    const backend = await startStub('app');
    try {
      await fc.assert(
        fc.asyncProperty(world, async (w) => {
          const { g, env } = gatewayOf(w, backend.port);
          const dir = prefixDir();
          const port = await freePort();
          writeFiles(dir, compileOrThrow(g, fullOptions(dir, port)));
          const ng = await startNginx(dir, port, env);
          tally.worlds++;
          try {
            for (const [ri, security] of w.routes.entries()) {
              const call = async (headers: Record<string, string>) => {
                const before = backend.hits.length;
                const r = await send(port, 'GET', `/gen/r${ri}`, headers);
                const reached = backend.hits.length > before;
                // Reaching the backend and the status agree: no 2xx without the backend, no backend behind a 401/403.
                expect(reached, `status ${r.status}`).toBe(r.status === 200);
                return reached;
              };
              for (const [ci, c] of w.consumers.entries()) {
                const options: Array<Set<string>> = [];
                if (c.key) options.push(new Set(['key']));
                if (c.basic) options.push(new Set(['basic']));
                if (c.key && c.basic) options.push(new Set(['key', 'basic']));
                for (const presented of options) {
                  const headers: Record<string, string> = {};
                  if (presented.has('key')) headers['x-api-key'] = `key-of-c${ci}`;
                  if (presented.has('basic')) headers.authorization = basicHeader(`user${ci}`, `pw-of-c${ci}`);
                  const ok = await call(headers);
                  tally.requests++;
                  if (ok) tally.admitted++;
                  else tally.refused++;
                  expect(ok, `c${ci} [${[...presented]}] on ${JSON.stringify(security)} groups ${JSON.stringify(c.groups)}`).toBe(admits(c, presented, security));
                }
              }
              expect(await call({ 'x-api-key': 'forged' })).toBe(false);
              expect(await call({ authorization: basicHeader('user0', 'forged') })).toBe(false);
              expect(await call({})).toBe(false);
              // Another consumer's key with this consumer's basic user: an AND needs one caller's pair.
              if (w.consumers.length > 1 && w.consumers[0]!.key && w.consumers[1]!.basic) {
                const mixed = await call({ 'x-api-key': 'key-of-c0', authorization: basicHeader('user1', 'pw-of-c1') });
                const alone = security.some((alt) => alt.length === 1 && admits(w.consumers[0]!, new Set(['key']), [alt]) || alt.length === 1 && admits(w.consumers[1]!, new Set(['basic']), [alt]));
                const pair = security.some((alt) => alt.length === 2 && alt.every((it) => it.scheme === 'key' ? it.scopes.every((r) => w.consumers[0]!.groups.includes(r)) : it.scopes.every((r) => w.consumers[1]!.groups.includes(r))));
                // Admitted only through an alternative one of them meets alone, or an AND whose parts each of them meets (gwc reads an AND per credential).
                if (mixed) expect(alone || pair).toBe(true);
              }
            }
          } finally {
            await ng.stop();
          }
        }),
        { numRuns: RUNS },
      );
    } finally {
      await backend.close();
    }
    console.log(`nginx roles property: ${JSON.stringify(tally)}`);
    expect(tally.admitted).toBeGreaterThan(0);
    expect(tally.refused).toBeGreaterThan(0);
  }, 300_000);
});
