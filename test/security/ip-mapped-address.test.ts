/**
 * An IP rule entry spelt IPv4-mapped (`::ffff:203.0.113.9`, `::ffff:cb00:7109`,
 * `0:0:0:0:0:ffff:203.0.113.0/120`) is the IPv4 address it maps. Every gateway matches an IPv4
 * client against IPv4 rules only (nginx's access module reads its IPv6 rules on IPv6 connections,
 * a mapped one meeting the IPv4 rules first; Kong's ip-restriction and API Gateway's aws:SourceIp
 * compare within one family; Traefik's checker turns mapped ranges into IPv4 ones), so such a deny
 * entry denied nobody who connects over IPv4, and such an allow entry let nobody in: one client,
 * two answers by spelling. The model now writes these entries as IPv4 (src/model/policies/ip-mapped.ts).
 * Real nginx (client addresses given through the realip module of the test configuration, as
 * e2e-ratelimit-ipv6.test.ts does), the Traefik request oracle, Kong's and AWS's output.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileGateway } from '../../src/api.js';
import { mappedCidr, unmapCidr } from '../../src/model/policies/ip-mapped.js';
import { gatewayOf } from '../helpers/spec.js';
import { compileOrThrow, freePort, fullOptions, NGINX, prefixDir, send, startNginx, startStub, writeFiles, type RunningNginx, type Stub } from '../targets/nginx/harness.js';
import { send as traefikSend } from '../targets/traefik/traefik-oracle.js';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';

const HOST = 'api.test';
const ok = '{ "200": { description: ok } }';
const spec = (backend = 'https://app.example.com') => `openapi: 3.1.0
info: { title: mapped, version: "1" }
servers: [{ url: "http://${HOST}" }]
x-gateway:
  name: mapped
  backends: { app: { url: "${backend}" } }
  defaults: { backend: app }
paths:
  /deny: { get: { operationId: deny, x-gateway: { public: true, ipDeny: ["::ffff:203.0.113.9"] }, responses: ${ok} } }
  /deny-hex: { get: { operationId: denyHex, x-gateway: { public: true, ipDeny: ["::FFFF:cb00:7109/128"] }, responses: ${ok} } }
  /deny-range: { get: { operationId: denyRange, x-gateway: { public: true, ipDeny: ["0:0:0:0:0:ffff:203.0.113.0/120"] }, responses: ${ok} } }
  /allow: { get: { operationId: allow, x-gateway: { public: true, ipAllow: ["::ffff:198.51.100.0/120"] }, responses: ${ok} } }
  /kong-deny:
    get:
      operationId: kongDeny
      x-gateway: { public: true }
      x-kong-plugin-ip-restriction: { config: { deny: ["::ffff:203.0.113.9"] } }
      responses: ${ok}
`;

describe('an IP rule entry spelt IPv4-mapped is the IPv4 address (every target)', () => {
  it('the model writes mapped entries as IPv4, leaves every other entry as it is', () => {
    expect(['::ffff:1.2.3.4', '::FFFF:102:304', '0:0:0:0:0:ffff:1.2.3.4/128', '::ffff:1.2.3.0/120', '::ffff:0:0/96', '0000:0000:0000:0000:0000:ffff:0102:0304'].map(unmapCidr))
      .toEqual(['1.2.3.4', '1.2.3.4', '1.2.3.4/32', '1.2.3.0/24', '0.0.0.0/0', '1.2.3.4']);
    expect(['203.0.113.9', '10.0.0.0/8', '0.0.0.0/0', '2001:db8::/32', '1.2.3.4/33', '1.2.3'].map(mappedCidr)).toEqual(['::ffff:cb00:7109/128', '::ffff:a00:0/104', '::ffff:0:0/96', undefined, undefined, undefined]);
    // Not mapped (IPv4-compatible, another prefix, a range wider than the mapped block), or not an address.
    for (const e of ['::1.2.3.4', '::fffe:1.2.3.4', '1:0:0:0:0:ffff:1.2.3.4', '::ffff:0:0/95', '::/0', '2001:db8::/32', '10.0.0.0/8', '::ffff:1.2.3.4/12x', '::ffff:1.2.3.256']) {
      expect(unmapCidr(e)).toBe(e);
    }
  });

  it('Traefik (request oracle): the IPv4 client meets the deny and the allow as its mapped spelling says', async () => {
    const built = compileGateway((await gatewayOf(spec())).gateway!, 'traefik', {});
    expect(built.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const config = JSON.parse(built.files.find((f) => f.path.endsWith('.json'))?.contents ?? 'null') ?? (await import('yaml')).parse(built.files[0]!.contents);
    const get = (path: string, remoteAddr: string) => traefikSend(config as TraefikConfig, { method: 'GET', host: HOST, target: path, headers: {}, remoteAddr }).status;
    expect(['/deny', '/deny-hex', '/deny-range', '/kong-deny'].map((p) => get(p, '203.0.113.9'))).toEqual([403, 403, 403, 403]);
    expect(['/deny', '/deny-hex'].map((p) => get(p, '203.0.113.10'))).toEqual([200, 200]);
    expect(get('/deny-range', '203.0.114.1')).toBe(200);
    expect([get('/allow', '198.51.100.7'), get('/allow', '198.51.101.7')]).toEqual([200, 403]);
  });

  it('Kong and AWS write the IPv4 entries (ip-restriction, aws:SourceIp)', async () => {
    const g = (await gatewayOf(spec())).gateway!;
    const kong = compileGateway(g, 'kong', {}).files.map((f) => f.contents).join('\n');
    expect(kong).toMatch(/deny:\s*\n\s*- "?203\.0\.113\.9"?\n/);
    expect(kong).not.toMatch(/::ffff:\d+\./i);
    const aws = compileGateway(g, 'aws', {});
    expect(aws.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const text = aws.files.map((f) => f.contents).join('\n');
    expect(text).toContain('203.0.113.9');
    expect(text).not.toMatch(/::ffff/i);
  });
});

/**
 * Kong's ip-restriction matches with lua-resty-ipmatcher, family by family: `match` tries
 * parse_ipv4 (inet_pton AF_INET) and only then the IPv6 rules, so a client address Kong reads as
 * `::ffff:203.0.113.9` (a dual-stack listener with ipv6only=off, or a trusted proxy's
 * X-Forwarded-For) meets none of the IPv4 entries. This model matches as ipmatcher does.
 */
function ipmatcher(list: string[], ip: string): boolean {
  const v4 = (a: string) => { const p = a.split('.').map(Number); return p.length === 4 && p.every((x) => Number.isInteger(x) && x >= 0 && x < 256) ? BigInt(((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0) : undefined; };
  const v6 = (a: string): bigint | undefined => {
    let t = a;
    const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(t);
    if (tail) { const n = v4(tail[1]!); if (n === undefined) return undefined; t = `${t.slice(0, tail.index)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`; }
    const [h, r] = t.includes('::') ? t.split('::') as [string, string] : [t, undefined];
    const hs = h ? h.split(':') : []; const rs = r ? r.split(':') : [];
    const g = r === undefined ? hs : [...hs, ...Array(8 - hs.length - rs.length).fill('0'), ...rs];
    return g.length === 8 ? g.reduce((acc, x) => (acc << 16n) | BigInt(parseInt(x, 16)), 0n) : undefined;
  };
  const fam = ip.includes(':') ? 6 : 4;
  const addr = fam === 4 ? v4(ip) : v6(ip);
  return list.some((e) => {
    const [a, len] = e.split('/');
    if ((a!.includes(':') ? 6 : 4) !== fam) return false;
    const width = fam === 4 ? 32n : 128n;
    const base = fam === 4 ? v4(a!) : v6(a!);
    const shift = width - BigInt(len ?? width);
    return addr !== undefined && base !== undefined && addr >> shift === base >> shift;
  });
}

describe('Kong: a client address read IPv4-mapped meets the IPv4 entries too (lua-resty-ipmatcher matches per family)', () => {
  it('attack: ::ffff:203.0.113.9 is denied as 203.0.113.9 is, and ::ffff:198.51.100.7 admitted as 198.51.100.7 is', async () => {
    const built = compileGateway((await gatewayOf(spec())).gateway!, 'kong', {});
    const doc = (await import('yaml')).parse(built.files[0]!.contents) as { services: Array<{ routes: Array<{ name: string; plugins?: Array<{ name: string; config: { allow?: string[]; deny?: string[] } }> }> }> };
    const rule = (op: string) => doc.services.flatMap((s) => s.routes).find((r) => r.name.toLowerCase().endsWith(`.${op.toLowerCase()}`))!.plugins!.find((p) => p.name === 'ip-restriction')!.config;
    const answer = (op: string, ip: string) => {
      const c = rule(op);
      if (c.deny && ipmatcher(c.deny, ip)) return 403;
      if (c.allow && !ipmatcher(c.allow, ip)) return 403;
      return 200;
    };
    for (const op of ['deny', 'denyHex', 'denyRange', 'kongDeny']) expect([op, answer(op, '203.0.113.9'), answer(op, '::ffff:203.0.113.9')]).toEqual([op, 403, 403]);
    expect([answer('deny', '203.0.113.10'), answer('deny', '::ffff:203.0.113.10')]).toEqual([200, 200]);
    expect([answer('allow', '198.51.100.7'), answer('allow', '::ffff:198.51.100.7'), answer('allow', '::ffff:198.51.101.7'), answer('allow', '198.51.101.7')]).toEqual([200, 200, 403, 403]);
  });
});

describe.skipIf(!NGINX)('an IP rule entry spelt IPv4-mapped (real nginx)', () => {
  let stub: Stub;
  let ng: RunningNginx;
  const from = async (path: string, ip: string) => (await send(ng.port, 'GET', path, { host: HOST, 'x-forwarded-for': ip })).status;

  beforeAll(async () => {
    stub = await startStub('app');
    const dir = prefixDir();
    const port = await freePort();
    writeFiles(dir, compileOrThrow((await gatewayOf(spec(`http://127.0.0.1:${stub.port}`))).gateway!, fullOptions(dir, port)));
    const confDir = join(dir, 'conf.d');
    for (const f of readdirSync(confDir)) {
      const p = join(confDir, f);
      const conf = readFileSync(p, 'utf8');
      writeFileSync(p, conf.replace(new RegExp(`listen 127\\.0\\.0\\.1:${port}[^;]*;`, 'g'), (m) => `${m} set_real_ip_from 127.0.0.1; real_ip_header X-Forwarded-For;`));
    }
    ng = await startNginx(dir, port, {});
  });
  afterAll(async () => {
    await ng?.stop();
    await stub?.close();
  });

  it('attack: the IPv4 client a mapped deny entry names is refused (403), in either client spelling, and never reaches the backend', async () => {
    const before = stub.hits.length;
    for (const path of ['/deny', '/deny-hex', '/deny-range', '/kong-deny']) {
      expect([path, await from(path, '203.0.113.9'), await from(path, '::ffff:203.0.113.9')]).toEqual([path, 403, 403]);
    }
    expect(stub.hits.length).toBe(before);
    expect(await from('/deny', '203.0.113.10')).toBe(200);
  });

  it('a mapped allow entry admits the IPv4 client it names, in either spelling, and no other', async () => {
    expect([await from('/allow', '198.51.100.7'), await from('/allow', '::ffff:198.51.100.7'), await from('/allow', '198.51.101.7')]).toEqual([200, 200, 403]);
  });
});
