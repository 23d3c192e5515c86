/**
 * `gwc diff` (nginx) reads what a cached route's njs CFG keys and bypasses on (deployed-njs.ts
 * njsCacheKey, njsCacheBypass). runtime.js cacheCredential keeps out of a shared entry a request
 * carrying a credential the route did not verify: any line of a credential header (cacheHeaders:
 * nginx 1.22's `$http_*` reads the first line only, red team 14), a query credential in any
 * spelling (cacheQuery), a Cookie from an anonymous caller, a cookie beside the route's own key.
 * Those lists live in the module, not the .conf: dropped by hand they let bob's answer be stored
 * in the anonymous entry (redteam14-nginx-cache-bypass-lines shows it with real nginx), and the
 * reader read the deployment as equal to the spec. Same for the route id in the digest (without
 * it two cached routes of one host, method and query share entries). Each edit must be a security
 * finding for the release that makes it and a finding (tightened) for the release that repairs it.
 */
import { describe, expect, it } from 'vitest';
import { compiledState, diffDeployed, readerOf } from '../../src/diff/run.js';
import { diffStates, type Plan } from '../../src/diff/plan.js';
import { cfgObject } from '../../src/targets/nginx/deployed-njs.js';
import type { OutputFile } from '../../src/targets/output-file.js';
import { deployed } from './helpers/diff-coverage.js';
import { writeSpec } from '../helpers/spec.js';

const ok = "{ '200': { description: ok } }";
const SPEC = `openapi: 3.1.0
info: { title: cache cfg, version: "1" }
servers: [{ url: https://api.cc.example.com/v1 }]
x-gateway:
  name: cc
  backends: { app: { url: http://app.internal:8080 } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { hk: '\${env:A_H}', ck: '\${env:A_C}' } }
    bob: { credentials: { qk: '\${env:B_Q}' } }
paths:
  /feed:
    get: { operationId: feed, x-gateway: { public: true, cache: { ttl: 30s, keyQuery: false } }, responses: ${ok} }
  /mine:
    get: { operationId: mine, security: [{ hk: [] }], x-gateway: { cache: { ttl: 30s } }, responses: ${ok} }
  /maybe:
    get: { operationId: maybe, security: [{ ck: [] }, {}], x-gateway: { cache: { ttl: 30s } }, responses: ${ok} }
  /own:
    get: { operationId: own, security: [{ ck: [] }], x-gateway: { cache: { ttl: 30s } }, responses: ${ok} }
  /q:
    get: { operationId: q, security: [{ qk: [] }], responses: ${ok} }
components:
  securitySchemes:
    hk: { type: apiKey, in: header, name: X-Api-Key }
    qk: { type: apiKey, in: query, name: api_key }
    ck: { type: apiKey, in: cookie, name: sid }
`;

type Cfg = { routes: Record<string, Record<string, unknown> & { id?: string }> };

async function built() {
  const r = await compiledState(writeSpec(SPEC), 'nginx', {});
  if (!r.state?.files) throw new Error(r.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n'));
  return r.state.files;
}

/** The build with the njs CFG of route `id` edited. */
function edited(files: OutputFile[], id: string, edit: (route: Record<string, unknown>) => void): OutputFile[] {
  return files.map((f) => {
    if (!f.path.endsWith('.js') || f.path.endsWith('.validate.js')) return f;
    const at = cfgObject(f.contents)!;
    const cfg = structuredClone(at.value) as Cfg;
    const route = Object.values(cfg.routes).find((r) => r.id === id);
    if (!route) throw new Error(`no route ${id} in the CFG`);
    edit(route);
    return { ...f, contents: `${f.contents.slice(0, at.start)}${JSON.stringify(cfg, null, 2)}${f.contents.slice(at.end)}` };
  });
}

const security = (p: Plan) => p.findings.filter((f) => f.class === 'security').map((f) => `${f.rule} ${f.key}`);
const all = (p: Plan) => p.findings.map((f) => `${f.class} ${f.rule}${f.undoes ? ` undoes ${f.undoes}` : ''} ${f.key}`);

function bothWays(files: OutputFile[], weaker: OutputFile[]) {
  const reader = readerOf('nginx').reader!;
  const b = reader.normalise(files, 'built').state!;
  const m = reader.normalise(weaker, 'edited').state!;
  return { release: diffStates(b, m), repair: diffStates(m, b) };
}

const drop = (key: string, value?: string) => (r: Record<string, unknown>) => {
  if (value === undefined) delete r[key];
  else r[key] = (r[key] as string[]).filter((x) => x !== value);
};

describe('gwc diff (nginx): a cached route\'s njs CFG edited by hand is a security finding', () => {
  const cases: Array<[string, string, (r: Record<string, unknown>) => void]> = [
    ['a credential header dropped from the bypass (cacheHeaders: x-api-key)', 'feed', drop('cacheHeaders', 'x-api-key')],
    ['the bypass header list removed (cacheHeaders)', 'feed', drop('cacheHeaders')],
    ['a query credential dropped from the bypass (cacheQuery: api_key)', 'feed', drop('cacheQuery', 'api_key')],
    ["an anonymous caller's Cookie no longer bypasses (cacheCookieAnonymous)", 'maybe', drop('cacheCookieAnonymous')],
    ["a cookie beside the route's own key no longer bypasses (cacheCookieOwn removed)", 'own', drop('cacheCookieOwn')],
    ['the consumer dropped from the key (cacheKey: the identity variable)', 'mine', (r) => (r.cacheKey = (r.cacheKey as string[]).filter((v) => !/_id_key$/.test(v)))],
    ['the route id dropped from the key (two routes share entries)', 'mine', (r) => (r.cacheKey = (r.cacheKey as string[]).filter((v) => !/_route$/.test(v)))],
  ];
  it('control: the build holds each list the cases edit', async () => {
    const files = await built();
    const js = files.find((f) => f.path.endsWith('.js') && !f.path.endsWith('.validate.js'))!;
    const routes = Object.values((cfgObject(js.contents)!.value as Cfg).routes);
    const of = (id: string) => routes.find((r) => r.id === id)!;
    expect(of('feed').cacheHeaders).toContain('x-api-key');
    expect(of('feed').cacheQuery).toContain('api_key');
    expect(of('maybe').cacheCookieAnonymous).toBeTruthy();
    expect(of('own').cacheCookieOwn).toEqual(['sid']);
    expect(bothWays(files, files).release.findings).toEqual([]);
  });
  for (const [name, id, edit] of cases) {
    it(`${name}: cache-key-narrowed for the release, tightened for the repair`, async () => {
      const files = await built();
      const { release, repair } = bothWays(files, edited(files, id, edit));
      expect(security(release)).toContain(`cache-key-narrowed route ${id}`);
      expect(all(repair)).toContain(`breaking tightened undoes cache-key-narrowed route ${id}`);
      expect(security(repair)).toEqual([]);
    });
  }
  it('through gwc diff --deployed (the CLI path): the header dropped by hand reads as drift the release repairs', async () => {
    const files = await built();
    const weaker = edited(files, 'feed', drop('cacheHeaders', 'x-api-key'));
    const where = deployed('nginx', weaker, (f) => f.contents);
    const r = await diffDeployed(writeSpec(SPEC), { target: 'nginx', deployed: where });
    expect(all(r.plan!)).toContain('breaking tightened undoes cache-key-narrowed route feed');
  });
});
