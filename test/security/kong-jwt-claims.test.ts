/**
 * Kong's jwt plugin and `claims_to_verify` (an oracle of Kong's own code): verify_registered_claims
 * and registered_claims below are kong/plugins/jwt/jwt_parser.lua (Kong master 22246ef28c), run as
 * Lua in fengari with the emitted config's claims_to_verify and a token's claims. Every listed claim
 * is type-checked ("must be a number"), so gwc's former [exp, nbf] refused (401) every token
 * without nbf (Auth0, Cognito access tokens, most issuers omit it): an availability bug. gwc lists
 * exp only. Kong checks nbf only when listed, and then requires it, so a token whose nbf is in the
 * future was accepted on Kong. Closed by the route's pre-function chunk (src/targets/kong/jwt-claims.ts),
 * run here for real (test/targets/kong/lua-headers.ts: the sandbox's globals, get_headers as
 * ngx.req.get_headers gives it, get_start_time) on real token texts: a request Kong would then pass
 * to jwt is one the chunk did not answer, and jwt's own verdict is Kong's code above.
 */
import fengari from 'fengari';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileGateway } from '../../src/api.js';
import { gatewayOf } from '../helpers/spec.js';
import { runHeaderChunk } from '../targets/kong/lua-headers.js';
import { evaluate, type DeckDoc } from '../targets/kong/kong-oracle.js';
import { diffStates } from '../../src/diff/plan.js';
import { kongEntities } from '../../src/targets/kong/deployed-normalise.js';
import { JWT_NBF_MARK, jwtNbfLua, readJwtNbf } from '../../src/targets/kong/jwt-claims.js';

const { lua, lauxlib, lualib, to_luastring, to_jsstring } = fengari;

/** kong/plugins/jwt/jwt_parser.lua, verbatim but for `time` (ngx.time there). */
const KONG_CLAIMS = `
local function add_error(errors, k, v)
  if not errors then errors = {} end
  errors[k] = v
  return errors
end
local registered_claims = {
  nbf = { type = "number", check = function(nbf) if nbf > time() then return "token not valid yet" end end },
  exp = { type = "number", check = function(exp) if exp <= time() then return "token expired" end end },
}
local function verify_registered_claims(claims, claims_to_verify)
  if not claims_to_verify then claims_to_verify = {} end
  local errors, claim, claim_rules
  for _, claim_name in pairs(claims_to_verify) do
    claim = claims[claim_name]
    claim_rules = registered_claims[claim_name]
    if type(claim) ~= claim_rules.type then
      errors = add_error(errors, claim_name, "must be a " .. claim_rules.type)
    else
      local check_err = claim_rules.check(claim)
      if check_err then errors = add_error(errors, claim_name, check_err) end
    end
  end
  return errors == nil, errors
end
`;

const NOW = 1_800_000_000;

/** Kong's verdict for `claims` under `toVerify`: '' when accepted, else the first error. */
function kongVerify(toVerify: string[], claims: Record<string, number | string>): string {
  const L = lauxlib.luaL_newstate();
  lualib.luaL_openlibs(L);
  const lit = (v: number | string) => (typeof v === 'number' ? String(v) : JSON.stringify(v));
  const code = [
    `local function time() return ${NOW} end`,
    KONG_CLAIMS,
    `local ok, errs = verify_registered_claims({ ${Object.entries(claims).map(([k, v]) => `${k} = ${lit(v)}`).join(', ')} }, { ${toVerify.map((c) => JSON.stringify(c)).join(', ')} })`,
    'if ok then RESULT = "" else local k, v = next(errs); RESULT = k .. ": " .. v end',
  ].join('\n');
  if (lauxlib.luaL_loadstring(L, to_luastring(code)) !== lua.LUA_OK || lua.lua_pcall(L, 0, 0, 0) !== lua.LUA_OK) throw new Error(to_jsstring(lua.lua_tostring(L, -1)));
  lua.lua_getglobal(L, to_luastring('RESULT'));
  return to_jsstring(lua.lua_tostring(L, -1));
}

const SPEC = `openapi: 3.1.0
info: { title: kjwt, version: "1" }
servers: [{ url: "https://api.test/v1" }]
x-gateway:
  name: kjwt
  backends: { app: { url: "http://app.internal:8080" } }
  defaults: { backend: app }
  accept:
    kong: [{ feature: auth.jwt, reason: audience checked by the backend }]
paths:
  /t: { get: { operationId: t, security: [{ jwt: [] }], responses: { "200": { description: ok } } } }
components:
  securitySchemes:
    jwt: { type: http, scheme: bearer, bearerFormat: JWT, x-gateway: { issuer: "https://id.example/", audiences: [kjwt], algorithms: [RS256], publicKeys: ["\${env:IDP_PEM}"] } }
`;

describe('Kong jwt: claims_to_verify, checked by Kong\'s own verify_registered_claims', async () => {
  const loaded = await gatewayOf(SPEC);
  if (!loaded.gateway) throw new Error(JSON.stringify(loaded.diagnostics));
  const built = compileGateway(loaded.gateway, 'kong', {});
  const kong = built.files.find((f) => f.path === 'kong.yaml');
  const doc: unknown = kong ? parse(kong.contents) : undefined;
  /** The first jwt plugin anywhere in the decK file (on a route or service, or top-level). */
  const find = (o: unknown): { config: Record<string, unknown> } | undefined => {
    if (Array.isArray(o)) { for (const x of o) { const f = find(x); if (f) return f; } return undefined; }
    if (o && typeof o === 'object') {
      const r = o as Record<string, unknown>;
      if (r.name === 'jwt' && r.config && typeof r.config === 'object') return r as { config: Record<string, unknown> };
      for (const v of Object.values(r)) { const f = find(v); if (f) return f; }
    }
    return undefined;
  };
  const jwt = find(doc);
  /** The first plugin named `name` anywhere in the decK file. */
  const find2 = (o: unknown, name: string): { config: Record<string, unknown> } | undefined => {
    if (Array.isArray(o)) { for (const x of o) { const f = find2(x, name); if (f) return f; } return undefined; }
    if (o && typeof o === 'object') {
      const r = o as Record<string, unknown>;
      if (r.name === name && r.config && typeof r.config === 'object') return r as { config: Record<string, unknown> };
      for (const v of Object.values(r)) { const f = find2(v, name); if (f) return f; }
    }
    return undefined;
  };
  const toVerify = (jwt?.config.claims_to_verify as string[] | undefined) ?? ['exp', 'nbf'];

  it('the oracle: Kong refuses a token without nbf when nbf is listed (the former config)', () => {
    expect(kongVerify(['exp', 'nbf'], { exp: NOW + 60 })).toBe('nbf: must be a number');
  });

  it('gwc lists exp only', () => {
    expect(built.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.message])).toEqual([]);
    expect(toVerify).toEqual(['exp']);
  });

  it('a valid token without nbf is accepted (was refused: availability)', () => {
    expect(kongVerify(toVerify, { exp: NOW + 60, iss: 'https://id.example/' })).toBe('');
    expect(kongVerify(toVerify, { exp: NOW + 60, nbf: NOW - 5 })).toBe('');
  });

  it('control: an expired token, or one without exp, is refused', () => {
    expect(kongVerify(toVerify, { exp: NOW })).toBe('exp: token expired');
    expect(kongVerify(toVerify, { nbf: NOW - 5 })).toBe('exp: must be a number');
    expect(kongVerify(toVerify, { exp: 'soon' })).toBe('exp: must be a number');
  });

  // Was open: Kong checks nbf only when listed (and then requires it); no Kong-native "nbf where
  // present". A post-function cannot read the token (request-transformer, 801, removed the hidden
  // Authorization; kong.ctx.shared is out of the sandbox). Closed by a pre-function chunk reading the
  // token as retrieve_tokens does (jwt-claims.ts).
  const pre = (find2(doc, 'pre-function')?.config.access as string[] | undefined) ?? [];
  const chunk = pre.find((c) => c.startsWith(JWT_NBF_MARK));
  /** 401 when the chunk answers the request itself, else jwt's verdict on the claims ('' accepted). */
  const onKong = (authorization: string | string[], claims: Record<string, unknown>, lines: Array<[string, string]> = []) => {
    const values = Array.isArray(authorization) ? authorization : [authorization];
    const r = runHeaderChunk(chunk!, [...values.map((v): [string, string] => ['authorization', v]), ...lines], NOW * 1000);
    // jwt's verdict on its two registered claims (the oracle takes numbers and strings only).
    const registered = Object.fromEntries(Object.entries(claims).filter(([k, v]) => (k === 'exp' || k === 'nbf') && (typeof v === 'number' || typeof v === 'string')));
    return r.exit !== undefined ? String(r.exit) : kongVerify(toVerify, registered as Record<string, number | string>);
  };
  const b64 = (o: unknown) => Buffer.from(typeof o === 'string' ? o : JSON.stringify(o)).toString('base64url');
  const tok = (claims: unknown, head: unknown = { alg: 'RS256', typ: 'JWT' }) => `${b64(head)}.${b64(claims)}.c2ln`;
  // The scheme's audience and issuer on every token here (their checks: redteam6-kong-jwt-audience.test.ts, kong20-jwt-issuer-pin.test.ts).
  const ISS = 'https://id.example/';
  const bearer = (claims: Record<string, unknown>) => onKong(`Bearer ${tok({ aud: 'kjwt', iss: ISS, ...claims })}`, claims);

  it('the chunk is on the route, after the header family, with the scheme\'s skew (60 s)', () => {
    expect(chunk).toBeDefined();
    expect(readJwtNbf(chunk!)).toEqual({ header: 'authorization', skew: 60, audiences: ['kjwt'], issuer: ISS });
  });

  it('a token whose nbf is in the future (beyond the skew) is refused', () => {
    expect(kongVerify(toVerify, { exp: NOW + 600, nbf: NOW + 300 })).toBe('');
    expect(bearer({ exp: NOW + 600, nbf: NOW + 300 })).toBe('401');
    expect(bearer({ exp: NOW + 600, nbf: NOW + 61 })).toBe('401');
    expect(bearer({ exp: NOW + 600, nbf: NOW + 60.5 })).toBe('401');
    expect(bearer({ exp: NOW + 600, nbf: 1e300 })).toBe('401');
  });

  it('control: no nbf, a past nbf, or one within the skew passes to jwt (which checks exp)', () => {
    expect(bearer({ exp: NOW + 600 })).toBe('');
    expect(bearer({ exp: NOW + 600, nbf: NOW - 5 })).toBe('');
    expect(bearer({ exp: NOW + 600, nbf: NOW + 60 })).toBe('');
    expect(bearer({ exp: NOW + 600, nbf: NOW + 30, sub: 'a "nbf": 99999999999' })).toBe('');
    expect(bearer({ exp: NOW - 1, nbf: NOW - 5 })).toBe('exp: token expired');
    expect(bearer({ exp: NOW + 600, nbf: -1.5e3, x: [1, { nbf: 'x' }, '}'], y: { nbf: NOW + 999 } })).toBe('');
  });

  it('a non-numeric nbf (string, null, boolean, object, array) is refused', () => {
    for (const nbf of [String(NOW - 5), null, true, { t: NOW }, [NOW], '']) expect(bearer({ exp: NOW + 600, nbf }), JSON.stringify(nbf)).toBe('401');
  });

  it('the claims as cjson reads them: the last nbf, escaped names, any key order', () => {
    const raw = (json: string) => onKong(`Bearer ${b64({ alg: 'RS256' })}.${b64(json)}.c2ln`, {});
    expect(raw(`{"nbf": ${NOW - 5}, "exp": ${NOW + 600}, "nbf": ${NOW + 300}}`)).toBe('401');
    expect(raw(`{"\\u006ebf": ${NOW + 300}}`)).toBe('401');
    expect(raw(`{"n\\u0062f":${NOW + 300},"exp":${NOW + 600}}`)).toBe('401');
    expect(raw(` \t{ "exp" : ${NOW + 600} ,\n"nbf":${NOW + 300} }\r\n`)).toBe('401');
    expect(raw(`{"nbf": ${NOW + 300}, "nbf": ${NOW - 5}, "aud": "kjwt", "iss": "https:\\/\\/id.example\\/"}`)).not.toBe('401');
    expect(raw(`{"nbf ": ${NOW + 300}, "NBF": ${NOW + 300}, "\\u00e9": 1, "aud": ["kjwt"], "iss": "${ISS}"}`)).not.toBe('401');
    expect(raw(`{"aud":"kjwt","iss":"${ISS}"}`)).not.toBe('401');
    // Another issuer (or none: jwt would look the JOSE header's up) is refused here, before jwt.
    expect(raw(`{"aud":"kjwt","iss":"https://other.example/"}`)).toBe('401');
    expect(raw('{"aud":"kjwt"}')).toBe('401');
  });

  it('claims the chunk cannot read exactly are refused; a token jwt cannot split is left to jwt', () => {
    const raw = (claimsPart: string) => onKong(`Bearer ${b64({ alg: 'RS256' })}.${claimsPart}.c2ln`, {});
    for (const json of ['[1]', '"x"', '{"nbf": NaN}', '{"nbf": 0x10}', '{"nbf": 01}', '{"a": 1,}', '{"a" 1}', '{"a": 1} x', '{"a": "\u0000"}', '{"a": [1}', '{"a": "\\q"}', '']) {
      expect(raw(b64(json)), json).toBe('401');
    }
    expect(raw('e30*'), 'a byte outside the alphabet').toBe('401');
    expect(raw('e30x1'), '1 mod 4 long').toBe('401');
    // The text after the first "=" is not read (ngx.decode_base64); +/ and -_ alike.
    expect(raw(`${b64({ nbf: NOW + 300 })}=e30`)).toBe('401');
    expect(raw(Buffer.from(JSON.stringify({ nbf: NOW + 300, s: '>>>???' })).toString('base64'))).toBe('401');
    // One dot or none: jwt's tokenize leaves no signature part and jwt refuses it (not this chunk's).
    expect(onKong(`Bearer ${b64({ alg: 'RS256' })}.${b64({ nbf: NOW + 300 })}`, {})).not.toBe('401');
    expect(onKong('Bearer opaque-token', {})).not.toBe('401');
  });

  it('the token as retrieve_tokens finds it: any Bearer spelling, every value of a repeated header, _ spelling', () => {
    const future = tok({ exp: NOW + 600, nbf: NOW + 300, aud: 'kjwt' });
    for (const v of [`bearer ${future}`, `  Bearer\t${future}`, `x Bearer  ${future}`]) expect(onKong(v, {}), v).toBe('401');
    expect(onKong([`Bearer ${tok({ exp: NOW + 600, aud: 'kjwt' })}`, `Bearer ${future}`], {})).toBe('401');
    expect(onKong('Basic dXNlcjpwYXNz', {})).not.toBe('401');
    const r = runHeaderChunk(chunk!, [['x-other', `Bearer ${future}`]], NOW * 1000);
    expect(r.exit).toBeUndefined();
    // A scheme reading X-Token: a client's x_token line is what jwt's lookup finds (get_headers folds _ to -).
    const custom = jwtNbfLua({ header: 'x_token', skew: 0 });
    expect(runHeaderChunk(custom, [['x-token', `Bearer ${future}`]], NOW * 1000).exit).toBe(401);
    expect(runHeaderChunk(jwtNbfLua({ header: 'x-token', skew: 0 }), [['x-token', `Bearer ${tok({ nbf: NOW + 1 })}`]], NOW * 1000).exit).toBe(401);
    expect(runHeaderChunk(jwtNbfLua({ header: 'x-token', skew: 0 }), [['x-token', `Bearer ${tok({ nbf: NOW })}`]], NOW * 1000).exit).toBeUndefined();
  });

  it('through the request oracle: the route answers 401 before jwt; a symbolic token still reaches jwt', () => {
    const send = (authorization: string) => evaluate(doc as DeckDoc, { method: 'GET', host: 'api.test', path: '/v1/t', headers: { authorization }, startMs: NOW * 1000 }, {});
    const o = send(`Bearer ${tok({ exp: NOW + 600, nbf: NOW + 300 })}`);
    expect(o.status).toBe(401);
    expect(o.ran).not.toContain('jwt');
    expect(send('Bearer valid:https://id.example/').ran).toContain('jwt');
  });

  it('gwc diff: a deployed route without the chunk (or with a larger skew) is a security finding', () => {
    const state = (d: unknown) => ({ entities: kongEntities(d as never) });
    const edited = (f: (access: string[]) => string[]) => {
      const d = structuredClone(doc) as DeckDoc;
      const p = find2(d, 'pre-function')!;
      p.config.access = f(p.config.access as string[]);
      return d;
    };
    const rules = (d: unknown) => diffStates(state(doc), state(d)).findings.filter((x) => x.class === 'security').map((x) => x.rule);
    expect(rules(doc)).toEqual([]);
    // The chunk gone takes its audience check with it (redteam6-kong-jwt-audience.test.ts).
    expect(rules(edited((a) => a.filter((c) => !c.startsWith(JWT_NBF_MARK))))).toEqual(['credential-unverified-passed', 'jwt-audience-widened']);
    expect(rules(edited((a) => a.map((c) => (c.startsWith(JWT_NBF_MARK) ? jwtNbfLua({ header: 'authorization', skew: 3600, audiences: ['kjwt'], issuer: ISS }) : c))))).toEqual(['jwt-clock-skew-raised']);
    // An edited chunk is no check, and Lua gwc did not write (KNG4, deployed-chunks.ts: unread-changed).
    expect(rules(edited((a) => a.map((c) => (c.startsWith(JWT_NBF_MARK) ? c.replace('nbf > ', 'nbf >= ') : c))))).toEqual(['credential-unverified-passed', 'jwt-audience-widened', 'unread-changed']);
    expect(rules(edited((a) => a.map((c) => (c.startsWith(JWT_NBF_MARK) ? jwtNbfLua({ header: 'authorization', skew: 0, audiences: ['kjwt'], issuer: ISS }) : c))))).toEqual([]);
  });
});
