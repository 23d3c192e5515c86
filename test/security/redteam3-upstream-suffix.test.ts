/**
 * Red team 3b (DESIGN.md 7.5: what the gateway forwards cannot be read by the backend as a
 * different, protected route). A backend that does not declare `pathMatching: exact` is assumed to
 * read `/admin;v=1` as `/admin` (Tomcat/Spring path parameters), `/admin.json` as `/admin` (Spring
 * suffix patterns, Rails formats), `/admin.` as `/admin` (IIS/ASP.NET trailing dots), and case-blind:
 * param-variants.ts refuses a public `/{x}` upstream for x=ADMIN, admin.json, admin. and
 * upstream-reach.ts for x=admin. Both compare the VALUE only: a public route whose upstreamPath
 * template itself ends the parameter with `;v=1`, `.json` or `%2e` forwards
 * `/pub/admin` as `/admin;v=1` (...) to the backend serving the keyed `/admin`, and no target
 * refuses it. Fix: read the upstream template's literal text after a parameter as part of the
 * value the backend sees (strip `;...`, format suffixes, trailing dots, decode %2E) in both
 * checks, on every target.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildTarget, compileGateway } from '../../src/api.js';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { gatewayOf, HEAD, writeSpec } from '../helpers/spec.js';
import { evaluate, type DeckDoc } from '../targets/kong/kong-oracle.js';
import { deckValidate } from '../targets/kong/validate.js';
import { compileCase } from '../targets/traefik/cases.js';
import { send } from '../targets/traefik/traefik-oracle.js';

const ok = "{ '200': { description: ok } }";
const spec = (upstream: string) => `${HEAD}servers: [{ url: 'https://api.test/v1' }]
x-gateway:
  name: rt3s
  backends: { app: { url: 'http://app.internal:8080' } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { key: '\${env:A}' } }
paths:
  /admin:
    get: { operationId: admin, security: [{ key: [] }], responses: ${ok} }
  /pub/{x}:
    get: { operationId: pub, parameters: [{ name: x, in: path, required: true, schema: { type: string } }], x-gateway: { public: true, upstreamPath: '${upstream}' }, security: [], responses: ${ok} }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: X-Api-Key, x-gateway: { forwardAuth: { url: 'http://auth.internal/k' } } }
`;

/** How a Spring/Tomcat, Rails or IIS backend reads a path: matrix parameters, format suffix and trailing dots dropped, escapes decoded, case folded. */
function readsAs(path: string): string {
  const decoded = path.replace(/%2e/gi, '.').replace(/%3b/gi, ';').replace(/%2f/gi, '/');
  return decoded.split('/').map((s) => s.split(';')[0]!.replace(/\.(json|xml|html)$/i, '').replace(/\.+$/, '')).join('/').toLowerCase();
}

const SUFFIXES = ['/{x};v=1', '/{x}.json', '/{x}%2e'];

describe('red team 3b: a literal suffix after the parameter in a public upstreamPath', () => {
  it('control: the plain /{x} upstream is refused on every target (param-variant / upstream-reach)', async () => {
    for (const target of ['kong', 'traefik', 'nginx']) {
      const b = await buildTarget(writeSpec(spec('/{x}')), { target, options: {} });
      expect(b.diagnostics.some((d) => d.severity === 'error'), target).toBe(true);
    }
  });

  it('control: the readsAs model maps each forwarded path onto the keyed /admin', () => {
    for (const p of ['/admin;v=1', '/admin.json', '/admin%2e']) expect(readsAs(p)).toBe('/admin');
  });

  for (const upstream of SUFFIXES) {
    it(`FIXED: kong: upstreamPath '${upstream}': GET /v1/pub/admin reaches the keyed /admin's backend anonymously (Kong oracle)`, async () => {
      const loaded = await gatewayOf(spec(upstream));
      const built = compileGateway(loaded.gateway!, 'kong', {});
      if (built.diagnostics.some((d) => d.severity === 'error')) return; // refused: held
      const yaml = built.files.find((f) => f.path === 'kong.yaml')!.contents;
      expect(deckValidate(yaml)?.ok ?? true).toBe(true);
      const out = evaluate(parse(yaml) as DeckDoc, { method: 'GET', host: 'api.test', path: '/v1/pub/admin' });
      expect(out.status === 200 && readsAs(out.upstream?.path ?? '') === '/admin', `${out.status} ${out.upstream?.path}`).toBe(false);
    });

    it(`FIXED: traefik: upstreamPath '${upstream}': refused, GET /v1/pub/admin never reaches the keyed /admin's backend anonymously (Traefik oracle)`, async () => {
      const file = writeSpec(spec(upstream));
      const codes = (await buildTarget(file, { target: 'traefik', options: {} })).diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);
      expect(codes.some((c) => c === 'param-variant-reaches-protected' || c === 'upstream-param-reaches-protected'), codes.join()).toBe(true);
      const { built } = await compileCase(file);
      if (!built?.config || codes.length > 0) return; // refused: held
      const out = send(built.config as TraefikConfig, { method: 'GET', host: 'api.test', target: '/v1/pub/admin', tls: true }, { auth: {} });
      expect(out.status === 200 && readsAs(out.backend?.path ?? '') === '/admin', `${out.status} ${out.backend?.path}`).toBe(false);
    });

    // nginx refuses the escaped suffix (%2e) for its own reasons too.
    it(`${upstream.includes('%') ? '' : 'FIXED: '}nginx: upstreamPath '${upstream}' beside the keyed /admin is refused`, async () => {
      const b = await buildTarget(writeSpec(spec(upstream)), { target: 'nginx', options: {} });
      expect(b.diagnostics.some((d) => d.severity === 'error')).toBe(true);
    });
  }
});

// Our own variants (red team 3b fixes): more suffixes, the opt-out, and the params named.
describe('red team 3b fixes: the text after the parameter in an upstreamPath', () => {
  const errors = async (text: string, target: string) => (await buildTarget(writeSpec(text), { target, options: {} })).diagnostics.filter((d) => d.severity === 'error');
  for (const upstream of ['/{x};jsessionid=1', '/{x}.xml', '/{x}%2E', '/{x}..', '/{x}/', '/{x}.json/', '/{x};a=1.json']) {
    for (const target of ['kong', 'traefik', 'nginx']) {
      it(`${target}: upstreamPath '${upstream}' beside the keyed /admin is refused`, async () => {
        const codes = (await errors(spec(upstream), target)).map((d) => d.code);
        expect(codes.some((c) => c === 'param-variant-reaches-protected' || c === 'upstream-param-reaches-protected'), codes.join()).toBe(true);
        expect(readsAs(upstream.replace('{x}', 'admin').replace(/\/$/, ''))).toBe('/admin');
      });
    }
  }
  it("kong: upstreamPath '/{x}.json' names the value the backend reads as /admin", async () => {
    const d = (await errors(spec('/{x}.json'), 'kong')).find((x) => x.code === 'param-variant-reaches-protected');
    expect(d?.params).toMatchObject({ route: 'pub', other: 'admin' });
    expect(String(d?.params.values)).toContain('x=admin');
  });
  it("kong: upstreamPath '/{x};v=1' is refused by upstream-reach too, whatever the backend says (a ';' parameter is URL-level, Tomcat drops it)", async () => {
    const exact = spec('/{x};v=1').replace("url: 'http://app.internal:8080' }", "url: 'http://app.internal:8080', pathMatching: exact }");
    const d = (await errors(exact, 'kong')).find((x) => x.code === 'upstream-param-reaches-protected');
    expect(d?.params).toEqual({ target: 'kong', route: 'pub', other: 'admin', upstream: '/{x};v=1', values: 'x=admin' });
  });
  it("kong: upstreamPath '/{x}.json' and '/{x}..' build when the backend matches paths exactly (a trailing slash never does: upstream-reach merges empty segments)", async () => {
    for (const up of ['/{x}.json', '/{x}..']) {
      const exact = spec(up).replace("url: 'http://app.internal:8080' }", "url: 'http://app.internal:8080', pathMatching: exact }");
      expect(await errors(exact, 'kong'), up).toEqual([]);
    }
  });
  it('controls: a suffix that makes another name (/{x}s, /v{x}, /{x}-old) builds', async () => {
    for (const up of ['/{x}s', '/v{x}', '/{x}-old']) expect(await errors(spec(up), 'kong'), up).toEqual([]);
  });
});
