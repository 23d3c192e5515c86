/**
 * JWKS on nginx (issue #20.1) through a real nginx: a local key server over HTTPS (its certificate
 * trusted through the trustedCa option) with one RSA and one EC key; tokens signed by each pass;
 * a rotation to a new `kid` is picked up; an unknown `kid`, a wrong issuer or audience, an expired
 * token, an HS256 token signed with a public key and a key server that is down are refused (401,
 * never 200); under load the key set is fetched once, and unknown `kid`s cost at most one refresh.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, sign, type KeyObject, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SecurityScheme } from '../../../src/model/types.js';
import { compileOrThrow, freePort, fullOptions, NGINX, opensslAvailable, prefixDir, send, startNginx, startStub, writeFiles, type RunningNginx, type Stub } from './harness.js';
import { gateway, httpBackend, loc, route } from './model.js';

const b64u = (b: Buffer | string) => Buffer.from(b).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

function signed(alg: string, kid: string | undefined, claims: Record<string, unknown>, key: KeyObject | string): string {
  const input = `${b64u(JSON.stringify({ alg, typ: 'JWT', ...(kid ? { kid } : {}) }))}.${b64u(JSON.stringify(claims))}`;
  const sig = alg.startsWith('HS')
    ? createHmac(`sha${alg.slice(2)}`, key as string).update(input).digest()
    : sign(`sha${alg.slice(2)}`, Buffer.from(input), alg.startsWith('ES') ? { key: key as KeyObject, dsaEncoding: 'ieee-p1363' } : (key as KeyObject));
  return `${input}.${b64u(sig)}`;
}

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const rotated = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = (k: KeyObject, kid: string) => ({ ...(k.export({ format: 'jwk' }) as Record<string, unknown>), kid, use: 'sig' });
const claims = (extra: Record<string, unknown> = {}) => ({ iss: 'https://id.test/', aud: 'api', sub: 'u1', exp: now() + 300, ...extra });

describe.skipIf(!NGINX || !opensslAvailable())('JWKS through a real nginx', () => {
  let ng: RunningNginx;
  let backend: Stub;
  let keyServer: https.Server;
  let keys: unknown[] = [];
  let down = false;
  let fetches = 0;

  beforeAll(async () => {
    const dir = prefixDir();
    const cert = join(dir, 'jwks.crt');
    const key = join(dir, 'jwks.key');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
    keys = [jwk(rsa.publicKey, 'rsa-1'), jwk(ec.publicKey, 'ec-1')];
    keyServer = https.createServer({ cert: readFileSync(cert), key: readFileSync(key) }, (_req, res) => {
      fetches++;
      if (down) {
        res.writeHead(503);
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=86400' });
      res.end(JSON.stringify({ keys }));
    });
    await new Promise<void>((r) => keyServer.listen(0, '127.0.0.1', r));
    const kport = (keyServer.address() as AddressInfo).port;
    backend = await startStub('app');
    const scheme: SecurityScheme = {
      name: 'oidc',
      loc: loc(),
      openapiType: 'http',
      kind: 'jwt',
      hideCredentials: true,
      jwt: { issuer: 'https://id.test/', audiences: ['api'], algorithms: ['RS256', 'ES256'], publicKeys: [], jwksUri: `https://127.0.0.1:${kport}/.well-known/jwks.json`, header: 'authorization', clockSkewSeconds: 0 },
    };
    const g = gateway([route('me', 'GET', '/me', { security: [[{ scheme: 'oidc', scopes: [] }]] })], { backends: [httpBackend('app', '127.0.0.1', backend.port)], securitySchemes: [scheme] });
    const port = await freePort();
    writeFiles(dir, compileOrThrow(g, { ...fullOptions(dir, port), trustedCa: cert, jwksRefresh: '3s' }));
    ng = await startNginx(dir, port);
  });
  afterAll(async () => {
    await ng?.stop();
    await backend?.close();
    await new Promise((r) => keyServer?.close(r));
  });

  const call = (tok: string) => send(ng.port, 'GET', '/me', { authorization: `Bearer ${tok}` });

  it('a token of each key passes (RSA and EC), and the backend never sees it', async () => {
    const a = await call(signed('RS256', 'rsa-1', claims(), rsa.privateKey));
    expect(a.status, a.body).toBe(200);
    expect(a.json().headers.authorization).toBeUndefined();
    expect((await call(signed('ES256', 'ec-1', claims(), ec.privateKey))).status).toBe(200);
  });

  it('refuses a forged, mislabelled, expired or wrongly addressed token (401)', async () => {
    const attacker = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const rsaPem = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const cases: Record<string, string> = {
      'signed by another key under a known kid': signed('RS256', 'rsa-1', claims(), attacker.privateKey),
      'an RSA kid with ES256': signed('ES256', 'rsa-1', claims(), ec.privateKey),
      'an EC kid with RS256': signed('RS256', 'ec-1', claims(), rsa.privateKey),
      'HS256 with the public key as secret': signed('HS256', 'rsa-1', claims(), rsaPem),
      'HS256 with the JWK text as secret': signed('HS256', 'rsa-1', claims(), JSON.stringify(jwk(rsa.publicKey, 'rsa-1'))),
      'alg none': `${b64u(JSON.stringify({ alg: 'none', kid: 'rsa-1' }))}.${b64u(JSON.stringify(claims()))}.`,
      'an unknown kid': signed('RS256', 'nope', claims(), rsa.privateKey),
      'a wrong issuer': signed('RS256', 'rsa-1', claims({ iss: 'https://evil.test/' }), rsa.privateKey),
      'a wrong audience': signed('RS256', 'rsa-1', claims({ aud: 'other' }), rsa.privateKey),
      expired: signed('RS256', 'rsa-1', claims({ exp: now() - 10 }), rsa.privateKey),
    };
    for (const [what, tok] of Object.entries(cases)) expect((await call(tok)).status, what).toBe(401);
  });

  it('under load the key set is fetched at most once per cache interval; unknown kids cost at most one refresh', async () => {
    const before = fetches;
    const good = signed('RS256', 'rsa-1', claims(), rsa.privateKey);
    const replies = await Promise.all(Array.from({ length: 40 }, () => call(good)));
    expect(replies.every((r) => r.status === 200)).toBe(true);
    expect(fetches - before).toBe(0); // cached by the first test, whatever the server's max-age
    const unknown = await Promise.all(Array.from({ length: 20 }, (_, i) => call(signed('RS256', `nope-${i}`, claims(), rsa.privateKey))));
    expect(unknown.every((r) => r.status === 401)).toBe(true);
    expect(fetches - before).toBeLessThanOrEqual(1);
  });

  it('a rotation to a new kid is seen at the next refresh', async () => {
    keys = [...keys, jwk(rotated.publicKey, 'rsa-2')];
    // A new kid is looked up in the refresh entry (jwksRefresh, 3s here), which the unknown kids
    // above may just have filled: within one refresh interval the new key is in use.
    const tok = signed('RS256', 'rsa-2', claims(), rotated.privateKey);
    // nginx counts a cache entry's validity in whole seconds: up to one more second than 3s.
    await new Promise((r) => setTimeout(r, 4_500));
    expect((await call(tok)).status).toBe(200);
  }, 30_000);

  it('a key server that is down fails closed: 401 for tokens whose key is not cached, never 200', async () => {
    down = true;
    try {
      expect((await call(signed('RS256', 'never-seen', claims(), rsa.privateKey))).status).toBe(401);
    } finally {
      down = false;
    }
  });
});
