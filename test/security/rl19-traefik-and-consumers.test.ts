/**
 * RL19 (item 5): Traefik, an AND of an API key (its forwardAuth key service) and a basic user (native
 * basicAuth), DESIGN.md 7.1. The router chains basicAuth (writes X-Consumer: the basic user) then the
 * key's forwardAuth (its answer's X-Consumer replaces that line): each middleware checks its own
 * credential against any consumer, and nothing ties the two to one caller. alice's key with bob's
 * password passes, and the backend is told alice (the key service's answer) while the password was
 * bob's: the AND's second factor may be any consumer's. nginx refuses an AND met by two consumers
 * (redteam3-nginx-roles), Kong refuses the AND at build (kong-auth-and-consumers,
 * rl19-kong-and-consumers). Fixed as on Kong: an AND of a basic scheme and an API-key scheme whose
 * keys are spec consumers' is refused at the requirement (traefik-auth-and-consumers, identity.ts).
 */
import { describe, expect, it } from 'vitest';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { lint } from '../../src/lint/index.js';
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

const SEC = '/paths/~1both/get/security';

describe('RL19 traefik: an AND of a key and a basic user is met by one consumer only', () => {
  it("FIXED: the AND is refused at the requirement (alice's key with bob's password passed, told alice), build and lint", async () => {
    for (const [name, text] of [
      ['key then basic', SPEC],
      ['basic then key', SPEC.replace('[{ key: [], basic: [] }]', '[{ basic: [], key: [] }]')],
      ['a key service answering no identity', SPEC.replace(', responseHeaders: [X-Consumer]', '')],
    ] as const) {
      const file = writeSpec(text);
      const { built: b } = await compileCase(file);
      const errors = b?.result.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.loc?.pointer}`);
      expect(errors, name).toEqual([`traefik-auth-and-consumers ${SEC}`]);
      expect(b!.result.diagnostics.find((d) => d.code === 'traefik-auth-and-consumers')?.params, name).toEqual({ route: 'get_both', key: 'key', basic: 'basic' });
      const l = await lint(file, { target: 'traefik' });
      expect(l.diagnostics.filter((d) => (d.params as { code?: string } | undefined)?.code === 'traefik-auth-and-consumers').map((d) => d.loc?.pointer), name).toEqual([SEC]);
    }
  });

  it('control: a key scheme no consumer holds keys of (the key service\'s own app keys) beside a basic user still builds; both halves are checked', async () => {
    const text = SPEC.replace("key: '${env:ALICE_KEY}', ", '').replace("key: '${env:BOB_KEY}', ", '');
    const { built: b } = await compileCase(writeSpec(text));
    expect(b?.result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const config = b!.config as TraefikConfig;
    const env: OracleEnv = { files: htpasswdFiles(b!.result.files[0]!.contents, (n) => SECRETS[n]!), auth: keys };
    const call = (key: string, user: string, pw: string) =>
      send(config, { method: 'GET', host: 'api.example.com', target: '/v1/both', headers: { 'X-Api-Key': key, Authorization: basic(user, pw) }, tls: true } as OracleRequest, env);
    expect(call('key-alice', 'alice', 'pw-alice').status).toBe(200);
    expect(call('nope', 'alice', 'pw-alice').backend).toBeUndefined();
    expect(call('key-alice', 'alice', 'wrong').backend).toBeUndefined();
  });
});
