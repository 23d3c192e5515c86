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
 * Fixed (Traefik target): 1 is refused at the scheme (traefik-kept-header-credential): a kept header
 * credential of any kind, since its verifier reads one line; the escape, hideCredentials: true,
 * removes every line (customRequestHeaders "" / removeHeader: req.Header.Del). 2: a per-consumer
 * limit keys only on X-Consumer (native basicAuth's headerField, one line gwc sets), otherwise per
 * client address (traefik-limit-key-unverified), as for a JWT in its own header.
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
  const refused = await compileCase(writeSpec(SPEC));
  // The escape: every credential hidden (hideCredentials at its default), Traefik removes each line.
  const c = await compileCase(writeSpec(SPEC.replaceAll('hideCredentials: false, ', '').replace('x-gateway: { hideCredentials: false }', 'x-gateway: {}')));
  const config = c.built?.config as TraefikConfig;
  const files = htpasswdFiles(c.built?.result.files.map((f) => f.contents).join('\n') ?? '', () => 'pw-alice-1204');
  const get = (target: string, headers: Record<string, string[]>, auth: (call: AuthCall) => { status: number }) =>
    send(config, { method: 'GET', host: 'api.test', target, headers, tls: true }, { auth, files });

  it('a kept header credential is refused at its scheme (its verifier reads one line, the backend another)', () => {
    const errors = (refused.built?.result.diagnostics ?? []).filter((d) => d.severity === 'error');
    expect(errors.map((d) => [d.code, d.loc?.pointer]).sort()).toEqual([
      ['traefik-kept-header-credential', '/components/securitySchemes/bk'],
      ['traefik-kept-header-credential', '/components/securitySchemes/hk'],
      ['traefik-kept-header-credential', '/components/securitySchemes/tok'],
    ]);
  });

  it('builds with the credentials hidden (the attacks below need the config)', () => {
    expect(c.built?.result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('control: one line of each passes', () => {
    const o = get('/v1/tok', { 'X-Token': ['Bearer GOOD'] }, first('X-Token', 'Bearer GOOD'));
    expect(o.status).toBe(200);
  });

  // Mechanism 1: the service verified line 1; line 2 reached the backend. Hidden: no line does.
  it('hidden X-Token: a forged second line never reaches the backend', () => {
    const o = get('/v1/tok', { 'X-Token': ['Bearer GOOD', 'Bearer FORGED-sub-admin'] }, first('X-Token', 'Bearer GOOD'));
    if (o.status !== 200) return; // refused: secure
    expect(o.backend?.headers.values('X-Token')).toEqual([]);
  });

  it('hidden X-Api-Key: a second key line never reaches the backend', () => {
    const o = get('/v1/key', { 'X-Api-Key': ['alice-key', 'bob-key'] }, first('X-Api-Key', 'alice-key'));
    if (o.status !== 200) return;
    expect(o.backend?.headers.values('X-Api-Key')).toEqual([]);
  });

  // Mechanism 1 on native basicAuth: Go's Request.BasicAuth reads Header.Get (the first line);
  // removeHeader (hidden) deletes every line.
  it('hidden basic: a second Authorization line (another user) never reaches the backend', () => {
    const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
    const control = get('/v1/basic', { Authorization: [basic('alice', 'pw-alice-1204')] }, () => ({ status: 500 }));
    expect(control.status, 'control: alice alone').toBe(200);
    const o = get('/v1/basic', { Authorization: [basic('alice', 'pw-alice-1204'), basic('admin', 'x')] }, () => ({ status: 500 }));
    if (o.status !== 200) return;
    expect(o.backend?.headers.values('Authorization')).toEqual([]);
  });

  // Mechanism 2: the limiter keyed the first line, the service verified the last. Now per address.
  it('by: consumer: junk first lines never make a fresh bucket per request for one key', () => {
    expect(c.built?.result.diagnostics.filter((d) => d.code === 'traefik-limit-key-unverified').map((d) => d.loc?.pointer)).toEqual(['/paths/~1lim/get/x-gateway/rateLimit']);
    const keys = [0, 1, 2].map((n) => {
      const o = get('/v1/lim', { 'X-Lim-Key': [`junk-${n}`, 'alice-key'] }, last('X-Lim-Key', 'alice-key'));
      if (o.status !== 200) return 'refused';
      return o.rateLimitKeys.map((k) => k.key).join('|');
    });
    expect(new Set(keys).size).toBe(1);
  });
});
