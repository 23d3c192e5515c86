/**
 * `gwc diff` for Kong (DESIGN.md 7.3, 7.8): Lua added INSIDE one of gwc's marked chunks. The reader
 * (deployed-unread.ts) took any chunk starting with one of gwc's marks as gwc's and left it to the
 * chunk's own reader, which reads the names it removes (deployed-guards.ts): the kept-credentials
 * post-function line by line (`clear_header` lines), the query-spellings chunk by its `want` line. So
 * `kong.service.request.set_header('X-Consumer', 'admin')` written into one of them (the backend reads
 * gwc's identity header as the verified caller) read as no change at all.
 * Decision (KNG4): a marked chunk is gwc's only when its whole text is a gwc release, today's for the
 * parameters it names or an old one the readers know (the Kong chunk release fixtures,
 * test/security/fixtures/kong-*.lua); any other marked chunk is unread (`unread-changed`, security
 * either way), as Lua gwc did not write.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { compiledState, readerOf } from '../../src/diff/run.js';
import { diffStates } from '../../src/diff/plan.js';
import type { State } from '../../src/diff/entity.js';
import type { OutputFile } from '../../src/targets/output-file.js';
import { writeSpec } from '../helpers/spec.js';
import { judge } from './helpers/diff-coverage.js';

const ok = "{ '200': { description: ok } }";
/** Every chunk gwc writes on Kong: header family (every route), name readings, query spellings (/q), kept credentials (/or), jwt claims (/t), cache bypass (/c). */
const SPEC = `openapi: 3.1.0
info: { title: chunk bodies, version: "1" }
servers: [{ url: "https://api.test/v1" }]
x-gateway:
  name: cb
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  accept: { kong: [{ feature: auth.jwt, reason: chunk bodies }] }
  consumers:
    alice: { credentials: { qkey: "\${env:ALICE_Q}" } }
    bob: { credentials: { hkey: "\${env:BOB_H}" } }
paths:
  /q: { get: { operationId: q, security: [{ qkey: [] }], responses: ${ok} } }
  /or: { get: { operationId: or, security: [{ hkey: [] }, { tok: [] }], responses: ${ok} } }
  /t: { get: { operationId: t, security: [{ tok: [] }], responses: ${ok} } }
  /c: { get: { operationId: c, security: [{ hkey: [] }], x-gateway: { cache: { ttl: 60s } }, responses: ${ok} } }
  /p: { get: { operationId: p, security: [], x-gateway: { public: true }, responses: ${ok} } }
components:
  securitySchemes:
    qkey: { type: apiKey, in: query, name: api_key }
    hkey: { type: apiKey, in: header, name: X-Api-Key, x-gateway: { hideCredentials: false } }
    tok: { type: http, scheme: bearer, x-gateway: { header: X-Token, issuer: "https://id.test/", audiences: [shop], publicKeys: ["\${env:PK}"] } }
`;

type Plugin = { name: string; config: Record<string, unknown> };
type Doc = { plugins?: Plugin[]; services: Array<{ plugins?: Plugin[]; routes: Array<{ name: string; plugins?: Plugin[] }> }> };
const SET = "  kong.service.request.set_header('X-Consumer', 'admin')";
/** The first line of each of gwc's chunks (deployed-unread.ts MARKS, today's first lines). */
const MARKS = ['-- gwc: headers no client may send', '-- gwc: names a backend reads', '-- gwc: query pairs a backend reads', '-- gwc: credentials kept for the backend', '-- gwc: a bearer token whose nbf', "-- gwc: a credential this route does not verify"];

/** Every function plugin's access list in the file (route, service, global). */
const accessLists = (d: Doc): string[][] =>
  [...(d.plugins ?? []), ...d.services.flatMap((s) => [...(s.plugins ?? []), ...s.routes.flatMap((r) => r.plugins ?? [])])]
    .filter((p) => p.name === 'pre-function' || p.name === 'post-function')
    .map((p) => p.config.access as string[]);

describe('gwc diff (Kong): Lua added inside one of gwc\'s marked chunks', () => {
  let files: OutputFile[];
  let built: State;
  beforeAll(async () => {
    const r = await compiledState(writeSpec(SPEC), 'kong', {});
    if (!r.state) throw new Error(r.diagnostics.filter((x) => x.severity === "error").map((x) => `${x.code} ${x.message}`).join('\n'));
    files = r.state.files!;
    built = readerOf('kong').reader!.normalise(files, 'built').state!;
  }, 120_000);

  /** The build with `edit` applied to the first chunk starting with `mark`. */
  const edited = (mark: string, edit: (lua: string) => string) => {
    const d = parse(files[0]!.contents) as Doc;
    const list = accessLists(d).find((l) => l.some((c) => c.startsWith(mark)));
    if (!list) throw new Error(`no chunk ${mark}`);
    const i = list.findIndex((c) => c.startsWith(mark));
    list[i] = edit(list[i]!);
    return { at: mark, sig: mark, what: 'edit', files: [{ ...files[0]!, contents: stringify(d) }] };
  };
  const insideFunction = (lua: string) => lua.replace(/^return function\(\)$/m, `return function()\n${SET}`);

  it('control: the build read back is unchanged, and every chunk kind is in it', () => {
    expect(judge('kong', built, { at: 'same', sig: 'same', what: 'none', files }, [], []).result).toBe('unchanged');
    const all = accessLists(parse(files[0]!.contents) as Doc).flat();
    for (const m of MARKS) expect(all.some((c) => c.startsWith(m)), m).toBe(true);
  });

  for (const mark of MARKS) {
    it(`${mark}...: set_header('X-Consumer', 'admin') inside the returned function is unread-changed (security), both ways`, () => {
      const m = edited(mark, insideFunction);
      expect(m.files[0]!.contents).toContain("set_header('X-Consumer', 'admin')");
      const read = readerOf('kong').reader!.normalise(m.files, 'mutated').state!;
      const rules = (p: ReturnType<typeof diffStates>) => p.findings.filter((f) => f.class === 'security').map((f) => f.rule);
      expect(rules(diffStates(built, read))).toContain('unread-changed');
      expect(rules(diffStates(read, built))).toContain('unread-changed');
    });

    it(`${mark}...: the same line at the chunk's top level (run once per worker) is unread-changed too`, () => {
      const m = edited(mark, (lua) => lua.replace(/\n/, `\n${SET.trim()}\n`));
      expect(judge('kong', built, m, [], []).result).toBe('covered');
    });
  }

  it('an old release of a chunk (fixture kong-name-readings-v4-keyed.lua) is no unread text; the same with a line added is', async () => {
    const v4 = readFileSync(new URL('./fixtures/kong-name-readings-v4-keyed.lua', import.meta.url), 'utf8');
    const mark = '-- gwc: names a backend reads';
    const old = edited(mark, () => v4);
    const read = readerOf('kong').reader!.normalise(old.files, 'mutated').state!;
    expect(diffStates(built, read).findings.map((f) => f.rule)).not.toContain('unread-changed');
    const oldPlus = edited(mark, () => insideFunction(v4));
    const readPlus = readerOf('kong').reader!.normalise(oldPlus.files, 'mutated').state!;
    expect(diffStates(built, readPlus).findings.map((f) => f.rule)).toContain('unread-changed');
  });
});
