/**
 * nginx (real traffic), NGX6: what r/N's admission check (`if ($<gw>_admit != $<gw>_route) return
 * 403`, templates-route.ts) held before NGX7. On a public route, and on a route whose auth check
 * runs inside r/N, the admission was the public location's dispatch (`set $<gw>_admit N`), made
 * BEFORE the route's body check (b/N) or validation (c/N) ran. A hand edit inside the route's own
 * steps that sends a refused request on to its own r/N (here: `error_page 400` in b/N to a named
 * location that rewrites to r/N, which keeps the method and the body read) reached the backend
 * with the body the check refused: `_method=DELETE` for a Rails/Laravel backend.
 * Closed (NGX7): the dispatch sets a pending `b<N>`, only the njs check's success makes it `N`
 * (servers.ts admitOf, njs admission), so the redirected refusal is refused at r/N (403). Variants
 * (413/415, validation, auth in r/N, verify location, X-Accel-Redirect):
 * ngx7-nginx-body-admission-variants.test.ts. `gwc diff` reads the edit too (unread-changed on
 * the body-check location): the control below.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffStates } from '../../src/diff/plan.js';
import { compiledState, readerOf } from '../../src/diff/run.js';
import { HOST, NGINX, startPolicyLab, type PolicyLab } from './helpers/nginx-policies.js';
import { writeSpec } from '../helpers/spec.js';

const ok = '{ "200": { description: ok } }';
const SPEC = `openapi: 3.1.0
info: { title: body admission, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: badm
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
paths:
  /upload: { post: { operationId: upload, x-gateway: { public: true }, responses: ${ok} } }
`;
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** The hand edit: b/N's refusal (400) goes on to the route's own r/N, method and body kept. */
function handEdit(conf: string): string {
  const m = /location = (\/_gwc_internal\/b\/(\d+)) \{\n/.exec(conf);
  if (!m) throw new Error('no body check');
  return conf.replace(m[0], `location @ngx6_on { rewrite ^ /_gwc_internal/r/${m[2]} last; }\n    ${m[0]}        error_page 400 = @ngx6_on;\n`);
}

describe.skipIf(!NGINX)('nginx: a hand edit inside a route\'s own steps skips its body check (r/N admission comes from the dispatch)', () => {
  let lab: PolicyLab;
  let plain: PolicyLab;
  beforeAll(async () => {
    plain = await startPolicyLab(SPEC);
    lab = await startPolicyLab(SPEC, { confEdit: handEdit });
  });
  afterAll(async () => {
    await lab?.stop();
    await plain?.stop();
  });

  it("control: gwc's build refuses _method in the body (400), serves a plain form", async () => {
    expect((await plain.call('POST', '/v1/upload', FORM, undefined, '_method=DELETE')).r.status).toBe(400);
    const a = await plain.call('POST', '/v1/upload', FORM, undefined, 'a=1');
    expect(a.r.status).toBe(200);
  });

  it('hand-edited: the refused body never reaches the backend through the route\'s own r/N (still pending there: 403)', async () => {
    const { r, hits } = await lab.call('POST', '/v1/upload', FORM, undefined, '_method=DELETE');
    expect(hits.filter((h) => h.path === '/upload'), 'the backend received the body the check refused').toEqual([]);
    expect(r.status).toBe(403);
  });

  it('gwc diff reads the hand edit as a change of the body-check location', async () => {
    const files = (await compiledState(writeSpec(SPEC), 'nginx', {})).state!.files!;
    const edited = files.map((f) => (f.path.startsWith('conf.d/') ? { ...f, contents: handEdit(f.contents) } : f));
    const reader = readerOf('nginx').reader!;
    const [b, e] = [reader.normalise(files, 'built'), reader.normalise(edited, 'edited')];
    expect([...b.diagnostics, ...e.diagnostics].map((d) => d.message)).toEqual([]);
    const plan = diffStates(b.state!, e.state!);
    expect(plan.changes.map((c) => c.key)).toContain('route upload body check');
  });
});
