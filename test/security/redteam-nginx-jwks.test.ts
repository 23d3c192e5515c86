/**
 * Red team of JWKS verification on nginx (issue #20.1) through a real nginx and local HTTPS key
 * servers under a test CA (trustedCa): odd keys in a trusted set (duplicate kids of two types, an
 * `oct` key, `use: enc`, a JWK `alg` other than the token's, EC keys of another curve or off the
 * curve, an RSA modulus under 2048 bits padded with zero bytes, e = 1), token tricks (no kid, kid
 * path/JSON/array spellings, an embedded `jwk`/`jku`, crit, five parts, exp as a string, nbf ahead,
 * scopes), key servers that answer HTML, a redirect to a valid set, a set beyond the subrequest
 * buffer, a certificate for another name, an untrusted CA, a chain through an intermediate CA;
 * two schemes' key sets kept apart, unknown kids under many request URIs costing at most one
 * fetch, and a changed jwksUri taking effect on reload (no cached set of the old URL used).
 */
import { execFileSync } from 'node:child_process';
import { createHash, createHmac, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway, SecurityScheme } from '../../src/model/types.js';
import { compileOrThrow, freePort, fullOptions, NGINX, nginxTest, opensslAvailable, prefixDir, send, startNginx, startStub, writeFiles, type RunningNginx, type Stub } from '../targets/nginx/harness.js';
import { gateway, httpBackend, loc, route } from '../targets/nginx/model.js';

const b64u = (b: Buffer | string) => Buffer.from(b).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

function token(head: Record<string, unknown>, claims: Record<string, unknown>, key: KeyObject | string): string {
  const alg = String(head.alg);
  const input = `${b64u(JSON.stringify({ typ: 'JWT', ...head }))}.${b64u(JSON.stringify(claims))}`;
  const sig = alg.startsWith('HS')
    ? createHmac(`sha${alg.slice(2)}`, key as string).update(input).digest()
    : sign(`sha${alg.slice(2)}`, Buffer.from(input), alg.startsWith('ES') ? { key: key as KeyObject, dsaEncoding: 'ieee-p1363' } : (key as KeyObject));
  return `${input}.${b64u(sig)}`;
}
const claims = (extra: Record<string, unknown> = {}) => ({ iss: 'https://id.test/', aud: 'api', sub: 'u1', exp: now() + 300, ...extra });
const jwk = (k: KeyObject, kid: string, extra: Record<string, unknown> = {}) => ({ ...(k.export({ format: 'jwk' }) as Record<string, unknown>), kid, use: 'sig', ...extra });

const good = generateKeyPairSync('rsa', { modulusLength: 2048 });
const goodEc = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const dupR = generateKeyPairSync('rsa', { modulusLength: 2048 });
const dupE = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const encKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rs384only = generateKeyPairSync('rsa', { modulusLength: 2048 });
const encOps = generateKeyPairSync('rsa', { modulusLength: 2048 });
const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const otherIdp = generateKeyPairSync('rsa', { modulusLength: 2048 });
const attacker = generateKeyPairSync('rsa', { modulusLength: 2048 });

/** A 1024-bit modulus written as 256 bytes (zero bytes first): the length is 2048 bits, the key is not. */
const paddedSmall = (() => {
  const j = small.publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  return { kty: 'RSA', n: b64u(Buffer.concat([Buffer.alloc(128), Buffer.from(j.n, 'base64url')])), e: j.e, kid: 'small', use: 'sig' };
})();
/** e = 1: every "signature" is its own PKCS#1 v1.5 encoding, anyone can forge one. */
const eOne = { kty: 'RSA', n: (good.publicKey.export({ format: 'jwk' }) as { n: string }).n, e: 'AQ', kid: 'e1', use: 'sig' };
function forgedEOne(): string {
  const input = `${b64u(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'e1' }))}.${b64u(JSON.stringify(claims()))}`;
  const info = Buffer.concat([Buffer.from('3031300d060960864801650304020105000420', 'hex'), createHash('sha256').update(input).digest()]);
  const em = Buffer.concat([Buffer.from([0, 1]), Buffer.alloc(256 - 3 - info.length, 0xff), Buffer.from([0]), info]);
  return `${input}.${b64u(em)}`;
}

const MAIN_KEYS = () => [
  jwk(good.publicKey, 'rsa-1'),
  jwk(goodEc.publicKey, 'ec-1'),
  jwk(dupR.publicKey, 'dup'),
  jwk(dupE.publicKey, 'dup'),
  { kty: 'oct', k: b64u('shared-secret'), kid: 'oct', use: 'sig' },
  jwk(encKey.publicKey, 'enc', { use: 'enc' }),
  jwk(rs384only.publicKey, 'rs384', { alg: 'RS384' }),
  { ...(encOps.publicKey.export({ format: 'jwk' }) as Record<string, unknown>), kid: 'ops-encrypt', key_ops: ['encrypt', 'wrapKey'] },
  paddedSmall,
  eOne,
  { ...jwk(p384.publicKey, 'p384-as-256'), crv: 'P-256' },
  { kty: 'EC', crv: 'P-256', x: b64u(randomBytes(32)), y: b64u(randomBytes(32)), kid: 'off-curve', use: 'sig' },
];

function certs(dir: string): Record<'ca' | 'leaf' | 'leafKey' | 'chain' | 'chainKey' | 'wrong' | 'wrongKey' | 'self' | 'selfKey', string> {
  const f = (n: string) => join(dir, n);
  const run = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  const ext = (name: string, text: string) => { writeFileSync(f(name), text); return f(name); };
  run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=gwc red team CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign', '-keyout', f('ca.key'), '-out', f('ca.crt'));
  // nginx matches proxy_ssl_name with X509_check_host: an IP address is found in the CN only.
  const leaf = (name: string, san: string, caCrt: string, caKey: string, extra = '') => {
    run('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${san.startsWith('IP:') ? san.slice(3) : san.slice(4)}`, '-keyout', f(`${name}.key`), '-out', f(`${name}.csr`));
    run('x509', '-req', '-in', f(`${name}.csr`), '-CA', caCrt, '-CAkey', caKey, '-CAcreateserial', '-days', '2', '-out', f(`${name}.crt`), '-extfile', ext(`${name}.ext`, `subjectAltName=${san}\n${extra}`));
  };
  leaf('leaf', 'IP:127.0.0.1', f('ca.crt'), f('ca.key'));
  leaf('wrong', 'DNS:other.test', f('ca.crt'), f('ca.key'));
  leaf('int', 'DNS:int.test', f('ca.crt'), f('ca.key'), 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\n');
  leaf('chainleaf', 'IP:127.0.0.1', f('int.crt'), f('int.key'));
  writeFileSync(f('chain.crt'), readFileSync(f('chainleaf.crt'), 'utf8') + readFileSync(f('int.crt'), 'utf8'));
  run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', f('self.key'), '-out', f('self.crt'));
  return { ca: f('ca.crt'), leaf: f('leaf.crt'), leafKey: f('leaf.key'), chain: f('chain.crt'), chainKey: f('chainleaf.key'), wrong: f('wrong.crt'), wrongKey: f('wrong.key'), self: f('self.crt'), selfKey: f('self.key') };
}

describe.skipIf(!NGINX || !opensslAvailable())('red team: JWKS through a real nginx', () => {
  let ng: RunningNginx;
  let backend: Stub;
  let dir: string;
  let port: number;
  let trustedCa: string;
  const servers: https.Server[] = [];
  const fetches: Record<string, number> = {};
  const ports: Record<string, number> = {};

  const handler = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
    const path = (req.url ?? '').split('?')[0]!;
    fetches[path] = (fetches[path] ?? 0) + 1;
    const json = (v: unknown) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify(v)); };
    if (path === '/main.json') return json({ keys: MAIN_KEYS() });
    if (path === '/other.json') return json({ keys: [jwk(otherIdp.publicKey, 'o-1')] });
    if (path === '/html') { res.writeHead(200, { 'content-type': 'text/html' }); res.end('<html>{"keys":[]}</html>'); return; }
    if (path === '/redirect') { res.writeHead(302, { location: `https://127.0.0.1:${ports.main}/main.json` }); res.end(); return; }
    if (path === '/down') { res.writeHead(503); res.end(); return; }
    if (path === '/slow') { setTimeout(() => json({ keys: MAIN_KEYS() }), 7_000); return; }
    if (path === '/huge') return json({ keys: [jwk(good.publicKey, 'rsa-1'), ...Array.from({ length: 300 }, (_, i) => jwk(attacker.publicKey, `pad-${i}`))] });
    res.writeHead(404);
    res.end();
  };

  const scheme = (name: string, uri: string): SecurityScheme => ({
    name, loc: loc(), openapiType: 'http', kind: 'jwt', hideCredentials: true,
    jwt: { issuer: 'https://id.test/', audiences: ['api'], algorithms: ['RS256', 'RS384', 'ES256', 'ES384'], publicKeys: [], jwksUri: uri, header: 'authorization', clockSkewSeconds: 0 },
  });
  const build = (mainUri: string): Gateway => {
    const u = (server: string, path: string) => `https://127.0.0.1:${ports[server]}${path}`;
    const schemes = [
      scheme('main', mainUri), scheme('other', u('main', '/other.json')), scheme('html', u('main', '/html')), scheme('redirect', u('main', '/redirect')),
      scheme('huge', u('main', '/huge')), scheme('down', u('main', '/down')), scheme('slow', u('main', '/slow')), scheme('chain', u('chain', '/main.json')), scheme('wrong', u('wrong', '/main.json')), scheme('self', u('self', '/main.json')),
    ];
    const routes = [
      route('me', 'GET', '/me', { security: [[{ scheme: 'main', scopes: [] }]] }),
      route('admin', 'GET', '/admin', { security: [[{ scheme: 'main', scopes: ['admin'] }]] }),
      ...schemes.slice(1).map((s) => route(s.name, 'GET', `/${s.name}`, { security: [[{ scheme: s.name, scopes: [] }]] })),
    ];
    return gateway(routes, { backends: [httpBackend('app', '127.0.0.1', backend.port)], securitySchemes: schemes });
  };

  beforeAll(async () => {
    dir = prefixDir();
    const c = certs(dir);
    trustedCa = c.ca;
    for (const [name, cert, key] of [['main', c.leaf, c.leafKey], ['chain', c.chain, c.chainKey], ['wrong', c.wrong, c.wrongKey], ['self', c.self, c.selfKey]] as const) {
      const s = https.createServer({ cert: readFileSync(cert), key: readFileSync(key) }, handler);
      await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
      ports[name] = (s.address() as AddressInfo).port;
      servers.push(s);
    }
    backend = await startStub('app');
    port = await freePort();
    writeFiles(dir, compileOrThrow(build(`https://127.0.0.1:${ports.main}/main.json`), { ...fullOptions(dir, port), trustedCa, jwksRefresh: '3s' }));
    ng = await startNginx(dir, port);
  });
  afterAll(async () => {
    await ng?.stop();
    await backend?.close();
    for (const s of servers) await new Promise((r) => s.close(r));
  });

  const call = (path: string, tok: string) => send(ng.port, 'GET', path, { authorization: `Bearer ${tok}` });
  const rs = (kid: string | undefined, key: KeyObject, extra: Record<string, unknown> = {}, head: Record<string, unknown> = {}) =>
    token({ alg: 'RS256', ...(kid !== undefined ? { kid } : {}), ...head }, claims(extra), key);

  it('the baseline passes: RSA and EC keys, both keys of a kid shared by two key types, no kid against the set', async () => {
    expect((await call('/me', rs('rsa-1', good.privateKey))).status).toBe(200);
    expect((await call('/me', token({ alg: 'ES256', kid: 'ec-1' }, claims(), goodEc.privateKey))).status).toBe(200);
    expect((await call('/me', rs('dup', dupR.privateKey))).status).toBe(200);
    expect((await call('/me', token({ alg: 'ES256', kid: 'dup' }, claims(), dupE.privateKey))).status).toBe(200);
    expect((await call('/me', rs(undefined, good.privateKey))).status).toBe(200);
  });

  it('keys of the set that must never verify: oct, use enc, another alg, a small modulus padded to 256 bytes, e = 1, wrong curve, off the curve', async () => {
    const cases: Record<string, string> = {
      'HS256 with the oct key': token({ alg: 'HS256', kid: 'oct' }, claims(), 'shared-secret'),
      'RS256 naming the oct key': rs('oct', good.privateKey),
      'a use: enc key': rs('enc', encKey.privateKey),
      'a key whose key_ops lack verify': rs('ops-encrypt', encOps.privateKey),
      'RS256 with a key whose JWK says RS384': rs('rs384', rs384only.privateKey),
      'a 1024-bit modulus written as 256 bytes': rs('small', small.privateKey),
      'the same without a kid': rs(undefined, small.privateKey),
      'e = 1 (a forged signature)': forgedEOne(),
      'a P-384 key labelled P-256 (ES256)': token({ alg: 'ES256', kid: 'p384-as-256' }, claims(), p384.privateKey),
      'a P-384 key labelled P-256 (ES384)': token({ alg: 'ES384', kid: 'p384-as-256' }, claims(), p384.privateKey),
      'a point off the curve': token({ alg: 'ES256', kid: 'off-curve' }, claims(), dupE.privateKey),
      'another key under a shared kid': rs('dup', attacker.privateKey),
    };
    for (const [what, tok] of Object.entries(cases)) expect((await call('/me', tok)).status, what).toBe(401);
    expect((await call('/me', rs('rsa-1', good.privateKey))).status, 'nginx still answers').toBe(200);
  });

  // A token without kid is tried against every key of the set (jwksKeys): each key still verifies
  // only its own algorithm family, curve and JWK alg, never as an HMAC secret, and never another
  // issuer's set. Held on the code as it was (closing note's "kid-less tokens tried against every key").
  it('without a kid: every key of the set keeps its algorithm (RSA vs EC vs HMAC, the JWK alg, the curve), its use and its set', async () => {
    const rsaJwk = JSON.stringify(good.publicKey.export({ format: 'jwk' }));
    const rsaPem = String(good.publicKey.export({ format: 'pem', type: 'spki' }));
    const ecPem = String(goodEc.publicKey.export({ format: 'pem', type: 'spki' }));
    const cases: Record<string, [string, number]> = {
      'RS256 by the RSA key (no JWK alg)': [rs(undefined, good.privateKey), 200],
      'ES256 by the P-256 key (no JWK alg)': [token({ alg: 'ES256' }, claims(), goodEc.privateKey), 200],
      'RS384 by the key whose JWK says RS384': [token({ alg: 'RS384' }, claims(), rs384only.privateKey), 200],
      'RS256 by the key whose JWK says RS384': [rs(undefined, rs384only.privateKey), 401],
      'HS256 with the oct key\'s secret': [token({ alg: 'HS256' }, claims(), 'shared-secret'), 401],
      'HS256 with the RSA JWK text as secret': [token({ alg: 'HS256' }, claims(), rsaJwk), 401],
      'HS256 with the RSA PEM as secret': [token({ alg: 'HS256' }, claims(), rsaPem), 401],
      'HS256 with the EC PEM as secret': [token({ alg: 'HS256' }, claims(), ecPem), 401],
      'HS384 with the oct key\'s secret': [token({ alg: 'HS384' }, claims(), 'shared-secret'), 401],
      'ES384 by the P-384 key labelled P-256': [token({ alg: 'ES384' }, claims(), p384.privateKey), 401],
      'ES256 by the P-384 key labelled P-256': [token({ alg: 'ES256' }, claims(), p384.privateKey), 401],
      'RS256 by the use: enc key': [rs(undefined, encKey.privateKey), 401],
      'RS256 by the key whose key_ops lack verify': [rs(undefined, encOps.privateKey), 401],
      'RS256 by another issuer\'s key (its own set)': [rs(undefined, otherIdp.privateKey), 401],
      'RS256 by an attacker, kid a number': [rs(undefined, attacker.privateKey, {}, { kid: 1 }), 401],
      'RS256 by an attacker, kid empty': [rs('', attacker.privateKey), 401],
      'alg none': [`${b64u(JSON.stringify({ alg: 'none' }))}.${b64u(JSON.stringify(claims()))}.`, 401],
      'alg missing': [`${b64u(JSON.stringify({ typ: 'JWT' }))}.${rs(undefined, good.privateKey).split('.').slice(1).join('.')}`, 401],
    };
    for (const [what, [tok, status]] of Object.entries(cases)) expect((await call('/me', tok)).status, what).toBe(status);
    // The other issuer's route takes its own key, not the main set's.
    expect((await call('/other', rs(undefined, otherIdp.privateKey))).status).toBe(200);
    expect((await call('/other', rs(undefined, good.privateKey))).status).toBe(401);
  });

  it('token tricks are refused: kid spellings, embedded keys, crit, five parts, exp as a string, nbf ahead, scopes', async () => {
    const mine = attacker.publicKey.export({ format: 'jwk' });
    const cases: Record<string, [string, number]> = {
      'kid as a path': [rs('../main.json', attacker.privateKey), 401],
      'kid as JSON': [rs('{"kid":"rsa-1"}', attacker.privateKey), 401],
      'kid as an array': [rs(undefined, attacker.privateKey, {}, { kid: ['rsa-1'] }), 401],
      'kid null': [rs(undefined, attacker.privateKey, {}, { kid: null }), 401],
      'an embedded jwk': [rs('rsa-1', attacker.privateKey, {}, { jwk: mine }), 401],
      'an embedded jwk, no kid': [rs(undefined, attacker.privateKey, {}, { jwk: mine }), 401],
      'a jku to another set': [rs('o-1', otherIdp.privateKey, {}, { jku: `https://127.0.0.1:${ports.main}/other.json` }), 401],
      crit: [rs('rsa-1', good.privateKey, {}, { crit: ['exp'], exp: 1 }), 401],
      'five parts': [`${rs('rsa-1', good.privateKey)}.x.y`, 401],
      'exp as a string': [rs('rsa-1', good.privateKey, { exp: String(now() + 300) }), 401],
      'no exp': [rs('rsa-1', good.privateKey, { exp: undefined }), 401],
      'nbf ahead': [rs('rsa-1', good.privateKey, { nbf: now() + 120 }), 401],
      'nbf as a string': [rs('rsa-1', good.privateKey, { nbf: String(now() - 10) }), 401],
    };
    for (const [what, [tok, status]] of Object.entries(cases)) expect((await call('/me', tok)).status, what).toBe(status);
    expect((await call('/admin', rs('rsa-1', good.privateKey))).status, 'no scope').toBe(403);
    expect((await call('/admin', rs('rsa-1', good.privateKey, { scope: 'read administrator' }))).status, 'a longer scope').toBe(403);
    expect((await call('/admin', rs('rsa-1', good.privateKey, { scope: 'read admin' }))).status, 'the scope').toBe(200);
  });

  it('an ES256 signature has one spelling: DER, a trailing byte or a truncated one is refused', async () => {
    const input = `${b64u(JSON.stringify({ alg: 'ES256', typ: 'JWT', kid: 'ec-1' }))}.${b64u(JSON.stringify(claims()))}`;
    const p1363 = sign('sha256', Buffer.from(input), { key: goodEc.privateKey, dsaEncoding: 'ieee-p1363' });
    const derSig = sign('sha256', Buffer.from(input), { key: goodEc.privateKey, dsaEncoding: 'der' });
    expect((await call('/me', `${input}.${b64u(p1363)}`)).status).toBe(200);
    const cases: Record<string, Buffer> = {
      DER: derSig,
      'a trailing zero byte': Buffer.concat([p1363, Buffer.from([0])]),
      'a leading zero byte': Buffer.concat([Buffer.from([0]), p1363]),
      'one byte short': p1363.subarray(0, 63),
    };
    for (const [what, sig] of Object.entries(cases)) expect((await call('/me', `${input}.${b64u(sig)}`)).status, what).toBe(401);
  });

  it('the key-set locations are internal: a client asking for them gets no key set and fills no cache', async () => {
    const before = fetches['/main.json'] ?? 0;
    for (const path of ['/_gwc_internal/k/0', '/_gwc_internal/kr/0', '/_gwc_internal/k/0?x', '/_gwc_internal//k/0', '/_gwc_internal/k/%30']) {
      const r = await send(ng.port, 'GET', path);
      expect(r.status, path).not.toBe(200);
      expect(r.body, path).not.toContain('"keys"');
    }
    expect(fetches['/main.json'] ?? 0).toBe(before);
  });

  it('two schemes never share a key set', async () => {
    expect((await call('/other', rs('o-1', otherIdp.privateKey))).status).toBe(200);
    expect((await call('/me', rs('o-1', otherIdp.privateKey))).status).toBe(401);
    expect((await call('/other', rs('rsa-1', good.privateKey))).status).toBe(401);
    expect((await call('/me', rs(undefined, otherIdp.privateKey))).status).toBe(401);
  });

  it('key servers that answer HTML, a redirect to a valid set, or a set beyond the subrequest buffer fail closed (401), nginx keeps serving', async () => {
    const tok = rs('rsa-1', good.privateKey);
    expect((await call('/html', tok)).status).toBe(401);
    const mainBefore = fetches['/main.json'] ?? 0;
    expect((await call('/redirect', tok)).status).toBe(401);
    expect(fetches['/main.json'] ?? 0, 'the redirect was not followed').toBe(mainBefore);
    // Beyond subrequest_output_buffer_size nginx ends the client's request without an answer
    // ("too big subrequest response"): closed, never 200; the worker and other routes carry on.
    const huge = await call('/huge', tok).then((r) => r.status, () => 'closed');
    expect([401, 'closed']).toContain(huge);
    expect((await call('/me', tok)).status).toBe(200);
  });

  it('TLS: a certificate for another name or from an untrusted CA fails closed; a chain through an intermediate CA verifies', async () => {
    const tok = rs('rsa-1', good.privateKey);
    expect((await call('/wrong', tok)).status).toBe(401);
    expect((await call('/self', tok)).status).toBe(401);
    expect((await call('/chain', tok)).status, ng.errorLog().split('\n').filter((l) => /ssl|certificate/i.test(l)).slice(-2).join('\n')).toBe(200);
  });

  it('unknown kids under many request URIs cost at most one fetch', async () => {
    await call('/me', rs('rsa-1', good.privateKey));
    await call('/me', rs('warm', good.privateKey));
    const before = fetches['/main.json'] ?? 0;
    const replies = await Promise.all(Array.from({ length: 30 }, (_, i) => send(ng.port, 'GET', `/me?i=${i}`, { authorization: `Bearer ${rs(`nope-${i}`, good.privateKey)}` })));
    expect(replies.every((r) => r.status === 401)).toBe(true);
    expect((fetches['/main.json'] ?? 0) - before).toBeLessThanOrEqual(1);
  });

  it('a key server that fails is asked again at most once per refresh interval, whatever the tokens', async () => {
    const replies = [];
    for (let i = 0; i < 10; i++) replies.push((await send(ng.port, 'GET', `/down?i=${i}`, { authorization: `Bearer ${rs(i % 2 ? `nope-${i}` : 'rsa-1', good.privateKey)}` })).status);
    expect(replies.every((s) => s === 401)).toBe(true);
    expect(fetches['/down'] ?? 0).toBeLessThanOrEqual(2); // the set and its refresh entry, once each
  });

  it('a slow key server (7s) is asked once by a burst of requests, not once per request past the cache lock', async () => {
    const replies = await Promise.all(Array.from({ length: 6 }, (_, i) => send(ng.port, 'GET', `/slow?i=${i}`, { authorization: `Bearer ${rs('rsa-1', good.privateKey)}` })));
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(fetches['/slow'] ?? 0).toBe(1);
  }, 30_000);

  it('a jwksUri changed in the configuration takes effect at reload: no key set cached from the old URL is used', async () => {
    const tok = rs('rsa-1', good.privateKey);
    expect((await call('/me', tok)).status).toBe(200); // the old set is cached
    writeFiles(dir, compileOrThrow(build(`https://127.0.0.1:${ports.main}/other.json`), { ...fullOptions(dir, port), trustedCa, jwksRefresh: '3s' }));
    process.kill(Number(readFileSync(join(dir, 'nginx.pid'), 'utf8').trim()), 'SIGHUP');
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await call('/me', rs('o-1', otherIdp.privateKey))).status, 'the new issuer').toBe(200);
    expect((await call('/me', tok)).status, 'the old issuer').toBe(401);
  });
});

describe.skipIf(!NGINX || !opensslAvailable())('nginx -t: several JWKS schemes on named hosts beside websocket routes', () => {
  it('the configuration loads; each key set has its own cache keys, two schemes of one URL share theirs', () => {
    const dir = prefixDir();
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=ca', '-keyout', join(dir, 'ca.key'), '-out', join(dir, 'ca.crt')], { stdio: 'ignore' });
    const mk = (name: string, uri: string): SecurityScheme => ({
      name, loc: loc(), openapiType: 'http', kind: 'jwt', hideCredentials: true,
      jwt: { issuer: `https://${name}.idp.test/`, audiences: ['api'], algorithms: ['RS256'], publicKeys: [], jwksUri: uri, header: 'authorization', clockSkewSeconds: 0 },
    });
    const schemes = [mk('a', 'https://login.idp-a.test/keys?tenant=1'), mk('b', 'https://idp-b.test:8443/.well-known/jwks.json'), mk('c', 'https://login.idp-a.test/keys?tenant=1')];
    const g = gateway([
      route('ra', 'GET', '/a', { security: [[{ scheme: 'a', scopes: [] }]], websocket: { loc: loc() } }),
      route('rb', 'GET', '/b', { security: [[{ scheme: 'b', scopes: ['x'] }], [{ scheme: 'c', scopes: [] }]] }),
      route('rc', 'GET', '/c', { security: [[{ scheme: 'c', scopes: [] }]], websocket: { loc: loc() } }),
    ], { backends: [httpBackend('app', '127.0.0.1', 9)], securitySchemes: schemes });
    const files = compileOrThrow(g, { ...fullOptions(dir, 8080), trustedCa: join(dir, 'ca.crt') });
    writeFiles(dir, files);
    const conf = files.map((f) => f.contents).join('\n');
    const keys = [...conf.matchAll(/proxy_cache_key "([^"]+)"/g)].map((m) => m[1]!);
    expect(keys.length).toBe(6);
    expect(new Set(keys).size).toBe(4);
    expect(conf).toContain('_ws_upgrade');
    const t = nginxTest(dir, ['login.idp-a.test', 'idp-b.test']);
    if (t) expect(t.ok, t.output).toBe(true);
  });
});
