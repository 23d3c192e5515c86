/**
 * `gwc diff` on Kong (red team 10, closing13 "Still open" 4): route matching fields the deployed
 * reader never reviewed.
 * - The expressions router (`router_flavor = expressions`): a route's `expression`
 *   (https://docs.konghq.com/gateway/latest/reference/expressions-language/) decides what it
 *   answers; the reader read only `paths`/`methods`/`hosts`, so a route given an expression wider
 *   than its paths read as unchanged. An expression the reader cannot read answers every path,
 *   method and host (fail closed); one it reads (`http.path == / ^= / ~`, `http.method ==`,
 *   `http.host ==`, joined by `&&`) as what it says.
 * - Wildcard hosts (`*.example.com`, https://docs.konghq.com/gateway/latest/key-concepts/routes/#wildcard-hostnames):
 *   the precedence check read a route's hosts as literal names, so a public route on
 *   `*.example.com` ranked above the keyed route never took `api.example.com` in the model.
 */
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
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
  name: kx
  backends: { app: { url: http://app.internal:8080 } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { key: '\${env:ALICE_KEY}' } }
paths:
  /orders:
    post: { operationId: createOrder, security: [{ key: [] }], responses: ${ok} }
  /files/secret:
    get: { operationId: getSecret, security: [{ key: [] }], responses: ${ok} }
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

describe('red team 10, gwc diff Kong: expressions and wildcard hosts', async () => {
  const r = await compiledState(writeSpec(SPEC), 'kong', {});
  const files = r.state!.files!;
  const edit = (name: string, change: (route: Route) => void) =>
    read(files.map((f, i) => {
      if (i !== 0) return f;
      const doc = parse(f.contents);
      const route = doc.services.flatMap((s: any) => s.routes ?? []).find((x: Route) => x.name === name);
      if (!route) throw new Error(`no route ${name}`);
      change(route);
      return { ...f, contents: stringify(doc) };
    }));
  const built = read(files);
  const security = (mutated: State) => diffStates(built, mutated).findings.filter((f) => f.class === 'security').map((f) => `${f.rule} ${f.key}`);

  it('an unreadable expression in place of the paths: every path and method (route-widened)', () => {
    expect(security(edit('kx.createorder', (x) => { delete x.paths; delete x.methods; x.expression = 'lower(http.path) ^= "/v1/"'; }))).toContain('route-widened kx.createorder');
  });

  it('an expression wider than the paths (a prefix), beside them: route-widened', () => {
    expect(security(edit('kx.createorder', (x) => { x.expression = 'http.path ^= "/v1/" && http.method == "POST"'; }))).toContain('route-widened kx.createorder');
  });

  it('an expression answering every method: route-widened', () => {
    expect(security(edit('kx.createorder', (x) => { delete x.paths; delete x.methods; x.expression = 'http.path == "/v1/orders" && http.host == "api.example.com"'; }))).toContain('route-widened kx.createorder');
  });

  it('the public route given an expression over every path outranks the keyed one: auth-removed on it', () => {
    const found = security(edit('kx.getstatus', (x) => { delete x.paths; x.expression = 'http.path ^= "/v1/"'; x.priority = 100; }));
    expect(found).toContain('auth-removed kx.getsecret');
  });

  it('an expression saying exactly what the paths said: no route-widened (control)', () => {
    const found = security(edit('kx.createorder', (x) => { delete x.paths; delete x.methods; delete x.hosts; x.expression = 'http.path ~ "^/v1/orders$" && http.method == "POST" && http.host == "api.example.com"'; }));
    expect(found.filter((f) => f.startsWith('route-widened') || f.startsWith('host-widened'))).toEqual([]);
  });

  it('hosts made a wildcard: host-widened', () => {
    expect(security(edit('kx.createorder', (x) => { x.hosts = ['*.example.com']; }))).toContain('host-widened kx.createorder');
  });

  it('the public route on a wildcard host with one more matching field (a header any client sends), its path a regex over /v1/files/: auth-removed on the keyed route', () => {
    const found = security(edit('kx.getstatus', (x) => { x.hosts = ['*.example.com']; x.paths = ['~/v1/files/[^/]+$']; x.methods = ['GET']; x.headers = { 'x-any': ['1'] }; }));
    expect(found).toContain('auth-removed kx.getsecret');
  });

  it('the same on a wildcard host without the extra field: the keyed route on its plain host still ranks first (transform.lua PLAIN_HOST_ONLY_BIT), whatever regex_priority says (control)', () => {
    const found = security(edit('kx.getstatus', (x) => { x.hosts = ['*.example.com']; x.paths = ['~/v1/files/[^/]+$']; x.regex_priority = 100; x.methods = ['GET']; }));
    expect(found.filter((f) => f.startsWith('auth-removed'))).toEqual([]);
  });
});
