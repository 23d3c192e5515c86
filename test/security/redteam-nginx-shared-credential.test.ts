/**
 * Red team, nginx (DESIGN.md 7.1): one credential held by two consumers with different roles (the
 * same ${env:} reference, or two variables deployed with one value). The njs runtime took the first
 * consumer by name whose credential matched, so the holder of a reader's key that is also an admin's
 * (admin sorts first) opened admin routes and reached the backend as admin. Two consumers the gateway
 * cannot tell apart are no caller: the request is refused (401) and the error logged. Real nginx.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST, NGINX, startLab, type AuthLab } from './helpers/nginx-auth.js';

const ok = '{ "200": { description: ok } }';
const SPEC = `openapi: 3.1.0
info: { title: shared lab, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: shared
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    admin: { groups: [admin], credentials: { hkey: "\${env:ADMIN_KEY}" } }
    reader: { groups: [reader], credentials: { hkey: ["\${env:READER_OLD_KEY}", "\${env:READER_KEY}"] } }
    zed: { groups: [reader], credentials: { hkey: "\${env:ZED_KEY}" } }
paths:
  /admin: { get: { operationId: adminRead, security: [{ hkey: [admin] }], responses: ${ok} } }
  /read: { get: { operationId: read, security: [{ hkey: [] }], responses: ${ok} } }
components:
  securitySchemes:
    hkey: { type: apiKey, in: header, name: x-api-key }
`;

describe.skipIf(!NGINX)('nginx: a credential two consumers hold', () => {
  let lab: AuthLab;
  beforeAll(async () => {
    // The model refuses one reference held twice (consumer-credential-shared); two variables
    // deployed with one value (a copy-paste in the secret store) only the runtime can see.
    lab = await startLab(SPEC, { env: { ADMIN_KEY: 'shared-1', READER_OLD_KEY: 'shared-1', READER_KEY: 'reader-2', ZED_KEY: 'zed-3' } });
  });
  afterAll(async () => lab?.stop());

  it('the shared key opens nothing, as no one: 401 and the backend never reached', async () => {
    for (const path of ['/v1/admin', '/v1/read']) {
      const { r, hits } = await lab.call('GET', path, { 'x-api-key': 'shared-1' });
      expect(r.status, path).toBe(401);
      expect(hits).toEqual([]);
    }
  });

  it('control: keys held by one consumer still identify it', async () => {
    const { r, hits } = await lab.call('GET', '/v1/read', { 'x-api-key': 'reader-2' });
    expect(r.status).toBe(200);
    expect(hits[0]!.headers['x-consumer']).toBe('reader');
    expect((await lab.call('GET', '/v1/admin', { 'x-api-key': 'reader-2' })).r.status).toBe(403);
    expect((await lab.call('GET', '/v1/read', { 'x-api-key': 'zed-3' })).hits[0]!.headers['x-consumer']).toBe('zed');
  });
});
