/**
 * nginx (real traffic), NGX7: `rateLimit: { by: { header: Authorization } }` on a basic-auth route.
 * nginx counted it per client address (policies.ts verifiedKeyHeader knew only API key headers,
 * beside a limit-key-unverified warning), while Kong (limit_by consumer, kong-limit-identity) and
 * Traefik (the verified user, traefik-limit-basic-header) key on the verified basic user: two users
 * behind one NAT address shared one bucket, and one user moving between addresses got a fresh one
 * per address. Now the header is the credential njs verified, so the limit counts the consumer
 * (`$<gw>_lim_id`, after the auth check in the verify location), as `by: consumer` does; a refused
 * Authorization (wrong password, garbage, another spelling of a bad one) is counted against its
 * client address in the same zone (fail location), never a fresh bucket of its own.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTarget } from '../../src/api.js';
import { writeSpec } from '../helpers/spec.js';
import { basic, HOST, NGINX, startPolicyLab, type PolicyLab } from './helpers/nginx-policies.js';

const ok = '{ "200": { description: ok } }';
const ENV = { A_PW: 'alice-pw-ngx7-lim', B_PW: 'bob-pw-ngx7-lim' };
const spec = (by: string) => `openapi: 3.1.0
info: { title: basic header limit, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: ngx7l
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { basic: { username: alice, password: "\${env:A_PW}" } } }
    bob: { credentials: { basic: { username: bob, password: "\${env:B_PW}" } } }
paths:
  /b: { get: { operationId: b, security: [{ basic: [] }], x-gateway: { rateLimit: { requests: 2, per: minute, by: ${by} } }, responses: ${ok} } }
components:
  securitySchemes:
    basic: { type: http, scheme: basic }
`;
const SPEC = spec('{ header: Authorization }');
const ALICE = basic('alice', ENV.A_PW);
const BOB = basic('bob', ENV.B_PW);

describe('nginx: by: {header: Authorization} on a basic route counts the verified user', () => {
  it('compiles as by: consumer (no limit-key-unverified), any spelling of the header name', async () => {
    for (const by of ['{ header: Authorization }', '{ header: authorization }']) {
      const r = await buildTarget(writeSpec(spec(by)), { target: 'nginx' });
      expect(r.diagnostics.map((d) => d.code)).not.toContain('limit-key-unverified');
      const conf = r.files.find((f) => f.path.startsWith('conf.d/'))!.contents;
      expect(conf).toMatch(/limit_req_zone "\$\{gwc_ngx7l_route\}:\$\{gwc_ngx7l_lim_id\}"/);
      expect(conf).toContain('location = /_gwc_internal/v/0');
    }
  });
});

describe.skipIf(!NGINX)('nginx (real traffic): by: {header: Authorization} on a basic route', () => {
  let lab: PolicyLab;
  beforeEach(async () => {
    lab = await startPolicyLab(SPEC, { env: ENV });
  });
  afterEach(async () => {
    await lab?.stop();
  });
  const status = async (h: Record<string, string>, from = '127.0.0.1') => (await lab.call('GET', '/v1/b', h, from)).r.status;

  it('two users behind one address get a bucket each', async () => {
    expect([await status(ALICE), await status(ALICE), await status(ALICE)]).toEqual([200, 200, 429]);
    expect([await status(BOB), await status(BOB)]).toEqual([200, 200]);
  });

  it('one user from two addresses is one bucket (any spelling of her credential)', async () => {
    expect([await status(ALICE, '127.0.0.2'), await status(ALICE, '127.0.0.2')]).toEqual([200, 200]);
    expect(await status(ALICE, '127.0.0.3')).toBe(429);
    const spelt = { authorization: ALICE.authorization.replace(/^Basic /, 'basic  ') };
    expect(await status(spelt, '127.0.0.4')).toBe(429);
  });

  it('a refused Authorization gets no fresh bucket: each counts against its address', async () => {
    const forged = [basic('alice', 'guess-1'), basic('mallory', 'x'), { authorization: 'Basic !!!' }, basic('alice', 'guess-2')];
    const got: number[] = [];
    for (const h of forged) got.push(await status(h, '127.0.0.5'));
    expect(got.slice(0, 2)).toEqual([401, 401]);
    expect(got.slice(2)).toEqual([429, 429]);
    // The forger's address bucket is not alice's: she still has hers.
    expect(await status(ALICE, '127.0.0.5')).toBe(200);
  });
});

