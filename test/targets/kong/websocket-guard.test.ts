/**
 * The Kong websocket guard chunk (src/targets/kong/websocket-guard.ts) run for real (fengari, Kong's
 * sandbox globals: lua-headers.ts). Its Lua patterns must read every Sec-WebSocket-Protocol value as
 * SUBPROTOCOL_TOKEN_REGEX (nginx, Traefik) reads it: the shared table (test/helpers/subprotocol-cases.ts)
 * and random values built from the regex's pieces. Its Origin check: a CORS list exactly, or the
 * request's own host[:port].
 */
import { describe, expect, it } from 'vitest';
import { SUBPROTOCOL_TOKEN_REGEX } from '../../../src/targets/subprotocol-token.js';
import { readWsGuard, WS_GUARD_MARK, wsGuardLua, type WsGuard } from '../../../src/targets/kong/websocket-guard.js';
import { SUBPROTOCOL_PASSED, SUBPROTOCOL_REFUSED } from '../../helpers/subprotocol-cases.js';
import { runHeaderChunk } from './lua-headers.js';

const run = (guard: WsGuard, lines: Array<[string, string]>) => runHeaderChunk(wsGuardLua(guard), lines).exit;
const REGEX = new RegExp(SUBPROTOCOL_TOKEN_REGEX);
const tokenIn = (v: string) => run({ token: true }, [['sec-websocket-protocol', v]]) === 400;

/** A deterministic PRNG (mulberry32). */
function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const PIECES = ['access', 'token', 'jwt', 'Auth', 'header-', 'base64url', 'authorization', 'Access', 'TOKEN', 'bearer', 'Bearer', '.authorization.', 'Authorization.', '_', '-', '.', ',', ' ', '\t', '|', 'x', '1', 'eyJ', 'ew', 'chat', 'graphql-ws', 'k8s.io', 'AbCdEfGhIjKlMnOp', 'abcdefgh', '0123456', '%', '/', '=', 'api', 'Key', 'id', 'ID', 'refresh', 'session', 'X-Api-Key'];
function randomValue(r: () => number): string {
  let s = '';
  const n = 1 + Math.floor(r() * 10);
  for (let i = 0; i < n; i++) s += PIECES[Math.floor(r() * PIECES.length)]!;
  return s.trim();
}

describe('kong websocket guard: the Lua patterns read a subprotocol value as the shared regex does', () => {
  it('every refused row of the shared table is refused (400), every passed row passes', () => {
    for (const v of SUBPROTOCOL_REFUSED) expect(tokenIn(v), v).toBe(true);
    for (const v of SUBPROTOCOL_PASSED) expect(tokenIn(v), v).toBe(false);
  });

  it('600 random values from the regex pieces: Lua and the regex agree on each', () => {
    const r = rng(18);
    const differ: string[] = [];
    let refused = 0;
    for (let i = 0; i < 600; i++) {
      const v = randomValue(r);
      const lua = tokenIn(v);
      if (lua) refused++;
      if (lua !== REGEX.test(v)) differ.push(v);
    }
    expect(differ).toEqual([]);
    // Both sides exercised.
    expect(refused).toBeGreaterThan(50);
    expect(refused).toBeLessThan(550);
  });

  it('any -/_ spelling and case of the header name, and any line of it, is read; a route without the token check reads none', () => {
    const jwt = SUBPROTOCOL_REFUSED[0]!;
    for (const name of ['Sec-WebSocket-Protocol', 'sec_websocket_protocol', 'SEC_WEBSOCKET-PROTOCOL']) expect(run({ token: true }, [[name, `chat, ${jwt}`]]), name).toBe(400);
    expect(run({ token: true }, [['sec-websocket-protocol', 'chat'], ['sec-websocket-protocol', `access_token, ${jwt}`]])).toBe(400);
    expect(run({ token: false, origin: 'own' }, [['sec-websocket-protocol', `access_token, ${jwt}`]])).toBeUndefined();
  });
});

describe('kong websocket guard: an upgrade from another Origin', () => {
  const up = (origin: string | undefined, extra: Array<[string, string]> = []): Array<[string, string]> => [['host', 'api.test'], ['upgrade', 'websocket'], ...(origin === undefined ? [] : [['origin', origin] as [string, string]]), ...extra];

  it('CORS list: exactly one of the origins passes; any other is 403; no Origin and no Upgrade pass', () => {
    const g: WsGuard = { token: false, origin: ['https://app.test'] };
    expect(run(g, up('https://app.test'))).toBeUndefined();
    for (const o of ['https://evil.test', 'https://app.test.evil.test', 'null', 'https://app.test/', 'http://app.test', 'https://app.test:443', 'https://APP.test', '']) expect(run(g, up(o)), o).toBe(403);
    expect(run(g, up(undefined))).toBeUndefined();
    expect(run(g, [['origin', 'https://evil.test']])).toBeUndefined();
    expect(run(g, [['Upgrade', 'WebSocket'], ['Origin', 'https://evil.test']])).toBe(403);
    // A second Origin line: each is checked.
    expect(run(g, up('https://app.test', [['origin', 'https://evil.test']]))).toBe(403);
  });

  it("own origin: the Origin's scheme is the request's and its host[:port] the Host line's, case-blind; anything else is 403", () => {
    const g: WsGuard = { token: false, origin: 'own' };
    for (const o of ['https://api.test', 'https://API.Test', 'HTTPS://api.test']) expect(run(g, up(o)), o).toBeUndefined();
    // Another scheme is another origin (REV19: a network attacker's http page).
    for (const o of ['http://api.test', 'wss://api.test', 'ws://api.test', 'https://evil.test', 'https://api.test:8443', 'https://api.test.evil.test', 'https://evil.test/api.test', 'null', 'https://api.test/', 'https://x@api.test', 'api.test']) expect(run(g, up(o)), o).toBe(403);
    // A request made over http: its http origin only.
    expect(runHeaderChunk(wsGuardLua(g), up('http://api.test'), undefined, undefined, { scheme: 'http' }).exit).toBeUndefined();
    expect(runHeaderChunk(wsGuardLua(g), up('https://api.test'), undefined, undefined, { scheme: 'http' }).exit).toBe(403);
    expect(run(g, [['host', 'api.test:8443'], ['upgrade', 'websocket'], ['origin', 'https://api.test:8443']])).toBeUndefined();
    // NGX8: the scheme's default port written on one side only is the same origin; another port is not.
    const at = (host: string, o: string, scheme = 'https') => runHeaderChunk(wsGuardLua(g), [['host', host], ['upgrade', 'websocket'], ['origin', o]], undefined, undefined, { scheme }).exit;
    expect(at('api.test:443', 'https://api.test')).toBeUndefined();
    expect(at('api.test', 'https://api.test:443')).toBeUndefined();
    expect(at('API.test:443', 'https://api.TEST:443')).toBeUndefined();
    expect(at('[::1]:443', 'https://[::1]')).toBeUndefined();
    expect(at('api.test:80', 'http://api.test', 'http')).toBeUndefined();
    expect(at('api.test', 'http://api.test:80', 'http')).toBeUndefined();
    for (const [host, o, scheme] of [['api.test:80', 'https://api.test', 'https'], ['api.test', 'https://api.test:80', 'https'], ['api.test:443', 'http://api.test', 'http'], ['api.test:443', 'http://api.test:443', 'https'], ['api.test:8443', 'https://api.test', 'https'], ['api.test', 'https://api.test:4430', 'https'], ['api.test:443', 'https://api.test:443.evil', 'https']] as const) expect(at(host, o, scheme), `${scheme} ${host} ${o}`).toBe(403);
    // No Host line to compare with: refused.
    expect(run(g, [['upgrade', 'websocket'], ['origin', 'https://api.test']])).toBe(403);
    expect(run(g, up(undefined))).toBeUndefined();
  });
});

describe('kong websocket guard: gwc diff reads only gwc\'s text', () => {
  it('each guard reads back as itself; an edited chunk reads as none', () => {
    for (const g of [{ token: true }, { token: true, origin: 'own' as const }, { token: false, origin: ['https://a.test', 'https://b.test:8443'] }]) {
      const lua = wsGuardLua(g);
      expect(lua.startsWith(`${WS_GUARD_MARK}\n`)).toBe(true);
      expect(readWsGuard(lua)).toEqual(g);
      expect(readWsGuard(lua.replace('return kong.response.exit(403', 'return nil and kong.response.exit(403'))).toBeUndefined();
      expect(readWsGuard(lua.replace('local token_check = ', '-- x\nlocal token_check = '))).toBeUndefined();
    }
    // An origin added by hand: the text is gwc's for another list.
    const two = wsGuardLua({ token: false, origin: ['https://app.test'] }).replace('local origin_check = {', 'local origin_check = {["https://evil.test"] = true, ');
    expect(readWsGuard(two)).toBeUndefined();
  });

  it('user text reaches the Lua only as [A-Za-z0-9_] and \\ddd escapes', () => {
    const lua = wsGuardLua({ token: true, origin: ['https://a.test"]] os.exit() --', 'https://${{ env "X" }}'] });
    const line = /^local origin_check = .*$/m.exec(lua)![0];
    expect(line).toMatch(/^local origin_check = \{(\["(?:[A-Za-z0-9_]|\\\d{3})*"\] = true(, )?)+\}$/);
    expect(lua).not.toContain('${{');
  });
});
