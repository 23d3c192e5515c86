/**
 * Traefik, query names a Go backend reads as a watched name when the non-ASCII letter Go folds is
 * sent with some of its UTF-8 bytes %XX-escaped and the others raw (`acce%C5` + raw 0xBF + `s_token`).
 *
 * Modelled on Go itself, not on the rule table:
 * - the backend: url.ParseQuery (net/url unescape, query mode: `+` a space, %XX a byte, every
 *   other byte copied as is, a bad escape skips the pair; a pair holding `;` is skipped since Go
 *   1.17), then strings.EqualFold against the name (runes by utf8.DecodeRuneInString, an invalid
 *   or overlong byte is (RuneError, 1); unicode.SimpleFold orbits: K k U+212A, S s U+017F; U+0130
 *   and U+0131 fold to nothing in Go);
 * - the gateway: the redirectRegex middleware runs Go's regexp over the raw RequestURI bytes
 *   (pkg/middlewares/redirect rawURL), whose input also steps by utf8.DecodeRuneInString: a raw
 *   byte that is no whole character is U+FFFD to it. `goRunes` turns the wire bytes into that
 *   reading, and the Traefik request oracle is sent it.
 * A request whose query Go reads as `access_token` beside a verified bearer token, or as the
 * verified header key's name, must never reach the backend.
 */
import { describe, expect, it } from 'vitest';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { queryNamesRedirect } from '../../src/targets/traefik/query-names.js';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { compileCase } from '../targets/traefik/cases.js';
import { send, type AuthCall, type AuthAnswer } from '../targets/traefik/traefik-oracle.js';

/** utf8.DecodeRune: a valid shortest-form character, or (RuneError, 1). */
function decodeRune(b: Uint8Array, i: number): [number, number] {
  const c = b[i]!;
  if (c < 0x80) return [c, 1];
  const need = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
  if (need < 0 || i + need > b.length - 1) return [0xfffd, 1];
  // The second byte's range depends on the first (no overlong, no surrogate, nothing past U+10FFFF).
  const lo = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
  const hi = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
  const b1 = b[i + 1]!;
  if (b1 < lo || b1 > hi) return [0xfffd, 1];
  let r = c & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07);
  r = (r << 6) | (b1 & 0x3f);
  for (let k = 2; k <= need; k++) {
    const x = b[i + k]!;
    if (x < 0x80 || x > 0xbf) return [0xfffd, 1];
    r = (r << 6) | (x & 0x3f);
  }
  return [r, need + 1];
}

/** The runes Go reads in bytes (invalid bytes as U+FFFD, one each). */
function runes(b: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < b.length; ) {
    const [r, n] = decodeRune(b, i);
    out.push(r);
    i += n;
  }
  return out;
}

/** The raw bytes as Go's regexp reads them, as a string. */
const goRunes = (b: Uint8Array) => String.fromCodePoint(...runes(b));

/** net/url unescape in query mode; undefined where Go refuses the escape. */
function unescapeQuery(b: Uint8Array): Uint8Array | undefined {
  const out: number[] = [];
  const hex = (x: number | undefined) => x !== undefined && /[0-9A-Fa-f]/.test(String.fromCharCode(x));
  for (let i = 0; i < b.length; i++) {
    if (b[i] === 0x25) {
      if (!hex(b[i + 1]) || !hex(b[i + 2])) return undefined;
      out.push(parseInt(String.fromCharCode(b[i + 1]!, b[i + 2]!), 16));
      i += 2;
    } else out.push(b[i] === 0x2b ? 0x20 : b[i]!);
  }
  return Uint8Array.from(out);
}

/** url.ParseQuery's keys (bytes), pairs it skips left out. */
function queryKeys(raw: Uint8Array): Uint8Array[] {
  const keys: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i <= raw.length; i++) {
    if (i < raw.length && raw[i] !== 0x26) continue;
    const pair = raw.subarray(start, i);
    start = i + 1;
    if (pair.length === 0 || pair.includes(0x3b)) continue;
    const eq = pair.indexOf(0x3d);
    const key = unescapeQuery(eq < 0 ? pair : pair.subarray(0, eq));
    if (key) keys.push(key);
  }
  return keys;
}

/** unicode.SimpleFold orbits of the ASCII letters that have a non-ASCII member (Go's caseOrbit). */
const ORBITS: number[][] = [
  [0x4b, 0x6b, 0x212a],
  [0x53, 0x73, 0x17f],
];
function sameFold(r: number, t: number): boolean {
  if (r === t) return true;
  const lower = (x: number) => (x >= 0x41 && x <= 0x5a ? x + 0x20 : x);
  if (r < 0x80 && t < 0x80) return lower(r) === lower(t);
  return ORBITS.some((o) => o.includes(r) && o.includes(t));
}
/** strings.EqualFold(bytes, name). */
function equalFold(b: Uint8Array, name: string): boolean {
  const a = runes(b);
  const t = [...name].map((c) => c.codePointAt(0)!);
  return a.length === t.length && a.every((r, i) => sameFold(r, t[i]!));
}

/** Whether a Go backend binding by EqualFold reads some key of the raw query as `name`. */
const goReads = (rawQuery: Uint8Array, name: string) => queryKeys(rawQuery).some((k) => equalFold(k, name));

const enc = (b: number) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
const bytesOf = (parts: Array<string | number>) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'number' ? [p] : [...Buffer.from(p, 'latin1')])));

/**
 * Every way to send `name` with `letter` in place of its `at`-th character: each UTF-8 byte of the
 * letter raw or %XX (lower- and upper-case hex), all 2^n mixtures (the wholly raw and wholly escaped
 * ones included), as wire bytes.
 */
function mixtures(name: string, at: number, letter: string): Array<{ label: string; bytes: Uint8Array }> {
  const lb = [...Buffer.from(letter, 'utf8')];
  const out: Array<{ label: string; bytes: Uint8Array }> = [];
  for (let mask = 0; mask < 1 << lb.length; mask++) {
    for (const lowerHex of [false, true]) {
      const parts = lb.map((b, i) => (mask & (1 << i) ? (lowerHex ? enc(b).toLowerCase() : enc(b)) : b));
      const label = `${name.slice(0, at)}${parts.map((p) => (typeof p === 'number' ? `<${p.toString(16)}>` : p)).join('')}${name.slice(at + 1)}`;
      out.push({ label, bytes: bytesOf([name.slice(0, at), ...parts, name.slice(at + 1)]) });
    }
  }
  return out;
}

const MIXED = [
  ...mixtures('access_token', 5, '\u017f'),
  ...mixtures('access_token', 4, '\u017f'),
  ...mixtures('access_token', 9, '\u212a'),
  ...mixtures('ACCESS_TOKEN', 9, '\u212a'),
  ...mixtures('x-api-key', 6, '\u212a'),
];
// Two letters at once, the one ending raw beside the other starting raw (0xBF then 0xC5).
const TWO = [
  { label: 'acce%C5<bf><c5>%BF_token', bytes: bytesOf(['acce%C5', 0xbf, 0xc5, '%BF_token']) },
  { label: 'acce<c5><bf><c5>%BF_to<e2><84>%AAen', bytes: bytesOf(['acce', 0xc5, 0xbf, 0xc5, '%BF_to', 0xe2, 0x84, '%AAen']) },
];

const ok = "{ '200': { description: ok } }";
const SPEC = `${HEAD}servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: mixed
  backends: { app: { url: http://app.internal:8080 } }
  defaults: { backend: app }
paths:
  /me:
    get: { security: [{ sso: [] }], responses: ${ok} }
  /keys:
    get: { security: [{ hkey: [] }], responses: ${ok} }
components:
  securitySchemes:
    sso: { type: http, scheme: bearer, x-gateway: { forwardAuth: { url: 'http://auth.internal:9000/check' } } }
    hkey: { type: apiKey, in: header, name: X-Api-Key, x-gateway: { forwardAuth: { url: 'http://keys.internal:9100/check' } } }
`;

describe('the Go model itself', () => {
  it('reads the mixed spellings as the name, overlong and dotless forms not', () => {
    expect(goReads(bytesOf(['acce%C5', 0xbf, 's_token=x']), 'access_token')).toBe(true);
    expect(goReads(bytesOf(['acce', 0xc5, '%bfs_token=x']), 'access_token')).toBe(true);
    expect(goReads(bytesOf(['a=1&access_to', 0xe2, 0x84, '%AAen=x']), 'access_token')).toBe(true);
    expect(goReads(bytesOf(['acce%C1%B3s_token=x']), 'access_token')).toBe(false);
    expect(goReads(bytesOf(['acce', 0xc1, 0xb3, 's_token=x']), 'access_token')).toBe(false);
    expect(goReads(bytesOf(['x-ap%C4%B1-key=x']), 'x-api-key')).toBe(false);
    expect(goReads(bytesOf(['acce%C5', 0xbf, 's_token=x;y=1']), 'access_token')).toBe(false);
    expect(goRunes(bytesOf(['%C5', 0xbf, 0xc5, 0xbf, 0xe2, 0x84, '%']))).toBe('%C5\ufffd\u017f\ufffd\ufffd%');
  });
});

describe('Traefik: a query name sent with a folded letter in mixed raw and escaped bytes', async () => {
  const { built } = await compileCase(writeSpec(SPEC));
  const config = built!.config as TraefikConfig;
  const env = {
    auth: {
      'http://auth.internal:9000/check': (call: AuthCall): AuthAnswer => ({ status: call.headers.get('Authorization') === 'Bearer good' ? 200 : 401 }),
      'http://keys.internal:9100/check': (call: AuthCall): AuthAnswer => ({ status: call.headers.get('X-Api-Key') === 'key-good' ? 200 : 401 }),
    },
  };
  const get = (path: string, query: Uint8Array, headers: Record<string, string>) =>
    send(config, { method: 'GET', host: 'api.example.com', target: `${path}?${goRunes(query)}`, headers, tls: true }, env);

  it.each([...MIXED, ...TWO].filter((m) => !m.label.includes('-')).map((m) => [m.label, m.bytes] as const))(
    '?%s=forged beside the verified bearer token never reaches the backend',
    (label, bytes) => {
      const query = bytesOf(['a=1&', ...bytes, '=forged']);
      expect(goReads(query, 'access_token'), `${label}: Go reads it as access_token`).toBe(true);
      const o = get('/v1/me', query, { Authorization: 'Bearer good' });
      expect(o.backend, `${label} reached the backend`).toBeUndefined();
      expect(o.status).toBe(302);
    },
  );

  it.each(MIXED.filter((m) => m.label.startsWith('x-')).map((m) => [m.label, m.bytes] as const))(
    '?%s=forged beside the verified header key never reaches the backend',
    (label, bytes) => {
      const query = bytesOf([...bytes, '=forged&a=1']);
      expect(goReads(query, 'x-api-key'), `${label}: Go reads it as x-api-key`).toBe(true);
      const o = get('/v1/keys', query, { 'X-Api-Key': 'key-good' });
      expect(o.backend, `${label} reached the backend`).toBeUndefined();
    },
  );

  it('controls: the names Go does not read as the watched one pass (escaped overlong, other letters); a lone raw byte in place of the letter is denied (the safe direction)', () => {
    for (const q of [bytesOf(['acce%C1%B3s_token=1']), bytesOf(['acce%C5%BEs_token=1']), bytesOf(['acce', 0xc5, 0xbe, 's_token=1']), bytesOf(['accesss_token=1'])]) {
      expect(goReads(q, 'access_token')).toBe(false);
      expect(get('/v1/me', q, { Authorization: 'Bearer good' }).backend, goRunes(q)).toBeDefined();
    }
    const overlong = bytesOf(['acce', 0xc1, 0xb3, 's_token=1']);
    expect(goReads(overlong, 'access_token')).toBe(false);
    expect(get('/v1/me', overlong, { Authorization: 'Bearer good' }).status).toBe(302);
  });

  it('the redirect regex matches each mixture in any place of the query, in its Go reading', () => {
    const re = new RegExp(queryNamesRedirect(['access_token', 'x-api-key']).regex);
    for (const m of [...MIXED, ...TWO]) {
      for (const q of [bytesOf([...m.bytes, '=1']), bytesOf(['a=1&', ...m.bytes]), bytesOf(['a=1&', ...m.bytes, '&b=2'])]) expect(re.test(`https://h/p?${goRunes(q)}`), m.label).toBe(true);
    }
  });
});
