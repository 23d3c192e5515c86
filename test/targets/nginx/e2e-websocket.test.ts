/**
 * WebSocket routes (issue #20.3) through a real nginx: a `websocket: true` GET behind an API key
 * upgrades (101) to a WebSocket echo backend on loopback and carries a frame each way; without the
 * key the upgrade is refused (401) before the backend sees it; a plain route still never passes
 * `Upgrade`. The other targets: Kong and Traefik proxy upgrades natively (the build is clean),
 * AWS REST refuses the route, and `websocket` on a POST is refused at the key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileGateway } from '../../../src/api.js';
import { gatewayOf, unsecuredPublic } from '../../helpers/spec.js';
import { NGINX, type RunningNginx, type Stub } from './harness.js';
import { startGateway, startUpgradeBackend, upgrade } from './websocket.js';

const HOST = 'api.test';
const KEY = 'ws-key-0001';
const SPEC = `openapi: 3.1.0
info: { title: ws lab, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: wslab
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { key: "\${env:WS_KEY}" } }
paths:
  /chat:
    get:
      operationId: chat
      security: [{ key: [] }]
      x-gateway: { websocket: true }
      responses: { "101": { description: upgraded } }
  /plain:
    get:
      operationId: plain
      security: [{ key: [] }]
      responses: { "200": { description: ok } }
components:
  securitySchemes:
    key:
      type: apiKey
      in: header
      name: x-api-key
      # Traefik checks keys through a service; nginx and Kong check them themselves.
      x-gateway: { forwardAuth: { url: "http://keys.internal:9100/check" } }
`;

describe.skipIf(!NGINX)('WebSocket routes through a real nginx', () => {
  let ng: RunningNginx;
  let backend: Stub;

  beforeAll(async () => {
    backend = await startUpgradeBackend('echo');
    ng = await startGateway(SPEC, backend, { WS_KEY: KEY });
  });
  afterAll(async () => {
    await ng?.stop();
    await backend?.close();
  });

  it('with the key: 101, one frame each way', async () => {
    const r = await upgrade(ng.port, '/v1/chat', { 'x-api-key': KEY });
    expect(r).toEqual({ status: 101, echo: 'echo:hello' });
    const hit = backend.hits.at(-1)!;
    expect(hit.path).toBe('/chat');
    expect(hit.headers.upgrade).toBe('websocket');
    expect(String(hit.headers.connection).toLowerCase()).toBe('upgrade');
    expect(hit.headers['x-api-key']).toBeUndefined(); // the credential is hidden as on any route
  });

  it('without the key, or with another: 401 and the backend never sees the upgrade', async () => {
    const before = backend.hits.length;
    expect((await upgrade(ng.port, '/v1/chat', {})).status).toBe(401);
    expect((await upgrade(ng.port, '/v1/chat', { 'x-api-key': 'guess' })).status).toBe(401);
    expect(backend.hits.length).toBe(before);
  });

  it('a plain route never passes Upgrade: the backend sees an ordinary GET', async () => {
    const r = await upgrade(ng.port, '/v1/plain', { 'x-api-key': KEY });
    expect(r.status).toBe(200);
    expect(r.upgradeHeader).toBeUndefined();
    expect(backend.hits.at(-1)!.headers.connection ?? '').not.toMatch(/upgrade/i);
  });
});

describe('WebSocket routes on the other targets', () => {
  it('Kong and Traefik proxy the upgrade natively; AWS REST refuses the route at the key', async () => {
    const loaded = await gatewayOf(SPEC);
    const gateway = unsecuredPublic(loaded.gateway!);
    for (const target of ['kong', 'traefik']) {
      const r = compileGateway(gateway, target, {});
      expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code), target).toEqual([]);
      expect(r.files.length, target).toBeGreaterThan(0);
    }
    const aws = compileGateway(gateway, 'aws', {});
    const refused = aws.diagnostics.filter((d) => d.code === 'capability-unsupported' && /websocket/.test(d.message));
    expect(refused.map((d) => d.loc?.pointer)).toEqual(['/paths/~1chat/get/x-gateway/websocket']);
    expect(aws.files).toEqual([]);
  });

  it('websocket on a POST is refused at the key (only a GET upgrades)', async () => {
    const loaded = await gatewayOf(SPEC.replace('  /chat:\n    get:', '  /chat:\n    post:'));
    const d = loaded.diagnostics.filter((x) => x.code === 'websocket-not-get');
    expect(d.map((x) => [x.params, x.loc?.pointer])).toEqual([[{ route: 'chat', method: 'POST' }, '/paths/~1chat/post/x-gateway/websocket']]);
  });
});
