/**
 * Red team 16, nginx (real traffic), DESIGN.md 7.5: a public parameter route forwards a value
 * holding a backslash, which a backend that reads `\` as a path separator resolves to a keyed route.
 *
 * Mechanism. nginx matches `^/v1/public/(?<gwc_p0>[^/]+)$` on `$uri`, the decoded path: a `%5C`
 * is `\`, which is not `/`, so `/v1/public/..%5Cadmin%5C1` is ONE segment and the public route
 * takes it. upstreamPath (njs `percent`) re-encodes it, and the backend receives
 * `GET /public/..%5Cadmin%5C1` (or `/static/..%5C..%5Cadmin%5C1` through an upstreamPath
 * `/static/{path}`). A backend on IIS / http.sys (ASP.NET, ASP.NET Core in-process) decodes `%5C`
 * and canonicalises `\` to `/` before resolving dot segments, and Tomcat with `allowBackslash`
 * does the same after its default `encodedReverseSolidusHandling=decode`: it reads
 * `/public/../admin/1` = `/admin/1` and serves the admin-only route to a caller with no key.
 * gwc's own parameter guard on the other targets says so: Kong's path regexes (kong/paths.ts
 * PARAM_VALUE, test/targets/kong/security-router.test.ts: "no `;`, `%`, backslash, `.`/`..`") and
 * Traefik's (traefik/rule.ts: "`\` is read by Tomcat/Spring-style backends as another path ...
 * refused") never route a value holding `\`; nginx routes it (redteam-nginx-policies even asserts
 * `me%5C` passes as "one opaque segment", a case without a dot segment).
 *
 * A raw backslash (`GET /v1/public/..\admin\1`, which nginx on Linux leaves as data) is forwarded the same way.
 *
 * The same guard covers a literal `%` (sent `%25`): Traefik's rule.ts refuses it because "a literal
 * `%` would be decoded a second time by some" backends (a backend behind another proxy, a
 * framework that decodes the path and then a route value again), Kong's PARAM_VALUE excludes `%`.
 * nginx forwards `/v1/public/%252e%252e%252fadmin%252f1` as `/public/%252e%252e%252fadmin%252f1`:
 * decoded twice that is `/public/../admin/1` = `/admin/1` (second test).
 *
 * Safe behaviour: as on Kong and Traefik, a parameter value holding `\` (sent raw or as %5C) takes
 * no route (404), or at least none whose value also holds a `.`/`..` piece; the fix class is the
 * parameter regex of nginx routes (`[^/\\]+` and the same dot rule the other targets use), not a
 * per-backend exception (`pathMatching: exact` could lift it, as for the case/suffix variants).
 *
 * Fixed: nginx's parameter regex reads the one definition Kong and Traefik read
 * (src/targets/param-value.ts): a value holding `\`, `%`, `;` or a control byte, or a whole `.`/`..`,
 * takes no route (404). The class, every target: test/security/param-value-guard.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST, NGINX, startPolicyLab, type PolicyLab } from './helpers/nginx-policies.js';

const ok = '{ "200": { description: ok } }';
const SPEC = `openapi: 3.1.0
info: { title: rt16 backslash, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: rt16b
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    alice: { groups: [admin], credentials: { key: "\${env:ALICE}" } }
paths:
  /public/{file}: { get: { operationId: pub, x-gateway: { public: true }, responses: ${ok} } }
  /files/{path}: { get: { operationId: files, x-gateway: { public: true, upstreamPath: "/static/{path}" }, responses: ${ok} } }
  /admin/{id}: { get: { operationId: adminOnly, security: [{ key: [admin] }], responses: ${ok} } }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: X-Api-Key }
`;
const ENV = { ALICE: 'alice-key-0001' };

/** The path a backend that decodes %XX and reads `\` as `/` (IIS/http.sys) routes on, dot segments resolved. */
function backslashReading(path: string, decodes = 1): string {
  let decoded = path.split('?')[0]!;
  for (let i = 0; i < decodes; i++) decoded = decodeURIComponent(decoded);
  decoded = decoded.replace(/\\/g, '/');
  const out: string[] = [];
  for (const seg of decoded.split('/').slice(1)) {
    if (seg === '..') out.pop();
    else if (seg !== '.') out.push(seg);
  }
  return `/${out.join('/')}`;
}

describe.skipIf(!NGINX)('red team 16, nginx: a backslash in a public parameter value', () => {
  let lab: PolicyLab;
  beforeAll(async () => {
    lab = await startPolicyLab(SPEC, { env: ENV });
  });
  afterAll(async () => lab?.stop());

  it('control: the admin route needs alice; the public routes pass plain values', async () => {
    expect((await lab.call('GET', '/v1/admin/1')).r.status).toBe(401);
    expect((await lab.call('GET', '/v1/admin/1', { 'x-api-key': ENV.ALICE })).r.status).toBe(200);
    expect((await lab.call('GET', '/v1/public/report.pdf')).hits.map((h) => h.path)).toEqual(['/public/report.pdf']);
    expect((await lab.call('GET', '/v1/files/a.txt')).hits.map((h) => h.path)).toEqual(['/static/a.txt']);
  });

  it('control: the dot segments nginx itself resolves never reach the admin backend without a key', async () => {
    for (const p of ['/v1/public/../admin/1', '/v1/public/..%2Fadmin%2F1', '/v1/public/%2e%2e%2fadmin%2f1', '/v1/files/..%2F..%2Fadmin%2F1']) {
      const { r, hits } = await lab.call('GET', p);
      expect(hits.map((h) => backslashReading(h.path)), p).not.toContain('/admin/1');
      expect(r.status, p).not.toBe(200);
    }
  });

  // Was: nginx's `[^/]+` took `..\admin\1` as one segment; the backend got `/public/..%5Cadmin%5C1`.
  it('no anonymous request reaches the backend at a path a backslash-as-slash backend reads as /admin/1', async () => {
    const reached: string[] = [];
    for (const p of ['/v1/public/..%5Cadmin%5C1', '/v1/public/..%5cadmin%5c1', '/v1/files/..%5C..%5Cadmin%5C1', '/v1/public/%2e%2e%5Cadmin%5C1', '/v1/public/..\\admin\\1']) {
      const { hits } = await lab.call('GET', p);
      for (const h of hits) if (backslashReading(h.path) === '/admin/1') reached.push(`${p} -> ${h.path}`);
    }
    expect(reached, 'the admin route read by an IIS/http.sys backend, no key sent').toEqual([]);
  });

  // Was: nginx decodes %25 once for $uri, and njs re-encodes the `%`: the backend got %252e..., one decode short.
  it('no anonymous request reaches the backend at a path a twice-decoding backend reads as /admin/1', async () => {
    const reached: string[] = [];
    for (const p of ['/v1/public/%252e%252e%252fadmin%252f1', '/v1/files/%252e%252e%252f%252e%252e%252fadmin%252f1']) {
      const { hits } = await lab.call('GET', p);
      for (const h of hits) if (backslashReading(h.path, 2) === '/admin/1') reached.push(`${p} -> ${h.path}`);
    }
    expect(reached, 'the admin route read by a backend decoding twice, no key sent').toEqual([]);
  });
});
