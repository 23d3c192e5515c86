/**
 * Red team 15, nginx (real nginx; DESIGN.md 7.1, 7.3): a forwardAuth service's requestHeaders (a
 * tenant or session the service verifies beside the key; redteam9-nginx-forward-apikey) sent on TWO
 * lines. The same class 49db3d2 closed on Traefik for the credential header and
 * redteam-nginx-duplicates for nginx's own credentials: the verifier reads one line, the backend
 * another. Probed here: `X-Tenant: acme` then `X-Tenant: evil` beside alice's key, the service
 * allowing alice for acme only.
 * Found (it.fails): the service was asked with the FIRST line only (njs r.headersIn: one value)
 * and said 204; nginx passed BOTH client lines to the backend (no proxy_set_header names X-Tenant),
 * which Node read as "acme, evil" and PHP-FPM reads as "evil": a tenant nobody verified.
 * Safe: refused (as a second credential line), or the backend sees only the verified line.
 * Fix class: count the lines of every forward requestHeaders name (lineCount) and refuse > 1, on
 * Traefik too (redteam15-traefik-forward-request-headers). Closed on nginx: checkForward answers
 * 401 when any header the service is sent (presence) has more than one line; Traefik still open.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST, NGINX, startPolicyLab, type PolicyLab } from './helpers/nginx-policies.js';
import type { Echo } from '../targets/nginx/harness.js';

const KEY = 'key-alice-1501';
const ok = '{ "200": { description: ok } }';
const SPEC = `openapi: 3.1.0
info: { title: red team 15 nginx forward header lines, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: r15f
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { hks: "\${env:KEY}" } }
paths:
  /k: { get: { operationId: k, security: [{ hks: [] }], responses: ${ok} } }
components:
  securitySchemes:
    hks: { type: apiKey, in: header, name: X-Api-Key, x-gateway: { forwardAuth: { url: "http://hks.internal:9000/verify", requestHeaders: [X-Tenant] } } }
`;

describe.skipIf(!NGINX)('red team 15, nginx: a forward service header on two lines', () => {
  let lab: PolicyLab;
  const service = (e: Echo) => ({ status: e.headers['x-tenant'] === 'acme' ? 204 : 401 });
  beforeAll(async () => {
    lab = await startPolicyLab(SPEC, { env: { KEY }, forward: { hks: service } });
  }, 120_000);
  afterAll(async () => lab?.stop());

  it('control: acme passes, evil does not', async () => {
    expect((await lab.call('GET', '/v1/k', { 'x-api-key': KEY, 'x-tenant': 'acme' })).r.status).toBe(200);
    expect((await lab.call('GET', '/v1/k', { 'x-api-key': KEY, 'x-tenant': 'evil' })).r.status).not.toBe(200);
  });

  // Mechanism: the forward subrequest reads headersIn (first line); every line is proxied on.
  it('a second X-Tenant line never reaches the backend unverified', async () => {
    const { r, hits } = await lab.call('GET', '/v1/k', { 'x-api-key': KEY, 'x-tenant': ['acme', 'evil'] as unknown as string });
    if (r.status !== 200) return;
    expect(hits[0]!.headers['x-tenant']).toBe('acme');
  });
});
