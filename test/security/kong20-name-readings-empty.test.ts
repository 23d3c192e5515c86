/**
 * gwc diff knows the name-readings chunks of 1f2a45b..b4bb148 by SHA-256 less their set and
 * read-limit lines (deployed-guards.ts READINGS_V1). One text that renderer could make is not there:
 * the chunk watching nothing (no query name, no body name, no JSON key; 56150e33...), written for
 * 1f2a45b in test/security/fixtures/kong-name-readings-v1-empty.lua. It was never released: at
 * 1f2a45b, 63bfa5c, 4a915aa and b4bb148 (the only commits of that range that touched the chunk's
 * renderer or its inputs, 46b44f6 and 5cbfe57 aside: perf, same text) withNameReadings returned the
 * plugins unchanged when the route watched nothing (`git show <c>:src/targets/kong/name-readings.ts`),
 * as it does today. So no deployment holds it and it stays unknown: a deployed chunk with that text
 * is Lua gwc did not write (unread-changed), never a guard.
 */
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { gwcChunk } from '../../src/targets/kong/deployed-chunks.js';
import { readNameReadings } from '../../src/targets/kong/deployed-guards.js';
import { NAME_READINGS_MARK, withNameReadings } from '../../src/targets/kong/name-readings.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const SET_STRIP = /^local (?:watched|body_watched|json_watched) = \{.*\}\n/gm;
const hash = (lua: string) => createHash('sha256').update(lua.replace(SET_STRIP, '').replace(/^local read_limit = \d+\n/m, '')).digest('hex');

describe('kong name-readings: the empty-set text of 1f2a45b was never released, and is not read as one', () => {
  it('the fixture is that text (56150e33...), a chunk of the mark', () => {
    const empty = fixture('kong-name-readings-v1-empty.lua');
    expect(empty.startsWith(`${NAME_READINGS_MARK}\n`)).toBe(true);
    expect(hash(empty)).toBe('56150e3305779b88285349b8da271b25b583e272d015951b4417c834ae8a1a8c');
    expect(empty).toMatch(/^local watched = \{\}$/m);
  });

  it('gwc never wrote it: a route watching nothing gets no chunk (as at 1f2a45b..b4bb148)', () => {
    const plugins = [{ name: 'key-auth', config: {} }];
    expect(withNameReadings(plugins, { query: [], body: [], json: [], limit: 1048576 })).toBe(plugins);
  });

  it('so gwc diff reads it as no guard and as Lua gwc did not write; the released v1 texts still read as v1', () => {
    expect(readNameReadings(fixture('kong-name-readings-v1-empty.lua'))).toBeUndefined();
    expect(gwcChunk(fixture('kong-name-readings-v1-empty.lua'))).toBe(false);
    for (const name of ['kong-name-readings-v1-header.lua', 'kong-name-readings-v1-keyed.lua', 'kong-name-readings-v1-public.lua']) {
      expect(readNameReadings(fixture(name)), name).toBe('v1');
    }
  });
});
