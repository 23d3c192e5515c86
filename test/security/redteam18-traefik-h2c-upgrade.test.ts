/**
 * Red team 18, Traefik (request oracle + the emitted rules): h2c smuggling through every gwc
 * router. nginx's target refuses it (templates.ts: only `Upgrade: websocket` goes on, and only on a
 * websocket route; redteam-nginx-websocket 'h2c smuggling'), Kong passes only websocket upgrades
 * (runloop/handler.lua sets upstream_upgrade only for `websocket`), API Gateway REST has no upgrade.
 * Traefik's target writes nothing about Upgrade at all (capabilities.ts: "Traefik proxies the
 * upgrade on any router"), and before v3.7.13 Traefik forwards a client's `Upgrade: h2c` and
 * `HTTP2-Settings` to the backend: Go's httputil.ReverseProxy keeps the Upgrade of an upgrade
 * request (reqUpType) and, on the backend's 101, hijacks both connections into a raw byte tunnel
 * (handleUpgradeResponse). Traefik's advisory GHSA-w4v4-9rw7-5326 (fixed by traefik/traefik#13797,
 * "Starting with v3.7.13, Traefik does not forward the Upgrade: h2c and HTTP2-Settings request
 * headers", doc.traefik.io/traefik/migrate/v3/): the tunnel "bypasses the router and the entire
 * middleware chain (authentication, IPAllowList, rate limiting) on a shared backend".
 *
 * gwc builds for every Traefik 3 line (version.ts: `auto` picks the OLDEST line the emitted fields
 * load on, 3.0 here), so its output is deployed on Traefik releases that forward h2c.
 *
 * Attack (spec SPEC below, target traefik, default version auto = 3.0):
 *   GET /v1/status HTTP/1.1            <- the public route
 *   Host: api.test
 *   Upgrade: h2c
 *   HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA
 *   Connection: Upgrade
 * (HTTP2-Settings deliberately NOT listed in Connection: the proxy's hop-by-hop removal keeps it,
 * and lines whose entry point still wraps x/net/http2/h2c.NewHandler do not take it as an upgrade of
 * their own (isH2CUpgrade wants the HTTP2-Settings token in Connection) and route it on. How lenient
 * the backend's h2c check is decides the tunnel: Go's h2c handler wants that token too, others less.)
 * The public router has no auth middleware; the request reaches app.internal with Upgrade: h2c and
 * HTTP2-Settings. A backend that honours h2c (Go h2c handlers, Jetty/Tomcat/Undertow upgrade, h2o,
 * nghttpx...) answers 101 and the client then speaks HTTP/2 straight to it over the tunnel:
 * `GET /admin` (the key-protected route's backend path) with a forged X-Consumer / X-Forwarded-User,
 * no key, no IP allow list, no rate limit, none of gwc's header clears.
 *
 * Suggested fix (class: a protocol switch the gateway never checks): src/targets/traefik, on every
 * router (not only websocket ones; Traefik upgrades on all of them), refuse an Upgrade other than
 * websocket in the rule (e.g. `!HeaderRegexp(`Upgrade`, `(?i)(^|[ ,])h2c([ ,]|$)`)` in every spelling
 * the entry point reads, or any non-websocket token), and/or clear `HTTP2-Settings`; or gate output on
 * a traefik.version >= 3.7.13 and say so. `gwc diff` should then read a deployed router without the
 * guard as a security change.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { compileCase } from '../targets/traefik/cases.js';
import { send } from '../targets/traefik/traefik-oracle.js';
import { diffStates } from '../../src/diff/plan.js';
import { readerOf } from '../../src/diff/run.js';
import { diffState } from '../helpers/diff-edits.js';

const ok = "{ '200': { description: ok } }";
const SPEC = `${HEAD}servers: [{ url: 'https://api.test/v1' }]
x-gateway:
  name: rt18u
  backends: { app: { url: 'http://app.internal:8080' } }
  defaults: { backend: app }
paths:
  /status: { get: { operationId: status, x-gateway: { public: true }, responses: ${ok} } }
  /live: { get: { operationId: live, x-gateway: { public: true, websocket: true }, responses: ${ok} } }
  /admin: { get: { operationId: admin, security: [{ key: [] }], responses: ${ok} } }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: X-Api-Key, x-gateway: { forwardAuth: { url: 'http://auth.internal/k' } } }
`;

const H2C = { upgrade: 'h2c', 'http2-settings': 'AAMAAABkAARAAAAAAAIAAAAA', connection: 'Upgrade' };

describe('red team 18, traefik: a client h2c upgrade never reaches the backend (h2c smuggling past every middleware)', () => {
  let config: TraefikConfig;
  beforeAll(async () => {
    const { built } = await compileCase(writeSpec(SPEC));
    config = built!.config as TraefikConfig;
  });
  const call = (target: string, headers: Record<string, string>) =>
    send(config, { method: 'GET', host: 'api.test', target, tls: true, headers }, { auth: () => ({ status: 401 }), version: '3.0' });

  it('control: the keyed route without a key never reaches the backend; the public one does', () => {
    expect(call('/v1/admin', {}).backend).toBeUndefined();
    expect(call('/v1/status', {}).backend?.path).toBe('/status');
  });

  // Mechanism above: the public router forwarded Upgrade: h2c + HTTP2-Settings; a 101 from an
  // h2c-capable backend is a tunnel past auth for every path of app.internal (/admin included).
  // Fixed (upgrade.ts): every operation router refuses an Upgrade other than websocket (405).
  it('Upgrade: h2c on the public route is refused or stripped before the backend', () => {
    for (const up of ['h2c', 'H2C', 'websocket, h2c', 'h2c, websocket', 'H2c', 'websocket,h2c', 'websocketh2c', 'TLS/1.2', 'HTTP/2.0']) {
      const o = call('/v1/status', { ...H2C, upgrade: up });
      if (o.backend) {
        expect(o.backend.headers.values('Upgrade').join(','), up).not.toMatch(/h2c/i);
        expect(o.backend.headers.values('Http2-Settings'), up).toEqual([]);
      } else expect(o.status, up).toBeGreaterThanOrEqual(400);
    }
  });

  // Variant: a route the spec marks websocket: true (route.websocket is 'ignored' on Traefik,
  // keys.ts) must still pass `Upgrade: websocket` and nothing else.
  it('on a websocket route, only a websocket upgrade goes on', () => {
    const ws = call('/v1/live', { upgrade: 'websocket', connection: 'Upgrade' });
    expect(ws.backend?.headers.values('Upgrade')).toEqual(['websocket']);
    expect(call('/v1/live', { upgrade: 'WebSocket', connection: 'Upgrade' }).backend?.headers.values('Upgrade')).toEqual(['WebSocket']);
    const o = call('/v1/live', H2C);
    if (o.backend) expect(o.backend.headers.values('Upgrade').join(',')).not.toMatch(/h2c/i);
    else expect(o.status).toBeGreaterThanOrEqual(400);
  });

  // Variants: the keyed route (with and without its key), a second Upgrade line, the public route
  // without Connection, and every router gwc writes that reaches a backend.
  it('no router that reaches a backend takes an h2c upgrade, whatever else the request carries', () => {
    const keyed = send(config, { method: 'GET', host: 'api.test', target: '/v1/admin', tls: true, headers: { ...H2C, 'x-api-key': 'k' } }, { auth: () => ({ status: 200 }), version: '3.0' });
    expect(keyed.backend).toBeUndefined();
    expect(keyed.status).toBeGreaterThanOrEqual(400);
    const keyedWs = send(config, { method: 'GET', host: 'api.test', target: '/v1/admin', tls: true, headers: { upgrade: 'websocket', connection: 'Upgrade', 'x-api-key': 'k' } }, { auth: () => ({ status: 200 }), version: '3.0' });
    expect(keyedWs.backend?.path).toBe('/admin');
    for (const target of ['/v1/status', '/v1/live']) {
      expect(call(target, { upgrade: 'h2c' }).backend, target).toBeUndefined();
      expect(call(target, { upgrade: ['websocket', 'h2c'] as unknown as string, connection: 'Upgrade' }).backend, target).toBeUndefined();
    }
    for (const [name, r] of Object.entries(config.http.routers)) {
      if (r.service === 'noop@internal') continue;
      expect(r.rule, name).toContain('!HeaderRegexp(`Upgrade`, ');
    }
  });

  it('gwc diff reads a deployed router without the Upgrade guard as a security change', async () => {
    const files = (await diffState(SPEC, 'traefik')).files!;
    const reader = readerOf('traefik').reader!;
    const read = (fs: typeof files) => reader.normalise(fs, 'files').state!;
    const edited = files.map((f) => ({ ...f, contents: f.contents.replace(/ && !HeaderRegexp\(`Upgrade`, `[^`]*`\)/g, '') }));
    expect(edited.some((f, i) => f.contents !== files[i]!.contents)).toBe(true);
    const found = (a: typeof files, b: typeof files) => diffStates(read(a), read(b)).findings.filter((f) => f.class === 'security').map((f) => `${f.rule} ${f.key}`);
    expect(found(files, files)).toEqual([]);
    const lost = found(files, edited);
    expect(lost).toContain('request-header-passed rt18u-status');
    expect(lost).toContain('request-header-passed rt18u-admin');
  }, 30_000);
});
