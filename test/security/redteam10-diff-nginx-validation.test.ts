/**
 * `gwc diff` on nginx and request validation (red team 10, closing13 "Still open" 4): a validated
 * route's public location dispatches to its validate location (`/_gwc_internal/c/N`, njs
 * validateRequest), which hands the request on to the route location in njs (the validation
 * module's CFG `next`). The reader took the validate location for the route and never reached the
 * route location: every weakening of a validated route (its rate limit, its backend) was a bare
 * field change, and the validation itself (the dispatch skipping it, a parameter made optional in
 * the module's CFG, the validators' code) was not read at all.
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
  name: ngv
  backends: { app: { url: http://app.internal:8080 } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { key: '\${env:ALICE_KEY}' } }
paths:
  /orders:
    post:
      operationId: createOrder
      security: [{ key: [] }]
      parameters: [{ name: X-Tenant, in: header, required: true, schema: { type: string } }]
      requestBody: { required: true, content: { application/json: { schema: { type: object, required: [sku], properties: { sku: { type: string } } } } } }
      x-gateway: { validate: true, rateLimit: { requests: 10, per: second, by: ip } }
      responses: ${ok}
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: x-api-key }
`;

const once = (text: string, from: RegExp | string, to: string) => {
  const next = text.replace(from, to);
  if (next === text) throw new Error(`no ${String(from)}`);
  return next;
};

function read(files: OutputFile[]): State {
  const r = readerOf('nginx').reader!.normalise(files, 'deployed');
  if (!r.state) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.state;
}

describe('red team 10, gwc diff nginx: validated routes', async () => {
  const r = await compiledState(writeSpec(SPEC), 'nginx', {});
  const files = r.state!.files!;
  const edit = (which: RegExp, change: (s: string) => string) => read(files.map((f) => (which.test(f.path) ? { ...f, contents: change(f.contents) } : f)));
  const built = read(files);
  const both = (mutated: State) => ({
    weaker: diffStates(built, mutated).findings.filter((f) => f.class === 'security').map((f) => `${f.rule} ${f.key}`),
    back: diffStates(mutated, built).findings.map((f) => `${f.rule} ${f.key}`),
  });

  it('the build reads as itself; the route is read from its route location (control)', () => {
    expect(diffStates(built, edit(/conf\.d\//, (s) => s)).changes).toEqual([]);
    const route = built.entities.find((e) => e.key === 'route createOrder');
    expect(route?.facts?.rateLimit).toBeDefined();
    expect(route?.facts?.validation?.length).toBeGreaterThan(0);
  });

  it("the route location's rate limit removed: rate-limit-raised", () => {
    const { weaker } = both(edit(/conf\.d\//, (s) => once(s, /\n\s*limit_req zone=[^;]*;/, '')));
    expect(weaker).toContain('rate-limit-raised route createOrder');
  });

  it('the public location sends the request straight to the route location (validation skipped): validation-weakened', () => {
    const { weaker, back } = both(edit(/conf\.d\//, (s) => once(s, /rewrite \^ \/_gwc_internal\/c\/(\d+) last;/, 'rewrite ^ /_gwc_internal/r/$1 last;')));
    expect(weaker).toContain('validation-weakened route createOrder');
    expect(back.some((f) => f.endsWith('route createOrder'))).toBe(true);
  });

  it("the module's CFG: the header parameter made optional: validation-weakened", () => {
    const { weaker } = both(edit(/\.validate\.js$/, (s) => once(s, /("name": "X-Tenant",\s*"required": )true/, '$1false')));
    expect(weaker).toContain('validation-weakened route createOrder');
  });

  it("the validators' code edited: validation-weakened", () => {
    const { weaker } = both(edit(/\.validate\.js$/, (s) => once(s, /"required"\s*:\s*\[\s*"sku"\s*\]|missingProperty/, 'missingPropertyX')));
    expect(weaker).toContain('validation-weakened route createOrder');
  });
});
