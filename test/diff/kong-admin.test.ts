/**
 * The Kong Admin API reader against a local HTTP server answering with Kong's documented shapes
 * (`{ data: [...], next: "/services?offset=..." | null }`), two items a page, ids for references,
 * the token header checked. Kong's state is the dump fixture, so the result must be "no changes".
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffDeployed } from '../../src/diff/run.js';
import { baseSpec, deployedFixture } from './helpers.js';

type Obj = Record<string, unknown> & { id?: string };
const TOKEN = 'secret-admin-token';
const PAGE = 2;

/** The dump fixture flattened into the Admin API's collections, with ids as references. */
function collections(): Record<string, Obj[]> {
  const dump = parse(readFileSync(deployedFixture('kong-dump.yaml'), 'utf8')) as { services: Obj[]; routes: Obj[]; consumers: Obj[]; plugins: Obj[] };
  const c: Record<string, Obj[]> = { services: [], routes: [], plugins: [], upstreams: [], consumers: [], 'key-auths': [] };
  const plugins = (list: unknown, scope: Obj) => {
    for (const p of (list as Obj[] | undefined) ?? []) c.plugins!.push({ ...p, route: null, service: null, consumer: null, ...scope });
  };
  for (const s of dump.services) {
    const { routes, plugins: sp, ...svc } = s as Obj & { routes?: Obj[]; plugins?: Obj[] };
    c.services!.push(svc);
    plugins(sp, { service: { id: s.id } });
    for (const r of routes ?? []) {
      const { plugins: rp, ...route } = r as Obj & { plugins?: Obj[] };
      c.routes!.push({ ...route, service: { id: s.id } });
      plugins(rp, { route: { id: r.id } });
    }
  }
  for (const r of dump.routes) {
    const { plugins: rp, ...route } = r as Obj & { plugins?: Obj[] };
    c.routes!.push({ ...route, service: null });
    plugins(rp, { route: { id: r.id } });
  }
  for (const u of dump.consumers) {
    const { keyauth_credentials: keys, ...consumer } = u as Obj & { keyauth_credentials?: Obj[] };
    c.consumers!.push(consumer);
    for (const k of keys ?? []) c['key-auths']!.push({ ...k, consumer: { id: u.id } });
  }
  plugins(dump.plugins, {});
  return c;
}

let server: http.Server;
let base: string;
const requests: string[] = [];

beforeAll(async () => {
  const data = collections();
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push(url.pathname + url.search);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers['kong-admin-token'] !== TOKEN) return send(401, { message: 'Invalid credentials. Token or User credentials required' });
    const name = url.pathname.replace(/^\/+/, '');
    const list = /^upstreams\/[^/]+\/targets$/.test(name) ? [] : data[name];
    if (!list) return send(404, { message: 'Not found' });
    const offset = Number(url.searchParams.get('offset') ?? '0');
    const next = offset + PAGE < list.length ? `/${name}?offset=${offset + PAGE}` : null;
    send(200, { data: list.slice(offset, offset + PAGE), next, offset: next ? String(offset + PAGE) : undefined });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('kong Admin API reader', () => {
  it('follows next links through every page and reads back as no change', async () => {
    const r = await diffDeployed(baseSpec, { target: 'kong', deployed: base, read: { options: { token: TOKEN } } });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.plan?.changes).toEqual([]);
    expect(requests.some((q) => q.startsWith('/routes?offset='))).toBe(true);
    expect(requests.filter((q) => q.startsWith('/routes')).length).toBeGreaterThan(5);
  });

  it('without the token: a diagnostic naming the status, no plan', async () => {
    const r = await diffDeployed(baseSpec, { target: 'kong', deployed: base });
    expect(r.plan).toBeUndefined();
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['deployed-unreadable']);
    expect(r.diagnostics.find((d) => d.code === 'deployed-unreadable')!.message).toMatch(/HTTP 401/);
  });

  it('a server that is not Kong: a diagnostic, no plan', async () => {
    const other = http.createServer((_req, res) => res.end('<html>hello</html>'));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    try {
      const r = await diffDeployed(baseSpec, { target: 'kong', deployed: `http://127.0.0.1:${(other.address() as AddressInfo).port}` });
      expect(r.plan).toBeUndefined();
      expect(r.diagnostics.filter((d) => d.severity === 'error')[0]!.code).toBe('deployed-unreadable');
    } finally {
      await new Promise<void>((resolve) => other.close(() => resolve()));
    }
  });

  it('nothing listening: a diagnostic, no plan', async () => {
    const r = await diffDeployed(baseSpec, { target: 'kong', deployed: 'http://127.0.0.1:9/' });
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['deployed-unreadable']);
  });
});
