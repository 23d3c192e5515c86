/**
 * RT19 left (closing note item 10), DIFF20: with `mode=include` and every route hosted, gwc writes
 * one server block per host and no host-less `default_server` (the operator's nginx owns the
 * address). Without a default server of the operator's, nginx takes the first server block of the
 * address as its default (https://nginx.org/en/docs/http/request_processing.html), possibly gwc's:
 * its routes then answer a request naming any Host. A DNS rebinding (an attacker's page whose own
 * name is pointed at the gateway) sends `Host: <attacker's name>` from the victim's browser, i.e.
 * from the victim's network address: an IP-restricted route answers it.
 * The contract (nginx README "Include mode"): the operator keeps a catch-all default_server; a
 * build with an IP-restricted route warns (nginx-no-default-server, at the IP rule's line, lint
 * alike) unless the operator says it owns the default (`--option defaultServer=false`); full mode
 * (gwc writes the default_server) or a spec naming no host (one host-less server) needs nothing. A
 * relative server URL on one path keeps the document's hosts (model publicScope): no route of a
 * hosted spec is host-less.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTarget } from '../../src/api.js';
import { lint } from '../../src/lint/index.js';
import { writeSpec } from '../helpers/spec.js';
import { HOST, NGINX, startPolicyLab, type PolicyLab } from './helpers/nginx-policies.js';

const ok = '{ "200": { description: ok } }';
const spec = (hostless = false) => `openapi: 3.1.0
info: { title: include default server, version: "1" }
servers: [{ url: "${hostless ? '' : `https://${HOST}`}/v1" }]
x-gateway:
  name: d20s
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
paths:
  /pub: { get: { operationId: pub, x-gateway: { public: true }, responses: ${ok} } }
  /office:
    get:
      operationId: office
      x-gateway: { public: true, ipAllow: [127.0.0.0/8] }
      responses: ${ok}
`;

type D = { severity: string; code: string; params?: unknown; loc?: { pointer?: string }; position?: { line: number; column: number } };
/** The warning, as the build reports it or lint relays it (target-compile naming the code). */
const at = (ds: D[]) =>
  ds.filter((d) => d.code === 'nginx-no-default-server' || (d.params as { code?: string } | undefined)?.code === 'nginx-no-default-server').map((d) => `${d.severity} ${d.loc?.pointer} ${d.position?.line}:${d.position?.column}`);
const diagnostics = async (text: string, options: Record<string, string>) => at((await buildTarget(writeSpec(text), { target: 'nginx', options })).diagnostics);

describe('nginx include mode, every route hosted: no default server of gwc', () => {
  it('the build warns at the IP rule (nginx-no-default-server)', async () => {
    const text = '      x-gateway: { public: true, ipAllow: [127.0.0.0/8] }';
    const line = spec().split('\n').indexOf(text) + 1;
    expect(await diagnostics(spec(), { mode: 'include' })).toEqual([`warn /paths/~1office/get/x-gateway/ipAllow ${line}:${text.indexOf('ipAllow') + 1}`]);
  });
  it('defaultServer=false (the operator owns the default), full mode, a spec naming no host (gwc writes the default_server): no warning', async () => {
    expect(await diagnostics(spec(), { mode: 'include', defaultServer: 'false' })).toEqual([]);
    expect(await diagnostics(spec(), { mode: 'full' })).toEqual([]);
    expect(await diagnostics(spec(true), { mode: 'include' })).toEqual([]);
  });
  it('lint --target nginx reports it at the same line', async () => {
    const file = writeSpec(spec());
    expect(at((await lint(file, { target: 'nginx' })).diagnostics)).toEqual(at((await buildTarget(file, { target: 'nginx' })).diagnostics));
    expect(at((await lint(file, { target: 'nginx' })).diagnostics).length).toBe(1);
  });
});

/** The full-mode build's host-less default server taken out: what include mode writes, in an nginx with no default of its own. */
const includeOnly = (conf: string): string => {
  const out = conf.replace(/\nserver \{\n {4}listen [^\n]*default_server;[\s\S]*?\n\}\n/, '\n');
  if (out === conf) throw new Error('no default server block');
  return out;
};

describe.skipIf(!NGINX)('nginx (real traffic): the operator\'s default_server is what keeps another Host off gwc\'s routes', () => {
  let bare: PolicyLab;
  let owned: PolicyLab;
  beforeAll(async () => {
    bare = await startPolicyLab(spec(), { confEdit: includeOnly });
    owned = await startPolicyLab(spec(), { confEdit: includeOnly, confAppend: (listen) => `server {\n    listen ${listen} default_server;\n    return 444;\n}` });
  });
  afterAll(async () => {
    await bare?.stop();
    await owned?.stop();
  });

  it('control: the named Host reaches the office route from an office address', async () => {
    expect((await bare.call('GET', '/v1/office')).r.status).toBe(200);
    expect((await owned.call('GET', '/v1/office')).r.status).toBe(200);
  });
  it('no default server: a rebound name (Host: rebind.attacker.test) reaches the office route (why gwc warns)', async () => {
    const { r, hits } = await bare.call('GET', '/v1/office', { host: 'rebind.attacker.test' });
    expect(r.status).toBe(200);
    expect(hits.length).toBe(1);
  });
  it("the operator's catch-all default_server: the rebound name never reaches gwc's server", async () => {
    await expect(owned.call('GET', '/v1/office', { host: 'rebind.attacker.test' })).rejects.toThrow();
    expect(owned.backend.hits.filter((h) => h.path === '/office').length).toBe(1);
  });
});
