/**
 * WS3, Traefik (request oracle): Cross-Site WebSocket Hijacking on a route only its own pages may
 * call with the user's credentials (ws3-nginx-websocket-same-origin.test.ts gives the mechanism).
 * Traefik upgrades on every router; 8cdb956's origin guard (upgrade.ts originGuard) was written only
 * on routes with a cors policy, and compared with its list even where the policy withholds
 * credentials. A basic-auth route without cors upgraded for `Origin: https://evil.test` with alice's
 * cached basic credentials (was it.fails); a cors list with credentials: false let the listed
 * origin's handshake carry them.
 *
 * Now (routes.ts upgradeGuard): where ../websocket-origin.ts upgradeOrigins says `same`, every
 * router of the route excludes an upgrade carrying any Origin value that is not one of the route's
 * own origins (upgrade.ts ownOrigins: declared host, the routers' scheme, a declared port; letters
 * any case): it falls to the path's 405 router. Traefik's HeaderRegexp matches when any value
 * matches, so the regex is the complement of the own origins (notAnyRegex): a second Origin line
 * cannot hide a foreign one. A route with no declared host refuses every upgrade carrying an Origin,
 * with the warning traefik-websocket-origin-unknown (build and lint at the route).
 */
import { describe, expect, it } from 'vitest';
import { lint } from '../../src/lint/index.js';
import { notAnyRegex } from '../../src/targets/traefik/upgrade.js';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { compileCase } from '../targets/traefik/cases.js';
import { htpasswdFiles } from '../targets/traefik/operator.js';
import { send, type OracleEnv } from '../targets/traefik/traefik-oracle.js';

const SECRETS: Record<string, string> = { ALICE_PW: 'pw-alice' };
const spec = (server: string) => `${HEAD}servers: [${server}]
x-gateway:
  name: ws3t
  backends: { app: { url: 'http://app.internal:8080' } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { basic: { username: alice, password: '\${env:ALICE_PW}' } } }
paths:
  /room: { get: { operationId: room, security: [{ basic: [] }], x-gateway: { websocket: true }, responses: { '101': { description: upgraded } } } }
  /partner: { get: { operationId: partner, security: [{ basic: [] }], x-gateway: { websocket: true, cors: { origins: ['https://app.test'], credentials: false } }, responses: { '101': { description: upgraded } } } }
  /plain: { get: { operationId: plain, security: [{ basic: [] }], responses: { '200': { description: ok } } } }
  /office: { get: { operationId: office, security: [], x-gateway: { public: true, ipAllow: [10.0.0.0/8], websocket: true }, responses: { '101': { description: upgraded } } } }
  /token: { get: { operationId: token, security: [{ fwd: [] }], x-gateway: { websocket: true, cors: { origins: ['https://app.test'], credentials: false } }, responses: { '101': { description: upgraded } } } }
  /open: { get: { operationId: open, security: [], x-gateway: { public: true, websocket: true }, responses: { '101': { description: upgraded } } } }
components:
  securitySchemes:
    basic: { type: http, scheme: basic }
    fwd: { type: http, scheme: bearer, x-gateway: { forwardAuth: { url: 'https://auth.internal/check' } } }
`;
const ALICE = `Basic ${Buffer.from('alice:pw-alice').toString('base64')}`;
const env = (contents: string): OracleEnv => ({ files: htpasswdFiles(contents, (n) => SECRETS[n]!), auth: (c) => (c.headers.get('Authorization') === 'Bearer t-alice' ? { status: 200 } : { status: 401 }) });

async function gateway(server: string) {
  const file = writeSpec(spec(server));
  const { built } = await compileCase(file);
  const config = built!.config as TraefikConfig;
  const e = env(built!.result.files[0]!.contents);
  const call = (route: string, origin: string | string[] | undefined, o: { host?: string; tls?: boolean; upgrade?: string } = {}) =>
    send(config, {
      method: 'GET', host: o.host ?? 'api.example.com', target: `/v1/${route}`, tls: o.tls ?? true, remoteAddr: '10.1.2.3',
      headers: { upgrade: o.upgrade ?? 'websocket', connection: 'Upgrade', authorization: route === 'token' ? 'Bearer t-alice' : ALICE, ...(origin === undefined ? {} : { origin }) },
    }, e);
  return { file, built: built!, call };
}

const SAME = ['room', 'partner', 'plain', 'office'];
/** Origins that are not https://api.example.com's pages. */
const FOREIGN: Array<string | string[]> = [
  'https://evil.test', 'null', 'https://api.example.com.evil.test', 'https://evil.test/https://api.example.com', 'https://api.example.com:8443',
  'http://api.example.com', 'wss://api.example.com', 'https://api.example.com/', 'https://api.example.com.', 'https://api.example.com:443', 'https://xapi.example.com', 'https://api.example.co', '',
  ['https://api.example.com', 'https://evil.test'], ['https://evil.test', 'https://api.example.com'], 'https://api.example.com, https://evil.test',
];

describe("WS3, traefik: an upgrade from another origin with the user's credentials, on a route without cors or whose cors withholds credentials", async () => {
  const g = await gateway("{ url: 'https://api.example.com/v1' }");

  it('control: own origin (any letter case) and no Origin reach the backend on every route', () => {
    expect(g.call('token', undefined).backend).toBeDefined();
    for (const route of [...SAME, 'open']) {
      for (const origin of [undefined, 'https://api.example.com', 'HTTPS://API.Example.COM']) expect(g.call(route, origin).backend, `${route} ${origin}`).toBeDefined();
    }
  });

  it('FIXED: a foreign Origin (another host, scheme, port, null, a path, a second Origin line) never upgrades on a route only its own pages may call', () => {
    for (const route of SAME) {
      for (const origin of [...FOREIGN, 'https://app.test']) {
        for (const upgrade of ['websocket', 'WebSocket']) {
          const o = g.call(route, origin, { upgrade });
          expect(o.backend, `${route} ${JSON.stringify(origin)}`).toBeUndefined();
          expect(o.status, `${route} ${JSON.stringify(origin)}`).toBe(405);
        }
      }
    }
  });

  it('controls: a bearer route (the browser sends no credential by itself) lets its cors list upgrade, nothing else (own origin neither); a public route any page; a plain GET from another origin is not refused', () => {
    // The list only, as nginx's: the route's own origin is not listed (originGuard; an empty Origin is not listed either, TRF21).
    expect(g.call('token', 'https://app.test').backend).toBeDefined();
    for (const origin of FOREIGN) expect(g.call('token', origin).backend, JSON.stringify(origin)).toBeUndefined();
    for (const origin of FOREIGN) expect(g.call('open', origin).backend, JSON.stringify(origin)).toBeDefined();
    const plain = send(g.built.config as TraefikConfig, { method: 'GET', host: 'api.example.com', target: '/v1/room', tls: true, headers: { origin: 'https://evil.test', authorization: ALICE } }, env(g.built.result.files[0]!.contents));
    expect(plain.backend).toBeDefined();
  });
});

describe('WS3, traefik: the own origin is the declared scheme, host and port', () => {
  it('a declared port is part of the origin; the default port is written by no browser', async () => {
    const g = await gateway("{ url: 'https://api.example.com:8443/v1' }");
    expect(g.call('room', 'https://api.example.com:8443').backend).toBeDefined();
    for (const origin of ['https://api.example.com', 'https://api.example.com:443', 'https://api.example.com:84430', 'http://api.example.com:8443']) expect(g.call('room', origin).backend, origin).toBeUndefined();
  });

  it('an http server: http://host is own, https://host is another origin', async () => {
    const g = await gateway("{ url: 'http://api.example.com/v1' }");
    expect(g.call('room', 'http://api.example.com', { tls: false }).backend).toBeDefined();
    for (const origin of ['https://api.example.com', 'http://api.example.com:8080', 'http://evil.test']) expect(g.call('room', origin, { tls: false }).backend, origin).toBeUndefined();
  });

  it('two hosts: each host\'s own origin is own on that host only (TRF21: the other host\'s page is another origin), nothing else', async () => {
    const g = await gateway("{ url: 'https://api.example.com/v1' }, { url: 'https://api.example.net/v1' }");
    for (const host of ['api.example.com', 'api.example.net']) {
      expect(g.call('room', `https://${host}`, { host }).backend, host).toBeDefined();
      for (const origin of ['https://api.example.com', 'https://api.example.net'].filter((o) => o !== `https://${host}`)) expect(g.call('room', origin, { host }).backend, `${host} ${origin}`).toBeUndefined();
      for (const origin of ['https://api.example.org', 'https://api.example.com.net', 'https://evil.test']) expect(g.call('room', origin, { host }).backend, `${host} ${origin}`).toBeUndefined();
    }
  });

  it('no declared host: every upgrade carrying an Origin is refused (own-looking too), no Origin upgrades; warned on each websocket route by build and lint at the operation', async () => {
    const g = await gateway("{ url: '/v1' }");
    for (const origin of ['https://api.example.com', 'https://evil.test', 'null']) expect(g.call('room', origin).backend, origin).toBeUndefined();
    expect(g.call('room', undefined).backend).toBeDefined();
    expect(g.call('open', 'https://evil.test').backend).toBeDefined();
    const warned = g.built.result.diagnostics.filter((d) => d.code === 'traefik-websocket-origin-unknown').map((d) => `${d.severity} ${d.loc?.pointer}`);
    // The websocket routes; /plain (not websocket) is refused the same, without a warning.
    expect(g.call('plain', 'https://api.example.com').backend).toBeUndefined();
    expect(warned.sort()).toEqual(['room', 'partner', 'office'].map((r) => `warn /paths/~1${r}/get`).sort());
    const l = await lint(g.file, { target: 'traefik' });
    const linted = l.diagnostics.filter((d) => (d.params as { code?: string } | undefined)?.code === 'traefik-websocket-origin-unknown').map((d) => `${d.severity} ${d.loc?.pointer}`);
    expect(linted.sort()).toEqual(warned.sort());
  });
});

describe('notAnyRegex: the complement of a set of words, any letter case', () => {
  it('matches exactly the texts that are none of the words', () => {
    const words = ['https://a.test', 'https://a.test:8443', 'https://ab.test', 'http://a.test'];
    const re = new RegExp(notAnyRegex(words));
    const alphabet = ['h', 'T', 'p', 's', ':', '/', 'a', 'B', '.', 'e', '8', '4', '3', 'x', '-', ']', '\\'];
    const probes = new Set<string>(['', ...words, ...words.map((w) => w.toUpperCase())]);
    for (const w of words) for (let i = 0; i <= w.length; i++) for (const c of alphabet) {
      probes.add(w.slice(0, i));
      probes.add(w.slice(0, i) + c + w.slice(i));
      probes.add(w.slice(0, i) + c + w.slice(i + 1));
    }
    for (const p of probes) expect(re.test(p), JSON.stringify(p)).toBe(!words.includes(p.toLowerCase()));
  });
});
