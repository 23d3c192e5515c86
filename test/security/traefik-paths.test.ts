/**
 * Traefik: a public parameter never shadows a protected literal or a parent path. Traefik matches
 * PathRegexp on the decoded path, so `me%3B`, `me%2F..`, `%5C` arrive as `;`, `/`, `\`; a
 * Tomcat/Spring backend reads `/users/me;x` as `/users/me` and `/users/..;` as the parent. The
 * public `{id}` router must not take any of them (no router: 404), whatever the entry point's
 * sanitizePath and encodedCharacters settings.
 */
import { describe, expect, it } from 'vitest';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { compileCase, ownSchema, storeSchema } from '../targets/traefik/cases.js';
import { NON_PORTABLE, pickRouter } from '../targets/traefik/traefik-router.js';

const ok = "{ '200': { description: ok } }";
const SPEC = `${HEAD}servers: [{ url: https://api.example.com }]
x-gateway:
  backends: { app: { url: http://app.example.com:8080 } }
paths:
  /users/{id}:
    get: { x-gateway: { public: true }, parameters: [{ name: id, in: path, required: true, schema: { type: string } }], responses: ${ok} }
  /users/me:
    get: { security: [{ fwd: [] }], responses: ${ok} }
  /users:
    get: { security: [{ fwd: [] }], responses: ${ok} }
  /files/{name}.json:
    get: { x-gateway: { public: true }, parameters: [{ name: name, in: path, required: true, schema: { type: string } }], responses: ${ok} }
components:
  securitySchemes:
    fwd: { type: http, scheme: bearer, x-gateway: { forwardAuth: { url: 'http://auth.example.com:9000/check' } } }
`;

describe('traefik: parameters that shadow a protected literal', async () => {
  const { built } = await compileCase(writeSpec(SPEC));
  const config = built!.config!;
  const route = (path: string) => {
    const r = pickRouter(config, { method: 'GET', host: 'api.example.com', path });
    const role = r ? built!.roles.get(r) : undefined;
    return role?.kind === 'operation' ? role.routeId : role?.kind;
  };

  it('builds a file both schemas accept, with portable regexes', () => {
    expect(ownSchema(config), JSON.stringify(ownSchema.errors)).toBe(true);
    if (storeSchema) expect(storeSchema(config), JSON.stringify(storeSchema.errors)).toBe(true);
    for (const r of Object.values(config.http.routers)) expect(r.rule).not.toMatch(NON_PORTABLE);
  });

  it('refuses values a backend reads as another path (decoded ;, /, \\, %, dot segments)', () => {
    const publicUser = route('/users/42');
    expect(publicUser).toBe('get_users_id');
    for (const v of ['me;', 'me;x', 'me;jsessionid=1', '..;', '..;x', ';', '.', '..', 'me\\', '..\\', 'a\\b', 'me%2F', '%2e', '50%']) {
      expect(route(`/users/${v}`), v).not.toBe(publicUser);
    }
    const file = route('/files/report.json');
    expect(file).toMatch(/^get_files/);
    for (const v of ['.', '..', 'x;', 'a\\b']) expect(route(`/files/${v}.json`), v).not.toBe(file);
  });

  it('keeps ordinary values, dots inside a value included, and the protected literal', () => {
    for (const v of ['42', 'a.b', '.hidden', '..x', '...', 'me.', 'x y', 'é']) expect(route(`/users/${v}`), v).toBe('get_users_id');
    expect(route('/users/me')).toBe('get_users_me');
    expect(route('/users')).toBe('get_users');
  });
});
