/**
 * Issue #13 (standing defence), Traefik: generated consumers (groups, API keys, basic users) and
 * routes whose requirements carry roles, OR alternatives, ANDs and optional auth, through the
 * Traefik compiler; the request oracle (test/targets/traefik/traefik-oracle.ts) answers every
 * consumer presenting each credential it holds, a forged one, and none. The htpasswd files are
 * written as the compiled file's header tells the operator (each listed user, a bcrypt hash of its
 * password); the API-key scheme's forwardAuth service is a fake that knows every consumer's key and
 * answers X-Consumer. Property: a request is admitted exactly when some alternative has every
 * scheme it needs presented by a consumer holding that credential and every role of the item in
 * the consumer's groups, or when the route's auth is optional and no credential is presented; the
 * backend then sees no credential, and X-Consumer only when someone was verified. A spec Traefik
 * cannot enforce must be refused at build (counted, by code). GWC_PROPERTY_RUNS raises the count.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadGateway } from '../../src/api.js';
import { checkCapabilities } from '../../src/targets/capability-check.js';
import { compileTraefik, traefikTarget } from '../../src/targets/traefik/index.js';
import { writeSpec } from '../helpers/spec.js';
import { htpasswdFiles } from '../targets/traefik/operator.js';
import { send, type AuthAnswer, type AuthCall } from '../targets/traefik/traefik-oracle.js';

const ROLES = ['admin', 'ops'] as const;
const RUNS = Number(process.env.GWC_PROPERTY_RUNS ?? 60);
const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

type GenConsumer = { groups: string[]; key: boolean; basic: boolean };
type Item = { scheme: 'apiKey' | 'adminBasic'; scopes: string[] };
type GenRoute = { security: Item[][]; optional: boolean };

const roles = fc.subarray([...ROLES]);
const item = fc.record({ scheme: fc.constantFrom('apiKey' as const, 'adminBasic' as const), scopes: roles });
const alternative = fc.oneof({ weight: 4, arbitrary: item.map((i) => [i]) }, { weight: 1, arbitrary: fc.tuple(roles, roles).map(([a, b]) => [{ scheme: 'apiKey' as const, scopes: a }, { scheme: 'adminBasic' as const, scopes: b }]) });
const consumer = fc.record({ groups: roles, key: fc.boolean(), basic: fc.boolean() }).filter((c) => c.key || c.basic);
const genRoute = fc.record({ security: fc.array(alternative, { minLength: 1, maxLength: 2 }), optional: fc.boolean() });
const world = fc.record({ consumers: fc.array(consumer, { minLength: 1, maxLength: 4 }), routes: fc.array(genRoute, { minLength: 1, maxLength: 3 }) });

const secret = (name: string) => name.replace(/^C(\d+)_KEY$/, 'key-of-c$1').replace(/^C(\d+)_PW$/, 'pw-of-c$1');

function spec(w: { consumers: GenConsumer[]; routes: GenRoute[] }): string {
  const consumers = w.consumers
    .map((c, i) => {
      const creds = [c.key ? `apiKey: '\${env:C${i}_KEY}'` : '', c.basic ? `adminBasic: { username: user${i}, password: '\${env:C${i}_PW}' }` : ''].filter(Boolean);
      return `    c${i}: { groups: [${c.groups.join(', ')}], credentials: { ${creds.join(', ')} } }`;
    })
    .join('\n');
  const paths = w.routes
    .map((r, i) => {
      const alts = r.security.map((alt) => `{ ${alt.map((it) => `${it.scheme}: [${it.scopes.join(', ')}]`).join(', ')} }`);
      if (r.optional) alts.push('{}');
      return `  /gen/r${i}:\n    get: { operationId: gen${i}, security: [${alts.join(', ')}], responses: { '200': { description: ok } } }`;
    })
    .join('\n');
  return `openapi: 3.1.0
info: { title: gen, version: "1" }
servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: gen
  backends: { app: { url: http://app.internal:8080 } }
  defaults: { backend: app }
  consumers:
${consumers}
paths:
${paths}
components:
  securitySchemes:
    apiKey: { type: apiKey, in: header, name: x-api-key, x-gateway: { forwardAuth: { url: 'http://keys.internal:9100/check', responseHeaders: [X-Consumer] } } }
    adminBasic: { type: http, scheme: basic }
`;
}

/** The operator's key service: knows every consumer's key, names the consumer; roles asked in ?scope= are checked against groups. */
function keyService(consumers: GenConsumer[]) {
  return (call: AuthCall): AuthAnswer => {
    const key = call.headers.get('X-Api-Key');
    const i = consumers.findIndex((c, ci) => c.key && key === `key-of-c${ci}`);
    if (i < 0) return { status: 401 };
    const scope = new URL(call.address).searchParams.get('scope');
    if (scope && !scope.split(' ').every((r) => consumers[i]!.groups.includes(r))) return { status: 403 };
    return { status: 200, headers: { 'X-Consumer': `c${i}` } };
  };
}

function admits(c: GenConsumer, presented: Set<string>, security: Item[][]): boolean {
  return security.some((alt) => alt.every((it) => presented.has(it.scheme) && (it.scheme === 'apiKey' ? c.key : c.basic) && it.scopes.every((r) => c.groups.includes(r))));
}

describe('traefik: consumers and roles, generated', () => {
  it("a request is admitted exactly when a presented credential and its holder's roles satisfy an alternative", async () => {
    const tally = { built: 0, refused: 0, requests: 0, admitted: 0, anonymous: 0, refusedRequests: 0, mismatches: 0 };
    const codes = new Map<string, number>();
    const mismatches: string[] = [];
    await fc.assert(
      fc.asyncProperty(world, async (w) => {
        const { gateway } = await loadGateway(writeSpec(spec(w)));
        expect(gateway).toBeDefined();
        const checked = checkCapabilities(gateway!, traefikTarget);
        const build = checked.diagnostics.some((d) => d.severity === 'error') ? undefined : compileTraefik(gateway!, checked.plan, { options: {} });
        const errors = [...checked.diagnostics, ...(build?.result.diagnostics ?? [])].filter((d) => d.severity === 'error');
        if (errors.length > 0 || !build?.config) {
          tally.refused++;
          for (const d of errors) {
            const k = d.code === 'capability-unsupported' ? `${d.code}: ${JSON.stringify(d.params).replace(/gen\d+|c\d+/g, 'N').slice(0, 90)}` : String(d.code);
            codes.set(k, (codes.get(k) ?? 0) + 1);
          }
          return;
        }
        tally.built++;
        const env = { files: htpasswdFiles(build.result.files[0]!.contents, secret), auth: keyService(w.consumers) };
        w.routes.forEach((r, ri) => {
          const at = `r${ri} ${JSON.stringify(r)}`;
          const sendH = (headers: Record<string, string>) => send(build.config!, { method: 'GET', host: 'api.example.com', target: `/v1/gen/r${ri}`, headers: { ...headers, 'X-Consumer': 'smuggled' }, tls: true }, env);
          const check = (ok: boolean, want: boolean, label: string) => {
            if (ok !== want) {
              tally.mismatches++;
              mismatches.push(`${label} on ${at}: ${ok ? 'admitted' : 'refused'}`);
            }
          };
          w.consumers.forEach((c, ci) => {
            const options: Array<Set<string>> = [];
            if (c.key) options.push(new Set(['apiKey']));
            if (c.basic) options.push(new Set(['adminBasic']));
            if (c.key && c.basic) options.push(new Set(['apiKey', 'adminBasic']));
            for (const presented of options) {
              const headers: Record<string, string> = {};
              if (presented.has('apiKey')) headers['x-api-key'] = `key-of-c${ci}`;
              if (presented.has('adminBasic')) headers.authorization = basic(`user${ci}`, `pw-of-c${ci}`);
              const o = sendH(headers);
              const ok = o.status === 200;
              // 405: a basicAuth whose usersFile lists nobody fails to load, so Traefik skips its router
              // and the path's method-not-allowed router answers (still a refusal).
              expect([200, 401, 403, 405], `${o.status} for c${ci} on ${at}`).toContain(o.status);
              // Optional auth: a request with no credential of the route's schemes is anonymous (any
              // other header it carries is not a credential here); one with such a credential must verify.
              const relevant = [...presented].some((p) => r.security.some((alt) => alt.some((it) => it.scheme === p)));
              const anonymous = r.optional && !relevant;
              const want = admits(c, presented, r.security) || anonymous;
              tally.requests++;
              if (ok) {
                tally.admitted++;
                const h = o.backend!.headers.lower();
                if (anonymous) {
                  tally.anonymous++;
                  expect(h['x-consumer'], at).toBeUndefined();
                } else {
                  // The credential that was verified never reaches the backend (hideCredentials).
                  if (presented.size === 1 && presented.has('adminBasic')) expect(h.authorization, at).toBeUndefined();
                  if (presented.size === 1 && presented.has('apiKey')) expect(h['x-api-key'], at).toBeUndefined();
                  expect([[`c${ci}`], [`user${ci}`]], at).toContainEqual(h['x-consumer']);
                }
              } else tally.refusedRequests++;
              // Presenting both of one's own credentials may be identified by either one, so only
              // an admission the spec refuses is a failure there; single credentials are exact.
              if (presented.size === 2) check(ok && !want, false, `c${ci} both`);
              else check(ok, want, `c${ci} ${[...presented]} groups [${c.groups}]`);
            }
          });
          for (const forged of <Array<Record<string, string>>>[{ 'x-api-key': 'forged' }, { authorization: basic('user0', 'forged') }, { authorization: 'Basic' }, { 'x-api-key': '' }]) {
            tally.requests++;
            const o = sendH(forged);
            if (o.status === 200) tally.admitted++;
            else tally.refusedRequests++;
            const scheme = 'authorization' in forged ? 'adminBasic' : 'apiKey';
            const onRoute = r.security.some((alt) => alt.some((it) => it.scheme === scheme));
            check(o.status === 200, r.optional && !onRoute, `forged ${JSON.stringify(forged)}`);
          }
          const none = sendH({});
          tally.requests++;
          if (none.status === 200) {
            tally.admitted++;
            tally.anonymous++;
            expect(none.backend!.headers.lower()['x-consumer'], at).toBeUndefined();
          } else tally.refusedRequests++;
          check(none.status === 200, r.optional, 'no credential');
        });
      }),
      { numRuns: RUNS },
    );
    console.log(`traefik roles property: ${JSON.stringify(tally)} refusals ${JSON.stringify(Object.fromEntries(codes))}`);
    expect(mismatches.slice(0, 10)).toEqual([]);
    expect(tally.built).toBeGreaterThan(0);
    expect(tally.admitted).toBeGreaterThan(0);
    expect(tally.refusedRequests).toBeGreaterThan(0);
  });
});
