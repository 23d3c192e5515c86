/**
 * Traefik: a `by: {header: Authorization}` limit on a native basicAuth route (KNG5). basicAuth
 * verifies that header and writes the verified user to X-Consumer (headerField, after clear-inputs
 * removed a client's), so the limit counts per verified user there (credentials.ts
 * limitHeaderVerified). It was counted per client address beside a limit-key-unverified warning
 * that said the header was not verified: alice escaped her bucket from a second address, and bob
 * behind alice's NAT shared hers. Keying on the raw Authorization text instead would hand each of
 * its spellings (`bAsIc`, RFC 7235's case-insensitive scheme word) a fresh bucket: never that.
 * A header nobody verifies still counts per address, said (control).
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { compileCase } from '../targets/traefik/cases.js';
import { send } from '../targets/traefik/traefik-oracle.js';

const SPEC = (by: string) => `${HEAD}servers: [{ url: https://api.example.com }]
x-gateway:
  backends: { app: { url: http://app.example.com:8080 } }
  consumers:
    alice: { credentials: { basicAuth: { username: alice, password: '\${env:ALICE_PASSWORD}' } } }
    bob: { credentials: { basicAuth: { username: bob, password: '\${env:BOB_PASSWORD}' } } }
paths:
  /b: { get: { security: [{ basicAuth: [] }], x-gateway: { rateLimit: { requests: 2, per: minute, by: ${by} } }, responses: { '200': { description: ok } } } }
components:
  securitySchemes:
    basicAuth: { type: http, scheme: basic }
`;
const sha = (pw: string) => `{SHA}${createHash('sha1').update(pw).digest('base64')}`;
const USERS = `alice:${sha('a-pw')}\nbob:${sha('b-pw')}\n`;
const basic = (u: string, p: string, word = 'Basic') => `${word} ${Buffer.from(`${u}:${p}`).toString('base64')}`;

async function build(by: string) {
  const { built } = await compileCase(writeSpec(SPEC(by)));
  const config = built!.config as TraefikConfig;
  // Every users file the build names holds alice and bob (the deploy step writes them from the env).
  const files = Object.fromEntries(Object.values(config.http.middlewares ?? {}).flatMap((m) => {
    const f = (m as { basicAuth?: { usersFile?: string } }).basicAuth?.usersFile;
    return f ? [[f, USERS]] : [];
  }));
  const get = (auth: string, ip: string) =>
    send(config, { method: 'GET', host: 'api.example.com', target: '/b', headers: { Authorization: auth }, tls: true, remoteAddr: ip }, { files });
  return { built: built!, get };
}

describe('traefik: by: {header: Authorization} on native basicAuth counts per verified user', () => {
  it('alice from two addresses is one bucket; bob behind her address has his own; spellings of her credential are no fresh bucket', async () => {
    const { built, get } = await build('{ header: Authorization }');
    expect(built.result.diagnostics.map((d) => d.code)).not.toContain('limit-key-unverified');
    const a1 = get(basic('alice', 'a-pw'), '192.0.2.1');
    const a2 = get(basic('alice', 'a-pw', 'bAsIc'), '198.51.100.2');
    expect([a1.status, a2.status]).toEqual([200, 200]);
    const keys = [...a1.rateLimitKeys, ...a2.rateLimitKeys].map((k) => k.key);
    expect(new Set(keys)).toEqual(new Set(['alice']));
    const b = get(basic('bob', 'b-pw'), '192.0.2.1');
    expect(b.rateLimitKeys.map((k) => k.key)).toEqual(['bob']);
    // A wrong password is refused before the limit: it counts against nobody.
    expect(get(basic('bob', 'nope'), '192.0.2.1').rateLimitKeys).toEqual([]);
  });

  it('control: a header nobody verifies is still counted per client address, and said at the rateLimit line', async () => {
    const { built, get } = await build('{ header: X-Tenant }');
    expect(built.result.diagnostics.find((d) => d.code === 'limit-key-unverified')).toMatchObject({ severity: 'warn', params: { header: 'X-Tenant', target: 'traefik' } });
    expect(get(basic('alice', 'a-pw'), '192.0.2.1').rateLimitKeys.map((k) => k.key)).toEqual(['192.0.2.1']);
  });
});
