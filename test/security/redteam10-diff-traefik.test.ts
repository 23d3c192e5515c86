/**
 * `gwc diff` on Traefik (red team 10, closing13 "Still open" 4): a router rule with two Method()
 * operands ANDed was read as answering any method (a false `route-widened`): a request has one
 * method, so the router answers the methods both name, and none when they share none.
 */
import { describe, expect, it } from 'vitest';
import { compiledState, readerOf } from '../../src/diff/run.js';
import { diffStates } from '../../src/diff/plan.js';
import type { State } from '../../src/diff/entity.js';
import type { OutputFile } from '../../src/targets/output-file.js';
import { writeSpec } from '../helpers/spec.js';

const ok = "{ '200': { description: ok } }";
const SPEC = `openapi: 3.1.0
info: { title: t, version: "1" }
servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: trf
  backends: { app: { url: http://app.internal:8080 } }
  defaults: { backend: app }
paths:
  /orders:
    post: { operationId: createOrder, security: [{ fwd: [] }], responses: ${ok} }
components:
  securitySchemes:
    fwd: { type: http, scheme: bearer, x-gateway: { forwardAuth: { url: 'https://auth.internal/check' } } }
`;

const once = (text: string, from: RegExp, to: string) => {
  const next = text.replace(from, to);
  if (next === text) throw new Error(`no ${String(from)}`);
  return next;
};

function read(files: OutputFile[]): State {
  const r = readerOf('traefik').reader!.normalise(files, 'deployed');
  if (!r.state) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.state;
}

describe('red team 10, gwc diff Traefik: Method() operands', async () => {
  const r = await compiledState(writeSpec(SPEC), 'traefik', {});
  const files = r.state!.files!;
  const edit = (change: (s: string) => string) => read(files.map((f, i) => (i === 0 ? { ...f, contents: change(f.contents) } : f)));
  const built = read(files);
  const security = (mutated: State) => diffStates(built, mutated).findings.filter((f) => f.class === 'security').map((f) => `${f.rule} ${f.key}`);

  it('the rule says Method(`POST`) (control)', () => {
    expect(files[0]!.contents).toMatch(/Method\(`POST`\)/);
  });

  it('Method(`POST`) && Method(`POST`): the same method, no finding (was route-widened)', () => {
    expect(security(edit((s) => once(s, /Method\(`POST`\)/, 'Method(`POST`) && Method(`POST`)')))).toEqual([]);
  });

  it('Method(`POST`) && Method(`DELETE`): the router answers nothing, no security finding', () => {
    expect(security(edit((s) => once(s, /Method\(`POST`\)/, 'Method(`POST`) && Method(`DELETE`)')))).toEqual([]);
  });

  it('Method(`POST`) || Method(`DELETE`) in a group: still any method (fail closed, route-widened)', () => {
    expect(security(edit((s) => once(s, /Method\(`POST`\)/, '(Method(`POST`) || Method(`DELETE`))'))).some((f) => f.startsWith('route-widened'))).toBe(true);
  });
});
