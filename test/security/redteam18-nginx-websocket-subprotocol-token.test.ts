/**
 * Red team 18, nginx (real requests, a WebSocket backend on loopback): a bearer token carried in
 * `Sec-WebSocket-Protocol`, the carrier browsers use for WebSocket auth (a browser cannot set
 * Authorization on `new WebSocket(url, protocols)`): Kubernetes' API server reads
 * `base64url.bearer.authorization.k8s.io.<token>` there, and many socket servers read
 * `Sec-WebSocket-Protocol: access_token, <jwt>` (or `Bearer, <jwt>`). gwc already treats the other
 * non-header bearer carrier, RFC 6750's `?access_token=`, as a credential a backend may read
 * (runtime.js present(): verified, never anonymous; stripped beside a verified header token;
 * redteam3-nginx-jwt, redteam2-nginx-body-token). The subprotocol carrier is read by nobody:
 *
 * 1. optional auth (`security: [{}, {jwt: []}]`, websocket: true): an anonymous upgrade with
 *    `Sec-WebSocket-Protocol: access_token, <forged JWT: sub admin, signed with the attacker's key>`
 *    is let through as anonymous (present() looks at Authorization and ?access_token only) and the
 *    backend, which was told the gateway verifies this route's tokens, reads sub=admin;
 * 2. required auth (`[{jwt: []}]`): alice's verified token in Authorization (stripped) plus bob's
 *    or a forged token in the subprotocol: 101 and the backend gets the token nobody verified
 *    (DESIGN 7.3: the same two-credentials shape the query form was closed for).
 *
 * Target: nginx (`websocket: true` routes; Kong and Traefik upgrade on every route, AWS REST has no
 * WebSocket route). Suggested fix (class: bearer carriers a backend reads): src/targets/nginx
 * security view + njs present()/bodyCheck: on a bearer scheme's websocket route, a subprotocol list
 * naming a JWT-shaped value (three base64url parts, or the k8s `base64url.bearer.authorization.`
 * prefix) is a present credential: verified like Authorization (optional routes), refused (400/401)
 * beside a verified header token, never passed on unverified; same rule in the Kong and Traefik
 * compilers for every route (they upgrade everywhere), and `gwc diff` must read its removal.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { now, token } from '../targets/nginx/jwt.js';
import { NGINX, type RunningNginx, type Stub } from '../targets/nginx/harness.js';
import { startGateway, startUpgradeBackend, upgrade } from '../targets/nginx/websocket.js';
import { SUBPROTOCOL_PASSED, SUBPROTOCOL_REFUSED } from '../helpers/subprotocol-cases.js';

const HOST = 'api.test';
const HS = 'rt18-ws-subprotocol-hmac-secret-0123';
const SPEC = `openapi: 3.1.0
info: { title: rt18 ws subprotocol, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: rt18s
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
paths:
  /chat:
    get:
      operationId: chat
      security: [{ jwt: [] }]
      x-gateway: { websocket: true }
      responses: { "101": { description: upgraded } }
  /lobby:
    get:
      operationId: lobby
      security: [{}, { jwt: [] }]
      x-gateway: { websocket: true }
      responses: { "101": { description: upgraded } }
components:
  securitySchemes:
    jwt:
      type: http
      scheme: bearer
      x-gateway: { issuer: "https://id.example/", algorithms: [HS256], publicKeys: ["\${file:keys/hs.key}"] }
`;
const jwt = (sub: string, key: string) => token('HS256', { iss: 'https://id.example/', sub, exp: now() + 300 }, key);
const FORGED = jwt('admin', 'the-attackers-own-key');

describe.skipIf(!NGINX)('red team 18, nginx: a bearer token in Sec-WebSocket-Protocol is verified or never reaches the backend', () => {
  let ng: RunningNginx;
  let backend: Stub;

  beforeAll(async () => {
    backend = await startUpgradeBackend('echo');
    ng = await startGateway(SPEC, backend, {}, (dir) => {
      mkdirSync(join(dir, 'keys'), { recursive: true });
      writeFileSync(join(dir, 'keys/hs.key'), HS);
    });
  });
  afterAll(async () => {
    await ng?.stop();
    await backend?.close();
  });

  /** The subprotocol lines the backend received on the upgrades `run` caused. */
  const seen = async (run: () => Promise<{ status: number }>) => {
    const before = backend.hits.length;
    const r = await run();
    return { status: r.status, protocols: backend.hits.slice(before).map((h) => String(h.headers['sec-websocket-protocol'] ?? '')) };
  };

  it('control: a verified header token upgrades (101) and is stripped; a forged header token is 401 on both routes', async () => {
    const ok = await upgrade(ng.port, '/v1/chat', { authorization: `Bearer ${jwt('alice', HS)}` });
    expect(ok.status).toBe(101);
    expect(backend.hits.at(-1)!.headers.authorization).toBeUndefined();
    expect((await upgrade(ng.port, '/v1/chat', { authorization: `Bearer ${FORGED}` })).status).toBe(401);
    expect((await upgrade(ng.port, '/v1/lobby', { authorization: `Bearer ${FORGED}` })).status).toBe(401);
  });

  it('control: a plain subprotocol (no token) passes untouched', async () => {
    const r = await seen(() => upgrade(ng.port, '/v1/lobby', { 'sec-websocket-protocol': 'graphql-ws' }));
    expect(r).toEqual({ status: 101, protocols: ['graphql-ws'] });
  });

  // Mechanism 1: present() reads Authorization and ?access_token= only; the forged subprotocol token
  // was no credential to the gateway and the anonymous upgrade went on with it. Fixed: a route with
  // a bearer scheme refuses a subprotocol list carrying a token (400; templates.ts `_ws_token`).
  it('optional route: a forged token in the subprotocol is verified (401) or never reaches the backend', async () => {
    const k8s = `base64url.bearer.authorization.k8s.io.${Buffer.from(FORGED).toString('base64url')}`;
    for (const proto of [`access_token, ${FORGED}`, `Bearer, ${FORGED}`, k8s, FORGED, `chat,${FORGED}`, k8s.replace('bearer', 'Bearer'), 'access_token, opaque-token-1', 'ACCESS-TOKEN, x']) {
      const r = await seen(() => upgrade(ng.port, '/v1/lobby', { 'sec-websocket-protocol': proto }));
      expect(r.protocols.join('|'), proto).not.toContain(FORGED.split('.')[1]!.slice(0, 8));
      expect(r.protocols.join('|').toLowerCase(), proto).not.toContain('bearer.authorization');
      expect(r.protocols.join('|').toLowerCase(), proto).not.toMatch(/access.token/);
      expect(r.status, proto).toBe(400);
    }
  });

  // Mechanism 2: alice's verified header token is stripped, bob's (or a forged) subprotocol token goes on.
  it("required route: a second, unverified token in the subprotocol beside alice's verified one never reaches the backend", async () => {
    const bob = jwt('bob', 'not-the-key');
    const r = await seen(() => upgrade(ng.port, '/v1/chat', { authorization: `Bearer ${jwt('alice', HS)}`, 'sec-websocket-protocol': `access_token, ${bob}` }));
    expect(r.protocols.join('|')).not.toContain(bob);
    expect(r.status).toBe(400);
  });

  // Variant: a second Sec-WebSocket-Protocol line. nginx 1.22's $http_ variable is the first line
  // only; the route sends the backend that one checked value, never a later line.
  it('a token on a second Sec-WebSocket-Protocol line never reaches the backend', async () => {
    const r = await seen(() => upgrade(ng.port, '/v1/lobby', { 'sec-websocket-protocol': ['chat', `access_token, ${FORGED}`] as unknown as string }));
    expect(r.protocols.join('|')).not.toContain(FORGED);
  });

  it('a plain subprotocol list passes untouched beside a verified token', async () => {
    const r = await seen(() => upgrade(ng.port, '/v1/chat', { authorization: `Bearer ${jwt('alice', HS)}`, 'sec-websocket-protocol': 'graphql-transport-ws, graphql-ws' }));
    expect(r).toEqual({ status: 101, protocols: ['graphql-transport-ws, graphql-ws'] });
  });

  // REV18: the shared table (test/helpers/subprotocol-cases.ts) through nginx's PCRE: a JWT whose
  // header encodes to `ew`, prefixes joined by `_`/`-`, markers followed by `.`/`|` are refused;
  // plain lists (wamp.2.json, v1.chat.example, graphql-transport-ws) pass untouched.
  it('every refused row of the shared table is 400 and never reaches the backend; every passed row upgrades untouched', async () => {
    for (const proto of SUBPROTOCOL_REFUSED) {
      const r = await seen(() => upgrade(ng.port, '/v1/lobby', { 'sec-websocket-protocol': proto }));
      expect(r, proto).toEqual({ status: 400, protocols: [] });
    }
    for (const proto of SUBPROTOCOL_PASSED) {
      const r = await seen(() => upgrade(ng.port, '/v1/lobby', { 'sec-websocket-protocol': proto }));
      expect(r, proto).toEqual({ status: 101, protocols: [proto] });
    }
  });
});
