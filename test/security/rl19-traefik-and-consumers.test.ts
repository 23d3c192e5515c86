/**
 * RL19 (item 5): Traefik, an AND of an API key (its forwardAuth key service) and a basic user (native
 * basicAuth), DESIGN.md 7.1. The router chains basicAuth (writes X-Consumer: the basic user) then the
 * key's forwardAuth (its answer's X-Consumer replaces that line): each middleware checks its own
 * credential against any consumer, and nothing ties the two to one caller. alice's key with bob's
 * password passes, and the backend is told alice (the key service's answer) while the password was
 * bob's: the AND's second factor may be any consumer's. nginx refuses an AND met by two consumers
 * (redteam3-nginx-roles), Kong now refuses the AND at build (kong-auth-and-consumers,
 * rl19-kong-and-consumers). Open on Traefik: it.fails below. The fix is the Kong one (refuse an AND of
 * a basic scheme and an API-key scheme whose keys are spec consumers', at the requirement), which
 * changes redteam-traefik-auth's BASE_SPEC /both route and diff/security-cases' Traefik AND edits.
 */
import { describe, expect, it } from 'vitest';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { compileCase } from '../targets/traefik/cases.js';
import { htpasswdFiles } from '../targets/traefik/operator.js';
import { send, type AuthCall, type OracleEnv, type OracleRequest } from '../targets/traefik/traefik-oracle.js';

const SECRETS: Record<string, string> = { ALICE_KEY: 'key-alice', BOB_KEY: 'key-bob', ALICE_PW: 'pw-alice', BOB_PW: 'pw-bob' };
const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
const SPEC = `${HEAD}servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: rt
  backends: { app: { url: http://app.internal:8080 } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { key: '\${env:ALICE_KEY}', basic: { username: alice, password: '\${env:ALICE_PW}' } } }
    bob: { credentials: { key: '\${env:BOB_KEY}', basic: { username: bob, password: '\${env:BOB_PW}' } } }
paths:
  /both:
    get: { security: [{ key: [], basic: [] }], responses: { '200': { description: ok } } }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: x-api-key, x-gateway: { forwardAuth: { url: 'http://keys.internal:9100/check', responseHeaders: [X-Consumer] } } }
    basic: { type: http, scheme: basic }
`;
/** The operator's key service (loaded from the spec's consumers): answers the consumer a key is. */
const keys = (c: AuthCall) => {
  const who = Object.entries(SECRETS).find(([k, v]) => k.endsWith('_KEY') && v === c.headers.get('X-Api-Key'))?.[0];
  return who ? { status: 200, headers: { 'X-Consumer': who.split('_')[0]!.toLowerCase() } } : { status: 401 };
};

describe('RL19 traefik: an AND of a key and a basic user is met by one consumer only', async () => {
  const { built: b } = await compileCase(writeSpec(SPEC));
  const config = b?.config as TraefikConfig | undefined;
  const text = b?.result.files[0]?.contents ?? '';
  const env: OracleEnv = { files: htpasswdFiles(text, (n) => SECRETS[n]!), auth: keys };
  const call = (key: string, user: string, pw: string) =>
    send(config!, { method: 'GET', host: 'api.example.com', target: '/v1/both', headers: { 'X-Api-Key': key, Authorization: basic(user, pw) }, tls: true } as OracleRequest, env);

  it('held: one consumer\'s key and password pass, told as that consumer', () => {
    if (!config) return; // refused at build: nothing to call
    const o = call('key-alice', 'alice', 'pw-alice');
    expect(o.status).toBe(200);
    expect(o.backend!.headers.lower()['x-consumer']).toEqual(['alice']);
  });

  // OPEN (RL19): 200 told as alice with bob's password (and bob's key with alice's password: told bob).
  it.fails("alice's key with bob's password (and the reverse) never reaches the backend", () => {
    expect(config, 'refused at build is secure').toBeDefined();
    for (const [k, u, p] of [['key-alice', 'bob', 'pw-bob'], ['key-bob', 'alice', 'pw-alice']] as const) {
      const o = call(k, u, p);
      expect(o.backend, `${k} + ${u}'s password reached the backend as ${JSON.stringify(o.backend?.headers.lower()['x-consumer'])}`).toBeUndefined();
    }
  });
});
