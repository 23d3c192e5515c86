/**
 * Red team 12, Traefik (request oracle): a credential header sent on two lines (class: duplicate
 * header lines read differently by the verifier, the limiter and the backend; DESIGN.md 7.1, 7.3,
 * 7.4). nginx refuses such a request (test/security/redteam-nginx-duplicates.test.ts), Kong's
 * key-auth too (ERR_DUPLICATE_API_KEY).
 *
 * 1. Kept credential (`hideCredentials: false`), X-Token or X-Api-Key verified by the scheme's
 *    forwardAuth service. Traefik's forwardAuth copies every line to the service (forward.go
 *    writeHeader: utils.CopyHeaders, then the authRequestHeaders filter keeps all values), the
 *    service decides on the one it reads (Go's Header.Get, Spring's getHeader: the first), and
 *    Traefik forwards every line to the backend: one reading the LAST line (PHP-FPM's $_SERVER)
 *    takes the second, which nobody verified (a forged `sub: admin` beside the caller's own token).
 *    No Traefik rule can count a header's lines (HeaderRegexp matches any one value).
 * 2. `rateLimit.by: consumer` on a header API key: the bucket is sourceCriterion.requestHeaderName,
 *    which reads req.Header.Get (the FIRST line; pkg/middlewares/ratelimiter), while the service may
 *    verify another line: `X-Api-Key: junk-<n>` then the real key is a fresh bucket per request
 *    for a service reading the last line (credentials.ts limitKeyHeader takes the key header as
 *    "one whose whole value is the verified caller"; it is one value of several).
 *    Native basicAuth alike (Go's Request.BasicAuth reads the first Authorization line; a kept
 *    scheme's removeHeader is false): `Authorization: Basic alice` then `Basic admin`.
 * Fixed: 2 (credentials.ts limitKeyHeader: only native basic's X-Consumer, else per address).
 * Fix (Traefik target, open): for 1, refuse hideCredentials: false on a header credential Traefik
 * verifies through a service, or have the service echo the verified value in authResponseHeaders
 * (Traefik deletes every line of a response header before setting it); for 2, key the limit on a
 * header the service answers (authResponseHeaders run before the limiter) or count per client
 * address (traefik-limit-key-unverified), as for a JWT in its own header.
 */
import { describe, expect, it } from 'vitest';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { writeSpec } from '../helpers/spec.js';
import { compileCase } from '../targets/traefik/cases.js';
import { htpasswdFiles } from '../targets/traefik/operator.js';
import { send, type AuthCall } from '../targets/traefik/traefik-oracle.js';

const ok = "{ '200': { description: ok } }";
const SPEC = `openapi: 3.1.0
info: { title: red team 12 traefik duplicate lines, version: "1" }
servers: [{ url: 'https://api.test/v1' }]
x-gateway:
  name: rt12t
  backends: { app: { url: 'http://app.example.com:8080' } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { bk: { username: alice, password: '\${env:ALICE_PW}' } } }
paths:
  /tok: { get: { operationId: tok, security: [{ tok: [] }], responses: ${ok} } }
  /key: { get: { operationId: key, security: [{ hk: [] }], responses: ${ok} } }
  /basic: { get: { operationId: basic, security: [{ bk: [] }], responses: ${ok} } }
  /lim: { get: { operationId: lim, security: [{ lk: [] }], x-gateway: { rateLimit: { requests: 3, per: minute, by: consumer } }, responses: ${ok} } }
components:
  securitySchemes:
    tok: { type: http, scheme: bearer, x-gateway: { header: X-Token, issuer: 'https://id.example.com/', audiences: [shop], jwksUri: 'https://id.example.com/jwks', hideCredentials: false, forwardAuth: { url: 'http://auth.example.com/check' } } }
    hk: { type: apiKey, in: header, name: X-Api-Key, x-gateway: { hideCredentials: false, forwardAuth: { url: 'http://auth.example.com/check' } } }
    bk: { type: http, scheme: basic, x-gateway: { hideCredentials: false } }
    lk: { type: apiKey, in: header, name: X-Lim-Key, x-gateway: { forwardAuth: { url: 'http://auth.example.com/check' } } }
`;

/** A service reading the first line (Go, Spring). */
const first = (h: string, good: string) => (call: AuthCall) => (call.headers.get(h) === good ? { status: 200 } : { status: 401 });
/** A service reading the last line (PHP-FPM). */
const last = (h: string, good: string) => (call: AuthCall) => (call.headers.values(h).at(-1) === good ? { status: 200 } : { status: 401 });

describe('red team 12, Traefik: a credential header on two lines', async () => {
  const c = await compileCase(writeSpec(SPEC));
  const config = c.built?.config as TraefikConfig;
  const files = htpasswdFiles(c.built?.result.files.map((f) => f.contents).join('\n') ?? '', () => 'pw-alice-1204');
  const get = (target: string, headers: Record<string, string[]>, auth: (call: AuthCall) => { status: number }) =>
    send(config, { method: 'GET', host: 'api.test', target, headers, tls: true }, { auth, files });

  it('builds (the attacks below need the config)', () => {
    expect(c.built?.result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('control: one line of each passes and reaches the backend once', () => {
    const o = get('/v1/tok', { 'X-Token': ['Bearer GOOD'] }, first('X-Token', 'Bearer GOOD'));
    expect(o.status).toBe(200);
    expect(o.backend?.headers.values('X-Token')).toEqual(['Bearer GOOD']);
  });

  // Mechanism 1: the service verified line 1; line 2 reaches the backend.
  it.fails('kept X-Token: a forged second line never reaches the backend', () => {
    const o = get('/v1/tok', { 'X-Token': ['Bearer GOOD', 'Bearer FORGED-sub-admin'] }, first('X-Token', 'Bearer GOOD'));
    if (o.status !== 200) return; // refused: secure
    expect(o.backend?.headers.values('X-Token')).toEqual(['Bearer GOOD']);
  });

  it.fails('kept X-Api-Key: a second key line never reaches the backend', () => {
    const o = get('/v1/key', { 'X-Api-Key': ['alice-key', 'bob-key'] }, first('X-Api-Key', 'alice-key'));
    if (o.status !== 200) return;
    expect(o.backend?.headers.values('X-Api-Key')).toEqual(['alice-key']);
  });

  // Mechanism 1 on native basicAuth: Go's Request.BasicAuth reads Header.Get (the first line);
  // removeHeader is false for a kept scheme, so both lines go on.
  it.fails('kept basic: a second Authorization line (another user) never reaches the backend', () => {
    const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
    const control = get('/v1/basic', { Authorization: [basic('alice', 'pw-alice-1204')] }, () => ({ status: 500 }));
    expect(control.status, 'control: alice alone').toBe(200);
    const o = get('/v1/basic', { Authorization: [basic('alice', 'pw-alice-1204'), basic('admin', 'x')] }, () => ({ status: 500 }));
    if (o.status !== 200) return;
    expect(o.backend?.headers.values('Authorization')).toEqual([basic('alice', 'pw-alice-1204')]);
  });

  // Mechanism 2: the limiter keys the first line, the service verified the last.
  // FIXED: a header API key is never the limit's key; per client address (traefik-limit-key-unverified).
  it('by: consumer: junk first lines never make a fresh bucket per request for one key', () => {
    const keys = [0, 1, 2].map((n) => {
      const o = get('/v1/lim', { 'X-Lim-Key': [`junk-${n}`, 'alice-key'] }, last('X-Lim-Key', 'alice-key'));
      if (o.status !== 200) return 'refused';
      return o.rateLimitKeys.map((k) => k.key).join('|');
    });
    expect(new Set(keys).size).toBe(1);
  });
});
