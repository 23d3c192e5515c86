/**
 * Red team 10, nginx: a `keyHeaders` header sent on two lines (class: cache-key parts read
 * differently by the gateway and the backend; DESIGN.md 7.4).
 *
 * policies.ts cacheView keys a `keyHeaders` entry on `$http_<name>`, which nginx (1.22, and every
 * release for a header it does not join itself) reads from the FIRST line of that name. A backend
 * reads them all: Node joins repeated lines with ", " (`x-tenant: acme, evil`), Go's Header.Values,
 * Rack and PHP keep the last. So `X-Tenant: acme` + `X-Tenant: evil` is stored under the key of
 * `X-Tenant: acme`, with the answer the backend made for the other reading, and every later caller
 * of tenant acme on this public route is served it (HIT): cache poisoning by one anonymous request.
 * Kong's proxy-cache keys every value of a repeated vary header (cache_key.lua headers_key).
 *
 * FIXED (runtime.js cacheKey, headerLines): a `$http_*` part of the key is digested from every
 * line of that header (r.rawHeadersIn), one line as before, several as a list.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import { HOST, NGINX, startPolicyLab, type PolicyLab } from './helpers/nginx-policies.js';

const SPEC = `openapi: 3.1.0
info: { title: rt10 lines, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: rt10l
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
paths:
  /home: { get: { operationId: home, x-gateway: { public: true, cache: { ttl: 60s, keyHeaders: [X-Tenant] } }, responses: { "200": { description: ok } } } }
`;

/** One HTTP/1.1 request with the header lines as given (repeated names kept); the raw answer. */
function raw(port: number, path: string, lines: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write([`GET ${path} HTTP/1.1`, `Host: ${HOST}`, 'Connection: close', ...lines].join('\r\n') + '\r\n\r\n'));
    let d = '';
    s.on('data', (b) => (d += String(b)));
    s.on('close', () => resolve(d));
    s.on('error', reject);
  });
}

describe.skipIf(!NGINX)('red team 10, nginx: a repeated keyHeaders line never poisons the entry of its first value', () => {
  let lab: PolicyLab;
  beforeAll(async () => {
    lab = await startPolicyLab(SPEC);
  });
  afterAll(async () => lab?.stop());

  it('control: two tenants have two entries', async () => {
    const a = await raw(lab.ng.port, '/v1/home?c=1', ['X-Tenant: acme']);
    const b = await raw(lab.ng.port, '/v1/home?c=1', ['X-Tenant: globex']);
    expect(b).toMatch(/X-Cache-Status: MISS/);
    expect(a).toContain('"x-tenant":"acme"');
  });

  // Was open: $http_x_tenant was the first line; the backend (Node) read "acme, evil".
  it('a request carrying X-Tenant twice is never served to the next caller of the first value', async () => {
    await raw(lab.ng.port, '/v1/home?c=2', ['X-Tenant: acme', 'X-Tenant: evil']);
    const next = await raw(lab.ng.port, '/v1/home?c=2', ['X-Tenant: acme']);
    expect(next, 'tenant acme was served the answer made for "acme, evil"').not.toContain('evil');
    // ... and the two-line request still has an entry of its own.
    const again = await raw(lab.ng.port, '/v1/home?c=2', ['X-Tenant: acme', 'X-Tenant: evil']);
    expect(again).toMatch(/X-Cache-Status: HIT/);
  });
});
