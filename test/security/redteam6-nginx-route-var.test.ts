/**
 * Red team 6, nginx: a route location whose `set $<prefix>_route N;` line is gone (a hand edit of
 * the deployed config). The njs handlers of the proxy step find their route by that variable
 * (cleanArgs, cleanCookies, cacheKey, cacheCredential, upstreamPath): without it they found none
 * and stripped nothing, so a hidden query key went to the backend, and a cached route stored every
 * caller's answer under one key. Fail closed: the auth handler refuses (500) a location that does not
 * name the route it checks (the variable is shared with the auth subrequest), and cacheCredential
 * bypasses the cache. Real nginx; the control is gwc's own config.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayOf, unsecuredPublic } from '../helpers/spec.js';
import { compileGateway } from '../../src/api.js';
import { NGINX, freePort, fullOptions, pointAt, prefixDir, send, startNginx, startStub, writeFiles, type RunningNginx, type Stub } from '../targets/nginx/harness.js';

const HOST = 'api.test';
const KEY = 'qkey-alice-0001';
const ok = '{ "200": { description: ok } }';
const SPEC = `openapi: 3.1.0
info: { title: red team 6 route var, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: r6v
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { qk: "\${env:Q_KEY}", ck: "\${env:Q_KEY}" } }
paths:
  /q: { get: { operationId: q, security: [{ qk: [] }], responses: ${ok} } }
  /c: { get: { operationId: c, security: [{ ck: [] }], responses: ${ok} } }
  /pub: { get: { operationId: pub, x-gateway: { public: true, cache: { ttl: 60s } }, responses: ${ok} } }
components:
  securitySchemes:
    qk: { type: apiKey, in: query, name: api_key }
    ck: { type: apiKey, in: cookie, name: sid_key }
`;

/** gwc's config for SPEC, `edit` applied to the conf file, run by nginx with a recording backend. */
async function lab(edit: (conf: string) => string): Promise<{ ng: RunningNginx; backend: Stub; stop: () => Promise<void> }> {
  const backend = await startStub('echo');
  const loaded = await gatewayOf(SPEC);
  pointAt(loaded.gateway!, { echo: backend });
  const dir = prefixDir();
  const port = await freePort();
  const result = compileGateway(unsecuredPublic(loaded.gateway!), 'nginx', fullOptions(dir, port));
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const files = result.files.map((f) => (f.path.endsWith('.conf') && f.path.startsWith('conf.d/') ? { ...f, contents: edit(f.contents) } : f));
  writeFiles(dir, files);
  const ng = await startNginx(dir, port, { Q_KEY: KEY });
  return { ng, backend, stop: async () => { await ng.stop(); await backend.close(); } };
}

/** Removes every `set $gwc_r6v_route N;` (route, body-check and verify locations). */
const dropRouteSets = (conf: string) => {
  const out = conf.replace(/\n\s*set \$gwc_r6v_route \d+;/g, '');
  if (out === conf) throw new Error('the edit changed nothing');
  return out;
};
/**
 * The same, and r/N's admission check (a5c1c53), which names the variable: without it nginx refuses
 * the whole config (unknown variable: fail closed, asserted below), so the njs handlers' own fallback
 * is reached only when the check is cut too.
 */
const dropRouteVar = (conf: string) => {
  const out = dropRouteSets(conf).replace(/\n\s*if \(\$gwc_r6v_admit != \$gwc_r6v_route\) \{\s*return 403;\s*\}/g, '');
  if (out === dropRouteSets(conf)) throw new Error('no admission check found');
  return out;
};

describe.skipIf(!NGINX)('red team 6, nginx: a route location without its route variable fails closed', () => {
  const labs: Array<{ stop: () => Promise<void> }> = [];
  let good: Awaited<ReturnType<typeof lab>>;
  let edited: Awaited<ReturnType<typeof lab>>;
  beforeAll(async () => {
    good = await lab((c) => c);
    edited = await lab(dropRouteVar);
    labs.push(good, edited);
  });
  afterAll(async () => { for (const l of labs) await l.stop(); });

  const get = async (l: typeof good, path: string, headers: Record<string, string> = {}) => {
    const before = l.backend.hits.length;
    const r = await send(l.ng.port, 'GET', path, { host: HOST, ...headers });
    const hits = l.backend.hits.slice(before);
    return { status: r.status, paths: hits.map((h) => h.path), cookies: hits.map((h) => h.headers.cookie ?? '') };
  };

  it('without its route variable but with the admission check, nginx refuses the config (fail closed)', async () => {
    await expect(lab(dropRouteSets)).rejects.toThrow(/unknown "gwc_r6v_route" variable/);
  });

  it("control: gwc's config strips the verified query key and caches the public route", async () => {
    expect(await get(good, `/v1/q?api_key=${KEY}&x=1`)).toEqual({ status: 200, paths: ['/q?x=1'], cookies: [''] });
    expect(await get(good, '/v1/c', { cookie: `sid_key=${KEY}; a=1` })).toEqual({ status: 200, paths: ['/c'], cookies: ['a=1'] });
    expect((await get(good, '/v1/pub?a=1')).paths).toHaveLength(1);
    expect((await get(good, '/v1/pub?a=1')).paths).toHaveLength(0);
  });

  it('without its route variable, a secured route is refused (500): the key never reaches the backend', async () => {
    // The query-key route's body check (njs bodyCheck) already refused it; the cookie-key route has
    // none: its auth handler refuses a location that does not name the route it checks.
    expect(await get(edited, `/v1/q?api_key=${KEY}&x=1`)).toEqual({ status: 500, paths: [], cookies: [] });
    expect(await get(edited, '/v1/c', { cookie: `sid_key=${KEY}; a=1` })).toEqual({ status: 500, paths: [], cookies: [] });
  });

  it('without its route variable, a cached route never shares an entry (every request reaches the backend)', async () => {
    expect((await get(edited, '/v1/pub?a=1')).paths).toHaveLength(1);
    expect((await get(edited, '/v1/pub?a=1')).paths).toHaveLength(1);
    expect((await get(edited, '/v1/pub?b=2')).paths).toHaveLength(1);
  });
});
