/**
 * Red team 14, nginx (real traffic, TLS): a gateway that names a certificate listens on BOTH the
 * plain and the TLS address in one server block (compile.ts serverViews: `listen 80` and
 * `listen 443 ssl`), tells the backend which one a request came on (`proxy_set_header
 * X-Forwarded-Proto $scheme`), and keys its cache on route, method, host, parameters and query
 * (policies/cache.ts cacheKey) but not the scheme. A backend answers by the scheme (Django
 * SECURE_SSL_REDIRECT, Rails force_ssl: `301 Location: https://...` to a plain request, no cache
 * headers), and 301 is in gwc's proxy_cache_valid: one plain-HTTP request stores the redirect, and
 * every HTTPS caller of the public route is then answered "301 to the same URL" (a redirect loop:
 * the route is down for everyone for the TTL), or a page built with http:// links.
 * (DESIGN.md 7.4: a cache entry keyed on less than what the backend's answer depends on; red team
 * 10 closed the same class for the identity.) Fix class: put $scheme in every cache key (or never
 * store an answer to a request on the plain listener of a TLS gateway).
 */
import { execFileSync } from 'node:child_process';
import https from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileGateway } from '../../src/api.js';
import { gatewayOf, unsecuredPublic } from '../helpers/spec.js';
import { freePort, fullOptions, NGINX, opensslAvailable, pointAt, prefixDir, send, startNginx, startStub, writeFiles, type RunningNginx, type Stub } from '../targets/nginx/harness.js';

const HOST = 'api.test';

describe.skipIf(!NGINX || !opensslAvailable())('red team 14, nginx: the cache key and the scheme a TLS gateway serves both of', () => {
  let ng: RunningNginx;
  let backend: Stub;
  let tlsPort: number;
  beforeAll(async () => {
    const dir = prefixDir();
    const cert = join(dir, 'api.crt');
    const key = join(dir, 'api.key');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${HOST}`, '-addext', `subjectAltName=DNS:${HOST}`, '-keyout', key, '-out', cert], { stdio: 'ignore' });
    backend = await startStub('echo', (req) => (req.headers['x-forwarded-proto'] === 'http' ? { status: 301, headers: { location: `https://${HOST}${req.url}` } } : undefined));
    const loaded = await gatewayOf(`openapi: 3.1.0
info: { title: rt14 cache scheme, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: rt14s
  tls: { certificate: "${cert}", key: "\${file:${key}}" }
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
paths:
  /pub/{n}:
    get:
      operationId: pub
      parameters: [{ name: n, in: path, required: true, schema: { type: string } }]
      x-gateway: { public: true, cache: { ttl: 60s } }
      responses: { "200": { description: ok } }
`);
    if (!loaded.gateway) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
    pointAt(loaded.gateway, { echo: backend });
    const port = await freePort();
    tlsPort = await freePort();
    const r = compileGateway(unsecuredPublic(loaded.gateway), 'nginx', { ...fullOptions(dir, port), tlsListen: `127.0.0.1:${tlsPort}` });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    writeFiles(dir, r.files);
    ng = await startNginx(dir, port);
  });
  afterAll(async () => {
    await ng?.stop();
    await backend?.close();
  });

  const overTls = (path: string) =>
    new Promise<{ status: number; location?: string }>((resolve, reject) => {
      const req = https.request({ host: '127.0.0.1', port: tlsPort, path, servername: HOST, headers: { host: HOST }, rejectUnauthorized: false, agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location }));
      });
      req.on('error', reject);
      req.end();
    });

  it('control: over TLS the backend answers 200; a plain request alone is redirected', async () => {
    expect((await overTls('/v1/pub/c1')).status).toBe(200);
    expect((await send(ng.port, 'GET', '/v1/pub/c2', { host: HOST })).status).toBe(301);
  });

  // Mechanism: $scheme is not in the cache key; the plain request's 301 is stored for the HTTPS one.
  it('a plain-HTTP request never decides what an HTTPS caller of the same URL is answered', async () => {
    const plain = await send(ng.port, 'GET', '/v1/pub/k1', { host: HOST });
    expect(plain.status).toBe(301);
    const secure = await overTls('/v1/pub/k1');
    expect(secure, 'the HTTPS caller got the cached redirect to its own URL').toEqual({ status: 200, location: undefined });
  });
});
