/**
 * `rateLimit.by: ip` (and the client-address fallback of per-consumer limits) against IPv6 address
 * rotation, through a real nginx. An IPv6 client normally holds a whole /64: a bucket per address
 * would be a bucket per request for anyone rotating source addresses. nginx must count an IPv6
 * client per /64 and an IPv4 client (also spelt IPv4-mapped, ::ffff:a.b.c.d) per address.
 *
 * Only ::1 is bindable here without privileges, so the source addresses are given through the
 * realip module in the TEST configuration only (set_real_ip_from loopback, X-Forwarded-For): nginx
 * then computes $binary_remote_addr, and with it the generated key, from that address exactly as
 * from a socket's. One request also comes over a real IPv6 socket ([::1]).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../../src/model/types.js';
import { compileOrThrow, freePort, fullOptions, NGINX, prefixDir, send, startNginx, startStub, writeFiles, type RunningNginx, type Stub } from './harness.js';
import { gateway, httpBackend, keyScheme, loc, route } from './model.js';

const limit = (by: 'ip' | 'consumer') => ({ rateLimit: { requests: 2, per: 'minute' as const, by, burst: 0, loc: loc() } });

function limited(stub: Stub): Gateway {
  return gateway(
    [
      route('byIp', 'GET', '/ip', { policy: limit('ip') }),
      // Public route, per-consumer limit: anonymous callers are counted per client address.
      route('anon', 'GET', '/anon', { policy: limit('consumer') }),
      route('keyed', 'GET', '/keyed', { security: [[{ scheme: 'key', scopes: [] }]], declaredPublic: false }),
    ],
    {
      backends: [httpBackend('app', '127.0.0.1', stub.port)],
      securitySchemes: [keyScheme('key')],
      consumers: [{ name: 'alice', loc: loc(), groups: [], credentials: [{ scheme: 'key', kind: 'apiKey', key: { kind: 'env', name: 'ALICE_KEY', raw: '' }, loc: loc() }] }],
    },
  );
}

/** Is IPv6 loopback usable here (a socket on [::1])? */
async function ipv6Loopback(): Promise<boolean> {
  return new Promise((resolve) => {
    const s = http.createServer();
    s.once('error', () => resolve(false));
    s.listen(0, '::1', () => s.close(() => resolve(true)));
  });
}

describe.skipIf(!NGINX)('rate limits by client address: IPv6 per /64 (real nginx)', () => {
  let stub: Stub;
  let ng: RunningNginx;
  let v6 = false;
  /** A request "from" `ip` (the test config's realip reads X-Forwarded-For from loopback). */
  const from = async (path: string, ip: string) => (await send(ng.port, 'GET', path, { 'x-forwarded-for': ip })).status;
  const burst = async (path: string, ips: string[]) => {
    const out: number[] = [];
    for (const ip of ips) out.push(await from(path, ip));
    return out;
  };

  beforeAll(async () => {
    stub = await startStub('app');
    v6 = await ipv6Loopback();
    const dir = prefixDir();
    const port = await freePort();
    writeFiles(dir, compileOrThrow(limited(stub), fullOptions(dir, port)));
    // Test-only additions: an IPv6 listener and realip from loopback, after each generated listen.
    const confDir = join(dir, 'conf.d');
    for (const f of readdirSync(confDir)) {
      const p = join(confDir, f);
      const extra = `${v6 ? ` listen [::1]:${port};` : ''} set_real_ip_from 127.0.0.1; set_real_ip_from ::1; real_ip_header X-Forwarded-For;`;
      const conf = readFileSync(p, 'utf8');
      writeFileSync(p, conf.replace(new RegExp(`listen 127\\.0\\.0\\.1:${port}[^;]*;`, 'g'), (m) => `${m}${extra}`));
    }
    ng = await startNginx(dir, port, { ALICE_KEY: 'alice-1' });
  });
  afterAll(async () => {
    await ng?.stop();
    await stub?.close();
  });

  it('attack: rotating addresses inside one /64 gets no fresh bucket (any spelling)', async () => {
    expect(await burst('/ip', ['2001:db8:1:2::1', '2001:db8:1:2::2', '2001:db8:1:2:ffff:ffff:ffff:fffe', '2001:0db8:0001:0002:0:0:0:9'])).toEqual([200, 200, 429, 429]);
    // Another /64 (one bit away in the fourth hextet) is another client.
    expect(await from('/ip', '2001:db8:1:3::1')).toBe(200);
  });

  it('attack: the per-consumer limit counts anonymous IPv6 callers per /64 too', async () => {
    expect(await burst('/anon', ['2001:db8:aa:1::1', '2001:db8:aa:1::2', '2001:db8:aa:1::3'])).toEqual([200, 200, 429]);
    expect(await from('/anon', '2001:db8:aa:2::1')).toBe(200);
  });

  it('IPv4 stays per address; an IPv4-mapped spelling is the same client, never one bucket for all', async () => {
    expect(await burst('/ip', ['192.0.2.1', '192.0.2.1', '::ffff:192.0.2.1'])).toEqual([200, 200, 429]);
    expect(await from('/ip', '192.0.2.2')).toBe(200);
    // Mapped addresses share the ::/64 prefix: they must not share a bucket.
    expect(await burst('/ip', ['::ffff:198.51.100.1', '::ffff:198.51.100.2', '::ffff:198.51.100.3', '198.51.100.4'])).toEqual([200, 200, 200, 200]);
  });

  it('a real IPv6 connection ([::1]) is limited like any other client', async (ctx) => {
    if (!v6) ctx.skip();
    const over6 = () =>
      new Promise<number>((resolve, reject) => {
        const req = http.request({ host: '::1', port: ng.port, path: '/ip', agent: false }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end();
      });
    expect([await over6(), await over6(), await over6()]).toEqual([200, 200, 429]);
    // ::1 and fe80-free ::/64 neighbours (here spelt via realip) are one client: ::2 is in ::1's /64.
    expect(await from('/ip', '::2')).toBe(429);
  });
});
