/**
 * TLS both ways through a real nginx: the server block the spec's certificate asks for, and a
 * TLS backend verified against its CA with the configured server name (a wrong name fails closed).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../../src/model/types.js';
import { compileOrThrow, freePort, fullOptions, NGINX, opensslAvailable, prefixDir, send, startNginx, writeFiles, type RunningNginx } from './harness.js';
import { gateway, loc, route, url } from './model.js';

function selfSigned(dir: string, name: string): { cert: string; key: string } {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${name}`, '-addext', `subjectAltName=DNS:${name}`, '-keyout', key, '-out', cert], { stdio: 'ignore' });
  return { cert, key };
}

describe.skipIf(!NGINX || !opensslAvailable())('TLS through a real nginx', () => {
  let ng: RunningNginx;
  let backend: https.Server;
  let tlsPort: number;

  beforeAll(async () => {
    const dir = prefixDir();
    const server = selfSigned(dir, 'api.example.com');
    const up = selfSigned(dir, 'secure.internal');
    backend = https.createServer({ cert: readFileSync(up.cert), key: readFileSync(up.key) }, (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ path: req.url, host: req.headers.host }));
    });
    await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
    const bport = (backend.address() as AddressInfo).port;
    const secure = (serverName: string) => ({
      name: `secure-${serverName.split('.')[0]}`,
      loc: loc(),
      kind: 'http' as const,
      targets: [{ url: url('https', '127.0.0.1', bport, '/base'), weight: 1, loc: loc() }],
      hostHeader: 'backend' as const,
      tls: { verify: true, serverName, caFile: up.cert, loc: loc() },
    });
    const g: Gateway = gateway([route('ok', 'GET', '/ok', { backend: 'secure-secure' }), route('bad', 'GET', '/bad', { backend: 'secure-wrong' })], {
      backends: [secure('secure.internal'), secure('wrong.internal')],
      tls: { certificate: server.cert, key: { kind: 'file', path: server.key, raw: `\${file:${server.key}}` }, loc: loc() },
    });
    const port = await freePort();
    tlsPort = await freePort();
    writeFiles(dir, compileOrThrow(g, { ...fullOptions(dir, port), tlsListen: `127.0.0.1:${tlsPort}` }));
    ng = await startNginx(dir, port);
  });
  afterAll(async () => {
    await ng?.stop();
    await new Promise((r) => backend?.close(r));
  });

  it('verifies the backend certificate against its CA and name; a name mismatch is a 502', async () => {
    const ok = await send(ng.port, 'GET', '/ok');
    expect(ok.status, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ path: '/base/ok' });
    const bad = await send(ng.port, 'GET', '/bad');
    expect(bad.status).toBe(502);
  });

  it('serves the spec certificate on the TLS listener', async () => {
    const body = await new Promise<{ status: number; cn: string }>((resolve, reject) => {
      const req = https.request({ host: '127.0.0.1', port: tlsPort, path: '/ok', servername: 'api.example.com', rejectUnauthorized: false }, (res) => {
        const cn = String((res.socket as import('node:tls').TLSSocket).getPeerCertificate().subject.CN);
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, cn }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(body).toEqual({ status: 200, cn: 'api.example.com' });
  });
});
