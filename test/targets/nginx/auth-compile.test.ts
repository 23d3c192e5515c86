/**
 * What the nginx compiler emits and refuses for auth: JWT key families (no HS beside RS/ES over one
 * key list), reserved identity headers, roles and optional auth now built, identity and
 * method-override headers cleared in every proxied location (a location's proxy_set_header replaces
 * all inherited ones), forward-auth path plumbing, byte-stable output, nginx -t.
 */
import { describe, expect, it } from 'vitest';
import { buildTarget, compileGateway } from '../../../src/api.js';
import { NGINX_CAPABILITIES } from '../../../src/targets/nginx/capabilities.js';
import { gatewayOf, writeSpec } from '../../helpers/spec.js';
import { nginxTest, prefixDir, writeFiles, fullOptions, NGINX } from './harness.js';
import { parseConf, type Directive } from './conf-parse.js';

const spec = (schemes: string, security = '[{ s: [] }]', extraPaths = '') => `openapi: 3.1.0
info: { title: t, version: "1" }
servers: [{ url: "https://api.test/v1" }]
x-gateway:
  name: t
  backends: { app: { url: "http://app.internal:8080" } }
  defaults: { backend: app }
  consumers:
    c: { groups: [admin], credentials: { k: "\${env:K}" } }
paths:
  /a:
    get: { operationId: a, security: ${security}, responses: { "200": { description: ok } } }
  /pub:
    get: { operationId: pub, x-gateway: { public: true }, responses: { "200": { description: ok } } }
${extraPaths}components:
  securitySchemes:
    k: { type: apiKey, in: header, name: x-key }
${schemes}`;

const jwt = (algs: string) => `    s:
      type: http
      scheme: bearer
      x-gateway:
        issuer: https://id.test/
        algorithms: [${algs}]
        publicKeys: ["\${file:k1.pem}", "\${env:HS}"]
        audiences: [api]
`;

const FWD = `    s:
      type: http
      scheme: bearer
      x-gateway:
        forwardAuth:
          url: http://auth.internal:9000/check
          responseHeaders: [X-User-Id]
`;

async function build(text: string) {
  return buildTarget(writeSpec(text), { target: 'nginx' });
}

const pos = (ds: Array<{ code: string; params?: unknown; loc?: { pointer: string }; position?: { line: number; column: number } }>) =>
  ds.filter((d) => d.code !== 'capability-emulated' && d.code !== 'capability-fallback').map((d) => [d.code, d.params, d.loc?.pointer, d.position?.line]);

function walk(ds: Directive[], out: Directive[] = []): Directive[] {
  for (const d of ds) {
    out.push(d);
    if (d.block) walk(d.block, out);
  }
  return out;
}

describe('nginx auth compile', () => {
  it('refuses a JWT scheme mixing HMAC and public-key algorithms, at its algorithms line', async () => {
    for (const algs of ['RS256, HS256', 'HS512, ES256']) {
      const r = await build(spec(jwt(algs)));
      expect(r.files).toEqual([]);
      const [hmac, pk] = algs.startsWith('RS') ? ['HS256', 'RS256'] : ['HS512', 'ES256'];
      expect(pos(r.diagnostics)).toEqual([['jwt-key-family-ambiguous', { scheme: 's', hmac, publicKey: pk }, '/components/securitySchemes/s/x-gateway/algorithms', 23]]);
    }
  });

  it('builds one family per scheme (RS and ES together are told apart by the key itself)', async () => {
    for (const algs of ['RS256, ES256', 'HS256, HS512', 'RS256']) {
      const r = await build(spec(jwt(algs)));
      expect(r.diagnostics.filter((d) => d.severity === 'error'), algs).toEqual([]);
    }
  });

  it('refuses forward-auth response headers the gateway sets itself', async () => {
    const r = await build(spec(FWD.replace('[X-User-Id]', '[X-User-Id, X-Consumer]')));
    expect(pos(r.diagnostics)).toEqual([['forward-header-reserved', { scheme: 's', header: 'x-consumer' }, '/components/securitySchemes/s/x-gateway/forwardAuth/responseHeaders/1', 24]]);
  });

  it('roles and optional auth are enforced (emulated), not refused', async () => {
    expect(NGINX_CAPABILITIES['auth.roles'].support).toBe('emulated');
    expect(NGINX_CAPABILITIES['auth.optional'].support).toBe('emulated');
    const r = await build(spec('', '[{}, { k: [admin] }]'));
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const js = r.files.find((f) => f.path.endsWith('.js'))!.contents;
    expect(js).toMatch(/"scopes": \[\s*"admin"\s*\]/);
    // The optional route's auth location runs the optional handler (the configuration says so, for gwc diff).
    const conf = r.files.find((f) => f.path.startsWith('conf.d/'))!.contents;
    expect(conf).toContain('js_content gwc_t.authorizeOptional;');
  });

  it('warns once (the core\'s scheme-no-consumers) for a scheme no consumer holds', async () => {
    const text = spec('    other: { type: apiKey, in: header, name: x-other }\n', '[{ other: [] }]');
    const r = await build(text);
    expect(r.diagnostics.filter((d) => d.code === 'scheme-no-consumers').map((d) => d.params)).toEqual([{ scheme: 'other', kind: 'API key' }]);
    expect(r.diagnostics.filter((d) => d.target === 'nginx')).toEqual([]);
  });

  it('every proxied location clears identity and override headers; auth routes set identity from the auth answer', async () => {
    const r = await build(spec(FWD, '[{ s: [] }]', '  /keyed:\n    get: { operationId: keyed, security: [{ k: [] }], responses: { "200": { description: ok } } }\n'));
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const conf = r.files.find((f) => f.path.startsWith('conf.d/'))!.contents;
    const all = walk(parseConf(conf));
    const proxied = all.filter((d) => d.name === 'location' && (d.block ?? []).some((x) => x.name === 'proxy_pass') && !d.args.join(' ').includes('/_gwc_internal/f/'));
    expect(proxied.length).toBe(3);
    for (const l of proxied) {
      const sets = new Map((l.block ?? []).filter((x) => x.name === 'proxy_set_header').map((x) => [x.args[0]!.toLowerCase(), x.args[1]]));
      for (const h of ['x-consumer', 'x-authenticated-scheme', 'x-user-id', 'x-http-method', 'x-http-method-override', 'x-method-override']) expect(sets.has(h), `${l.args.join(' ')} ${h}`).toBe(true);
      const auth = (l.block ?? []).some((x) => x.name === 'auth_request');
      expect(sets.get('x-consumer')).toBe(auth ? '$gwc_t_id_consumer' : '');
      expect((l.block ?? []).some((x) => x.name === 'if' && x.args[0] === '($gwc_t_override)')).toBe(true);
    }
    // The forward-auth location sends the normalised path, never $request_uri; the path locations record it.
    const fwd = all.find((d) => d.name === 'location' && d.args[1] === '/_gwc_internal/f/0')!;
    const uri = (fwd.block ?? []).find((x) => x.name === 'proxy_set_header' && x.args[0] === 'X-Forwarded-Uri')!;
    expect(uri.args[1]).toBe('$gwc_t_fwd_uri');
    expect(all.filter((d) => d.args.some((a) => a.includes('$request_uri')))).toEqual([]);
    const paths = all.filter((d) => d.name === 'location' && (d.block ?? []).some((x) => x.name === 'if' && x.args[0] === '($request_method'));
    for (const l of paths) expect((l.block ?? [])[0]).toMatchObject({ name: 'set', args: ['$gwc_t_path', '$uri'] });
    const js = r.files.find((f) => f.path.endsWith('.js'))!.contents;
    expect(js).toContain('"pathVar": "gwc_t_path"');
    // Forward auth strips the Authorization it verified.
    const a = proxied.find((l) => (l.block ?? []).some((x) => x.name === 'auth_request' && x.args[0] === '/_gwc_internal/a/0'))!;
    expect((a.block ?? []).some((x) => x.name === 'proxy_set_header' && x.args[0] === 'authorization' && x.args[1] === '')).toBe(true);
  });

  it('output is byte-stable across runs', async () => {
    const text = spec(FWD, '[{}, { s: [] }, { k: [admin] }]');
    const g1 = (await gatewayOf(text)).gateway!;
    const g2 = (await gatewayOf(text)).gateway!;
    const a = compileGateway(g1, 'nginx', {}).files;
    const b = compileGateway(g2, 'nginx', {}).files;
    expect(a.length).toBeGreaterThan(0);
    expect(b).toEqual(a);
  });

  it.skipIf(!NGINX)('nginx -t accepts the output with forward auth, optional auth and roles', async () => {
    const { gateway } = await gatewayOf(spec(FWD, '[{}, { s: [] }, { k: [admin] }]'));
    const dir = prefixDir();
    const r = compileGateway(gateway!, 'nginx', fullOptions(dir, 18080));
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    writeFiles(dir, r.files);
    const t = nginxTest(dir, ['app.internal', 'auth.internal'])!;
    expect(t.output).toBe('');
    expect(t.ok).toBe(true);
  });
});
