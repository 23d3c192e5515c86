/**
 * TLS settings shared by a server block (proxy-ssl.ts): the most common backend setting is written
 * once per server, the others per location. Through a real nginx, with backends of both kinds in
 * one server block, each way round (verify on as the server default with one verify-off route, and
 * verify off as the default with one verify-on route): a verifying route still refuses a backend
 * whose certificate its CA did not sign, and a non-verifying one accepts it.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend, Gateway } from '../../../src/model/types.js';
import { compileOrThrow, freePort, fullOptions, NGINX, opensslAvailable, prefixDir, send, startNginx, writeFiles, type RunningNginx } from './harness.js';
import { gateway, loc, route, url } from './model.js';

function selfSigned(dir: string, name: string): { cert: string; key: string } {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${name}`, '-addext', `subjectAltName=DNS:${name}`, '-keyout', key, '-out', cert], { stdio: 'ignore' });
  return { cert, key };
}

describe.skipIf(!NGINX || !opensslAvailable())('mixed TLS backends in one server block, through a real nginx', () => {
  let ng: RunningNginx;
  let backend: https.Server;
  let conf: string;

  beforeAll(async () => {
    const dir = prefixDir();
    const up = selfSigned(dir, 'backend.internal');
    // A CA that did not sign the backend's certificate: a verifying route must refuse it.
    const other = selfSigned(dir, 'other.internal');
    backend = https.createServer({ cert: readFileSync(up.cert), key: readFileSync(up.key) }, (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ path: req.url }));
    });
    await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
    const bport = (backend.address() as AddressInfo).port;
    const tlsBackend = (name: string, verify: boolean): Backend => ({
      name,
      loc: loc(),
      kind: 'http',
      targets: [{ url: url('https', '127.0.0.1', bport, ''), weight: 1, loc: loc() }],
      hostHeader: 'backend',
      tls: { verify, serverName: 'backend.internal', caFile: other.cert, loc: loc() },
    });
    const on = (r: ReturnType<typeof route>, host: string) => ({ ...r, hosts: [host] });
    const g: Gateway = gateway(
      [
        // strict.test: verify on for two routes (the server default), off for one.
        on(route('s1', 'GET', '/strict/one', { backend: 'strict' }), 'strict.test'),
        on(route('s2', 'GET', '/strict/two', { backend: 'strict' }), 'strict.test'),
        on(route('s3', 'GET', '/lax/one', { backend: 'lax' }), 'strict.test'),
        // lax.test: verify off for two routes (the server default), on for one.
        on(route('l1', 'GET', '/lax/one', { backend: 'lax' }), 'lax.test'),
        on(route('l2', 'GET', '/lax/two', { backend: 'lax' }), 'lax.test'),
        on(route('l3', 'GET', '/strict/one', { backend: 'strict' }), 'lax.test'),
      ],
      { backends: [tlsBackend('strict', true), tlsBackend('lax', false)] },
    );
    const port = await freePort();
    const files = compileOrThrow(g, fullOptions(dir, port));
    conf = files.find((f) => f.path.startsWith('conf.d/'))!.contents;
    writeFiles(dir, files);
    ng = await startNginx(dir, port);
  });
  afterAll(async () => {
    await ng?.stop();
    await new Promise((r) => backend?.close(r));
  });

  it('writes each server default once and the exception in its own location', () => {
    const servers = conf.split(/^server \{$/m).slice(1);
    const strict = servers.find((s) => s.includes('"strict.test"'))!;
    const lax = servers.find((s) => s.includes('"lax.test"'))!;
    expect(strict).toMatch(/^ {4}proxy_ssl_verify on;$/m);
    expect(strict.match(/^ {8}proxy_ssl_verify off;$/gm)).toHaveLength(1);
    expect(strict).not.toMatch(/^ {8}proxy_ssl_verify on;$/m);
    expect(lax).toMatch(/^ {4}proxy_ssl_verify off;$/m);
    expect(lax.match(/^ {8}proxy_ssl_verify on;$/gm)).toHaveLength(1);
  });

  for (const host of ['strict.test', 'lax.test']) {
    it(`${host}: a verifying route refuses an untrusted certificate (502), a non-verifying one proxies`, async () => {
      const refused = await send(ng.port, 'GET', '/strict/one', { host });
      expect(refused.status, refused.body).toBe(502);
      const lax = await send(ng.port, 'GET', '/lax/one', { host });
      expect(lax.status, lax.body).toBe(200);
      expect(lax.json()).toEqual({ path: '/lax/one' });
    });
  }
  it('strict.test: the second route inheriting the server default refuses too', async () => {
    expect((await send(ng.port, 'GET', '/strict/two', { host: 'strict.test' })).status).toBe(502);
    expect((await send(ng.port, 'GET', '/lax/two', { host: 'lax.test' })).status).toBe(200);
  });
});
