/**
 * WS3, nginx (real requests, a WebSocket backend on loopback): Cross-Site WebSocket Hijacking as a
 * class. Browsers apply no CORS to a WebSocket handshake: a page of any site opens one with the
 * user's cookies, cached basic credentials and network position and reads every frame. 4f9c735
 * refused foreign origins only on routes WITH a cors policy; a route without one (the spec lets no
 * other site call it) upgraded for any Origin:
 *   1. /feed (cookie apiKey, websocket, no cors): `Origin: https://evil.test` + alice's cookie: 101;
 *   2. /room (basic, no cors): the same with her cached basic credentials;
 *   3. /lan (public, IP allow list 127.0.0.1): any page the user opens inside the network;
 *   4. /partner (cookie, cors origins [https://app.test], credentials: false): the listed origin
 *      got the credentialed handshake the policy withholds (a handshake always carries cookies).
 * Fixed (src/targets/websocket-origin.ts `same`; templates.ts `<gw>_xsite`): such a route refuses
 * (403, before auth) an upgrade whose Origin is present and is not the request's own origin, its
 * host[:port] compared with the Host header case-insensitively (and, NGX8, its scheme with the
 * listener's: this plain-HTTP listener's own origin is http://api.example.com). No Origin passes (non-browser
 * clients); a public route without cors upgrades from anywhere (control).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NGINX, type RunningNginx, type Stub } from '../targets/nginx/harness.js';
import { startGateway, startUpgradeBackend, upgrade } from '../targets/nginx/websocket.js';

const SID = 'alice-session-0123456789';
const BASIC = `Basic ${Buffer.from('alice:pw-alice').toString('base64')}`;
const SPEC = `openapi: 3.1.0
info: { title: ws3 same origin, version: "1" }
servers: [{ url: "https://api.example.com/v1" }]
x-gateway:
  name: ws3so
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { sid: "\${env:ALICE_SID}", basic: { username: alice, password: "\${env:ALICE_PW}" } } }
paths:
  /feed:
    get: { operationId: feed, security: [{ sid: [] }], x-gateway: { websocket: true }, responses: { "101": { description: upgraded } } }
  /room:
    get: { operationId: room, security: [{ basic: [] }], x-gateway: { websocket: true }, responses: { "101": { description: upgraded } } }
  /lan:
    get: { operationId: lan, x-gateway: { websocket: true, ipAllow: ["127.0.0.1"] }, responses: { "101": { description: upgraded } } }
  /partner:
    get: { operationId: partner, security: [{ sid: [] }], x-gateway: { websocket: true, cors: { origins: ["https://app.test"], credentials: false } }, responses: { "101": { description: upgraded } } }
  /public:
    get: { operationId: public, x-gateway: { websocket: true }, responses: { "101": { description: upgraded } } }
components:
  securitySchemes:
    sid: { type: apiKey, in: cookie, name: sid }
    basic: { type: http, scheme: basic }
`;

/** Origins a page of another site sends, against Host api.example.com. */
const FOREIGN = ['https://evil.test', 'null', 'https://api.example.com.evil.test', 'https://evil.test/api.example.com', 'https://api.example.com:8443', 'https://api.example.com/', 'https://x@api.example.com', 'https://app.test', 'https://api.example.com'];

describe.skipIf(!NGINX)('WS3, nginx: a websocket route no other site may call refuses upgrades from other origins', () => {
  let ng: RunningNginx;
  let backend: Stub;
  beforeAll(async () => {
    backend = await startUpgradeBackend('echo');
    ng = await startGateway(SPEC, backend, { ALICE_SID: SID, ALICE_PW: 'pw-alice' });
  });
  afterAll(async () => {
    await ng?.stop();
    await backend?.close();
  });
  const CRED: Record<string, Record<string, string>> = { feed: { cookie: `sid=${SID}` }, room: { authorization: BASIC }, lan: {}, partner: { cookie: `sid=${SID}` } };
  const open = (route: string, headers: Record<string, string | string[]>, host = 'api.example.com') =>
    upgrade(ng.port, `/v1/${route}`, { ...CRED[route], ...headers } as Record<string, string>, host);
  const reached = async (run: () => Promise<{ status: number }>) => {
    const before = backend.hits.length;
    const r = await run();
    return { status: r.status, reached: backend.hits.length > before };
  };

  it('controls: same origin (any letter case; this listener is plain HTTP, so http://: NGX8) and no Origin upgrade with the credential; a public route upgrades from anywhere', async () => {
    for (const route of Object.keys(CRED)) {
      for (const origin of ['http://api.example.com', 'HTTP://API.Example.COM', 'http://api.example.com:80']) expect((await open(route, { origin })).status, `${route} ${origin}`).toBe(101);
      expect((await open(route, {})).status, route).toBe(101);
    }
    expect((await open('feed', { origin: 'http://api.example.com:8443' }, 'api.example.com:8443')).status).toBe(101);
    expect((await open('feed', { origin: 'http://api.example.com' }, 'API.EXAMPLE.COM')).status).toBe(101);
    expect((await open('feed', { origin: 'http://api.example.com' }, 'api.example.com:80')).status).toBe(101);
    expect((await upgrade(ng.port, '/v1/public', { origin: 'https://evil.test' }, 'api.example.com')).status).toBe(101);
  });

  it("an upgrade from another origin's page, carrying the user's ambient credential, is refused (403) and never reaches the backend", async () => {
    for (const route of Object.keys(CRED)) {
      for (const origin of FOREIGN) expect(await reached(() => open(route, { origin })), `${route} ${origin}`).toEqual({ status: 403, reached: false });
      // Upgrade in another case; no credential: 403 before auth (not 401).
      expect(await reached(() => open(route, { origin: 'https://evil.test', upgrade: 'WebSocket' })), route).toEqual({ status: 403, reached: false });
    }
    expect((await upgrade(ng.port, '/v1/feed', { origin: 'https://evil.test' }, 'api.example.com')).status).toBe(403);
  });

  it('variants: Host with a port and Origin without (and the reverse) are other origins; two Origin lines never let a foreign first one through', async () => {
    expect((await reached(() => open('feed', { origin: 'http://api.example.com' }, 'api.example.com:8443')))).toEqual({ status: 403, reached: false });
    expect((await reached(() => open('feed', { origin: 'http://api.example.com:8443' }, 'api.example.com')))).toEqual({ status: 403, reached: false });
    expect((await reached(() => open('feed', { origin: ['https://evil.test', 'http://api.example.com'] })))).toEqual({ status: 403, reached: false });
  });
});
