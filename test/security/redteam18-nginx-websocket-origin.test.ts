/**
 * Red team 18, nginx (real requests, a WebSocket backend on loopback): Cross-Site WebSocket
 * Hijacking. Browsers apply no CORS to WebSocket: `new WebSocket('wss://api.test/v1/feed')` from any
 * page sends the user's cookies with an `Origin: <that page>` header and reads every frame the
 * server sends; only the server, checking Origin on the upgrade, can keep other sites out. A spec
 * that writes `cors: { origins: [https://app.test], credentials: true }` on a cookie-authenticated
 * `websocket: true` route (SPEC below) says only app.test may call it with the user's credentials;
 * gwc compiles the CORS policy as response headers and a preflight location only, so the upgrade
 * from `Origin: https://evil.test` with alice's session cookie gets 101 and the evil page reads
 * alice's feed. DESIGN 4 lists CORS among the policies that must be enforced or refused, never
 * silently dropped; here it is silently meaningless.
 *
 * Same on Kong and Traefik (not tested here): their cors plugin / headers middleware only add
 * headers to a non-preflight request, and both upgrade on every route.
 *
 * Suggested fix (class: a browser-facing policy the browser does not enforce for this request
 * kind): on every route that upgrades (nginx: websocket routes; Kong/Traefik: every route of a
 * cookie- or basic-authenticated scheme, since they upgrade everywhere), an upgrade request whose
 * Origin is present and not in the route's cors.origins is refused (403) before auth/backend
 * (nginx: the cors origin map already exists, `if` on it in the websocket branch; Traefik: a rule
 * `!HeaderRegexp(Origin, ...)` on Upgrade requests; Kong: a pre-function), or the combination is
 * refused at build. An absent Origin (non-browser client) can pass.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NGINX, type RunningNginx, type Stub } from '../targets/nginx/harness.js';
import { startGateway, startUpgradeBackend, upgrade } from '../targets/nginx/websocket.js';

const SID = 'alice-session-0123456789';
const SPEC = `openapi: 3.1.0
info: { title: rt18 ws origin, version: "1" }
servers: [{ url: "https://api.test/v1" }]
x-gateway:
  name: rt18o
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { sid: "\${env:ALICE_SID}" } }
paths:
  /feed:
    get:
      operationId: feed
      security: [{ sid: [] }]
      x-gateway: { websocket: true, cors: { origins: ["https://app.test"], credentials: true } }
      responses: { "101": { description: upgraded } }
components:
  securitySchemes:
    sid: { type: apiKey, in: cookie, name: sid }
`;

describe.skipIf(!NGINX)('red team 18, nginx: a WebSocket route with a CORS policy refuses upgrades from other origins', () => {
  let ng: RunningNginx;
  let backend: Stub;
  beforeAll(async () => {
    backend = await startUpgradeBackend('echo');
    ng = await startGateway(SPEC, backend, { ALICE_SID: SID });
  });
  afterAll(async () => {
    await ng?.stop();
    await backend?.close();
  });
  const open = (headers: Record<string, string>) => upgrade(ng.port, '/v1/feed', { cookie: `sid=${SID}`, ...headers });

  it('control: the allowed origin and a non-browser client (no Origin) upgrade; no cookie is 401', async () => {
    expect((await open({ origin: 'https://app.test' })).status).toBe(101);
    expect((await open({})).status).toBe(101);
    expect((await upgrade(ng.port, '/v1/feed', { origin: 'https://app.test' })).status).toBe(401);
  });

  // Was open (mechanism above): nothing compared Origin on the upgrade. Now the route's cors origin
  // list is checked on any request carrying Upgrade (templates.ts `<cors map>_ws`), 403 before auth.
  it("an upgrade from another site's page, carrying alice's cookie, is refused", async () => {
    for (const origin of ['https://evil.test', 'https://app.test.evil.test', 'null', 'https://app.test/', 'http://app.test', 'https://app.test:8443', 'https://APP.test']) {
      const before = backend.hits.length;
      const r = await open({ origin });
      expect(r.status, origin).toBe(403);
      expect(backend.hits.length, origin).toBe(before);
    }
  });

  it('variants: from another origin without a cookie 403 (before auth, not 401); Upgrade in another case 403', async () => {
    expect((await upgrade(ng.port, '/v1/feed', { origin: 'https://evil.test' })).status).toBe(403);
    expect((await open({ origin: 'https://evil.test', upgrade: 'WebSocket' })).status).toBe(403);
  });
});
