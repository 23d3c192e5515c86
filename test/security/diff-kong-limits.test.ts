/**
 * `gwc diff` on Kong and the header-family chunk's limit refusal (closing15 "Still open" 8): today's
 * chunk answers 431 / 414 to a request Kong's plugins read cut off (get_headers()/get_query() with
 * no limit report "truncated" past lua_max_req_headers / lua_max_uri_args: key-auth missed a second
 * `?api_key=` after pair 100 and PHP read it; f48ff69, test/security/kong-request-limits.test.ts).
 * The reader read the chunk of the release before (fixture kong-header-family-v2.lua: framing
 * refused, no limits) as the same names and the same framing guard, so a deployed route put back to
 * it compared equal. The refusal is a header guard now (`request-header-passed` when it goes). And
 * the chunk removed is one finding on a route, not two (its names, Facts.requestHeaders, and its
 * refusals, a header guard, were both request-header-passed: plan.ts oneEach).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { compiledState, readerOf } from '../../src/diff/run.js';
import { diffStates } from '../../src/diff/plan.js';
import type { State } from '../../src/diff/entity.js';
import type { OutputFile } from '../../src/targets/output-file.js';
import { HEADER_FAMILY_MARK, headerFamilyFraming, headerFamilyLimits, readHeaderFamily } from '../../src/targets/kong/header-family.js';
import { writeSpec } from '../helpers/spec.js';

const ok = "{ '200': { description: ok } }";
const SPEC = `openapi: 3.1.0
info: { title: t, version: "1" }
servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: kl
  backends: { app: { url: http://app.internal:8080 } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { key: '\${env:ALICE_KEY}' } }
paths:
  /orders:
    post: { operationId: createOrder, security: [{ key: [] }], responses: ${ok} }
  /status:
    get: { operationId: getStatus, x-gateway: { public: true }, responses: ${ok} }
components:
  securitySchemes:
    key: { type: apiKey, in: query, name: api_key, x-gateway: { hideCredentials: false } }
`;

type Route = Record<string, any>;
function read(files: OutputFile[]): State {
  const r = readerOf('kong').reader!.normalise(files, 'deployed');
  if (!r.state) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.state;
}

/** The release before's chunk (the fixture) for the names today's chunk `lua` removes. */
function previousChunk(lua: string): string {
  const fixture = readFileSync(new URL('./fixtures/kong-header-family-v2.lua', import.meta.url), 'utf8');
  const words = (code: string) => /string\.gmatch\('([^']*)'/.exec(code)![1]!;
  return fixture.replace(words(fixture), () => words(lua));
}

describe('gwc diff Kong: the header-family chunk refusing a request the plugins read cut off', async () => {
  const r = await compiledState(writeSpec(SPEC), 'kong', {});
  const files = r.state!.files!;
  const built = read(files);
  /** Each route's header-family chunk passed through `change` (undefined: dropped). */
  const edit = (change: (lua: string) => string | undefined) =>
    read(files.map((f, i) => {
      if (i !== 0) return f;
      const doc = parse(f.contents);
      let seen = 0;
      const visit = (plugins: Route[] | undefined) => {
        for (const p of plugins ?? []) {
          if (p.name !== 'pre-function') continue;
          p.config.access = p.config.access.flatMap((c: string) => (c.startsWith(HEADER_FAMILY_MARK) ? (seen++, change(c) ?? []) : [c]));
        }
      };
      for (const s of doc.services ?? []) {
        visit(s.plugins);
        for (const route of s.routes ?? []) visit(route.plugins);
      }
      if (seen === 0) throw new Error('no header-family chunk');
      return { ...f, contents: stringify(doc) };
    }));
  const both = (mutated: State) => ({
    weaker: diffStates(built, mutated).findings.filter((f) => f.class === 'security').map((f) => `${f.rule} ${f.key}`),
    back: diffStates(mutated, built).findings.map((f) => `${f.rule}${f.undoes ? ` undoes ${f.undoes}` : ''} ${f.key}`),
  });

  it('control: the build reads as itself; the fixture rewritten for these names is gwc\'s, with framing, without limits', () => {
    expect(diffStates(built, edit((c) => c)).changes).toEqual([]);
    edit((c) => {
      const prev = previousChunk(c);
      expect(readHeaderFamily(prev)).toEqual(readHeaderFamily(c));
      expect([headerFamilyFraming(prev), headerFamilyLimits(prev)]).toEqual([true, false]);
      expect(headerFamilyLimits(c)).toBe(true);
      return c;
    });
  });

  it("the chunk put back to the release before's text (same names, framing, no limits): request-header-passed on every route, tightened back", () => {
    const { weaker, back } = both(edit(previousChunk));
    expect(weaker).toEqual(['request-header-passed kl.createorder', 'request-header-passed kl.getstatus']);
    expect(back).toContain('tightened undoes request-header-passed kl.createorder');
  });

  it('the chunk removed: one request-header-passed per route (names and refusals in one finding), one tightened back', () => {
    const mutated = edit(() => undefined);
    const { weaker, back } = both(mutated);
    expect(weaker).toEqual(['request-header-passed kl.createorder', 'request-header-passed kl.getstatus']);
    expect(back.filter((f) => f.endsWith('kl.createorder'))).toEqual(['tightened undoes request-header-passed kl.createorder']);
    const f = diffStates(built, mutated).findings.find((x) => x.key === 'kl.createorder')!;
    expect(f.old).toContain('x_consumer');
    expect(f.old).toContain('refused 431/414');
  });
});
