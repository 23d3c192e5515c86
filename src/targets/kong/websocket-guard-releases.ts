/**
 * The websocket guard chunk's earlier releases (websocket-guard.ts), known by hash of the text less
 * its two parameter lines (`local token_check`, `local origin_check`), which must be today's lines
 * for the guard they name: a Kong still running one reads as that release's checks, not as the
 * guard gone (gwc diff; deployed-guards.ts says which checks each release made).
 * - 1: 0cc9869d (red team 18): the own-origin check compared host[:port] only (an http:// page of
 *   an https route passed); the token shapes read no padded base64 JWT and no marker element.
 * - 2: a3b8555f: the scheme compared too; tokens as 1.
 * - 3: 1495ab9b..d875111a: padded base64 JWTs read as tokens; no marker element (authorization,
 *   auth, token, jwt) nor AppSync header-/base64url carrier (68d8c453, NGX8).
 * - 4: 68d8c453..(KN21): markers, carriers; and the scheme's default port on either side of
 *   the own-origin check, which only lets more legitimate pages through: no older release is
 *   weaker for lacking it. Credential words: access token and bearer only.
 * - 5: today's text (KN21: every WORD_MARKERS word, `id_token`, `api_key`, `x-api-key`, ...; the
 *   text without the token check is 4's).
 * Each rendered at its commit, token and no token (fixtures test/security/fixtures/kong-ws-guard-v*.lua).
 */
import { createHash } from 'node:crypto';
import { readWsGuard, WS_GUARD_MARK, wsGuardLua, type WsGuard } from './websocket-guard.js';

export type WsGuardRelease = 1 | 2 | 3 | 4 | 5;

/** SHA-256 of each release's text less its two parameter lines: [with the token check, without]. */
const RELEASES: ReadonlyArray<readonly [WsGuardRelease, string, string]> = [
  [1, '14ac0ad17252739990eece7738da3246a439208bdda744c50a284a02855140f2', '922143d94bfbcc7b6d363efae7545f47cb804049229218eaac1b003cee13fe81'],
  [2, 'a605daad024ada38805b1b57c2057db8c872feff6e0e1875c52f3db3653ae4d1', '43b75e73d90c5a7a530dc8c3f2d4218c3f0ebeb254d5cc85c66789f9d6a323ab'],
  [3, '04c3c3bd668772c4ba57688e77b671e2ea14e2fd00daa71f9158cfcc5c792534', '43b75e73d90c5a7a530dc8c3f2d4218c3f0ebeb254d5cc85c66789f9d6a323ab'],
  [4, 'ef877acdc99238949cf5a572a64f3741f6fd92d5b9bf5ea513a1167dca3348d2', 'aa505426602764ae4b09001eb399de91cbb326129fecba6b072b133583d50758'],
];

const TOKEN_LINE = /^local token_check = .*\n/m;
const ORIGIN_LINE = /^local origin_check = .*\n/m;

const read = new Map<string, { guard: WsGuard; release: WsGuardRelease } | undefined>();

/** The guard a deployed chunk makes and its release (5: today's text), else undefined (not gwc's). Memoised. */
export function readWsGuardRelease(lua: string): { guard: WsGuard; release: WsGuardRelease } | undefined {
  if (read.has(lua)) return read.get(lua);
  let out: { guard: WsGuard; release: WsGuardRelease } | undefined;
  const today = readWsGuard(lua);
  if (today) out = { guard: today, release: 5 };
  else if (lua.startsWith(`${WS_GUARD_MARK}\n`)) {
    const t = TOKEN_LINE.exec(lua)?.[0];
    const o = ORIGIN_LINE.exec(lua)?.[0];
    // The parameter lines are read back through today's chunk for them: exactly its two lines, or not gwc's.
    const token = t === 'local token_check = true\n';
    const guard = t && o ? readWsGuard(wsGuardLua({ token }).replace(`local token_check = ${token}\nlocal origin_check = false\n`, `${t}${o}`)) : undefined;
    if (guard) {
      const ours = wsGuardLua(guard);
      const same = TOKEN_LINE.exec(ours)?.[0] === t && ORIGIN_LINE.exec(ours)?.[0] === o;
      const hash = createHash('sha256').update(lua.replace(TOKEN_LINE, '').replace(ORIGIN_LINE, '')).digest('hex');
      // The newest release of that text (2 and 3 wrote one text without the token check; 4's is today's).
      const r = same ? [...RELEASES].reverse().find(([, tok, none]) => hash === (guard.token ? tok : none)) : undefined;
      if (r) out = { guard, release: r[0] };
    }
  }
  if (read.size >= 1000) read.clear();
  read.set(lua, out);
  return out;
}
