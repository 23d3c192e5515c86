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
 */
import { describe, expect, it } from 'vitest';
import { runHeaderChunk } from '../targets/kong/lua-headers.js';
import { jwtNbfLua } from '../../src/targets/kong/jwt-claims.js';

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
      it.fails(`${name}: Bearer <token for ${label}>: the chunk refuses it (jwt would verify it)`, () => {
        const lines: Array<[string, string]> = [[name, `Bearer ${tok}`]];
        expect(httpVar(lines, 'x-token')).toBe(`Bearer ${tok}`);
        expect(runHeaderChunk(chunk, lines, NOW * 1000).exit).toBe(401);
      });
    }
  }
});
