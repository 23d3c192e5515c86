/**
 * gwc diff, Kong (DIFF19): the chunks of the releases before the ones deployed-chunks.ts knew read
 * as unread-changed (fail-safe, but every Kong deployed by them was a security finding on upgrade).
 * Recovered with `git show <rev>:src/targets/kong/...` and rendered at their revision:
 * - query spellings (query-spellings-releases.ts): f2b2c26..bbcca59 (no array form, fixture v0a),
 *   0de71cd (array form, v0b), 08562f9..2d02427 (a name cut at NUL, v0c), 888fe7a..7b15f9b
 *   (non-ASCII folding, v1); each reads the guards it makes, a subset of the next release's;
 * - name readings: c5c4caf..0c38272 (the first release; the body-only set since fee7fdb), read as
 *   v1 is, without a read-limit guard (it had no limit line: a body buffered to a file passed unread).
 * REV18: a release known by the hash of its text without its `local want, exact` line took a
 * hand-edited `want` as gwc's: the chunk then strips another name's spellings and leaves the key's.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { kongGuards, readNameReadings } from '../../src/targets/kong/deployed-guards.js';
import { gwcChunk } from '../../src/targets/kong/deployed-chunks.js';
import { querySpellingsRelease } from '../../src/targets/kong/query-spellings-releases.js';
import { querySpellingsLua } from '../../src/targets/kong/query-spellings.js';
import { nameReadingsLua } from '../../src/targets/kong/name-readings.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const guards = (lua: string) => {
  const g = kongGuards(new Map([['pre-function', { config: { access: [lua] } }]]));
  return [...(g.credential ?? []), ...(g.method ?? [])];
};
const sets = (lua: string, name: string) => [...(new RegExp(`^local ${name} = \\{(.*)\\}$`, 'm').exec(lua)?.[1] ?? '').matchAll(/\["([^"]*)"\]/g)].map((m) => m[1]!);

describe('gwc diff, Kong: query-spellings releases before 888fe7a', () => {
  const releases = [['v0a', 'first'], ['v0b', 'array'], ['v0c', 'nul'], ['v1', 'fold']] as const;

  it.each(releases)('fixture kong-query-spellings-%s.lua is release %s, gwc\'s for any key name', (file, release) => {
    const old = fixture(`kong-query-spellings-${file}.lua`);
    expect(querySpellingsRelease(old)).toBe(release);
    expect(gwcChunk(old)).toBe(true);
    const other = old.replace(/^local want, exact = .*$/m, querySpellingsLua('X-Token').split('\n')[1]!);
    expect(querySpellingsRelease(other)).toBe(release);
    expect(gwcChunk(old.replace('return function()', "return function()\n  kong.service.request.set_header('X-Consumer', 'admin')"))).toBe(false);
  });

  it('each release reads as a subset of the next one\'s guards, today\'s the most; one guard more each time', () => {
    const chain = [...releases.map(([f]) => fixture(`kong-query-spellings-${f}.lua`)), querySpellingsLua('api_key')].map(guards);
    for (let i = 1; i < chain.length; i++) {
      expect(chain[i - 1]!.filter((g) => !chain[i]!.includes(g))).toEqual([]);
      expect(chain[i]!.length).toBe(chain[i - 1]!.length + 1);
    }
    expect(chain[0]).toEqual(['query: spellings of api_key a backend reads as the key removed (pre-function)']);
  });

  it.each(releases)('REV18: release %s with its want line edited (another name\'s reading, the exact name kept) is not gwc\'s and reads as the base guard only', (file) => {
    const old = fixture(`kong-query-spellings-${file}.lua`);
    for (const want of ['"nothing"', '"api\\095key\\095x"', '"API_KEY"']) {
      const edited = old.replace(/^local want, exact = "[^"]*", /m, `local want, exact = ${want}, `);
      expect(edited).not.toBe(old);
      expect(querySpellingsRelease(edited), want).toBeUndefined();
      expect(gwcChunk(edited), want).toBe(false);
      expect(guards(edited)).toEqual(['query: spellings of api_key a backend reads as the key removed (pre-function)']);
    }
  });

  it('REV18: today\'s text with its want edited is not today\'s and matches no release either', () => {
    const today = querySpellingsLua('api_key');
    const edited = today.replace(/^local want, exact = "api_key", /m, 'local want, exact = "other", ');
    expect(querySpellingsRelease(today)).toBe('current');
    expect(querySpellingsRelease(edited)).toBeUndefined();
    expect(gwcChunk(edited)).toBe(false);
  });
});

describe('gwc diff, Kong: the first name-readings release (c5c4caf..0c38272)', () => {
  it.each(['keyed', 'body'])('fixture kong-name-readings-v0-%s.lua is v0, gwc\'s; today\'s for its sets reads its guards and more (the read limit); an edit is none', (v) => {
    const old = fixture(`kong-name-readings-v0-${v}.lua`);
    expect(readNameReadings(old)).toBe('v0');
    expect(gwcChunk(old)).toBe(true);
    const today = nameReadingsLua(sets(old, 'watched'), sets(old, 'body_watched'), 1048576, []);
    expect(readNameReadings(today)).toBe('current');
    expect(guards(old).filter((g) => !guards(today).includes(g))).toEqual([]);
    expect(guards(today).filter((g) => /client_body_buffer_size/.test(g)).length).toBeGreaterThan(0);
    expect(guards(old).filter((g) => /client_body_buffer_size/.test(g))).toEqual([]);
    expect(guards(old).length).toBeGreaterThan(0);
    const edited = old.replace('return function()', "return function()\n  kong.service.request.set_header('X-Consumer', 'admin')");
    expect(edited).not.toBe(old);
    expect(readNameReadings(edited)).toBeUndefined();
    expect(gwcChunk(edited)).toBe(false);
  });
});
