/**
 * A WebSocket route with a bearer scheme on nginx (red team 2, body token): since the form-body
 * access_token check (njs bodyCheck, redteam2-nginx-body-token) runs on every method of a bearer
 * route, the upgrade GET passes through it (js_content, then an internal redirect) before the auth
 * check: the upgrade still works with a verified token, and a token-less or forged one is refused
 * before the backend sees it. Real nginx, a WebSocket echo backend on loopback.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { now, token } from '../targets/nginx/jwt.js';
import { NGINX, type RunningNginx, type Stub } from '../targets/nginx/harness.js';
import { startGateway, startUpgradeBackend, upgrade } from '../targets/nginx/websocket.js';

const HOST = 'api.test';
const HS = 'ws-bearer-hmac-secret-0123456789ab';
const SPEC = `openapi: 3.1.0
info: { title: ws bearer lab, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: wsb
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
paths:
  /chat:
    get:
      operationId: chat
      security: [{ jwt: [] }]
      x-gateway: { websocket: true }
      responses: { "101": { description: upgraded } }
components:
  securitySchemes:
    jwt:
      type: http
      scheme: bearer
      x-gateway: { issuer: "https://id.example/", algorithms: [HS256], publicKeys: ["\${file:keys/hs.key}"] }
`;
const jwt = (key: string) => token('HS256', { iss: 'https://id.example/', sub: 'u1', exp: now() + 300 }, key);

describe.skipIf(!NGINX)('a WebSocket route with a bearer scheme passes the body check', () => {
  let ng: RunningNginx;
  let backend: Stub;

  beforeAll(async () => {
    backend = await startUpgradeBackend('echo');
    ng = await startGateway(SPEC, backend, {}, (dir, files) => {
      expect(files.some((f) => f.contents.includes('js_content wsb.bodyCheck') || f.contents.includes('.bodyCheck;'))).toBe(true);
      mkdirSync(join(dir, 'keys'), { recursive: true });
      writeFileSync(join(dir, 'keys/hs.key'), HS);
    });
  });
  afterAll(async () => {
    await ng?.stop();
    await backend?.close();
  });

  it('with a verified token: 101, one frame each way, the token stripped', async () => {
    const r = await upgrade(ng.port, '/v1/chat', { authorization: `Bearer ${jwt(HS)}` });
    expect(r).toEqual({ status: 101, echo: 'echo:hello' });
    const hit = backend.hits.at(-1)!;
    expect([hit.path, hit.headers.upgrade, hit.headers.authorization]).toEqual(['/chat', 'websocket', undefined]);
  });

  it('without a token or with a forged one: 401, the backend never sees the upgrade', async () => {
    const before = backend.hits.length;
    expect((await upgrade(ng.port, '/v1/chat', {})).status).toBe(401);
    expect((await upgrade(ng.port, '/v1/chat', { authorization: `Bearer ${jwt('not-the-key')}` })).status).toBe(401);
    expect(backend.hits.length).toBe(before);
  });
});
