/**
 * Red team, nginx (DESIGN.md 7.5: "what it forwards cannot be read by the backend as a different,
 * protected route"): a parameter of a route passed into a backend path that another, more
 * protected route of the same backend server also serves. nginx routes literal-before-parameter on
 * the PUBLIC path, which protects `/users/me` from `/users/{id}` only while both map to the backend
 * the same way; an `upstreamPath` (or two backend names of one server with other base paths) breaks
 * that: the public `/p/{id}` with `upstreamPath: /users/{id}` sent `GET /p/me` to the backend as
 * `/users/me`, the keyed route, with no key. Real nginx, stub backend on loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST, NGINX, startLab, type AuthLab } from './helpers/nginx-auth.js';
import { diagnosticsOf } from './helpers/nginx-policies.js';

const ok = '{ "200": { description: ok } }';
const KEY = 'admin-key-up-0001';

// pathMatching: exact: these cases are the exact values upstream-reach finds; the case and suffix
// variants a folding backend reads are redteam-param-variants.test.ts's.
const head = (backends = '{ echo: { url: "http://echo.internal:8080", pathMatching: exact } }') => `openapi: 3.1.0
info: { title: upstream lab, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: up
  backends: ${backends}
  defaults: { backend: echo }
  consumers:
    admin: { credentials: { hkey: "\${env:ADMIN_KEY}" } }
components:
  securitySchemes:
    hkey: { type: apiKey, in: header, name: x-api-key }
paths:
`;

/** Each spec compiles, on the old code, to a route that forwards a public request onto the keyed backend path. */
const ATTACKS: Array<[string, string, string]> = [
  [
    'a public alias whose upstreamPath lands on a keyed literal',
    `${head()}  /users/me: { get: { operationId: getMe, security: [{ hkey: [] }], responses: ${ok} } }
  /p/{id}: { get: { operationId: alias, x-gateway: { public: true, upstreamPath: "/users/{id}" }, responses: ${ok} } }
`,
    '/paths/~1p~1{id}/get/x-gateway/upstreamPath',
  ],
  [
    'a public alias onto a keyed template (every value is the keyed route)',
    `${head()}  /users/{uid}: { get: { operationId: getUser, security: [{ hkey: [] }], responses: ${ok} } }
  /p/{id}: { get: { operationId: alias, x-gateway: { public: true, upstreamPath: "/users/{id}" }, responses: ${ok} } }
`,
    '/paths/~1p~1{id}/get/x-gateway/upstreamPath',
  ],
  [
    'a two-parameter alias whose second value is the keyed literal',
    `${head()}  /users/{uid}/secret: { get: { operationId: secret, security: [{ hkey: [] }], responses: ${ok} } }
  /q/{a}/{b}: { get: { operationId: alias2, x-gateway: { public: true, upstreamPath: "/users/{a}/{b}" }, responses: ${ok} } }
`,
    '/paths/~1q~1{a}~1{b}/get/x-gateway/upstreamPath',
  ],
  [
    'the alias on the path item (path-level x-gateway)',
    `${head()}  /users/me: { get: { operationId: getMe, security: [{ hkey: [] }], responses: ${ok} } }
  /p/{id}:
    x-gateway: { upstreamPath: "/users/{id}" }
    get: { operationId: alias, x-gateway: { public: true }, responses: ${ok} }
`,
    '/paths/~1p~1{id}/x-gateway/upstreamPath',
  ],
  [
    'two backend names of one server: /users under base /api reached from /api/users under base /',
    `${head('{ echo: { url: "http://echo.internal:8080/api" }, root: { url: "http://ECHO.internal:8080/" } }')}  /users/me: { get: { operationId: getMe, security: [{ hkey: [] }], responses: ${ok} } }
  /api/users/{id}: { get: { operationId: viaRoot, x-gateway: { public: true, backend: root }, responses: ${ok} } }
`,
    '/paths/~1api~1users~1{id}/get',
  ],
  ...['/x/../users/{id}', '/./users/{id}', '/users/./{id}', '/USERS/{id}', '/p/{id}/../../users/{id}'].map((up): [string, string, string] => [
    `an upstreamPath ${up} a normalising (or case-blind) backend reads as /users/{id}`,
    `${head()}  /users/me: { get: { operationId: getMe, security: [{ hkey: [] }], responses: ${ok} } }
  /p/{id}: { get: { operationId: alias, x-gateway: { public: true, upstreamPath: "${up}" }, responses: ${ok} } }
`,
    '/paths/~1p~1{id}/get/x-gateway/upstreamPath',
  ]),
  [
    'an upstreamPath whose trailing .. lands on a keyed list',
    `${head()}  /users: { get: { operationId: listUsers, security: [{ hkey: [] }], responses: ${ok} } }
  /p/{id}: { get: { operationId: alias, x-gateway: { public: true, upstreamPath: "/users/{id}/.." }, responses: ${ok} } }
`,
    '/paths/~1p~1{id}/get/x-gateway/upstreamPath',
  ],
];

describe('nginx: a parameter passed into another, more protected route\'s backend path is refused at build', () => {
  it.each(ATTACKS)('%s', async (_name, spec, pointer) => {
    const found = (await diagnosticsOf(spec)).filter((d) => d.code === 'upstream-param-reaches-protected');
    expect(found, JSON.stringify(found)).toHaveLength(1);
    expect(found[0]!.severity).toBe('error');
    expect(found[0]!.loc?.pointer).toBe(pointer);
    expect(found[0]!.params?.target).toBe('nginx');
  });

  it.each([
    ['the same security on both', `${head()}  /users/me: { get: { operationId: getMe, security: [{ hkey: [] }], responses: ${ok} } }
  /p/{id}: { get: { operationId: alias, security: [{ hkey: [] }], x-gateway: { upstreamPath: "/users/{id}" }, responses: ${ok} } }
`],
    ['another method', `${head()}  /users/me: { delete: { operationId: delMe, security: [{ hkey: [] }], responses: ${ok} } }
  /p/{id}: { get: { operationId: alias, x-gateway: { public: true, upstreamPath: "/users/{id}" }, responses: ${ok} } }
`],
    ['another backend server', `${head('{ echo: { url: "http://echo.internal:8080" }, other: { url: "http://other.internal:8080" } }')}  /users/me: { get: { operationId: getMe, security: [{ hkey: [] }], responses: ${ok} } }
  /p/{id}: { get: { operationId: alias, x-gateway: { public: true, backend: other, upstreamPath: "/users/{id}" }, responses: ${ok} } }
`],
    ['the classic /users/{id} beside /users/me (the gateway routes the literal first)', `${head()}  /users/me: { get: { operationId: getMe, security: [{ hkey: [] }], responses: ${ok} } }
  /users/{id}: { get: { operationId: getUser, x-gateway: { public: true }, responses: ${ok} } }
`],
    ['a public literal mapped onto a keyed template (the spec says so, no value chooses it)', `${head()}  /users/{uid}: { get: { operationId: getUser, security: [{ hkey: [] }], responses: ${ok} } }
  /users/me: { get: { operationId: getMe, x-gateway: { public: true }, responses: ${ok} } }
`],
    ['a public literal tail beside a keyed template of one backend (the backend routes it to the public handler too)', `${head()}  /users/{id}/{field}: { get: { operationId: field, security: [{ hkey: [] }], responses: ${ok} } }
  /users/{id}/avatar: { get: { operationId: avatar, x-gateway: { public: true }, responses: ${ok} } }
`],
    ['an alias onto a public route beside a keyed literal of another path', `${head()}  /users/me: { get: { operationId: getMe, security: [{ hkey: [] }], responses: ${ok} } }
  /users/{id}/avatar: { get: { operationId: avatar, x-gateway: { public: true }, responses: ${ok} } }
  /a/{id}: { get: { operationId: alias, x-gateway: { public: true, upstreamPath: "/users/{id}/avatar" }, responses: ${ok} } }
`],
    ['an alias with a prefix that no keyed literal starts with', `${head()}  /users/me: { get: { operationId: getMe, security: [{ hkey: [] }], responses: ${ok} } }
  /p/{id}: { get: { operationId: alias, x-gateway: { public: true, upstreamPath: "/users/u-{id}" }, responses: ${ok} } }
`],
  ])('builds: %s', async (_name, spec) => {
    const d = await diagnosticsOf(spec);
    expect(d.filter((x) => x.code === 'upstream-param-reaches-protected')).toEqual([]);
    expect(d.filter((x) => x.severity === 'error'), JSON.stringify(d)).toEqual([]);
  });
});

describe.skipIf(!NGINX)('nginx: what still builds routes by the spec (real nginx)', () => {
  let lab: AuthLab;
  beforeAll(async () => {
    lab = await startLab(`${head()}  /users/me: { get: { operationId: getMe, security: [{ hkey: [] }], responses: ${ok} } }
  /users/{id}: { get: { operationId: getUser, x-gateway: { public: true }, responses: ${ok} } }
  /p/{id}: { get: { operationId: alias, x-gateway: { public: true, upstreamPath: "/users/u-{id}" }, responses: ${ok} } }
`, { env: { ADMIN_KEY: KEY } });
  });
  afterAll(async () => lab?.stop());

  it('the keyed literal needs its key; the public template and the prefixed alias never reach /users/me', async () => {
    const no = await lab.call('GET', '/v1/users/me');
    expect(no.r.status).toBe(401);
    expect(no.hits).toEqual([]);
    const yes = await lab.call('GET', '/v1/users/me', { 'x-api-key': KEY });
    expect(yes.hits.map((h) => h.path)).toEqual(['/users/me']);
    for (const path of ['/v1/p/me', '/v1/p/..%2Fme', '/v1/p/%2E%2E', '/v1/users/me%3B', '/v1/users/me;', '/v1/users//me', '/v1/users/./me', '/v1/users/x/../me']) {
      const { r, hits } = await lab.call('GET', path);
      for (const h of hits) expect(h.path, `${path} -> ${h.path}`).not.toBe('/users/me');
      if (hits.length === 0) expect([400, 401, 404]).toContain(r.status);
    }
  });
});
