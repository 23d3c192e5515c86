/**
 * `gwc diff` on Kong and the header-family chunk's framing refusal (closing14 "Still open" 6):
 * today's chunk refuses (400) a header line that reads as Transfer-Encoding or Content-Length and
 * holds `_` (header-family.ts; a CGI-style backend frames the body by it: smuggling on the kept-alive
 * upstream connection, test/security/kong-framing-spellings.test.ts). The reader read the chunk for
 * the names it removes only, and the previous release's chunk (no framing check) reads as the same
 * names: a deployed route whose chunk was put back to that text compared equal. The refusal is a
 * header guard now (`request-header-passed` when it goes).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { compiledState, readerOf } from '../../src/diff/run.js';
import { diffStates } from '../../src/diff/plan.js';
import type { State } from '../../src/diff/entity.js';
import type { OutputFile } from '../../src/targets/output-file.js';
import { HEADER_FAMILY_MARK, readHeaderFamily } from '../../src/targets/kong/header-family.js';
import { writeSpec } from '../helpers/spec.js';

const ok = "{ '200': { description: ok } }";
const SPEC = `openapi: 3.1.0
info: { title: t, version: "1" }
servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: kf
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
    key: { type: apiKey, in: header, name: x-api-key }
`;

type Route = Record<string, any>;
function read(files: OutputFile[]): State {
  const r = readerOf('kong').reader!.normalise(files, 'deployed');
  if (!r.state) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.state;
}

/** The previous release's chunk (the fixture) for the names today's chunk `lua` removes, as gwc wrote it. */
function previousChunk(lua: string): string {
  const fixture = readFileSync(new URL('./fixtures/kong-header-family-v1.lua', import.meta.url), 'utf8');
  const words = (code: string) => /string\.gmatch\('([^']*)'/.exec(code)![1]!;
  return fixture.replace(words(fixture), () => words(lua));
}

describe('gwc diff Kong: the header-family chunk refusing `_` framing headers', async () => {
  const r = await compiledState(writeSpec(SPEC), 'kong', {});
  const files = r.state!.files!;
  const built = read(files);
  /** Each route's header-family chunk passed through `change`. */
  const edit = (change: (lua: string) => string) =>
    read(files.map((f, i) => {
      if (i !== 0) return f;
      const doc = parse(f.contents);
      let seen = 0;
      for (const route of doc.services.flatMap((s: any) => s.routes ?? []) as Route[]) {
        for (const p of route.plugins ?? []) {
          if (p.name !== 'pre-function') continue;
          p.config.access = p.config.access.map((c: string) => (c.startsWith(HEADER_FAMILY_MARK) ? (seen++, change(c)) : c));
        }
      }
      if (seen === 0) throw new Error('no header-family chunk');
      return { ...f, contents: stringify(doc) };
    }));
  const both = (mutated: State) => ({
    weaker: diffStates(built, mutated).findings.filter((f) => f.class === 'security').map((f) => `${f.rule} ${f.key}`),
    back: diffStates(mutated, built).findings.map((f) => `${f.rule}${f.undoes ? ` undoes ${f.undoes}` : ''} ${f.key}`),
  });

  it('control: the build reads as itself', () => {
    expect(diffStates(built, edit((c) => c)).changes).toEqual([]);
  });

  it("the chunk put back to the previous release's text (same names, no framing refusal): request-header-passed on every route", () => {
    const mutated = edit((c) => {
      const names = readHeaderFamily(c)!;
      const prev = previousChunk(c);
      // The fixture rewritten for these names still reads as them (the reader takes it as gwc's).
      expect(readHeaderFamily(prev)).toEqual(names);
      return prev;
    });
    const { weaker, back } = both(mutated);
    expect(weaker).toContain('request-header-passed kf.createorder');
    expect(weaker).toContain('request-header-passed kf.getstatus');
    expect(back).toContain('tightened undoes request-header-passed kf.createorder');
  });

  it('the framing line cut out of the chunk: not gwc\'s chunk, its names and the refusal gone (request-header-passed)', () => {
    const { weaker } = both(edit((c) => c.replace(/\n.*transfer_encoding.*\n/, '\n')));
    expect(weaker).toContain('request-header-passed kf.createorder');
  });
});
