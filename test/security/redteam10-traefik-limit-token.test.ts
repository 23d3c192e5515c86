/**
 * Red team 10, Traefik `rateLimit.by: consumer` on a JWT scheme read from its own header (class:
 * a per-caller limit keyed on a credential's text, not on the verified identity; DESIGN.md 7.4).
 *
 * credentials.ts limitKeyHeader takes any scheme whose credential travels in a header other than
 * Authorization/Cookie as "one whose whole value is the verified caller", and policies.ts keys
 * `sourceCriterion.requestHeaderName` on it. For an API key that holds (one key, one text;
 * several keys per consumer are refused: traefik-limit-consumer-keys). For a JWT in `X-Token` it
 * does not: the header holds a TOKEN, and one subject has as many tokens as its issuer mints (each
 * login, each refresh), plus 16 texts of every RS256/ES256 token (the signature's last base64url
 * character carries 4 unused bits, which golang-jwt, jose and PyJWT's decoders ignore) and the
 * high-S twin of every ES256 signature. Each is a fresh bucket: the limit is never reached. nginx
 * keys the verified `sub` (runtime.js checkJwt: `sub:<sub>`, and refuses non-canonical signatures);
 * on Authorization Traefik warns (traefik-limit-key-unverified) and counts per client address.
 * No diagnostic here.
 *
 * FIXED (credentials.ts limitKeyHeader): a JWT scheme's header is never a limit key; the limit is
 * counted per client address and said (traefik-limit-key-unverified), as on Authorization.
 */
import { describe, expect, it } from 'vitest';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { compileCase } from '../targets/traefik/cases.js';
import { send, type AuthCall } from '../targets/traefik/traefik-oracle.js';

const spec = (header: string) => `${HEAD}servers: [{ url: 'https://api.test/v1' }]
x-gateway:
  name: rt10tok
  backends: { app: { url: 'http://app.example.com:8080' } }
  defaults: { backend: app }
paths:
  /orders:
    get:
      operationId: orders
      security: [{ tok: [] }]
      x-gateway: { rateLimit: { requests: 3, per: minute, by: consumer } }
      responses: { '200': { description: ok } }
components:
  securitySchemes:
    tok:
      type: http
      scheme: bearer
      bearerFormat: JWT
      x-gateway:
        ${header}
        issuer: https://id.example.com/
        audiences: [shop]
        jwksUri: https://id.example.com/jwks
        forwardAuth: { url: 'http://auth.example.com/check' }
`;

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
/** An RS256-shaped token of alice: 256 signature bytes, 342 characters, the last one carrying 4 unused bits. */
const body = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64({ sub: 'alice', aud: 'shop', iss: 'https://id.example.com/' })}`;
const sig = Buffer.alloc(256, 7).toString('base64url');
/** The same signature bytes with the unused bits of the last character set: a lenient base64url decoder reads the same 256 bytes. */
const twin = sig.slice(0, -1) + String.fromCharCode(sig.charCodeAt(sig.length - 1) + 1);
/** The verifier: the subject of a token whose signature DECODES to the signed bytes (golang-jwt's RawURLEncoding, not Strict). */
const verifier = (header: string) => (call: AuthCall) => {
  const t = call.headers.get(header) ?? '';
  const [h, p, s] = t.replace(/^Bearer /, '').split('.');
  return `${h}.${p}` === body && Buffer.from(s ?? '', 'base64url').equals(Buffer.from(sig, 'base64url')) ? { status: 200 } : { status: 401 };
};

describe('red team 10: Traefik by: consumer on a JWT header counts per token text, not per subject', async () => {
  const own = await compileCase(writeSpec(spec('header: X-Token')));
  const keyOf = (config: TraefikConfig, token: string) => {
    const o = send(config, { method: 'GET', host: 'api.test', target: '/v1/orders', headers: { 'X-Token': token }, tls: true }, { auth: verifier('X-Token') });
    expect(o.status).toBe(200);
    return o.rateLimitKeys.map((k) => k.key).join('|');
  };

  it('control: the two texts are one token to the verifier (both pass)', () => {
    expect(Buffer.from(twin, 'base64url').equals(Buffer.from(sig, 'base64url'))).toBe(true);
    expect(twin).not.toBe(sig);
  });

  // Was open: limitKeyHeader keyed the bucket on X-Token's whole value (the token text).
  it('two texts of one token of alice share one bucket, or the limit is refused/warned and counted per address', () => {
    const config = own.built?.config as TraefikConfig | undefined;
    if (!config) return;
    expect(keyOf(config, `${body}.${sig}`)).toBe(keyOf(config, `${body}.${twin}`));
    // ... and so do two tokens of two subjects from one address: the bucket is the address's.
    expect(keyOf(config, `${body}.${sig}`)).not.toContain(body);
  });

  it('the limit is said to count per client address (traefik-limit-key-unverified at the rateLimit)', () => {
    const warned = own.built!.result.diagnostics.filter((d) => d.code === 'traefik-limit-key-unverified');
    expect(warned.map((d) => [d.params, d.loc?.pointer])).toEqual([[{ route: 'orders', scheme: 'tok' }, '/paths/~1orders/get/x-gateway/rateLimit']]);
  });
});
