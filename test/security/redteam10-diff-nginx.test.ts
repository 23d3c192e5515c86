/**
 * `gwc diff` on nginx (red team 10, closing13 "Still open" 4), hand edits of gwc's own output:
 * - `location ~` made `~*` (case-blind): the route now answers /V1/FILES/x too, a path a backend
 *   with case-blind routing (ASP.NET, IIS, Spring's `setUseCaseInsensitive...`) serves as
 *   /v1/files/x. The reader read `(?i)` into the route's paths, but samplePath read nothing of a
 *   `(?i)` expression, so no `route-widened`.
 * - The method dispatch `if` of a public location with a condition other than
 *   `$request_method = M`: `!= POST` was read as POST (the first `= M` in the text) while nginx
 *   sends every OTHER method to the route location; `~ ^(GET|DELETE)$` was read as the method `?`.
 *   Either must fail closed: read as every method (`route-widened`).
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
  name: ngx
  backends: { app: { url: http://app.internal:8080 } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { key: '\${env:ALICE_KEY}' } }
paths:
  /files/{name}:
    get: { operationId: getFile, security: [{ key: [] }], parameters: [{ name: name, in: path, required: true, schema: { type: string } }], responses: ${ok} }
  /orders:
    post: { operationId: createOrder, security: [{ key: [] }], responses: ${ok} }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: x-api-key }
`;

const once = (text: string, from: RegExp, to: string) => {
  const next = text.replace(from, to);
  if (next === text) throw new Error(`no ${String(from)}`);
  return next;
};

function read(files: OutputFile[]): State {
  const r = readerOf('nginx').reader!.normalise(files, 'deployed');
  if (!r.state) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.state;
}

describe('red team 10, gwc diff nginx: route matching read fail closed', async () => {
  const r = await compiledState(writeSpec(SPEC), 'nginx', {});
  const files = r.state!.files!;
  const edit = (change: (s: string) => string) => read(files.map((f) => (f.path.startsWith('conf.d/') ? { ...f, contents: change(f.contents) } : f)));
  const built = read(files);
  const both = (mutated: State) => ({
    weaker: diffStates(built, mutated).findings.filter((f) => f.class === 'security').map((f) => `${f.rule} ${f.key}`),
    back: diffStates(mutated, built).findings.map((f) => `${f.rule} ${f.key}`),
  });

  it('the build reads as itself (control)', () => {
    expect(diffStates(built, edit((s) => s)).changes).toEqual([]);
  });

  it('location ~ made ~* (case-blind): route-widened on the route', () => {
    const { weaker, back } = both(edit((s) => once(s, /location ~ "\^\/v1\/files\//, 'location ~* "^/v1/files/')));
    expect(weaker).toContain('route-widened route getFile');
    expect(back.some((f) => f.endsWith('route getFile'))).toBe(true);
  });

  it('the dispatch `if ($request_method = POST)` made `!= POST`: every other method reaches the route: route-widened', () => {
    const { weaker } = both(edit((s) => once(s, /if \(\$request_method = POST\)/, 'if ($request_method != POST)')));
    expect(weaker).toContain('route-widened route createOrder');
  });

  it('the dispatch made a regex over methods: read as every method (route-widened)', () => {
    const { weaker } = both(edit((s) => once(s, /if \(\$request_method = POST\)/, 'if ($request_method ~ ^(POST|DELETE)$)')));
    expect(weaker).toContain('route-widened route createOrder');
  });

  it('the dispatch on another variable: read as every method (route-widened)', () => {
    const { weaker } = both(edit((s) => once(s, /if \(\$request_method = POST\)/, 'if ($http_x_post)')));
    expect(weaker).toContain('route-widened route createOrder');
  });
});
