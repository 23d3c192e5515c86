/**
 * Red team 14, nginx (real traffic): nginx acts on a backend's `X-Accel-Redirect` answer header by
 * an internal redirect to the URI it names (https://nginx.org/r/proxy_ignore_headers: honoured
 * unless ignored), and gwc ignores none of X-Accel-* on its route locations (only its JWKS fetch
 * ignores X-Accel-Expires). An internal location is reachable that way. A route whose check runs in
 * `/_gwc_internal/v/N` (a per-consumer limit: auth before the limit) proxies from
 * `/_gwc_internal/r/N`, which only asks that SOME identity was set (`if ($id_key = "") return 403`)
 * and the auth_request_set variables survive the redirect. So the answer of one keyed route's
 * backend (a media/URL proxy passing a fetched resource's headers on, a compromised or careless
 * service of another team) sends bob's request into the admin-only route's proxy step: its role
 * check (in v/N) never runs, and the admin backend is told X-Consumer: bob. From an OPTIONAL route
 * (`{}` among the alternatives) an anonymous caller's identity key is "-", which passes the same
 * check: no credential at all reaches the admin backend.
 * Fix class: `proxy_ignore_headers X-Accel-Redirect X-Accel-Limit-Rate X-Accel-Buffering
 * X-Accel-Charset X-Accel-Expires` (and proxy_hide_header them) on every proxying location, or
 * have r/N re-check that the route it serves is the one that was authorised.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST, NGINX, startPolicyLab, type PolicyLab } from './helpers/nginx-policies.js';

const ok = '{ "200": { description: ok } }';
const SPEC = `openapi: 3.1.0
info: { title: rt14 accel redirect, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: rt14x
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    alice: { groups: [admin], credentials: { key: "\${env:ALICE}" } }
    bob: { credentials: { key: "\${env:BOB}" } }
paths:
  /media: { get: { operationId: media, security: [{ key: [] }], responses: ${ok} } }
  /feed: { get: { operationId: feed, security: [{}, { key: [] }], responses: ${ok} } }
  /admin: { get: { operationId: adminOnly, security: [{ key: [admin] }], x-gateway: { rateLimit: { requests: 100, per: minute, by: consumer } }, responses: ${ok} } }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: X-Api-Key }
`;
const ENV = { ALICE: 'alice-key-0001', BOB: 'bob-key-0002' };

describe.skipIf(!NGINX)("red team 14, nginx: a backend's X-Accel-Redirect into another route's proxy step", () => {
  let lab: PolicyLab;
  let target = '';
  beforeAll(async () => {
    lab = await startPolicyLab(SPEC, {
      env: ENV,
      // The /media backend passes on a header of what it fetched (here: always the admin route's proxy step).
      answer: (echo) => ((echo.path.startsWith('/media') || echo.path.startsWith('/feed')) && target ? { 'x-accel-redirect': target } : undefined),
    });
    const conf = (await import('node:fs')).readFileSync(`${lab.ng.dir}/conf.d/rt14x.conf`, 'utf8');
    const m = /# GET \/v1\/admin \(adminOnly\)\n\s*location = (\/_gwc_internal\/r\/\d+) \{/.exec(conf);
    expect(m, 'the admin route proxies from /_gwc_internal/r/N').not.toBeNull();
    expect(conf).toContain(m![1]!.replace('/r/', '/v/'));
    target = m![1]!;
  });
  afterAll(async () => lab?.stop());

  it('control: bob (no admin group) is refused on /admin; alice passes', async () => {
    expect((await lab.call('GET', '/v1/admin', { 'x-api-key': ENV.BOB })).r.status).toBe(403);
    const a = await lab.call('GET', '/v1/admin', { 'x-api-key': ENV.ALICE });
    expect(a.r.status).toBe(200);
    expect(a.hits[0]!.headers['x-consumer']).toBe('alice');
  });

  // Mechanism: nginx follows X-Accel-Redirect to an internal location; r/N checks only that an identity is set.
  it("bob's /media request never reaches the admin backend through the media backend's X-Accel-Redirect", async () => {
    const { hits } = await lab.call('GET', '/v1/media', { 'x-api-key': ENV.BOB });
    expect(hits.filter((h) => h.path.startsWith('/admin')), 'the admin backend served bob').toEqual([]);
  });

  // Same, from an optional route: an anonymous caller's identity key is "-" (authorizeOptional), not
  // empty, so r/N's `if ($id_key = "")` lets it through with no credential at all.
  it("an anonymous /feed request (optional route) never reaches the admin backend through X-Accel-Redirect", async () => {
    const { hits } = await lab.call('GET', '/v1/feed');
    expect(hits.filter((h) => h.path.startsWith('/admin')), 'the admin backend served an anonymous caller').toEqual([]);
  });
});
