/**
 * Red team 19, class: route-ambiguous-unprotected (d134297) compares `security` only, so an
 * ambiguous pair whose second template is IP-restricted passes (bypass of that fix; IP rules are
 * "who can call what", DESIGN.md 4 and 7.8).
 *
 * Attack: `/teams/{team}/settings` (any key holder, anywhere) and `/{org}/billing/settings`
 * (`policies: [office]`: ipAllow 10.0.0.0/8) can match the same URL and neither is more specific;
 * every target tries teamSettings first (first differing segment, literal wins). A caller outside
 * the office sends `GET /v1/teams/billing/settings`: the gateway admits it through teamSettings
 * (no IP rule) and forwards `/teams/billing/settings`, which the backend's own router (Express and
 * Flask in declaration order, any router ranking `/:org/billing/settings` above `/teams/:team/
 * settings`) runs as the office-only billing handler of org "teams". gwc says only the warning
 * route-ambiguous; the refusal d134297 added fires when the two differ in `security`, and not at all
 * when the restricted route is public (`rb.security.length === 0`: an office-only dashboard with
 * no credential is the common case of an IP allow-list).
 *
 * Mechanism (before the fix): src/model/normalise/index.ts checkRoutes: `if (rb.security.length === 0 ||
 * rb.optionalAuth) continue;` and `!sameSecurity(r, rb)` (alternatives and scopes only).
 *
 * Fixed: checkRoutes decides "a admits callers b does not" with model/admits.ts admitsAll (security
 * AND IP rule, as param-variants.ts's profile does), with no skip for a public b: a public b with
 * an IP rule is restricted too. Same pointer (b's path key), same code, lint and every build alike.
 * The oracle and nginx cases below compile past that refusal (compileGateway on the model as
 * normalised), showing the hole the refusal keeps out of any build.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildTarget, compileGateway } from '../../src/api.js';
import { lint } from '../../src/lint/index.js';
import { matchPath, parsedPath } from '../../src/model/paths.js';
import type { Gateway } from '../../src/model/types.js';
import { gatewayOf, writeSpec } from '../helpers/spec.js';
import { evaluate, type DeckDoc } from '../targets/kong/kong-oracle.js';
import { HOST, NGINX, startLab, type AuthLab } from './helpers/nginx-auth.js';

const KEY = 'alice-key-rt19-amb-0123';
const ok = '{ "200": { description: ok } }';
const param = (n: string) => `parameters: [{ name: ${n}, in: path, required: true, schema: { type: string } }]`;
const SPEC = `openapi: 3.1.0
info: { title: rt19 ambiguous ip rule, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: rt19amb
  backends: { echo: { url: "http://echo.internal:8080", pathMatching: exact } }
  defaults: { backend: echo }
  policies:
    office: { ipAllow: [10.0.0.0/8] }
  consumers:
    alice: { credentials: { key: "\${env:ALICE_KEY}" } }
paths:
  /teams/{team}/settings:
    get: { operationId: teamSettings, security: [{ key: [] }], ${param('team')}, responses: ${ok} }
  /{org}/billing/settings:
    get: { operationId: billing, security: [{ key: [] }], x-gateway: { policies: [office] }, ${param('org')}, responses: ${ok} }
  /status/{page}/board:
    get: { operationId: statusBoard, x-gateway: { public: true }, ${param('page')}, responses: ${ok} }
  /{site}/ops/board:
    get: { operationId: opsBoard, x-gateway: { public: true, policies: [office] }, ${param('site')}, responses: ${ok} }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: x-api-key }
`;
const refused = (ds: ReadonlyArray<{ severity: string; code: unknown; params?: unknown }>) =>
  ds.filter((d) => d.severity === 'error' && d.code === 'route-ambiguous-unprotected').map((d) => (d.params as { route: string }).route);
/** Both routes of each pair office-only: accepted (the warning only). */
const SAME = SPEC.replace('operationId: teamSettings, security: [{ key: [] }],', 'operationId: teamSettings, security: [{ key: [] }], x-gateway: { policies: [office] },').replace(
  'operationId: statusBoard, x-gateway: { public: true },',
  'operationId: statusBoard, x-gateway: { public: true, policies: [office] },',
);
/** The model SPEC would give past its refusal: SAME, its first-tried routes' IP rule taken off again. */
const pastRefusal = (g: Gateway) => {
  for (const r of g.routes) if (r.id === 'teamSettings' || r.id === 'statusBoard') delete r.policy.ipRule;
};
/** Backend paths the office-only handlers' templates match (what a declaration-order router runs them for). */
const officeOnly = (path: string) => ['/{org}/billing/settings', '/{site}/ops/board'].some((t) => matchPath(parsedPath(t).segments, path) !== undefined);

describe('red team 19: an ambiguous pair whose second route is IP-restricted', () => {
  it('billing (keyed, office-only) and opsBoard (public, office-only) are refused as route-ambiguous-unprotected, at their path keys', async () => {
    const loaded = await gatewayOf(SPEC);
    expect(refused(loaded.diagnostics).sort()).toEqual(['billing', 'opsBoard']);
    expect(loaded.diagnostics.filter((d) => d.code === 'route-ambiguous').length).toBe(2);
  });

  for (const target of ['aws', 'kong', 'nginx', 'traefik'] as const) {
    it(`${target}: build refused, lint reports the same line:col`, async () => {
      const file = writeSpec(SPEC);
      const b = await buildTarget(file, { target });
      const bd = b.diagnostics.filter((d) => d.code === 'route-ambiguous-unprotected');
      expect(b.files ?? []).toEqual([]);
      expect(bd.map((d) => (d.params as { route: string }).route).sort()).toEqual(['billing', 'opsBoard']);
      const l = await lint(file, { target });
      const ld = l.diagnostics.filter((d) => d.code === 'route-ambiguous-unprotected');
      const at = (ds: typeof bd) => ds.map((d) => `${d.severity} ${d.loc?.pointer} ${d.position?.line}:${d.position?.column}`).sort();
      expect(at(ld)).toEqual(at(bd));
      const line = (key: string) => SPEC.split('\n').indexOf(`  ${key}:`) + 1; // the path key, column 3
      expect(at(bd)).toEqual([`error /paths/~1{org}~1billing~1settings ${line('/{org}/billing/settings')}:3`, `error /paths/~1{site}~1ops~1board ${line('/{site}/ops/board')}:3`]);
    });
  }

  it('control: the same pairs with the same IP rule on both routes keep only the warning', async () => {
    const loaded = await gatewayOf(SAME);
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(loaded.diagnostics.filter((d) => d.code === 'route-ambiguous').length).toBe(2);
  });
});

describe('red team 19, oracle: Kong answers a URL of the office-only template through a route without ip-restriction', async () => {
  // The model refuses SPEC; compiled past that refusal (what every build wrote before the fix).
  const g = (await gatewayOf(SAME)).gateway!;
  pastRefusal(g);
  const kong = parse(compileGateway(g, 'kong', {}).files.find((f) => f.path === 'kong.yaml')!.contents) as DeckDoc;
  const routes = (kong.services ?? []).flatMap((s) => (s as { routes?: Array<{ name: string; plugins?: Array<{ name: string }> }> }).routes ?? []);
  const ipRestricted = (name: string | undefined) => routes.find((r) => r.name === name)?.plugins?.some((p) => p.name === 'ip-restriction') === true;
  const call = (path: string, headers: Record<string, string> = {}) => evaluate(kong, { method: 'GET', host: HOST, path, headers }, { DECK_ALICE_KEY: KEY });

  it('control: the office-only routes carry ip-restriction and answer their own URLs', () => {
    expect(ipRestricted(call('/v1/acme/billing/settings', { 'x-api-key': KEY }).route)).toBe(true);
    expect(ipRestricted(call('/v1/acme/ops/board').route)).toBe(true);
  });

  it('the hole the refusal keeps out of every build: compiled past it, Kong forwards a path of an office-only template through a route without ip-restriction', async () => {
    expect(refused((await gatewayOf(SPEC)).diagnostics).sort()).toEqual(['billing', 'opsBoard']);
    for (const [path, headers] of [['/v1/teams/billing/settings', { 'x-api-key': KEY }], ['/v1/status/ops/board', {}]] as const) {
      const o = call(path, headers);
      expect(o.upstream && officeOnly(o.upstream.path), path).toBe(true);
      expect(ipRestricted(o.route), path).toBe(false);
    }
  });
});

describe.skipIf(!NGINX)('red team 19, nginx (real requests from 127.0.0.1, outside 10.0.0.0/8)', () => {
  let lab: AuthLab;
  beforeAll(async () => {
    lab = await startLab(SAME, { env: { ALICE_KEY: KEY }, edit: pastRefusal }); // SPEC past its model refusal
  });
  afterAll(async () => lab?.stop());

  it('control: the office-only routes answer 403 at their own URLs', async () => {
    for (const [path, headers] of [['/v1/acme/billing/settings', { 'x-api-key': KEY }], ['/v1/acme/ops/board', {}]] as const) {
      const { r, hits } = await lab.call('GET', path, headers);
      expect(r.status, path).toBe(403);
      expect(hits, path).toEqual([]);
    }
  });

  it('the hole the refusal keeps out of every build: compiled past it, a request from outside the office reaches the backend at a path of an office-only template', async () => {
    expect(refused((await gatewayOf(SPEC)).diagnostics).sort()).toEqual(['billing', 'opsBoard']);
    const got = [];
    for (const [path, headers] of [['/v1/teams/billing/settings', { 'x-api-key': KEY }], ['/v1/status/ops/board', {}]] as const) got.push(...(await lab.call('GET', path, headers)).hits);
    expect(got.filter((h) => officeOnly(h.path)).map((h) => h.path).sort()).toEqual(['/status/ops/board', '/teams/billing/settings']);
  });
});
