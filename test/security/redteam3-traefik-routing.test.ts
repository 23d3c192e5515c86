/**
 * Red team 3b, Traefik (DESIGN.md 7.5: what the gateway forwards cannot be read by the backend as
 * a different, protected route). nginx and Kong refuse a public route whose upstream path reaches a
 * more protected route's backend path (upstream-param-reaches-protected, src/targets/upstream-reach.ts);
 * the Traefik compiler never runs that check (only src/targets/nginx/compile.ts and
 * src/targets/kong/compile.ts call upstreamReachRefusals). Through the Traefik request oracle.
 */
import { describe, expect, it } from 'vitest';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { buildTarget } from '../../src/api.js';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { compileCase, ownSchema } from '../targets/traefik/cases.js';
import { htpasswdFiles } from '../targets/traefik/operator.js';
import { send, type OracleRequest } from '../targets/traefik/traefik-oracle.js';

const ok = "{ '200': { description: ok } }";
const p = (n: string) => `{ name: ${n}, in: path, required: true, schema: { type: string } }`;
const SECRETS: Record<string, string> = { ALICE_PW: 'pw-alice' };
const ALICE = `Basic ${Buffer.from('alice:pw-alice').toString('base64')}`;

const head = `${HEAD}servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: rt3
  backends: { app: { url: http://app.internal:8080, pathMatching: exact } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { basic: { username: alice, password: '\${env:ALICE_PW}' } } }
components:
  securitySchemes:
    basic: { type: http, scheme: basic }
`;

/** A public /pub/{x} forwarded as /{x}, beside a basic /admin on the same backend. */
const UPSTREAM = `${head}paths:
  /admin:
    get: { operationId: admin, security: [{ basic: [] }], responses: ${ok} }
  /pub/{x}:
    get: { operationId: pub, parameters: [${p('x')}], x-gateway: { public: true, upstreamPath: '/{x}' }, security: [], responses: ${ok} }
`;

/** A public /{page} on api.example.com, the basic /admin only on admin.example.com (path-level servers): one backend. */
const HOSTS = `${head}paths:
  /admin:
    servers: [{ url: https://admin.example.com/v1 }]
    get: { operationId: admin, security: [{ basic: [] }], responses: ${ok} }
  /{page}:
    get: { operationId: page, parameters: [${p('page')}], x-gateway: { public: true }, security: [], responses: ${ok} }
`;

const req = (host: string, target: string, headers: OracleRequest['headers'] = {}): OracleRequest => ({ method: 'GET', host, target, headers, tls: true });

async function traefik(spec: string) {
  const file = writeSpec(spec);
  const { built } = await compileCase(file);
  return { file, built };
}

const refusals = async (spec: string, target: string) =>
  (await buildTarget(writeSpec(spec), { target, options: {} })).diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);

describe('red team 3b: Traefik public routes reaching a protected backend path', () => {
  for (const target of ['nginx', 'kong']) {
    it(`control: ${target} refuses both specs (upstream-param-reaches-protected)`, async () => {
      expect(await refusals(UPSTREAM, target)).toContain('upstream-param-reaches-protected');
      expect(await refusals(HOSTS, target)).toContain('upstream-param-reaches-protected');
    });
  }

  it('control: the protected route itself needs the password on Traefik', async () => {
    const { built } = await traefik(UPSTREAM.replace('  /pub/{x}:', '  /pub/x:').replace(`parameters: [${p('x')}], x-gateway: { public: true, upstreamPath: '/{x}' }`, 'x-gateway: { public: true }'));
    if (!built?.config) throw new Error(JSON.stringify(built?.result.diagnostics));
    const config = built.config as TraefikConfig;
    const files = htpasswdFiles(built.result.files[0]!.contents, (n) => SECRETS[n]!);
    expect(ownSchema(config)).toBe(true);
    expect(send(config, req('api.example.com', '/v1/admin'), { files }).status).toBe(401);
    expect(send(config, req('api.example.com', '/v1/admin', { Authorization: ALICE }), { files }).backend?.path).toBe('/admin');
  });

  // Mechanism: upstreamPath '/{x}' on a public route; the Traefik compiler has no
  // upstream-reach check, so GET /v1/pub/admin is forwarded as /admin to the backend that serves
  // the basic-protected /admin, with no credential. Fix: call upstreamReachRefusals in
  // src/targets/traefik (and AWS) as nginx/Kong do.
  it('FIXED: a public upstreamPath /{x} beside a basic /admin on one backend: refused (upstream-param-reaches-protected), GET /v1/pub/admin never reaches the backend as /admin anonymously', async () => {
    const { built } = await traefik(UPSTREAM);
    expect(built?.result.diagnostics.find((d) => d.code === 'upstream-param-reaches-protected')?.params).toEqual({ target: 'traefik', route: 'pub', other: 'admin', upstream: '/{x}', values: 'x=admin' });
    if (!built?.config) return; // refused: held
    const config = built.config as TraefikConfig;
    const files = htpasswdFiles(built.result.files[0]!.contents, (n) => SECRETS[n]!);
    const out = send(config, req('api.example.com', '/v1/pub/admin'), { files });
    expect(out.status === 200 && out.backend?.path === '/admin', `status ${out.status} -> ${out.backend?.path}`).toBe(false);
  });

  // Mechanism: the protected literal only exists on admin.example.com (path-level servers); on
  // api.example.com the public /{page} takes page=admin and forwards /admin to the same backend.
  // Same missing check (nginx and Kong refuse it).
  it('FIXED: a basic /admin served only on admin.example.com, a public /{page} on api.example.com, one backend: refused, GET api.example.com/v1/admin never reaches /admin anonymously', async () => {
    const { built } = await traefik(HOSTS);
    expect(built?.result.diagnostics.map((d) => d.code)).toContain('upstream-param-reaches-protected');
    if (!built?.config) return; // refused: held
    const config = built.config as TraefikConfig;
    const files = htpasswdFiles(built.result.files[0]!.contents, (n) => SECRETS[n]!);
    expect(send(config, req('admin.example.com', '/v1/admin'), { files }).status).toBe(401);
    const out = send(config, req('api.example.com', '/v1/admin'), { files });
    expect(out.status === 200 && out.backend?.path === '/admin', `status ${out.status} -> ${out.backend?.path}`).toBe(false);
  });

  // Our own variants (red team 3b fixes): the same check on Traefik for literal routes and base paths.
  it('a public literal /status with upstreamPath /admin beside the basic /admin is refused; another upstream path builds', async () => {
    const two = `${head}paths:
  /admin:
    get: { operationId: admin, security: [{ basic: [] }], responses: ${ok} }
  /status:
    get: { operationId: pub, x-gateway: { public: true, upstreamPath: /admin }, security: [], responses: ${ok} }
`;
    expect(await refusals(two, 'traefik')).toContain('upstream-param-reaches-protected');
    expect(await refusals(two.replace('upstreamPath: /admin', 'upstreamPath: /public'), 'traefik')).toEqual([]);
  });
  it('lint --target traefik relays the refusal (target compile inside lint)', async () => {
    const { lint } = await import('../../src/lint/index.js');
    const found = await lint(writeSpec(UPSTREAM), { target: 'traefik' });
    expect(found.diagnostics.filter((d) => d.severity === 'error').map((d) => (d.code === 'target-compile' ? d.params.code : d.code))).toContain('upstream-param-reaches-protected');
  });
});
