/**
 * Request validation behind auth, an IP rule and a per-consumer limit, through a real nginx (#19):
 * the validate location runs the access checks first, so a caller without a credential gets 401
 * (never a 400 that would describe the schema), and the checks still run after validation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileOrThrow, freePort, fullOptions, NGINX, pointAt, prefixDir, send, startNginx, startStub, writeFiles, type RunningNginx, type Stub } from './harness.js';
import { gatewayOf } from '../../helpers/spec.js';

const SPEC = `openapi: 3.0.3
info: { title: t, version: "1" }
servers: [{ url: https://api.example.com }]
x-gateway:
  name: vauth
  backends: { app: { url: http://app.internal:8080 } }
  consumers:
    alice: { credentials: { key: "\${env:ALICE_KEY}" } }
  defaults: { validate: true }
security: [{ key: [] }]
paths:
  /orders:
    post:
      operationId: createOrder
      responses: { '200': { description: ok } }
      requestBody:
        required: true
        content: { application/json: { schema: { type: object, required: [qty], properties: { qty: { type: integer, minimum: 1 } } } } }
  /limited:
    post:
      operationId: limited
      x-gateway: { rateLimit: { requests: 2, per: minute, by: consumer } }
      responses: { '200': { description: ok } }
      requestBody:
        required: true
        content: { application/json: { schema: { type: object, required: [qty], properties: { qty: { type: integer } } } } }
  /denied:
    post:
      operationId: denied
      x-gateway: { ipDeny: [127.0.0.0/8] }
      responses: { '200': { description: ok } }
      requestBody:
        content: { application/json: { schema: { type: object, required: [qty] } } }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: x-api-key }
`;

describe.skipIf(!NGINX)('request validation behind the access checks (real nginx)', () => {
  let app: Stub;
  let ng: RunningNginx;
  const post = (path: string, body: string, key?: string) =>
    send(ng.port, 'POST', path, { host: 'api.example.com', 'content-type': 'application/json', ...(key ? { 'x-api-key': key } : {}) }, body);

  beforeAll(async () => {
    app = await startStub('app');
    const { gateway, diagnostics } = await gatewayOf(SPEC);
    if (!gateway) throw new Error(diagnostics.map((d) => d.message).join('\n'));
    pointAt(gateway, { app });
    const dir = prefixDir();
    const port = await freePort();
    writeFiles(dir, compileOrThrow(gateway, fullOptions(dir, port)));
    ng = await startNginx(dir, port, { ALICE_KEY: 'alice-key-1' });
  });
  afterAll(async () => {
    await ng?.stop();
    await app?.close();
  });

  it('no or a wrong credential: 401 whatever the body, no schema detail', async () => {
    for (const key of [undefined, 'wrong']) {
      const r = await post('/orders', '{"qty":0}', key);
      expect(r.status).toBe(401);
      expect(r.body).not.toContain('qty');
    }
  });

  it('a verified caller: 400 naming the field for a wrong body, 200 for a right one; the backend sees only that', async () => {
    const before = app.hits.length;
    const bad = await post('/orders', '{"qty":0}', 'alice-key-1');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).errors[0]).toMatchObject({ in: 'body', pointer: '#/qty' });
    const ok = await post('/orders', '{"qty":2}', 'alice-key-1');
    expect(ok.status).toBe(200);
    expect(ok.json().headers['x-api-key']).toBeUndefined(); // still stripped after the validate location
    expect(app.hits.length - before).toBe(1);
  });

  it('an IP-denied caller gets 403, never a validation answer', async () => {
    expect((await post('/denied', '{}', 'alice-key-1')).status).toBe(403);
  });

  it('the per-consumer limit still counts the verified caller after validation', async () => {
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await post('/limited', '{"qty":1}', 'alice-key-1')).status);
    expect(codes).toEqual([200, 200, 429, 429]);
  });
});
