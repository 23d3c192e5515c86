/**
 * Red team 4 (redB), Kong-compatible input read for Traefik (class: optional auth; "a route that
 * should need a key compiles open").
 *
 * An openapi2kong document puts `x-kong-plugin-key-auth` (or basic-auth) at the document level:
 * without `anonymous`, Kong runs it on every route and refuses a request without a valid key,
 * whatever OpenAPI `security` says (openapi2kong maps plugins, not `security`). src/input/kong/
 * plugins.ts requireAuth maps the plugin to "the operation must present the credential" and
 * returns early when "its OpenAPI security already requires a scheme of that kind in every
 * alternative". But the model has already taken `{}` out of the alternatives into
 * `route.optionalAuth` (model/normalise/security.ts): `security: [{}, {hk: []}]` reads as "every
 * alternative needs an API key", the plugin is dropped as satisfied, and the route stays OPTIONAL.
 * On Traefik (optional auth on a header key is supported) that is an anonymous router with no auth
 * middleware at all: a request with no key reaches the backend, where Kong itself answered 401.
 * README (Kong input): "`anonymous` would make it optional: refused"; a `{}` alternative makes it
 * optional the same way, silently. Fix: in requireAuth, treat `r.optionalAuth` like a missing
 * alternative (clear it, or refuse with kong-extension-unmapped as for `anonymous`).
 *
 * FIXED (class: every x-kong mapper that reads `route.security` after the model split `{}` off):
 * plugins.ts `alternatives()` gives key-auth, basic-auth and jwt the anonymous alternative back;
 * key-auth/basic-auth require their credential in it (and clear optionalAuth), jwt is refused
 * unless every alternative, the anonymous one included, already requires a JWT. The model is the
 * same for every target: the variants below (plugin on the document, path item or operation;
 * `{}` first or last; root-level security) check the model, then a request with no credential on
 * Traefik, Kong and AWS (oracles) and nginx (real, when installed).
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileGateway } from '../../src/api.js';
import type { Gateway } from '../../src/model/types.js';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { gatewayOf, writeSpec } from '../helpers/spec.js';
import { AwsOracle } from '../targets/aws/oracle.js';
import { evaluate, type DeckDoc } from '../targets/kong/kong-oracle.js';
import { compileCase } from '../targets/traefik/cases.js';
import { send, type AuthCall } from '../targets/traefik/traefik-oracle.js';
import { NGINX, startLab } from './helpers/nginx-auth.js';

const spec = (security: string, plugin = 'x-kong-plugin-key-auth:\n  config: { key_names: [x-api-key], hide_credentials: true }\n') => `openapi: 3.0.3
info: { title: rt4ki, version: "1" }
servers: [{ url: "https://api.test/v1" }]
${plugin}x-gateway:
  name: rt4ki
  backends: { app: { url: "http://app.internal:8080" } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { hk: "\${env:A}" } }
paths:
  /orders:
    get:
      operationId: orders
      security: ${security}
      responses: { "200": { description: ok } }
components:
  securitySchemes:
    hk: { type: apiKey, in: header, name: x-api-key, x-gateway: { forwardAuth: { url: "http://auth.internal/k" } } }
`;
const auth = (call: AuthCall) => (call.headers.get('X-Api-Key') === 'key-a' ? { status: 200 } : { status: 401 });

describe('red team 4: a document-level x-kong-plugin-key-auth beside an optional ({}) security alternative', async () => {
  const go = (config: TraefikConfig, headers: Record<string, string> = {}) =>
    send(config, { method: 'GET', host: 'api.test', target: '/v1/orders', headers, tls: true }, { auth });

  it('control: security [{hk: []}] with the plugin: no key, no backend (Traefik oracle)', async () => {
    const { built } = await compileCase(writeSpec(spec('[{ hk: [] }]')));
    const config = built!.config as TraefikConfig;
    expect(go(config).status).toBe(401);
    expect(go(config, { 'X-Api-Key': 'key-a' }).status).toBe(200);
  });

  it('control: without the Kong plugin, [{}, {hk: []}] is optional as the spec says (anonymous passes)', async () => {
    const { built } = await compileCase(writeSpec(spec('[{}, { hk: [] }]', '')));
    expect(go(built!.config as TraefikConfig).status).toBe(200);
  });

  // FIXED: requireAuth reads the {} alternative (alternatives()); the route requires a key.
  it('with the plugin (Kong: key required), a request with NO key never reaches the backend', async () => {
    const { built } = await compileCase(writeSpec(spec('[{}, { hk: [] }]')));
    if (!built) return; // refused: secure
    const o = go(built.config as TraefikConfig);
    expect(o.backend).toBeUndefined();
    expect(o.status).toBe(401);
    expect(go(built.config as TraefikConfig, { 'X-Api-Key': 'key-a' }).status).toBe(200);
  });
});

/** A spec with a plain (consumer-held) key and a basic scheme, the plugin at `level`. */
const variant = (plugin: string, level: 'doc' | 'path' | 'op', security: string, rootSecurity = false) => {
  const at = (l: typeof level, indent: string) => (l === level ? plugin.split('\n').filter(Boolean).map((line) => indent + line).join('\n') + '\n' : '');
  return `openapi: 3.0.3
info: { title: rt4kv, version: "1" }
servers: [{ url: "https://api.test/v1" }]
${rootSecurity ? `security: ${security}\n` : ''}${at('doc', '')}x-gateway:
  name: rt4kv
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { key: "\${env:A}" } }
    bob: { credentials: { pw: { username: bob, password: "\${env:B}" } } }
paths:
  /orders:
${at('path', '    ')}    get:
      operationId: orders
${rootSecurity ? '' : `      security: ${security}\n`}${at('op', '      ')}      responses: { "200": { description: ok } }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: x-api-key }
    pw: { type: http, scheme: basic }
    jwt: { type: http, scheme: bearer, bearerFormat: JWT, x-gateway: { anyAudience: true, issuer: "https://id.example.com/", jwksUri: "https://id.example.com/jwks" } }
`;
};

const PLUGINS = {
  'key-auth': { text: 'x-kong-plugin-key-auth:\n  config: { key_names: [x-api-key], hide_credentials: true }', kind: 'apiKey' },
  'basic-auth': { text: 'x-kong-plugin-basic-auth:\n  config: { hide_credentials: true }', kind: 'basic' },
  jwt: { text: 'x-kong-plugin-jwt: {}', kind: 'jwt' },
} as const;
const SECURITY = ['[{}, { key: [] }]', '[{ key: [] }, {}]', '[{}, { pw: [] }]', '[{}, { jwt: [] }]', '[{}, { key: [] }, { pw: [] }]', '[{}]'];

/** The route the variant compiles to, or undefined when the input is refused (an error). */
async function load(text: string): Promise<{ gateway?: Gateway; codes: string[] }> {
  const loaded = await gatewayOf(text);
  const errs = loaded.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);
  return errs.length || !loaded.gateway ? { codes: errs } : { gateway: loaded.gateway, codes: [] };
}

describe('red team 4 class: every x-kong auth plugin reads the anonymous ({}) alternative', () => {
  for (const [name, p] of Object.entries(PLUGINS)) {
    for (const level of ['doc', 'path', 'op'] as const) {
      for (const security of SECURITY) {
        for (const root of level === 'doc' ? [false, true] : [false]) {
          it(`${name} on the ${level}, security ${security}${root ? ' (document level)' : ''}: never optional, every alternative needs the plugin's kind`, async () => {
            const { gateway, codes } = await load(variant(p.text, level, security, root));
            if (!gateway) return expect(codes).toContain('kong-extension-unmapped'); // refused: closed
            const route = gateway.routes.find((r) => r.id === 'orders')!;
            const kindOf = (s: string) => gateway.securitySchemes.find((x) => x.name === s)?.kind;
            expect(route.optionalAuth).toBe(false);
            expect(route.security.length).toBeGreaterThan(0);
            for (const alt of route.security) expect(alt.some((i) => kindOf(i.scheme) === p.kind)).toBe(true);
          });
        }
      }
    }
  }

  it('control: jwt plugin where every alternative (no {}) already requires a JWT is the same check (ignored, builds)', async () => {
    const { gateway } = await load(variant(PLUGINS.jwt.text, 'doc', '[{ jwt: [] }]'));
    expect(gateway?.routes[0]!.security).toEqual([[{ scheme: 'jwt', scopes: [] }]]);
  });

  it('control: without a plugin, [{}, {key: []}] stays optional', async () => {
    const { gateway } = await load(variant('', 'doc', '[{}, { key: [] }]'));
    expect(gateway!.routes[0]!.optionalAuth).toBe(true);
  });
});

describe('red team 4 class, every target: key-auth or basic-auth on the document, security [{}, {key: []}]: no credential, no backend', async () => {
  const cases = [['key-auth', '[{}, { key: [] }]'], ['basic-auth', '[{}, { key: [] }]'], ['key-auth', '[{}, { pw: [] }]']] as const;
  for (const [plugin, security] of cases) {
    const text = variant(PLUGINS[plugin].text, 'doc', security);
    it(`${plugin}, ${security}: Kong (oracle) answers 401 without a credential`, async () => {
      const { gateway } = await load(text);
      const built = compileGateway(gateway!, 'kong', {});
      if (built.diagnostics.some((d) => d.severity === 'error')) return;
      const yaml = built.files.find((f) => f.path === 'kong.yaml')!.contents;
      const env = Object.fromEntries([...yaml.matchAll(/\(env "(DECK_[A-Za-z0-9_]+)"\)/g)].map((m) => [m[1]!, 'secret']));
      const o = evaluate(parse(yaml) as DeckDoc, { method: 'GET', path: '/v1/orders', host: 'api.test' }, env);
      expect(o.status).toBe(401);
      expect(o.upstream).toBeUndefined();
    });
    it(`${plugin}, ${security}: AWS (oracle) refuses a request without a credential`, async () => {
      const { gateway } = await load(text);
      const built = compileGateway(gateway!, 'aws', {});
      if (built.diagnostics.some((d) => d.severity === 'error')) return;
      const template = JSON.parse(built.files.find((f) => f.path.endsWith('.json'))!.contents);
      const d = new AwsOracle(template).request({ method: 'GET', path: '/orders' });
      expect(d.status).toBeGreaterThanOrEqual(401);
      expect(d.upstream).toBeUndefined();
    });
    it.skipIf(!NGINX)(`${plugin}, ${security}: nginx (real) answers 401 without a credential`, async () => {
      const lab = await startLab(text, { env: { A: 'key-a', B: 'pw-b' } });
      try {
        const { r, hits } = await lab.call('GET', '/v1/orders');
        expect(r.status).toBe(401);
        expect(hits).toHaveLength(0);
      } finally {
        await lab.stop();
      }
    });
  }
});
