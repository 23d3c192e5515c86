/**
 * Red team 3b, CORS with credentials (DESIGN.md 7.1/7.8: who can call what; a credentialed
 * cross-origin read is a call made with the user's credentials by another site).
 *
 * Kong's cors plugin (kong/plugins/cors/handler.lua, configure_credentials): with `origins: ["*"]`
 * and `credentials: true`, "Access-Control-Allow-Origin is '*', must change it because ACAC cannot
 * be 'true' if ACAO is '*'": it answers with the REQUEST's Origin and
 * Access-Control-Allow-Credentials: true. Any web page can then read, with the visitor's cached
 * Basic credentials or cookies, every answer of the route. gwc's own lint hint
 * (cors-credentials-wildcard, src/model/policies/cors.ts) says a gateway that echoes the Origin
 * "opens every user's session to every site", yet the Kong build compiles it with no diagnostic.
 * (Traefik answers the list item `*` itself, which browsers refuse with credentials: held.)
 * Fix: refuse cors credentials with `*` on Kong (build error at the cors node), or never write
 * credentials: true beside `*`.
 *
 * `origins: ["null"]` with credentials is the same opening on both targets: every sandboxed iframe
 * and data: page of any site sends `Origin: null`, and both gateways answer it as allowed.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildTarget, compileGateway } from '../../src/api.js';
import { lint } from '../../src/lint/index.js';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { gatewayOf, HEAD, writeSpec } from '../helpers/spec.js';
import { compileCase } from '../targets/traefik/cases.js';

const ok = "{ '200': { description: ok } }";
const spec = (origins: string) => `${HEAD}servers: [{ url: 'https://api.test/v1' }]
x-gateway:
  name: rt3c
  backends: { app: { url: 'http://app.internal:8080' } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { basic: { username: alice, password: '\${env:A}' } } }
paths:
  /me:
    get: { operationId: me, security: [{ basic: [] }], x-gateway: { cors: { origins: ${origins}, credentials: true } }, responses: ${ok} }
components:
  securitySchemes:
    basic: { type: http, scheme: basic }
`;

type Plugin = { name: string; config: { origins?: string[]; credentials?: boolean } };

async function kongCors(origins: string): Promise<Plugin[] | 'refused'> {
  const loaded = await gatewayOf(spec(origins));
  const built = compileGateway(loaded.gateway!, 'kong', {});
  if (built.diagnostics.some((d) => d.severity === 'error')) return 'refused';
  const doc = parse(built.files.find((f) => f.path === 'kong.yaml')!.contents) as { routes?: Array<{ plugins?: Plugin[] }>; services?: Array<{ routes?: Array<{ plugins?: Plugin[] }> }> };
  const routes = [...(doc.routes ?? []), ...(doc.services ?? []).flatMap((s) => s.routes ?? [])];
  return routes.flatMap((r) => r.plugins ?? []).filter((p) => p.name === 'cors');
}

/** What Kong's configure_origin + configure_credentials answer a request Origin (handler.lua above). */
function kongAnswers(c: Plugin['config'], origin: string): { acao?: string; acac: boolean } {
  const list = c.origins ?? [];
  if (list.length === 0 || (list.length === 1 && list[0] === '*')) return c.credentials ? { acao: origin, acac: true } : { acao: '*', acac: false };
  const hit = list.find((o) => o === origin);
  return hit ? { acao: origin, acac: !!c.credentials } : { acac: false };
}

describe('red team 3b: CORS with credentials for every site', () => {
  it('control: a listed origin is answered only to itself', async () => {
    const plugins = await kongCors("['https://app.example.com']");
    expect(plugins).not.toBe('refused');
    for (const p of plugins as Plugin[]) {
      expect(kongAnswers(p.config, 'https://evil.example')).toEqual({ acac: false });
      expect(kongAnswers(p.config, 'https://app.example.com')).toEqual({ acao: 'https://app.example.com', acac: true });
    }
  });

  it("FIXED: kong: origins ['*'] with credentials is refused at the cors node (cors-credentials-origin-open), never echoing any Origin with Access-Control-Allow-Credentials: true", async () => {
    const plugins = await kongCors("['*']");
    expect(plugins).toBe('refused');
    if (plugins === 'refused') return;
    expect(plugins.length).toBeGreaterThan(0);
    for (const p of plugins) expect(kongAnswers(p.config, 'https://evil.example')).not.toEqual({ acao: 'https://evil.example', acac: true });
  });

  it("FIXED: kong: origins ['null'] with credentials is refused: every sandboxed iframe of any site (Origin: null) would read the route with the user's credentials", async () => {
    const plugins = await kongCors("['null']");
    expect(plugins).toBe('refused');
    if (plugins === 'refused') return;
    for (const p of plugins) expect(kongAnswers(p.config, 'null').acac).toBe(false);
  });

  it("FIXED: traefik: origins ['null'] with credentials is refused (never accessControlAllowOriginList null + accessControlAllowCredentials)", async () => {
    const { built } = await compileCase(writeSpec(spec("['null']")));
    expect(built?.result.diagnostics.map((d) => d.code)).toContain('cors-credentials-origin-open');
    if (!built?.config) return;
    const mws = Object.values((built.config as TraefikConfig).http?.middlewares ?? {}) as Array<{ headers?: { accessControlAllowOriginList?: string[]; accessControlAllowCredentials?: boolean } }>;
    const open = mws.filter((m) => m.headers?.accessControlAllowCredentials && m.headers.accessControlAllowOriginList?.includes('null'));
    expect(open).toEqual([]);
  });

  // Our own variants (red team 3b fixes): where, with which params; what still builds; lint.
  const codes = async (origins: string, target: string, credentials = true) => {
    const b = await buildTarget(writeSpec(spec(origins).replace('credentials: true', `credentials: ${credentials}`)), { target, options: {} });
    return b.diagnostics.filter((d) => d.severity === 'error');
  };
  it('kong: the refusal names the route and the origin, at the cors node', async () => {
    for (const [origins, origin] of [["['https://app.example.com', '*']", '*'], ["['NULL']", 'NULL'], ["['https://a.example', 'null']", 'null']] as const) {
      const d = (await codes(origins, 'kong')).find((x) => x.code === 'cors-credentials-origin-open');
      expect(d?.params, origins).toEqual({ target: 'kong', route: 'me', origin });
      expect(d?.loc?.pointer).toBe('/paths/~1me/get/x-gateway/cors');
    }
  });
  it("traefik: 'null' among other origins (any case) is refused; so is '*' with credentials (Traefik answers * itself, which browsers refuse: NGX6, ngx6-cors-credentials-any)", async () => {
    expect((await codes("['https://a.example', 'Null']", 'traefik')).map((d) => d.code)).toContain('cors-credentials-origin-open');
    expect((await codes("['*']", 'traefik')).map((d) => d.code)).toContain('cors-credentials-origin-open');
  });
  it("without credentials, '*' and 'null' build on kong and traefik", async () => {
    for (const target of ['kong', 'traefik']) for (const o of ["['*']", "['null']"]) expect(await codes(o, target, false), `${target} ${o}`).toEqual([]);
  });
  it('lint --target kong relays the refusal', async () => {
    const l = await lint(writeSpec(spec("['*']")), { target: 'kong' });
    expect(l.diagnostics.filter((d) => d.severity === 'error').map((d) => (d.code === 'target-compile' ? d.params.code : d.code))).toContain('cors-credentials-origin-open');
  });
  it('a cors policy from x-gateway defaults is refused on every route it reaches', async () => {
    const text = spec("['*']").replace("x-gateway: { cors: { origins: ['*'], credentials: true } }, ", '').replace('  defaults: { backend: app }', "  defaults: { backend: app, cors: { origins: ['*'], credentials: true } }");
    const d = (await buildTarget(writeSpec(text), { target: 'kong', options: {} })).diagnostics.find((x) => x.code === 'cors-credentials-origin-open');
    expect(d?.loc?.pointer).toBe('/x-gateway/defaults/cors');
  });
});
