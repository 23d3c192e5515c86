/**
 * Red team: Traefik routing and the spec language (DESIGN.md sections 3 and 7) through the request
 * oracle (test/targets/traefik/traefik-oracle.ts): overlapping templates, mixed literal/parameter
 * segments, several servers whose base paths overlap, path-level x-gateway, HEAD beside GET.
 */
import { describe, expect, it } from 'vitest';
import { lint } from '../../src/lint/index.js';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { build, compileCase, ownSchema } from '../targets/traefik/cases.js';
import { htpasswdFiles } from '../targets/traefik/operator.js';
import { send, type OracleRequest } from '../targets/traefik/traefik-oracle.js';

const ok = "{ '200': { description: ok } }";
const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
const ALICE = basic('alice', 'pw-alice');
const SECRETS: Record<string, string> = { ALICE_PW: 'pw-alice' };
const p = (n: string) => `{ name: ${n}, in: path, required: true, schema: { type: string } }`;

const head = (servers = '[{ url: https://api.example.com/v1 }]', backends = '{ app: { url: http://app.internal:8080 }, adm: { url: http://adm.internal:8080 } }') => `${HEAD}servers: ${servers}
x-gateway:
  name: rt
  backends: ${backends}
  defaults: { backend: app }
  consumers:
    alice: { credentials: { basic: { username: alice, password: '\${env:ALICE_PW}' } } }
components:
  securitySchemes:
    basic: { type: http, scheme: basic }
`;

async function built(spec: string) {
  const file = writeSpec(spec);
  const { built: b } = await compileCase(file);
  return { b, file };
}

const req = (target: string, headers: OracleRequest['headers'] = {}, method = 'GET', host = 'api.example.com'): OracleRequest => ({ method, host, target, headers, tls: true });

function run(config: TraefikConfig, text: string, r: OracleRequest) {
  return send(config, r, { files: htpasswdFiles(text, (n) => SECRETS[n]!), auth: {} });
}

describe('red team: Traefik routing and the spec language', () => {
  it('overlapping templates: /a/c/{y} (basic) beats /a/{x}/b (public) for /a/c/b, and /a/z/b stays public', async () => {
    const { b } = await built(`${head()}paths:
  /a/{x}/b:
    get: { parameters: [${p('x')}], x-gateway: { public: true }, responses: ${ok} }
  /a/c/{y}:
    get: { parameters: [${p('y')}], security: [{ basic: [] }], x-gateway: { backend: adm }, responses: ${ok} }
`);
    const config = b!.config as TraefikConfig;
    const text = b!.result.files[0]!.contents;
    expect(ownSchema(config)).toBe(true);
    expect(run(config, text, req('/v1/a/c/b')).status).toBe(401);
    expect(run(config, text, req('/v1/a/c/b', { Authorization: ALICE })).backend?.server).toContain('adm.internal');
    expect(run(config, text, req('/v1/a/z/b')).status).toBe(200);
  });

  it('a literal segment beats a segment holding a parameter with a suffix ({name}.json) for the same text', async () => {
    const r = await built(`${head()}paths:
  /files/{name}.json:
    get: { parameters: [${p('name')}], x-gateway: { public: true }, responses: ${ok} }
  /files/admin.json:
    get: { security: [{ basic: [] }], x-gateway: { backend: adm }, responses: ${ok} }
`);
    if (!r.b) return; // refused
    const config = r.b.config as TraefikConfig;
    const text = r.b.result.files[0]!.contents;
    expect(run(config, text, req('/v1/files/admin.json')).status).toBe(401);
    expect(run(config, text, req('/v1/files/x.json')).status).toBe(200);
  });

  it('two servers whose base paths make a keyed /admin and a public /v1/admin one URL: refused or the keyed route holds', async () => {
    const r = await built(`${head('[{ url: https://api.example.com/v1 }, { url: https://api.example.com }]')}paths:
  /admin:
    get: { security: [{ basic: [] }], x-gateway: { backend: adm }, responses: ${ok} }
  /v1/admin:
    get: { x-gateway: { public: true }, responses: ${ok} }
`);
    if (!r.b) return;
    const config = r.b.config as TraefikConfig;
    const text = r.b.result.files[0]!.contents;
    // Whichever router answers, the keyed backend is never reached without a credential, on any URL.
    for (const target of ['/v1/admin', '/admin', '/v1/v1/admin']) {
      const o = run(config, text, req(target));
      expect(o.status === 200 && o.backend?.server?.includes('adm.internal'), target).toBe(false);
    }
  });

  it('two servers on other hosts: the keyed route never answers without a credential on either host and base path', async () => {
    const r = await built(`${head('[{ url: https://api.example.com/v1 }, { url: https://admin.example.com/internal }]')}paths:
  /admin:
    get: { security: [{ basic: [] }], responses: ${ok} }
`);
    const config = r.b!.config as TraefikConfig;
    const text = r.b!.result.files[0]!.contents;
    for (const host of ['api.example.com', 'admin.example.com', 'other.example.com']) {
      for (const target of ['/internal/admin', '/v1/admin', '/admin']) {
        const o = run(config, text, req(target, {}, 'GET', host));
        expect(o.backend, `${host}${target}`).toBeUndefined();
        expect(run(config, text, req(target, { Authorization: ALICE }, 'GET', host)).status === 200, `${host}${target}`).toBe(o.status === 401);
      }
    }
  });

  it('path-level x-gateway ipAllow reaches every operation of the path, and an operation cannot drop it by saying nothing', async () => {
    const r = await built(`${head()}paths:
  /ops:
    x-gateway: { ipAllow: [10.0.0.0/8] }
    get: { security: [{ basic: [] }], responses: ${ok} }
    delete: { security: [{ basic: [] }], x-gateway: { public: false }, responses: ${ok} }
`);
    const config = r.b!.config as TraefikConfig;
    const text = r.b!.result.files[0]!.contents;
    for (const method of ['GET', 'DELETE']) {
      expect(send(config, { ...req('/v1/ops', { Authorization: ALICE }, method), remoteAddr: '203.0.113.9' }, { files: htpasswdFiles(text, (n) => SECRETS[n]!) }).status, method).toBe(403);
      expect(send(config, { ...req('/v1/ops', { Authorization: ALICE }, method), remoteAddr: '10.1.2.3' }, { files: htpasswdFiles(text, (n) => SECRETS[n]!) }).status, method).toBe(200);
    }
  });

  it('a public HEAD beside a basic GET on the same backend path is refused (the backend runs its GET handler for HEAD), by build and lint', async () => {
    const r = await built(`${head()}paths:
  /r:
    get: { security: [{ basic: [] }], responses: ${ok} }
    head: { x-gateway: { public: true }, responses: ${ok} }
`);
    // lint relays a build refusal as target-compile with the build's code in its params.
    const codes = (ds: Array<{ code: unknown; severity: string; params?: unknown; loc?: { pointer: string } }>) =>
      ds.filter((d) => d.severity === 'error').map((d) => `${String((d.params as { code?: string } | undefined)?.code ?? d.code)} ${d.loc?.pointer}`);
    expect(codes((await build(r.file)).diagnostics)).toContain('head-widens-get /paths/~1r/head');
    expect(codes((await lint(r.file, { target: 'traefik' })).diagnostics)).toContain('head-widens-get /paths/~1r/head');
  });

  it('HEAD with no HEAD operation on a basic GET: never the backend without a credential', async () => {
    const { b } = await built(`${head()}paths:
  /r:
    get: { security: [{ basic: [] }], responses: ${ok} }
`);
    const config = b!.config as TraefikConfig;
    const o = run(config, b!.result.files[0]!.contents, req('/v1/r', {}, 'HEAD'));
    expect(o.backend).toBeUndefined();
  });
});
