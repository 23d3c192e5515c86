/**
 * REV20 on 0f4d4c94: a router excluded by the same-origin guard must fall to its path's 405 router,
 * never to another route's router that also matches the URL (a public template beside the literal).
 */
import { describe, expect, it } from 'vitest';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { compileCase } from '../targets/traefik/cases.js';
import { htpasswdFiles } from '../targets/traefik/operator.js';
import { send, type OracleEnv } from '../targets/traefik/traefik-oracle.js';

const SECRETS: Record<string, string> = { ALICE_PW: 'pw-alice' };
const SPEC = `${HEAD}servers: [{ url: 'https://api.example.com/v1' }]
x-gateway:
  name: rev20f
  backends: { app: { url: 'http://app.internal:8080' } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { basic: { username: alice, password: '\${env:ALICE_PW}' } } }
paths:
  /room: { get: { operationId: room, security: [{ basic: [] }], x-gateway: { websocket: true }, responses: { '101': { description: upgraded } } } }
  /{slug}: { get: { operationId: page, security: [], parameters: [{ name: slug, in: path, required: true, schema: { type: string } }], x-gateway: { public: true, websocket: true }, responses: { '200': { description: ok } } } }
components:
  securitySchemes:
    basic: { type: http, scheme: basic }
`;
const ALICE = `Basic ${Buffer.from('alice:pw-alice').toString('base64')}`;

describe('REV20, traefik: an upgrade the guard excludes from /room', async () => {
  const { built } = await compileCase(writeSpec(SPEC));
  const config = built!.config as TraefikConfig;
  const e: OracleEnv = { files: htpasswdFiles(built!.result.files[0]!.contents, (n) => SECRETS[n]!) };
  const call = (origin: string | undefined, upgrade = 'websocket') =>
    send(config, { method: 'GET', host: 'api.example.com', target: '/v1/room', tls: true, remoteAddr: '10.1.2.3', headers: { upgrade, connection: 'Upgrade', authorization: ALICE, ...(origin ? { origin } : {}) } }, e);

  it('never reaches the backend through the public /{slug} router', () => {
    expect(built!.result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(call('https://api.example.com').backend).toBeDefined();
    for (const [origin, upgrade] of [['https://evil.test', 'websocket'], [undefined, 'h2c']] as const) {
      const o = call(origin, upgrade);
      expect(o.backend, `${origin} ${upgrade}`).toBeUndefined();
    }
  });
});
