/**
 * Red team 12, Kong (request oracle): a JWT kept for the backend (`hideCredentials: false`) in a
 * header of its own (`X-Token`), sent on two lines (class: duplicate header lines of a kept
 * credential; DESIGN.md 7.1, 7.3; nginx's twin is test/security/redteam-nginx-duplicates.test.ts).
 *
 * Mechanism: Kong 3.4's jwt plugin (kong/plugins/jwt/handler.lua retrieve_tokens) reads
 * `kong.request.get_headers()[name]` and, for a table (the header sent twice), verifies
 * `token_header[1]`, the FIRST line only. gwc's nbf/aud chunk (jwt-claims.ts) reads every line but
 * checks claims, never signatures, so a second line carrying unsigned claims with the right `aud`
 * passes it. No plugin removes the second line of a kept header (request-transformer clears a
 * hidden one, the kept-credentials post-function clears only the `_` spellings and, on OR routes,
 * a credential another plugin verified), so both lines reach the backend, and a backend reading
 * the LAST line (PHP-FPM's $_SERVER, and gunicorn for some headers) reads claims nobody verified:
 * `sub: admin` with the caller's own valid token in front. Kong 3.6+ reads nginx's `$http_x_token`,
 * which joins the lines (", "), and refuses; nginx (njs) refuses two lines; key-auth refuses a
 * duplicate key (ERR_DUPLICATE_API_KEY); Authorization itself is a unique header to nginx (400).
 * Fix (Kong target, open): refuse (401) a request holding more than one line of a kept credential
 * header, e.g. in the jwt-claims chunk, which already reads every line whose name reads as the
 * header's (its diff reader hashes the chunk: a new release hash is needed), or set the kept header
 * to the one line jwt verified in the post-function.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileGateway } from '../../src/api.js';
import { gatewayOf, unsecuredPublic } from '../helpers/spec.js';
import { evaluate, symbolicJwt, type DeckDoc } from '../targets/kong/kong-oracle.js';

const SPEC = `openapi: 3.1.0
info: { title: red team 12 kong kept duplicate, version: "1" }
servers: [{ url: "https://api.test/v1" }]
x-gateway:
  name: rt12k
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  accept: { kong: [{ feature: auth.jwt, reason: red team 12 }] }
paths:
  /t: { get: { operationId: t, security: [{ tok: [] }], responses: { "200": { description: ok } } } }
components:
  securitySchemes:
    tok:
      type: http
      scheme: bearer
      x-gateway: { header: X-Token, issuer: "https://id.test/", audiences: [shop], publicKeys: ["\${env:PK}"], hideCredentials: false }
`;
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
/** The caller's own token, signed (the oracle's symbolic `valid` signature). */
const GOOD = symbolicJwt('https://id.test/', { sub: 'mallory', aud: 'shop', exp: 2_000_000_000 });
/** Claims the caller wrote: right issuer and audience, no valid signature. */
const FORGED = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ iss: 'https://id.test/', sub: 'admin', aud: 'shop', exp: 2_000_000_000 })}.forged`;

async function doc(): Promise<DeckDoc> {
  const loaded = await gatewayOf(SPEC);
  const r = compileGateway(unsecuredPublic(loaded.gateway!), 'kong');
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return parse(r.files[0]!.contents) as DeckDoc;
}

describe('red team 12, Kong: a kept X-Token sent on two lines', async () => {
  const d = await doc();
  const call = (lines: string[]) => evaluate(d, { method: 'GET', path: '/v1/t', host: 'api.test', repeated: { 'x-token': lines.map((t) => `Bearer ${t}`) } });

  it('control: the caller\'s own token passes and reaches the backend; the forged one alone is refused', () => {
    expect(call([GOOD]).status).toBe(200);
    expect(call([GOOD]).upstream?.headers['x-token']).toBe(`Bearer ${GOOD}`);
    expect(call([FORGED]).status).toBe(401);
  });

  it('forged first, own token second: refused (jwt verifies the first line)', () => {
    expect(call([FORGED, GOOD]).status).toBe(401);
  });

  // Mechanism above: jwt verifies line 1, both lines go upstream (the oracle's upstream headers
  // show the first; Kong proxies every line). The request must be refused, as nginx and Kong 3.6+ do.
  it.fails('own token first, forged claims second: refused, never both lines to the backend (Kong 3.4)', () => {
    expect(call([GOOD, FORGED]).status).not.toBe(200);
  });
});
