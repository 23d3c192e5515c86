/**
 * Red team 6, nginx (DESIGN.md 7.1, 7.3): on an OR route, a credential kept for the backend
 * (`hideCredentials: false`) reaches it only when the alternative that passed verified it
 * (src/targets/nginx/kept-credentials.ts). Generated through real nginx: every pair of scheme kinds
 * whose credentials travel apart (header key, query key, cookie key, basic, a JWT in its own header,
 * forward auth on Authorization), both orders of the alternatives, the valid credential for either
 * one and a forged one for the other in every spelling a backend reads as it; AND inside an
 * alternative; an optional route; a route with a per-consumer limit (verify location). Each case
 * asserts the status, that the forged text never reaches the backend and that the verified kept
 * credential does. Before the fix, every forged-credential case reached the backend.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST, NGINX, startLab, basic, type AuthLab } from './helpers/nginx-auth.js';
import { querySpellings } from './helpers/carrier-variants.js';

const H_KEY = 'hkey-alice-0001';
const Q_KEY = 'qkey-alice-0002';
const C_KEY = 'ckey-alice-0003';
const PASS = 'alice-password-0004';
const HS = 'kept-or-hs-secret-0123456789abcdef';
const FW_GOOD = 'Bearer fw-good-0005';

const b64u = (s: string | Buffer) => Buffer.from(s).toString('base64url');
function jwt(): string {
  const head = b64u(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64u(JSON.stringify({ iss: 'https://id.example/', aud: 'api', sub: 'alice', exp: Math.floor(Date.now() / 1000) + 3600 }));
  return `${head}.${body}.${createHmac('sha256', HS).update(`${head}.${body}`).digest('base64url')}`;
}
const JWT = jwt();

/** A request part: headers, a query and cookies, merged into one request. */
interface Part { headers?: Record<string, string>; query?: string; cookie?: string }
const hdr = (name: string, value: string): Part => ({ headers: { [name]: value } });

interface Kind {
  /** Where the credential travels (two kinds sharing one are never paired). */
  carrier: string;
  valid: Part;
  /** Forged credentials in every spelling a backend reads as the carrier; `text` is what must never reach it. */
  forged: (tag: string) => Array<{ label: string; part: Part; text: string }>;
  /** What of the valid credential the backend must receive (kept). */
  kept: string;
}

const KINDS: Record<string, Kind> = {
  hk: {
    carrier: 'x-api-key', valid: { headers: { 'x-api-key': H_KEY } }, kept: H_KEY,
    forged: (t) => [{ label: 'x-api-key', part: hdr('x-api-key', t), text: t }, { label: 'X-API-KEY', part: hdr('X-API-KEY', t), text: t }],
  },
  qk: {
    carrier: 'query', valid: { query: `api_key=${Q_KEY}` }, kept: `api_key=${Q_KEY}`,
    forged: (t) => querySpellings('api_key').map((q) => ({ label: `?${q}=`, part: { query: `${q}=${t}` }, text: t })),
  },
  ck: {
    carrier: 'cookie', valid: { cookie: `sid_key=${C_KEY}` }, kept: `sid_key=${C_KEY}`,
    forged: (t) => ['sid_key', 'SID_KEY', 'sid.key', ' sid_key', 'sid_key[]'].map((n) => ({ label: `cookie ${n}`, part: { cookie: `${n}=${t}` }, text: t })),
  },
  bas: {
    carrier: 'authorization', valid: { headers: basic('alice', PASS) }, kept: basic('alice', PASS).authorization,
    forged: (t) => [
      { label: 'basic wrong password', part: { headers: basic('alice', t) }, text: basic('alice', t).authorization },
      { label: 'basic other user', part: { headers: basic(t, PASS) }, text: basic(t, PASS).authorization },
    ],
  },
  jx: {
    carrier: 'x-token', valid: { headers: { 'x-token': JWT } }, kept: JWT,
    forged: (t) => [
      { label: 'x-token raw', part: hdr('x-token', `${t}.e30.sig`), text: t },
      { label: 'X-Token bearer', part: hdr('X-Token', `Bearer ${t}`), text: t },
    ],
  },
  fw: {
    carrier: 'authorization', valid: { headers: { authorization: FW_GOOD } }, kept: FW_GOOD,
    forged: (t) => [{ label: 'forward bearer', part: { headers: { authorization: `Bearer ${t}` } }, text: t }],
  },
};
const NAMES = Object.keys(KINDS);

/** Every pair of kinds whose credentials travel apart, in both orders: one route each. */
const PAIRS: Array<[string, string]> = NAMES.flatMap((a) => NAMES.filter((b) => a !== b && KINDS[a]!.carrier !== KINDS[b]!.carrier).map((b) => [a, b] as [string, string]));
const opId = (alts: string[][]) => alts.map((a) => (a.length ? a.join('_') : 'anon')).join('__');
/** Extra routes: AND inside an alternative, optional auth, a per-consumer limit (verify location). */
const EXTRA: Array<{ alts: string[][]; limit?: boolean }> = [
  { alts: [['hk', 'qk'], ['bas']] },
  { alts: [['bas'], ['ck', 'jx']] },
  { alts: [[], ['bas'], ['hk']] },
  { alts: [['bas'], ['qk']], limit: true },
  { alts: [['jx'], ['hk'], ['ck']], limit: true },
];
const ROUTES = [...PAIRS.map(([a, b]) => ({ alts: [[a], [b]], limit: false })), ...EXTRA.map((e) => ({ limit: false, ...e }))];

const ok = '{ "200": { description: ok } }';
const SPEC = `openapi: 3.1.0
info: { title: red team 6 nginx kept OR, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: r6k
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { hk: "\${env:H_KEY}", qk: "\${env:Q_KEY}", ck: "\${env:C_KEY}", bas: { username: alice, password: "\${env:PASS}" } } }
paths:
${ROUTES.map((r, i) => `  /r${i}: { get: { operationId: ${opId(r.alts)}${r.limit ? '_limited' : ''}, security: [${r.alts.map((a) => `{ ${a.map((s) => `${s}: []`).join(', ')} }`).join(', ')}]${r.limit ? ', x-gateway: { rateLimit: { requests: 1000, per: minute, by: consumer } }' : ''}, responses: ${ok} } }`).join('\n')}
components:
  securitySchemes:
    hk: { type: apiKey, in: header, name: X-Api-Key, x-gateway: { hideCredentials: false } }
    qk: { type: apiKey, in: query, name: api_key, x-gateway: { hideCredentials: false } }
    ck: { type: apiKey, in: cookie, name: sid_key, x-gateway: { hideCredentials: false } }
    bas: { type: http, scheme: basic, x-gateway: { hideCredentials: false } }
    jx:
      type: http
      scheme: bearer
      x-gateway: { header: X-Token, issuer: "https://id.example/", audiences: [api], algorithms: [HS256], publicKeys: ["\${file:keys/hs.key}"], hideCredentials: false }
    fw: { type: http, scheme: bearer, x-gateway: { forwardAuth: { url: "http://auth.internal:9000/verify" }, hideCredentials: false } }
`;

function merge(parts: Part[]): { headers: Record<string, string>; query: string } {
  const headers: Record<string, string> = {};
  const query: string[] = [];
  const cookies: string[] = [];
  for (const p of parts) {
    Object.assign(headers, p.headers ?? {});
    if (p.query) query.push(p.query);
    if (p.cookie) cookies.push(p.cookie);
  }
  if (cookies.length > 0) headers.cookie = cookies.join('; ');
  return { headers, query: query.join('&') };
}

interface Case { label: string; route: number; passes: string[]; forged: { label: string; part: Part; text: string }[]; status: number }

/** For each route, each alternative passing with every other alternative's schemes forged, one spelling at a time. */
function cases(): Case[] {
  let serial = 0;
  const out: Case[] = [];
  ROUTES.forEach((r, route) => {
    r.alts.forEach((alt, i) => {
      if (alt.length === 0) return;
      const others = [...new Set(r.alts.filter((_, j) => j !== i).flat())].filter((s) => !alt.includes(s) && !alt.some((a) => KINDS[a]!.carrier === KINDS[s]!.carrier));
      for (const o of others) {
        for (const f of KINDS[o]!.forged(`FORGEDzz${++serial}`)) {
          out.push({ label: `/r${route} ${opId(r.alts)}: ${alt.join('+')} passes, forged ${o} ${f.label}`, route, passes: alt, forged: [f], status: 200 });
        }
      }
    });
  });
  return out;
}
const CASES = cases();

describe.skipIf(!NGINX)('red team 6, nginx: an OR route forwards a kept credential only for the alternative that passed', () => {
  let lab: AuthLab;
  beforeAll(async () => {
    lab = await startLab(SPEC, {
      env: { H_KEY, Q_KEY, C_KEY, PASS },
      files: { 'keys/hs.key': HS },
      forward: { fw: (e) => ({ status: e.headers.authorization === FW_GOOD ? 204 : 401 }) },
    });
  });
  afterAll(async () => lab?.stop());

  const run = async (route: number, parts: Part[]) => {
    const { headers, query } = merge(parts);
    return lab.call('GET', `/v1/r${route}${query ? `?${query}` : ''}`, headers);
  };

  it('control: each alternative passes alone and its kept credential reaches the backend', async () => {
    for (const [route, r] of ROUTES.entries()) {
      for (const alt of r.alts.filter((a) => a.length > 0)) {
        const { r: res, hits } = await run(route, alt.map((s) => KINDS[s]!.valid));
        expect(res.status, `/r${route} ${alt}`).toBe(200);
        for (const s of alt) expect(JSON.stringify(hits), `/r${route} ${alt}: ${s} kept`).toContain(JSON.stringify(KINDS[s]!.kept).slice(1, -1));
      }
    }
  });

  it(`generates ${CASES.length} attacks`, () => expect(CASES.length).toBeGreaterThan(150));

  it.each(CASES.map((c) => [c.label, c] as const))('%s: the forged credential never reaches the backend, the verified one does', async (_l, c) => {
    const { r, hits } = await run(c.route, [...c.passes.map((s) => KINDS[s]!.valid), ...c.forged.map((f) => f.part)]);
    expect(r.status).toBe(c.status);
    expect(hits).toHaveLength(1);
    const seen = JSON.stringify(hits);
    for (const f of c.forged) expect(seen, 'forged credential reached the backend').not.toContain(JSON.stringify(f.text).slice(1, -1));
    for (const s of c.passes) expect(seen, `${s} kept`).toContain(JSON.stringify(KINDS[s]!.kept).slice(1, -1));
  });

  it('optional route: an anonymous caller passes with its query whole, and no credential is forwarded', async () => {
    const i = ROUTES.findIndex((r) => r.alts.some((a) => a.length === 0));
    const { r, hits } = await run(i, [{ query: 'a=1&b=%C3%A9' }]);
    expect(r.status).toBe(200);
    expect(hits.map((h) => h.path)).toEqual([`/r${i}?a=1&b=%C3%A9`]);
  });

  it('the query beside a verified kept query key reaches the backend byte for byte', async () => {
    const i = ROUTES.findIndex((r) => opId(r.alts) === 'bas__qk' && !r.limit);
    const { r, hits } = await run(i, [KINDS.qk!.valid, { query: 'x=%FF%00&y=a+b&z' }]);
    expect(r.status).toBe(200);
    expect(hits.map((h) => h.path)).toEqual([`/r${i}?api_key=${Q_KEY}&x=%FF%00&y=a+b&z`]);
  });
});
