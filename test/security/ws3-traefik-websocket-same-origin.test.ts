/**
 * WS3, Traefik (request oracle): Cross-Site WebSocket Hijacking on a route WITHOUT a cors policy
 * (ws3-nginx-websocket-same-origin.test.ts gives the mechanism; nginx and Kong are closed).
 * Traefik upgrades on every router, and 8cdb956's origin guard (upgrade.ts originGuard) is written
 * only on routes with a cors policy. A basic-auth route without cors (the spec lets no other site
 * call it) upgrades for `Origin: https://evil.test` with alice's cached basic credentials.
 *
 * Suggested fix (not done in WS3's time): routes.ts, where upgradeOrigins(route, schemes) is
 * `same` (src/targets/websocket-origin.ts, the rule nginx uses), the operation routers exclude
 * `HeaderRegexp(Upgrade, .) && HeaderRegexp(Origin, .) && !HeaderRegexp(Origin, ^[Hh][Tt][Tt][Pp][Ss]?://(<route.hosts, letters as classes>)(:<declared port>)?$)`;
 * a route with no declared host (relative servers) cannot know its own origin in a rule: refuse
 * every upgrade carrying an Origin there, with a build warning and lint parity. Goldens
 * (traefik-shop, portable, diff-base) and fixtures/diff-base/deployed/traefik-dynamic.json change.
 */
import { describe, expect, it } from 'vitest';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { compileCase } from '../targets/traefik/cases.js';
import { htpasswdFiles } from '../targets/traefik/operator.js';
import { send } from '../targets/traefik/traefik-oracle.js';

const SECRETS: Record<string, string> = { ALICE_PW: 'pw-alice' };
const SPEC = `${HEAD}servers: [{ url: 'https://api.example.com/v1' }]
x-gateway:
  name: ws3t
  backends: { app: { url: 'http://app.internal:8080' } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { basic: { username: alice, password: '\${env:ALICE_PW}' } } }
paths:
  /room: { get: { operationId: room, security: [{ basic: [] }], x-gateway: { websocket: true }, responses: { '101': { description: upgraded } } } }
  /partner: { get: { operationId: partner, security: [{ basic: [] }], x-gateway: { websocket: true, cors: { origins: ['https://app.test'], credentials: false } }, responses: { '101': { description: upgraded } } } }
components:
  securitySchemes:
    basic: { type: http, scheme: basic }
`;
const ALICE = `Basic ${Buffer.from('alice:pw-alice').toString('base64')}`;

describe("WS3, traefik: an upgrade from another origin with the user's credentials on a route without cors", async () => {
  const { built } = await compileCase(writeSpec(SPEC));
  const config = built!.config as TraefikConfig;
  const files = htpasswdFiles(built!.result.files[0]!.contents, (n) => SECRETS[n]!);
  const call = (route: string, headers: Record<string, string>, host = 'api.example.com') =>
    send(config, { method: 'GET', host, target: `/v1/${route}`, tls: true, headers: { upgrade: 'websocket', connection: 'Upgrade', authorization: ALICE, ...headers } }, { files });

  it('control: own origin (room) and no Origin reach the backend; the listed origin reaches partner today', () => {
    expect(call('room', { origin: 'https://api.example.com' }).backend).toBeDefined();
    for (const route of ['room', 'partner']) expect(call(route, {}).backend, route).toBeDefined();
    expect(call('room', { origin: 'https://evil.test' }).backend).toBeDefined();
    expect(call('partner', { origin: 'https://app.test' }).backend).toBeDefined();
  });

  it.fails('FAILS (open): a foreign Origin (or a listed one on a credentials: false policy) never reaches the backend', () => {
    for (const route of ['room', 'partner']) {
      for (const origin of ['https://evil.test', 'null', 'https://api.example.com.evil.test', 'https://api.example.com:8443', 'https://app.test']) {
        if (route === 'partner' && origin !== 'https://app.test') continue;
        expect(call(route, { origin }).backend, `${route} ${origin}`).toBeUndefined();
      }
    }
  });
});
