/**
 * Red team 8, Kong: the nbf/aud chunk (src/targets/kong/jwt-claims.ts) and the jwt plugin read the
 * token header differently when it is sent in its `_` spelling. The chunk looks the scheme's header
 * up in kong.request.get_headers() (ngx.req.get_headers: names lowercased and otherwise AS SENT; the
 * table's __index folds `_` to `-` in the LOOKUP key only), so for `x-token` it never sees a line
 * named `X_Token` and returns without a check. The jwt plugin (kong/plugins/jwt/handler.lua
 * retrieve_tokens) reads kong.request.get_header(v), which since Kong 3.6 (Kong/kong#12370,
 * kong/tools/http.lua get_header) is `ngx.var["http_x_token"]`: nginx's $http_ variable matches a
 * header whose name lowercased with `-` read as `_` is x_token, so `X_Token` too (Kong runs
 * underscores_in_headers on: header-family.ts). A token the issuer signed for ANOTHER audience (or
 * not valid before a future nbf), sent as `X_Token: Bearer ...`, skips the chunk and is verified by
 * jwt: the audience check of a scheme with `header: X-Token` is bypassed.
 * Fix: in the chunk, read every header line whose name lowercased with `-` as `_` is the
 * configured name's (pairs over get_headers(1000), as the header-family chunk does), and check each;
 * or refuse (401) a request carrying the header in any other spelling.
 * Fixed (KJWT): the chunk checks every line whose name so reads; gwc diff reads the chunk of 1b257a9
 * and before as the weaker check (exact name only): an upgrade is no finding, a downgrade is one.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileGateway } from '../../src/api.js';
import { diffStates } from '../../src/diff/plan.js';
import { kongEntities } from '../../src/targets/kong/deployed-normalise.js';
import { gatewayOf } from '../helpers/spec.js';
import { runHeaderChunk } from '../targets/kong/lua-headers.js';
import { JWT_NBF_MARK, jwtNbfLua, readJwtNbf, readJwtNbfRelease } from '../../src/targets/kong/jwt-claims.js';

const NOW = 1_800_000_000;
const chunk = jwtNbfLua({ header: 'x-token', skew: 0, audiences: ['shop'] });
const b64u = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
/** A token as the issuer signs it (the signature is jwt's to check; the chunk reads the claims only). */
const token = (claims: Record<string, unknown>) => `${b64u({ alg: 'RS256', typ: 'JWT' })}.${b64u(claims)}.c2ln`;
const OTHER_APP = token({ iss: 'https://id.example.com/', sub: 'mallory', aud: 'other-app', exp: NOW + 600 });
const NOT_YET = token({ iss: 'https://id.example.com/', sub: 'mallory', aud: 'shop', exp: NOW + 600, nbf: NOW + 3600 });
const GOOD = token({ iss: 'https://id.example.com/', sub: 'alice', aud: 'shop', exp: NOW + 600 });

/** What nginx's $http_x_token gives (the jwt plugin on Kong >= 3.6): the first line whose name, lowercased with `-` as `_`, is x_token. */
const httpVar = (lines: ReadonlyArray<readonly [string, string]>, name: string) =>
  lines.find(([k]) => k.toLowerCase().replace(/-/g, '_') === name.replace(/-/g, '_'))?.[1];

describe('red team 8, Kong: the jwt header in its `_` spelling skips the nbf/aud chunk', () => {
  it('control: X-Token with a token for another audience, or not valid yet, is refused (401); a good one passes', () => {
    expect(runHeaderChunk(chunk, [['X-Token', `Bearer ${OTHER_APP}`]], NOW * 1000).exit).toBe(401);
    expect(runHeaderChunk(chunk, [['X-Token', `Bearer ${NOT_YET}`]], NOW * 1000).exit).toBe(401);
    expect(runHeaderChunk(chunk, [['X-Token', `Bearer ${GOOD}`]], NOW * 1000).exit).toBeUndefined();
  });

  it('the jwt plugin (Kong >= 3.6, $http_x_token) reads the token sent as X_Token', () => {
    expect(httpVar([['X_Token', `Bearer ${OTHER_APP}`]], 'x-token')).toBe(`Bearer ${OTHER_APP}`);
  });

  // Mechanism: jwt-claims.ts `headers[header]` then `headers[gsub(header, "_", "-")]`: the lookup
  // key's `_` is folded, never a sent name's; ngx.req.get_headers stores `x_token` as sent.
  for (const [label, tok] of [['another audience', OTHER_APP], ['nbf an hour ahead', NOT_YET]] as const) {
    for (const name of ['X_Token', 'x_token', 'X_TOKEN']) {
      it(`${name}: Bearer <token for ${label}>: the chunk refuses it (jwt would verify it)`, () => {
        const lines: Array<[string, string]> = [[name, `Bearer ${tok}`]];
        expect(httpVar(lines, 'x-token')).toBe(`Bearer ${tok}`);
        expect(runHeaderChunk(chunk, lines, NOW * 1000).exit).toBe(401);
      });
    }
  }

  // Every line jwt may read, on every release: get_headers()[name] (< 3.6, or $http_ holding ", "),
  // $http_x_token (>= 3.6: the first such line before nginx 1.23). Each is checked.
  it('a good token and a bad one in two spellings, in either order: refused (jwt may read either)', () => {
    for (const bad of [OTHER_APP, NOT_YET]) {
      for (const lines of [[['X-Token', `Bearer ${GOOD}`], ['X_Token', `Bearer ${bad}`]], [['X_Token', `Bearer ${bad}`], ['X-Token', `Bearer ${GOOD}`]], [['x_token', `Bearer ${GOOD}`], ['X_TOKEN', `Bearer ${bad}`]]] as Array<Array<[string, string]>>) {
        expect(runHeaderChunk(chunk, lines, NOW * 1000).exit, JSON.stringify(lines)).toBe(401);
      }
    }
  });

  it('a scheme configured with `_` (x_token) reads X-Token and X_Token alike; other names stay unread', () => {
    const under = jwtNbfLua({ header: 'x_token', skew: 0, audiences: ['shop'] });
    for (const name of ['X-Token', 'X_Token', 'x-TOKEN']) expect(runHeaderChunk(under, [[name, `Bearer ${OTHER_APP}`]], NOW * 1000).exit, name).toBe(401);
    for (const name of ['X-Token', 'X_Token']) expect(runHeaderChunk(under, [[name, `Bearer ${GOOD}`]], NOW * 1000).exit, name).toBeUndefined();
    for (const name of ['X-Tokens', 'XToken', 'X--Token', 'X.Token']) expect(runHeaderChunk(chunk, [[name, `Bearer ${OTHER_APP}`]], NOW * 1000).exit, name).toBeUndefined();
  });

  it('more than 1000 header lines: refused (431), not read past the cut', () => {
    const filler = Array.from({ length: 1000 }, (_x, i): [string, string] => [`X-F${i}`, 'x']);
    expect(runHeaderChunk(chunk, [...filler, ['X_Token', `Bearer ${OTHER_APP}`]], NOW * 1000).exit).toBe(431);
  });
});

const SPEC = `openapi: 3.1.0
info: { title: kjwt, version: "1" }
servers: [{ url: "https://api.test/v1" }]
x-gateway:
  name: kjwt
  backends: { app: { url: "http://app.internal:8080" } }
  defaults: { backend: app }
  accept:
    kong: [{ feature: auth.jwt, reason: scopes checked by the backend }]
paths:
  /t: { get: { operationId: t, security: [{ jwt: [] }], responses: { "200": { description: ok } } } }
components:
  securitySchemes:
    jwt: { type: http, scheme: bearer, bearerFormat: JWT, x-gateway: { header: X-Token, issuer: "https://id.example/", audiences: [shop], algorithms: [RS256], publicKeys: ["\${env:IDP_PEM}"] } }
`;

describe('red team 8, Kong: gwc diff reads the exact-name chunk as the weaker check', async () => {
  const loaded = await gatewayOf(SPEC);
  if (!loaded.gateway) throw new Error(JSON.stringify(loaded.diagnostics));
  const built = compileGateway(loaded.gateway, 'kong', {});
  const doc = parse(built.files.find((f) => f.path === 'kong.yaml')!.contents) as unknown;
  const deployed = (JSON.stringify(doc).match(/"(-- gwc: a bearer token whose nbf(?:[^"\\]|\\.)*)"/) ?? [])[1];
  const ours = deployed === undefined ? undefined : (JSON.parse(`"${deployed}"`) as string);
  const skew = ours === undefined ? -1 : (readJwtNbf(ours)?.skew ?? -1);
  /** A fixture chunk (written for x-token, skew 60) with the route's skew. */
  const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8').replace('local header, skew = "x-token", 60', `local header, skew = "x-token", ${skew}`);
  /** The decK file with its jwt chunk mapped by `f`. */
  const edited = (f: (c: string) => string) => {
    const d = structuredClone(doc) as Record<string, unknown>;
    const walk = (o: unknown): void => {
      if (Array.isArray(o)) o.forEach(walk);
      else if (o && typeof o === 'object') {
        const r = o as { name?: unknown; config?: { access?: string[] } };
        if (r.name === 'pre-function' && Array.isArray(r.config?.access)) r.config.access = r.config.access.map((c) => (c.startsWith(JWT_NBF_MARK) ? f(c) : c));
        Object.values(r).forEach(walk);
      }
    };
    walk(d);
    return d;
  };
  const state = (d: unknown) => ({ entities: kongEntities(d as never) });
  const rules = (from: unknown, to: unknown) => diffStates(state(from), state(to)).findings.filter((x) => x.class === 'security').map((x) => x.rule);

  it('the route carries today\'s chunk for x-token with the audience; the 1b257a9 fixtures are that release\'s text', () => {
    expect(built.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(ours).toBe(jwtNbfLua({ header: 'x-token', skew, audiences: ['shop'], issuer: 'https://id.example/' }));
    expect(readJwtNbf(fixture('kong-jwt-nbf-v2-aud.lua'))).toEqual({ header: 'x-token', skew, audiences: ['shop'] });
    expect(readJwtNbf(fixture('kong-jwt-nbf-v2.lua'))).toEqual({ header: 'x-token', skew });
    // One byte edited: no check at all.
    expect(readJwtNbf(fixture('kong-jwt-nbf-v2-aud.lua').replace('return not aud_ok', 'return aud_ok'))).toBeUndefined();
  });

  it('upgrade (deployed by 1b257a9, compiled today): no security finding; downgrade: credential-unverified-passed', () => {
    const old = edited(() => fixture('kong-jwt-nbf-v2-aud.lua'));
    expect(rules(doc, doc)).toEqual([]);
    expect(rules(old, doc)).toEqual([]);
    expect(rules(doc, old)).toEqual(['credential-unverified-passed']);
  });

  // KNG3 (red team 12): the chunk of 6167441 and before read every spelling but let a second line
  // pass (jwt on 3.4 verified the first, a kept token's every line reached the backend).
  it('the 6167441 chunk (second line passed) reads as its check; upgrade no finding, downgrade credential-unverified-passed', () => {
    expect(readJwtNbfRelease(fixture('kong-jwt-nbf-v3-aud.lua'))).toEqual({ check: { header: 'x-token', skew, audiences: ['shop'] }, everySpelling: true, oneLine: false });
    expect(readJwtNbfRelease(fixture('kong-jwt-nbf-v3.lua'))).toEqual({ check: { header: 'x-token', skew }, everySpelling: true, oneLine: false });
    expect(readJwtNbfRelease(ours!)?.oneLine).toBe(true);
    expect(readJwtNbf(fixture('kong-jwt-nbf-v3-aud.lua').replace('return not aud_ok', 'return aud_ok'))).toBeUndefined();
    const old = edited(() => fixture('kong-jwt-nbf-v3-aud.lua'));
    expect(rules(old, doc)).toEqual([]);
    expect(rules(doc, old)).toEqual(['credential-unverified-passed']);
  });
});
