/**
 * Issue #13 (standing defence), the AWS twin of kong-roles.property.test.ts: generated consumers
 * (groups, a native API key, a Lambda-checked partner key, a Cognito token with scopes) and routes
 * whose requirements carry roles, scopes, OR alternatives and ANDs, through the whole pipeline
 * (loader, capability check, aws compiler); the request oracle (test/targets/aws/oracle.ts: usage
 * plan keys, Cognito scopes any-of, Lambda verdicts and their cache) answers every consumer
 * presenting each credential it holds, both together, and forged ones. Property: a request is
 * admitted exactly when some alternative has every scheme it needs presented by a consumer holding
 * that credential, every role of the item in the consumer's groups and every scope in its token
 * (with an accepted OR gap: only the first alternative's callers, never anyone the spec refuses);
 * a spec API Gateway cannot keep (roles, OR, two authorizers together, several Cognito scopes) is
 * refused at build with a coded diagnostic (counted). Admissions are counted so the property cannot
 * pass by refusing everyone.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildObject, template, unexplained, validate } from '../targets/aws/helpers.js';
import { AwsOracle, type Verify } from '../targets/aws/oracle.js';

const RUNS = Number(process.env.GWC_PROPERTY_RUNS ?? 60);
const ROLES = ['admin', 'ops'] as const;
const SCOPES = ['r/read', 'r/write'] as const;
const POOL = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123';
const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:partner';

type Scheme = 'key' | 'partner' | 'pool';
type Item = { scheme: Scheme; scopes: string[] };
type GenConsumer = { groups: string[]; key: boolean; partner: boolean; token: string[] | null };
type World = { consumers: GenConsumer[]; routes: Item[][][]; acceptOr: boolean; ttl: number };

const roles = fc.subarray([...ROLES]);
const scopes = fc.subarray([...SCOPES]);
// Roles mostly empty, so most worlds build: a role on a key or partner item is refused on aws.
const item: fc.Arbitrary<Item> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ scheme: fc.constant<Scheme>('key'), scopes: fc.oneof({ weight: 4, arbitrary: fc.constant<string[]>([]) }, { weight: 1, arbitrary: roles }) }) },
  { weight: 2, arbitrary: fc.record({ scheme: fc.constant<Scheme>('partner'), scopes: fc.oneof({ weight: 4, arbitrary: fc.constant<string[]>([]) }, { weight: 1, arbitrary: roles }) }) },
  { weight: 3, arbitrary: fc.record({ scheme: fc.constant<Scheme>('pool'), scopes: fc.oneof({ weight: 3, arbitrary: fc.subarray([...SCOPES], { maxLength: 1 }) }, { weight: 1, arbitrary: scopes }) }) },
);
const alternative = fc.oneof(
  { weight: 4, arbitrary: item.map((i) => [i]) },
  { weight: 2, arbitrary: fc.tuple(item, item).filter(([a, b]) => a.scheme !== b.scheme).map(([a, b]) => [a, b]) },
);
const consumer: fc.Arbitrary<GenConsumer> = fc.record({ groups: roles, key: fc.boolean(), partner: fc.boolean(), token: fc.option(scopes, { nil: null }) });
const world: fc.Arbitrary<World> = fc.record({
  consumers: fc.array(consumer, { minLength: 1, maxLength: 4 }),
  routes: fc.array(fc.oneof({ weight: 3, arbitrary: alternative.map((a) => [a]) }, { weight: 1, arbitrary: fc.tuple(alternative, alternative).map(([a, b]) => [a, b]) }), { minLength: 1, maxLength: 3 }),
  acceptOr: fc.boolean(),
  ttl: fc.constantFrom(0, 300),
});

function specOf(w: World) {
  const consumers: Record<string, unknown> = {};
  w.consumers.forEach((c, i) => {
    const credentials: Record<string, string> = {};
    if (c.key) credentials.key = `\${env:C${i}_KEY}`;
    if (c.partner) credentials.partner = `\${env:C${i}_PARTNER}`;
    consumers[`c${i}`] = { groups: c.groups, credentials };
  });
  const paths: Record<string, unknown> = {};
  w.routes.forEach((security, i) => {
    paths[`/gen/r${i}`] = { get: { operationId: `gen${i}`, responses: { '200': { description: 'ok' } }, security: security.map((alt) => Object.fromEntries(alt.map((it) => [it.scheme, it.scopes]))) } };
  });
  return {
    openapi: '3.1.0',
    info: { title: 't', version: '1' },
    servers: [{ url: 'https://api.example.com' }],
    'x-gateway': {
      name: 't',
      backends: { app: { url: 'https://app.example.com' } },
      defaults: { backend: 'app' },
      consumers,
      ...(w.acceptOr ? { accept: { aws: [{ feature: 'auth.or', reason: 'generated' }] } } : {}),
    },
    paths,
    components: {
      securitySchemes: {
        key: { type: 'apiKey', in: 'header', name: 'x-api-key' },
        partner: { type: 'apiKey', in: 'header', name: 'x-partner-key', 'x-gateway': { lambdaAuthorizer: { arn: ARN, type: 'request', identitySource: ['method.request.header.x-partner-key'], ttlSeconds: w.ttl } } },
        pool: { type: 'http', scheme: 'bearer', 'x-gateway': { issuer: POOL, anyAudience: true } },
      },
    },
  };
}

/** The partner Lambda and Cognito, as the generated world defines them. */
function verifier(w: World): Verify {
  return (scheme, credential) => {
    if (scheme === 'partner') {
      const i = /^partner-of-c(\d+)$/.exec(credential)?.[1];
      return i !== undefined && w.consumers[Number(i)]?.partner ? `c${i}` : undefined;
    }
    const m = /^tok:c(\d+)$/.exec(credential);
    const c = m ? w.consumers[Number(m[1])] : undefined;
    return c?.token ? { identity: `c${m![1]}`, scopes: c.token } : undefined;
  };
}

/** What the spec admits: an alternative whose every item c presents, holds, and has the roles or scopes of. */
function admits(c: GenConsumer, presented: Set<Scheme>, alts: Item[][]): boolean {
  return alts.some((alt) =>
    alt.every((it) => {
      if (!presented.has(it.scheme)) return false;
      if (it.scheme === 'pool') return c.token !== null && it.scopes.every((s) => c.token!.includes(s));
      return (it.scheme === 'key' ? c.key : c.partner) && it.scopes.every((r) => c.groups.includes(r));
    }),
  );
}

/** The codes a refusal may carry: each names a reason API Gateway cannot keep the spec. */
const REFUSALS = new Set(['capability-unsupported', 'aws-cognito-scopes-any', 'aws-authorizers-and', 'accept-opens-route']);

describe('aws: consumers and roles, generated', () => {
  it("a request is admitted exactly when a presented credential and its holder's roles and scopes satisfy an alternative", async () => {
    const tally = { built: 0, refused: 0, requests: 0, admitted: 0, refusedRequests: 0, forged: 0, mismatches: 0, validated: 0 };
    const codes = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(world, async (w) => {
        const built = await buildObject(specOf(w));
        const errors = built.diagnostics.filter((d) => d.severity === 'error');
        if (errors.length > 0) {
          tally.refused++;
          expect(built.files).toEqual([]);
          for (const d of errors) {
            const k = d.code === 'capability-unsupported' ? `capability-unsupported: ${String(d.params.feature)}` : String(d.code);
            codes.set(k, (codes.get(k) ?? 0) + 1);
            expect(REFUSALS.has(String(d.code)), `unexpected refusal ${d.code}: ${d.message}`).toBe(true);
          }
          // Why it was refused must be something API Gateway cannot keep.
          const cannot = w.routes.some((alts) =>
            (alts.length > 1 && !w.acceptOr) ||
            alts.some((alt) =>
              alt.some((it) => it.scheme !== 'pool' && it.scopes.length > 0) ||
              alt.some((it) => it.scheme === 'pool' && it.scopes.length > 1) ||
              (alt.some((it) => it.scheme === 'pool') && alt.some((it) => it.scheme === 'partner'))));
          expect(cannot, `refused a spec API Gateway can keep: ${JSON.stringify(errors.map((e) => e.message))}`).toBe(true);
          return;
        }
        tally.built++;
        const file = built.files[0]!;
        if (tally.built % 10 === 1) {
          expect(unexplained(validate(file.contents, 'json'))).toEqual([]);
          tally.validated++;
        }
        const oracle = new AwsOracle(template(file.contents), verifier(w));
        w.routes.forEach((alts, ri) => {
          const path = `/gen/r${ri}`;
          const enforced = alts.length > 1 ? alts.slice(0, 1) : alts; // an accepted OR keeps its first alternative
          const send = (headers: Record<string, string>) => oracle.request({ method: 'GET', path, headers });
          w.consumers.forEach((c, ci) => {
            const held: Scheme[] = [...(c.key ? ['key' as const] : []), ...(c.partner ? ['partner' as const] : []), ...(c.token ? ['pool' as const] : [])];
            const options: Array<Set<Scheme>> = held.map((s) => new Set([s]));
            if (held.length > 1) options.push(new Set(held));
            for (const presented of options) {
              const headers: Record<string, string> = {};
              if (presented.has('key')) headers['x-api-key'] = oracle.keysOf(`c${ci}`)[0] ?? 'no-key-in-the-plan';
              if (presented.has('partner')) headers['x-partner-key'] = `partner-of-c${ci}`;
              if (presented.has('pool')) headers.authorization = `tok:c${ci}`;
              const d = send(headers);
              const ok = d.upstream !== undefined;
              const want = admits(c, presented, enforced);
              tally.requests++;
              if (ok) tally.admitted++;
              else tally.refusedRequests++;
              // Never anyone the spec refuses; with the OR gap accepted, exactly the first alternative's callers.
              if (ok && !admits(c, presented, alts)) tally.mismatches++;
              if (ok !== want) tally.mismatches++;
              expect(ok, `c${ci} ${[...presented]} on ${JSON.stringify(alts)} (${JSON.stringify(c)}): ${d.why}`).toBe(want);
            }
          });
          const forgeries: Array<Record<string, string>> = [{ 'x-api-key': 'forged-key-forged-key-0' }, { 'x-partner-key': 'partner-of-c99' }, { authorization: 'tok:c99' }, { 'x-api-key': 'partner-of-c0' }, {}];
          for (const forged of forgeries) {
            const d = send(forged);
            tally.forged++;
            expect(d.upstream, `${JSON.stringify(forged)} on ${JSON.stringify(alts)}: ${d.why}`).toBeUndefined();
            expect([401, 403]).toContain(d.status);
          }
        });
      }),
      { numRuns: RUNS },
    );
    console.log(`aws roles property: ${JSON.stringify(tally)} refusals ${JSON.stringify(Object.fromEntries(codes))}`);
    expect(tally.mismatches).toBe(0);
    expect(tally.built).toBeGreaterThan(RUNS / 5);
    expect(tally.refused).toBeGreaterThan(0);
    expect(tally.admitted).toBeGreaterThan(0);
    expect(tally.refusedRequests).toBeGreaterThan(0);
  }, 300_000);
});
