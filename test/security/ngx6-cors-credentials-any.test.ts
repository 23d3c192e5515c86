/**
 * CORS `origins: ['*']` with `credentials: true` (NGX6). Kong (cors-credentials-origin-open) and
 * AWS (aws-cors-credentials-any-origin) refuse it at build; nginx answered it with
 * `Access-Control-Allow-Origin: *` beside `Access-Control-Allow-Credentials: true` and Traefik with
 * its list item `*` and accessControlAllowCredentials: browsers refuse that pair (Fetch standard,
 * CORS check: a credentialed request needs the exact origin), so the policy works for no site and
 * the spec says something no target does. Every target now refuses it at the cors node, with the
 * same code; `gwc lint --target T` relays it at the same pointer.
 */
import { describe, expect, it } from 'vitest';
import { buildTarget } from '../../src/api.js';
import { lint } from '../../src/lint/index.js';
import { HEAD, writeSpec } from '../helpers/spec.js';

const spec = (cors: string, where: 'route' | 'defaults' = 'route') => `${HEAD}servers: [{ url: 'https://api.test/v1' }]
x-gateway:
  name: ngx6c
  backends: { app: { url: 'http://app.internal:8080' } }
  defaults: { backend: app${where === 'defaults' ? `, cors: ${cors}` : ''} }
  consumers:
    alice: { credentials: { basic: { username: alice, password: '\${env:A}' } } }
paths:
  /me:
    get: { operationId: me, security: [{ basic: [] }], ${where === 'route' ? `x-gateway: { cors: ${cors} }, ` : ''}responses: { '200': { description: ok } } }
  /pub:
    get: { operationId: pub, x-gateway: { public: true }, responses: { '200': { description: ok } } }
components:
  securitySchemes:
    basic: { type: http, scheme: basic }
`;

const errors = async (text: string, target: string) => (await buildTarget(writeSpec(text), { target, options: {} })).diagnostics.filter((d) => d.severity === 'error');
const TARGETS = ['nginx', 'traefik', 'kong'] as const;

describe("NGX6: cors origins ['*'] with credentials is refused on every target", () => {
  for (const target of TARGETS) {
    it(`${target}: refused at the cors node, naming the route and the origin; nothing is written`, async () => {
      for (const origins of ["['*']", "['https://app.example.com', '*']"]) {
        const b = await buildTarget(writeSpec(spec(`{ origins: ${origins}, credentials: true }`)), { target, options: {} });
        const d = b.diagnostics.find((x) => x.code === 'cors-credentials-origin-open');
        expect(d?.params, `${target} ${origins}`).toEqual({ target, route: 'me', origin: '*' });
        expect(d?.loc?.pointer).toBe('/paths/~1me/get/x-gateway/cors');
        expect(b.files ?? []).toEqual([]);
      }
    });
    it(`${target}: lint --target ${target} reports it at the same pointer`, async () => {
      const l = await lint(writeSpec(spec("{ origins: ['*'], credentials: true }")), { target });
      const d = l.diagnostics.find((x) => x.severity === 'error' && (x.code === 'target-compile' ? x.params.code : x.code) === 'cors-credentials-origin-open');
      expect(d?.loc?.pointer).toBe('/paths/~1me/get/x-gateway/cors');
    });
    it(`${target}: a cors policy from x-gateway defaults is refused at the defaults node`, async () => {
      const d = (await errors(spec("{ origins: ['*'], credentials: true }", 'defaults'), target)).find((x) => x.code === 'cors-credentials-origin-open');
      expect(d?.loc?.pointer).toBe('/x-gateway/defaults/cors');
    });
    it(`${target}: controls: '*' without credentials and listed origins with credentials build`, async () => {
      expect(await errors(spec("{ origins: ['*'] }"), target)).toEqual([]);
      expect(await errors(spec("{ origins: ['https://app.example.com'], credentials: true }"), target)).toEqual([]);
    });
  }
});
