/**
 * TRF21: an empty `Origin:` on an upgrade, and a second Origin line, on a route whose cors list
 * says which pages may upgrade (websocket-origin.ts `listed`). Traefik's cors guard (upgrade.ts
 * originGuard) was `!(Upgrade && HeaderRegexp(Origin, .) && !HeaderRegexp(Origin, ^(list)$))`:
 * an empty value matched no `.` and passed, and HeaderRegexp matches when any value does, so a
 * listed line beside a foreign one passed. Kong's guard (kong/websocket-guard.ts) answers both 403
 * (every Origin line is checked; `""` is no listed origin, nor scheme://host), on listed and own
 * routes alike; Traefik's own-origin guard refused both already. An empty Origin is not a listed
 * origin: Traefik now writes the complement of the list (exact, letter case included), as for
 * own origins. No Origin at all (a non-browser client) still passes everywhere.
 *
 * nginx cannot tell an empty Origin from none: `$http_origin` is "" for both, in a map and in `if`
 * (no njs on these routes), so its `<cors>_foreign` and `_xsite` maps let an empty Origin upgrade
 * on listed and own routes (real requests below, it.fails). No browser sends an empty Origin (it
 * writes the page's origin, or `null`), so this is agreement, not a hole a page can use.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileGateway } from '../../src/api.js';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { gatewayOf, writeSpec } from '../helpers/spec.js';
import { evaluate, type DeckDoc } from '../targets/kong/kong-oracle.js';
import { NGINX, type RunningNginx, type Stub } from '../targets/nginx/harness.js';
import { startGateway, startUpgradeBackend, upgrade } from '../targets/nginx/websocket.js';
import { compileCase } from '../targets/traefik/cases.js';
import { htpasswdFiles } from '../targets/traefik/operator.js';
import { send, type OracleEnv } from '../targets/traefik/traefik-oracle.js';

const PW = 'alice-password-0123';
const SPEC = `openapi: 3.1.0
info: { title: trf21 empty origin, version: "1" }
servers: [{ url: "https://api.test/v1" }]
x-gateway:
  name: trf21e
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { basic: { username: alice, password: "\${env:ALICE_PW}" } } }
paths:
  /feed: { get: { operationId: feed, security: [{ basic: [] }], x-gateway: { websocket: true, cors: { origins: ["https://app.test"], credentials: true } }, responses: { "101": { description: upgraded } } } }
  /room: { get: { operationId: room, security: [{ basic: [] }], x-gateway: { websocket: true }, responses: { "101": { description: upgraded } } } }
components:
  securitySchemes:
    basic: { type: http, scheme: basic }
`;
/** alice's cached basic credentials: the browser sends them with any page's handshake. */
const COOKIE = { authorization: `Basic ${Buffer.from(`alice:${PW}`).toString('base64')}` };

describe('TRF21, traefik: an empty Origin, or a listed line beside a foreign one, is not a listed origin', async () => {
  const { built } = await compileCase(writeSpec(SPEC));
  const config = built!.config as TraefikConfig;
  const e: OracleEnv = { files: htpasswdFiles(built!.result.files[0]!.contents, () => PW) };
  const call = (route: string, origin: string | string[] | undefined) =>
    send(config, { method: 'GET', host: 'api.test', target: `/v1/${route}`, tls: true, headers: { upgrade: 'websocket', connection: 'Upgrade', ...COOKIE, ...(origin === undefined ? {} : { origin }) } }, e);

  it('controls: the listed page and no Origin reach the password check on the listed route; own page and no Origin on the own route', () => {
    for (const [route, origin] of [['feed', 'https://app.test'], ['feed', undefined], ['room', 'https://api.test'], ['room', undefined]] as const) {
      expect(call(route, origin).router, `${route} ${origin}`).not.toMatch(/other-methods/);
    }
  });

  it('ATTACK: an empty Origin upgrades on the listed route (Kong: 403; Traefik own route: refused)', () => {
    for (const route of ['feed', 'room']) expect(call(route, '').router, route).toMatch(/other-methods/);
  });

  it('ATTACK: a listed Origin line beside a foreign one upgrades on the listed route', () => {
    expect(call('feed', ['https://app.test', 'https://evil.test']).router).toMatch(/other-methods/);
    expect(call('feed', ['https://evil.test', 'https://app.test']).router).toMatch(/other-methods/);
    // Exact, as the headers middleware, Kong's table and nginx's map compare a listed origin.
    expect(call('feed', 'https://APP.test').router).toMatch(/other-methods/);
  });
});

describe('TRF21, kong (oracle): an empty Origin is refused on listed and own routes (the agreement Traefik now keeps)', async () => {
  const r = compileGateway((await gatewayOf(SPEC)).gateway!, 'kong', {});
  const doc = parse(r.files.find((f) => f.path === 'kong.yaml')!.contents) as DeckDoc;
  const call = (route: string, origin: string | undefined) =>
    evaluate(doc, { method: 'GET', host: 'api.test', path: `/v1/${route}`, client: '10.1.2.3', headers: { upgrade: 'websocket', connection: 'Upgrade', ...COOKIE, ...(origin === undefined ? {} : { origin }) } }, { DECK_ALICE_PW: PW });

  it('empty: 403 on both; the listed/own page and no Origin pass the guard', () => {
    expect(call('feed', '').status).toBe(403);
    expect(call('room', '').status).toBe(403);
    for (const [route, origin] of [['feed', 'https://app.test'], ['feed', undefined], ['room', 'https://api.test'], ['room', undefined]] as const) expect(call(route, origin).status, `${route} ${origin}`).not.toBe(403);
  });
});

describe.skipIf(!NGINX)('TRF21, nginx (real): an empty Origin on an upgrade', () => {
  let ng: RunningNginx;
  let backend: Stub;
  beforeAll(async () => {
    backend = await startUpgradeBackend('echo');
    ng = await startGateway(SPEC, backend, { ALICE_PW: PW });
  });
  afterAll(async () => {
    await ng?.stop();
    await backend?.close();
  });
  const open = (route: string, headers: Record<string, string>) => upgrade(ng.port, `/v1/${route}`, { ...COOKIE, ...headers });

  it('controls: the listed page, the own page and no Origin upgrade; a foreign page is 403', async () => {
    expect((await open('feed', { origin: 'https://app.test' })).status).toBe(101);
    expect((await open('feed', {})).status).toBe(101);
    expect((await open('room', {})).status).toBe(101);
    expect((await open('feed', { origin: 'https://evil.test' })).status).toBe(403);
    expect((await open('room', { origin: 'https://evil.test' })).status).toBe(403);
  });

  // Open (see the module comment): $http_origin is "" for an empty Origin and for none.
  it.fails('OPEN: an empty Origin upgrades on the listed route (Kong and Traefik: refused)', async () => {
    expect((await open('feed', { origin: '' })).status).toBe(403);
  });

  it.fails('OPEN: an empty Origin upgrades on the own-origin route (Kong and Traefik: refused)', async () => {
    expect((await open('room', { origin: '' })).status).toBe(403);
  });
});
