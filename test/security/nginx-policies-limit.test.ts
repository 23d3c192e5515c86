/**
 * Attack catalogue, nginx policies, part 2: per-consumer rate limits count only VERIFIED callers
 * (DESIGN.md section 7.4). limit_req runs before auth_request, so the limit is evaluated after the
 * auth check (templates-limit.ts): forged tokens with fresh subs and guessed API keys spend their
 * client address's budget (429), forged tokens carrying a victim's sub never touch the victim's
 * bucket, consumers keep separate buckets behind one address. Real nginx, stub backend.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { b64u, now, rsaKeys, token } from '../targets/nginx/jwt.js';
import { bearer, HOST, NGINX, startPolicyLab, type PolicyLab } from './helpers/nginx-policies.js';

const rs = rsaKeys();
const attacker = rsaKeys();
const ok = '{ "200": { description: ok } }';
const limited = (id: string, path: string, security: string, requests = 3) =>
  `  ${path}: { get: { operationId: ${id}, security: ${security}, x-gateway: { rateLimit: { requests: ${requests}, per: minute, by: consumer } }, responses: ${ok} } }\n`;
const SPEC = `openapi: 3.1.0
info: { title: limit lab, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: llab
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { key: "\${env:ALICE_KEY}" } }
    bob: { credentials: { key: "\${env:BOB_KEY}" } }
paths:
${limited('fresh', '/fresh', '[{ jwt: [] }]')}${limited('victim', '/victim', '[{ jwt: [] }]')}${limited('guess', '/guess', '[{ key: [] }, { jwt: [] }]')}${limited('split', '/split', '[{ key: [] }]')}${limited('opt', '/opt', '[{}, { key: [] }]')}${limited('fwd', '/fwd', '[{ fwd: [] }]')}  /public: { get: { operationId: pub, x-gateway: { rateLimit: { requests: 3, per: minute, by: consumer } }, responses: ${ok} } }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: x-api-key }
    jwt:
      type: http
      scheme: bearer
      x-gateway: { anyAudience: true, issuer: "https://id.test/", algorithms: [RS256], publicKeys: ["\${file:keys/rs.pem}"] }
    fwd:
      type: http
      scheme: bearer
      x-gateway: { forwardAuth: { url: "http://auth.internal:9000/verify", responseHeaders: [X-User-Id] } }
`;

const claims = (sub: string) => ({ iss: 'https://id.test/', sub, exp: now() + 300 });
const valid = (sub: string) => token('RS256', claims(sub), rs.privateKey);
/** Signed with the attacker's own key: well formed, never verifiable. */
const forged = (sub: string) => token('RS256', claims(sub), attacker.privateKey);
const unsigned = (sub: string) => `${b64u(JSON.stringify({ alg: 'RS256', typ: 'JWT' }))}.${b64u(JSON.stringify(claims(sub)))}.`;

describe.skipIf(!NGINX)('nginx per-consumer rate limits key on verified identities only', () => {
  let lab: PolicyLab;
  beforeAll(async () => {
    lab = await startPolicyLab(SPEC, {
      files: { 'keys/rs.pem': rs.publicPem },
      env: { ALICE_KEY: 'alice-key-1', BOB_KEY: 'bob-key-2' },
      forward: { fwd: (e) => (e.headers.authorization === 'Bearer good' ? { status: 200, headers: { 'X-User-Id': 'u1' } } : { status: 401 }) },
    });
  });
  afterAll(async () => lab?.stop());

  const statuses = async (n: number, path: string, headers: (i: number) => Record<string, string>, from?: string) => {
    const out: number[] = [];
    let reached = 0;
    for (let i = 0; i < n; i++) {
      const { r, hits } = await lab.call('GET', path, headers(i), from);
      out.push(r.status);
      reached += hits.length;
    }
    return { out, reached };
  };

  it('forged tokens with a fresh sub each time cannot escape the limit: their address is limited', async () => {
    const { out, reached } = await statuses(8, '/v1/fresh', (i) => bearer(forged(`sub-${i}`)));
    expect(reached).toBe(0);
    expect(out.slice(0, 3)).toEqual([401, 401, 401]);
    expect(out.slice(3)).toEqual([429, 429, 429, 429, 429]);
    const limitedReply = await lab.call('GET', '/v1/fresh', bearer(unsigned('again')));
    expect(limitedReply.r.status).toBe(429);
    expect(JSON.parse(limitedReply.r.body)).toMatchObject({ status: 429 });
  });

  it('forged tokens carrying a victim sub never spend the victim bucket (no lockout)', async () => {
    const attack = await statuses(10, '/v1/victim', () => bearer(forged('victim')));
    expect(attack.reached).toBe(0);
    expect(attack.out).toContain(429);
    // The victim, even behind the attacker's own address, still has the whole budget.
    const victim = await statuses(4, '/v1/victim', () => bearer(valid('victim')));
    expect(victim.out).toEqual([200, 200, 200, 429]);
    expect(victim.reached).toBe(3);
  });

  it('API-key guessing with a forged bearer token is limited per address (429), never reaching the backend', async () => {
    const { out, reached } = await statuses(20, '/v1/guess', (i) => ({ 'x-api-key': `guess-${i}`, ...bearer(forged(`g${i}`)) }), '127.0.0.7');
    expect(reached).toBe(0);
    expect(out.filter((s) => s === 401)).toHaveLength(3);
    expect(out.filter((s) => s === 429)).toHaveLength(17);
    // Another address has its own budget for failures.
    expect((await lab.call('GET', '/v1/guess', { 'x-api-key': 'nope' }, '127.0.0.8')).r.status).toBe(401);
  });

  it('verified consumers keep separate buckets behind one address, and a limited one is 429', async () => {
    const alice = await statuses(4, '/v1/split', () => ({ 'x-api-key': 'alice-key-1' }));
    expect(alice.out).toEqual([200, 200, 200, 429]);
    const bob = await statuses(3, '/v1/split', () => ({ 'x-api-key': 'bob-key-2' }));
    expect(bob.out).toEqual([200, 200, 200]);
    // Failed attempts from alice's address spend the address budget, not alice's or bob's.
    const fails = await statuses(4, '/v1/split', () => ({ 'x-api-key': 'wrong' }));
    expect(fails.out).toEqual([401, 401, 401, 429]);
  });

  it('optional auth: anonymous callers are limited by address, a consumer by identity', async () => {
    const anon = await statuses(4, '/v1/opt', () => ({}), '127.0.0.9');
    expect(anon.out).toEqual([200, 200, 200, 429]);
    const alice = await statuses(3, '/v1/opt', () => ({ 'x-api-key': 'alice-key-1' }), '127.0.0.9');
    expect(alice.out).toEqual([200, 200, 200]);
  });

  it('forward auth: refused tokens spend the address budget; the verified caller its own', async () => {
    const bad = await statuses(4, '/v1/fwd', (i) => bearer(`bad-${i}`), '127.0.0.10');
    expect(bad.out).toEqual([401, 401, 401, 429]);
    const good = await statuses(4, '/v1/fwd', () => bearer('good'), '127.0.0.10');
    expect(good.out).toEqual([200, 200, 200, 429]);
  });

  it('a 401 from the verify location keeps its challenge and JSON body', async () => {
    const r = (await lab.call('GET', '/v1/fresh', {}, '127.0.0.11')).r;
    expect(r.status).toBe(401);
    expect(JSON.parse(r.body)).toMatchObject({ status: 401 });
    expect(r.headers['www-authenticate']).toBe('Bearer');
  });

  it('by: consumer on a public route is by client address', async () => {
    const a = await statuses(4, '/v1/public', () => ({ 'x-api-key': 'alice-key-1' }), '127.0.0.12');
    expect(a.out).toEqual([200, 200, 200, 429]);
    expect((await lab.call('GET', '/v1/public', {}, '127.0.0.13')).r.status).toBe(200);
  });
});
