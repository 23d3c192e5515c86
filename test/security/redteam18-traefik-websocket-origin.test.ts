/**
 * Red team 18, Traefik (request oracle): Cross-Site WebSocket Hijacking
 * (redteam18-nginx-websocket-origin.test.ts gives the mechanism). Traefik upgrades on every router,
 * and the headers middleware gwc writes for `cors` answers preflights and adds headers to other
 * requests, never refusing an origin. A browser sends cached basic credentials (and cookies) with a
 * cross-site WebSocket handshake and applies no CORS to it.
 *
 * Attack (target traefik): GET /v1/feed, `Upgrade: websocket`, `Origin: https://evil.test`,
 * alice's basic credentials: reaches the backend, so evil.test reads the upgraded stream, though
 * the spec's cors.origins lists only https://app.test.
 *
 * Suggested fix: on routers with a CORS policy, a rule refusing an Upgrade request whose Origin is
 * present and not allowed (e.g. `!(HeaderRegexp(`Upgrade`, `.`) && HeaderRegexp(`Origin`, `.`) &&
 * !Header(`Origin`, `https://app.test`))` -> a 403 router), as for nginx and Kong.
 */
import { describe, expect, it } from 'vitest';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { compileCase } from '../targets/traefik/cases.js';
import { htpasswdFiles } from '../targets/traefik/operator.js';
import { send } from '../targets/traefik/traefik-oracle.js';

const SECRETS: Record<string, string> = { ALICE_PW: 'pw-alice' };
const SPEC = `${HEAD}servers: [{ url: 'https://api.test/v1' }]
x-gateway:
  name: rt18to
  backends: { app: { url: 'http://app.internal:8080' } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { basic: { username: alice, password: '\${env:ALICE_PW}' } } }
paths:
  /feed: { get: { operationId: feed, security: [{ basic: [] }], x-gateway: { websocket: true, cors: { origins: ['https://app.test'], credentials: true } }, responses: { '101': { description: upgraded } } } }
components:
  securitySchemes:
    basic: { type: http, scheme: basic }
`;
const ALICE = `Basic ${Buffer.from('alice:pw-alice').toString('base64')}`;

describe("red team 18, traefik: an upgrade from another origin with the user's credentials is refused", async () => {
  const { built } = await compileCase(writeSpec(SPEC));
  const config = built!.config as TraefikConfig;
  const files = htpasswdFiles(built!.result.files[0]!.contents, (n) => SECRETS[n]!);
  const call = (headers: Record<string, string>) =>
    send(config, { method: 'GET', host: 'api.test', target: '/v1/feed', tls: true, headers: { upgrade: 'websocket', connection: 'Upgrade', ...headers } }, { files });

  it('control: the allowed origin reaches the backend; no credentials is 401', () => {
    expect(call({ origin: 'https://app.test', authorization: ALICE }).status).toBe(200);
    expect(call({ origin: 'https://app.test' }).status).toBe(401);
  });

  // Was open (mechanism above). Now the operation router excludes an upgrade whose Origin is present
  // and not in cors.origins (upgrade.ts originGuard): it falls to the path's 405 router.
  it("Origin https://evil.test with alice's credentials never reaches the backend", () => {
    for (const origin of ['https://evil.test', 'https://app.test.evil.test', 'null', 'https://app.test/', 'http://app.test', 'https://APP.test', 'https://app.test:8443']) {
      for (const upgrade of ['websocket', 'WebSocket']) {
        const o = call({ origin, authorization: ALICE, upgrade });
        expect(o.backend, origin).toBeUndefined();
        expect(o.status, origin).toBeGreaterThanOrEqual(400);
      }
    }
  });

  it('controls: no Origin (a non-browser client) upgrades; a plain GET from another origin is not refused (CORS headers govern it)', () => {
    expect(call({ authorization: ALICE }).backend).toBeDefined();
    const plain = send(config, { method: 'GET', host: 'api.test', target: '/v1/feed', tls: true, headers: { origin: 'https://evil.test', authorization: ALICE } }, { files });
    expect(plain.backend).toBeDefined();
  });
});
