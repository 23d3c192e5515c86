/**
 * Attack catalogue, nginx policies, part 3: paths (DESIGN.md section 7.5).
 * - A parameter of a public route forwarded into the upstream path is one opaque segment: `me;`,
 *   `?`, `#` reach the backend percent-encoded, never another segment or a query that reads as the
 *   protected literal; a value holding `;` (`%3B`, `..;`) or `%` takes no route (param-value.ts).
 * - Precedence with non-BMP literals: with more than eight sibling regexes the layout buckets by
 *   first character; a literal starting with an emoji still wins over a public `/t/{x}/{y}`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST, NGINX, startPolicyLab, type PolicyLab } from './helpers/nginx-policies.js';

const ok = '{ "200": { description: ok } }';
const SIBLINGS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];
const SPEC = `openapi: 3.1.0
info: { title: path lab, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: plab
  backends: { echo: { url: "http://echo.internal:8080/base", pathMatching: exact } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { key: "\${env:ALICE_KEY}" } }
paths:
  /users/me: { get: { operationId: me, security: [{ key: [] }], responses: ${ok} } }
  /users/{id}: { get: { operationId: user, responses: ${ok} } }
  /accounts/{id}/plan: { get: { operationId: plan, x-gateway: { upstreamPath: "/internal/{id}/plan" }, responses: ${ok} } }
  /accounts/admin/plan: { get: { operationId: adminPlan, security: [{ key: [] }], responses: ${ok} } }
  /t/{x}/{y}: { get: { operationId: tAny, responses: ${ok} } }
  "/t/{x}/\u{1F600}": { get: { operationId: tEmoji, security: [{ key: [] }], responses: ${ok} } }
  "/t/{x}/\u{1F600}x/{z}": { get: { operationId: tEmojiDeep, security: [{ key: [] }], responses: ${ok} } }
  "/t/{x}/\u00e9t\u00e9": { get: { operationId: tAccent, security: [{ key: [] }], responses: ${ok} } }
${SIBLINGS.map((s) => `  /t/{x}/${s}: { get: { operationId: t_${s}, responses: ${ok} } }\n  /t/{x}/${s}/{w}: { get: { operationId: t_${s}_deep, responses: ${ok} } }`).join('\n')}
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: x-api-key }
`;

describe.skipIf(!NGINX)('nginx paths: parameters stay one segment, non-BMP literals keep precedence', () => {
  let lab: PolicyLab;
  beforeAll(async () => {
    lab = await startPolicyLab(SPEC, { env: { ALICE_KEY: 'alice-key-1' } });
  });
  afterAll(async () => lab?.stop());

  const upstream = async (path: string) => {
    const { r, hits } = await lab.call('GET', path);
    expect(r.status, `${path}: ${r.body}`).toBe(200);
    expect(hits).toHaveLength(1);
    return hits[0]!.path;
  };

  it.each([
    ['/v1/users/me%3Fx=1', '/base/users/me%3Fx%3D1'],
    ['/v1/users/me%23x', '/base/users/me%23x'],
    ['/v1/users/%C3%A9', '/base/users/%C3%A9'],
    ['/v1/users/alice', '/base/users/alice'],
  ])('public /users/{id} with %s reaches the backend as %s', async (path, want) => {
    expect(await upstream(path)).toBe(want);
    expect(want).not.toMatch(/;/);
  });

  // A value holding `;` or `%` takes no route since 86479ff (src/targets/param-value.ts: Tomcat and
  // Spring read `me;x` as `me`, a second decode reads `%2e%2e%2f`), as on Kong and Traefik.
  it.each(['/v1/users/me;', '/v1/users/me%3B', '/v1/users/me;jsessionid=1', '/v1/users/..;', '/v1/users/me%25', '/v1/users/me%3B?q=1'])(
    'public /users/{id} with %s takes no route (404) and reaches no backend',
    async (path) => {
      const { r, hits } = await lab.call('GET', path);
      expect(r.status, `${path}: ${r.body}`).toBe(404);
      expect(hits).toEqual([]);
    },
  );

  it('the protected literal is still protected and its own route', async () => {
    expect((await lab.call('GET', '/v1/users/me')).r.status).toBe(401);
    const ok = await lab.call('GET', '/v1/users/me', { 'x-api-key': 'alice-key-1' });
    expect(ok.hits[0]!.path).toBe('/base/users/me');
  });

  it('upstreamPath templates escape the same way', async () => {
    expect(await upstream('/v1/accounts/admin%3Fx/plan')).toBe('/base/internal/admin%3Fx/plan');
    for (const path of ['/v1/accounts/admin;x/plan', '/v1/accounts/admin%3B%2E%2E/plan']) {
      const { r, hits } = await lab.call('GET', path);
      expect(r.status, path).toBe(404);
      expect(hits).toEqual([]);
    }
    expect((await lab.call('GET', '/v1/accounts/admin/plan')).r.status).toBe(401);
  });

  it('a protected literal starting with an emoji is never answered by the public /t/{x}/{y}', async () => {
    for (const path of ['/v1/t/1/%F0%9F%98%80', '/v1/t/1/%C3%A9t%C3%A9', '/v1/t/1/%F0%9F%98%80x/2']) {
      const { r, hits } = await lab.call('GET', path);
      expect(r.status, path).toBe(401);
      expect(hits, path).toEqual([]);
    }
    const ok = await lab.call('GET', '/v1/t/1/%F0%9F%98%80', { 'x-api-key': 'alice-key-1' });
    expect(ok.r.status).toBe(200);
    expect(ok.hits[0]!.path).toBe('/base/t/1/%F0%9F%98%80');
    expect(await upstream('/v1/t/1/zz')).toBe('/base/t/1/zz');
    expect(await upstream('/v1/t/1/b/2')).toBe('/base/t/1/b/2');
  });
});
