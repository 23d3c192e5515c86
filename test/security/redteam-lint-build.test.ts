/**
 * Red team: DESIGN.md 7.7, `gwc lint --target T` reports everything `gwc build --target T` refuses,
 * at the same spec node, for the refusals this red team met on Traefik and AWS (both flavours).
 * A spec that builds for a target but lints clean is fine; one that is refused by build must never
 * lint clean (a pull request would pass review and fail, or worse, be built with another tool).
 */
import { describe, expect, it } from 'vitest';
import { buildTarget } from '../../src/api.js';
import { lint } from '../../src/lint/index.js';
import { HEAD, writeSpec } from '../helpers/spec.js';

const ok = "{ '200': { description: ok } }";
const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:authz';
const base = (paths: string, schemes: string, extra = '') => `${HEAD}servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: rt
  backends: { app: { url: https://app.example.com }, adm: { url: https://adm.example.com } }
  defaults: { backend: app }
  consumers:
    alice: { groups: [admin], credentials: { basic: { username: alice, password: '\${env:ALICE_PW}' } } }
${extra}paths:
${paths}components:
  securitySchemes:
${schemes.includes('    basic:') ? schemes : schemes + BASIC}`;
const BASIC = '    basic: { type: http, scheme: basic }\n';
const LAM = `    lam: { type: apiKey, in: header, name: X-Token, x-gateway: { lambdaAuthorizer: { arn: '${ARN}', type: request, ttlSeconds: 300 } } }\n`;
const LAMB = `    lamb: { type: http, scheme: bearer, x-gateway: { hideCredentials: false, lambdaAuthorizer: { arn: '${ARN}', type: request } } }\n`;
const p = (n: string) => `{ name: ${n}, in: path, required: true, schema: { type: string } }`;

const KEYED = `  /r:\n    get: { security: [{ k: [] }], responses: ${ok} }\n`;
const K = '    k: { type: apiKey, in: header, name: X-Key }\n';
const ACCEPT = (target: string) => `  accept: { ${target}: [{ feature: auth.apiKey, reason: a WAF in front }] }\n`;

const CASES: Array<{ name: string; target: string; options?: Record<string, string>; env?: string; code: string; spec: string }> = [
  { name: 'an accepted auth gap that would leave the route open (was: lint passed)', target: 'traefik', code: 'accept-opens-route', spec: base(KEYED, BASIC + K, ACCEPT('traefik')) },
  { name: 'the same gap accepted in one environment only (was: lint --env passed)', target: 'traefik', env: 'prod', code: 'accept-opens-route', spec: base(KEYED, BASIC + K, `  environments:\n    prod:\n    ${ACCEPT('traefik')}`) },
  { name: 'public HEAD beside a keyed GET', target: 'traefik', code: 'head-widens-get', spec: base(`  /r:\n    get: { security: [{ basic: [] }], responses: ${ok} }\n    head: { x-gateway: { public: true }, responses: ${ok} }\n`, BASIC) },
  { name: 'public HEAD beside a keyed GET', target: 'aws', code: 'head-widens-get', spec: base(`  /r:\n    get: { security: [{ lam: [] }], responses: ${ok} }\n    head: { x-gateway: { public: true }, responses: ${ok} }\n`, LAM) },
  { name: 'a declared X-HTTP-Method-Override on a public GET beside a keyed DELETE (red team 12)', target: 'traefik', code: 'method-override-widens', spec: base(`  /r:\n    get: { x-gateway: { public: true }, parameters: [{ name: X-HTTP-Method-Override, in: header, schema: { type: string } }], responses: ${ok} }\n    delete: { security: [{ basic: [] }], responses: ${ok} }\n`, BASIC) },
  { name: 'a declared _method on a public GET beside a keyed DELETE (red team 12)', target: 'aws', code: 'method-override-widens', spec: base(`  /r:\n    get: { x-gateway: { public: true }, parameters: [{ name: _method, in: query, schema: { type: string } }], responses: ${ok} }\n    delete: { security: [{ lam: [] }], responses: ${ok} }\n`, LAM) },
  { name: 'a public value reaching a keyed route through ..;', target: 'aws', code: 'aws-path-param-confusable', spec: base(`  /a/{x}/b:\n    get: { parameters: [${p('x')}], x-gateway: { public: true }, responses: ${ok} }\n  /a/c/{y}:\n    get: { parameters: [${p('y')}], security: [{ lam: [] }], responses: ${ok} }\n`, LAM) },
  { name: 'a public value reaching a keyed route', target: 'aws', options: { api: 'http' }, code: 'aws-path-param-confusable', spec: base(`  /a/{x}/b:\n    get: { parameters: [${p('x')}], x-gateway: { public: true }, responses: ${ok} }\n  /a/c/{y}:\n    get: { parameters: [${p('y')}], security: [{ lamb: [] }], responses: ${ok} }\n`, LAMB) },
  { name: 'scopes a Lambda authorizer is not told', target: 'aws', options: { api: 'http' }, code: 'aws-http-scopes-unenforced', spec: base(`  /r:\n    get: { security: [{ lamb: [admin] }], responses: ${ok} }\n`, LAMB) },
  { name: 'scopes a Lambda authorizer is not told', target: 'aws', code: 'aws-authorizer-scopes', spec: base(`  /r:\n    get: { security: [{ lamb: [admin] }], responses: ${ok} }\n`, LAMB) },
  { name: 'an OR of requirements', target: 'aws', code: 'capability-unsupported', spec: base(`  /r:\n    get: { security: [{ lam: [] }, { lamb: [] }], responses: ${ok} }\n`, LAM + LAMB) },
  { name: 'roles on a forwardAuth API key', target: 'traefik', code: 'traefik-roles-forward-auth', spec: base(`  /r:\n    get: { security: [{ fk: [admin] }], responses: ${ok} }\n`, "    fk: { type: apiKey, in: header, name: X-Key, x-gateway: { forwardAuth: { url: 'http://keys.internal/check' } } }\n") },
  { name: 'an API key with no forwardAuth service', target: 'traefik', code: 'capability-unsupported', spec: base(`  /r:\n    get: { security: [{ k: [] }], responses: ${ok} }\n`, '    k: { type: apiKey, in: header, name: X-Key }\n') },
  { name: 'a hidden query key Traefik cannot remove (DESIGN.md 7.3)', target: 'traefik', code: 'traefik-credential-not-hidden', spec: base(`  /r:\n    get: { security: [{ qk: [] }], responses: ${ok} }\n`, "    qk: { type: apiKey, in: query, name: api_key, x-gateway: { forwardAuth: { url: 'http://keys.internal/check' } } }\n") },
  { name: 'a hidden cookie key on an operation reading another cookie', target: 'traefik', code: 'traefik-credential-not-hidden', spec: base(`  /r:\n    get: { parameters: [{ name: theme, in: cookie, schema: { type: string } }], security: [{ ck: [] }], responses: ${ok} }\n`, "    ck: { type: apiKey, in: cookie, name: sid, x-gateway: { forwardAuth: { url: 'http://keys.internal/check' } } }\n") },
  { name: 'a hidden cookie key whose scheme does not state backendCookies: none (the whole Cookie header would go)', target: 'traefik', code: 'traefik-credential-not-hidden', spec: base(`  /r:\n    get: { security: [{ ck: [] }], responses: ${ok} }\n`, "    ck: { type: apiKey, in: cookie, name: sid, x-gateway: { forwardAuth: { url: 'http://keys.internal/check' } } }\n") },
  { name: 'a kept header key a client can send on two lines (red team 12)', target: 'traefik', code: 'traefik-kept-header-credential', spec: base(`  /r:\n    get: { security: [{ fk: [] }], responses: ${ok} }\n`, "    fk: { type: apiKey, in: header, name: X-Key, x-gateway: { hideCredentials: false, forwardAuth: { url: 'http://keys.internal/check' } } }\n") },
  { name: 'a kept cookie key (its service reads one sid, Traefik passes every Cookie line: red team 15)', target: 'traefik', code: 'traefik-kept-cookie-credential', spec: base(`  /r:\n    get: { security: [{ kc: [] }], responses: ${ok} }\n`, "    kc: { type: apiKey, in: cookie, name: sid, x-gateway: { hideCredentials: false, forwardAuth: { url: 'http://keys.internal/check' } } }\n") },
  { name: 'a kept native basic credential (Request.BasicAuth reads the first Authorization line)', target: 'traefik', code: 'traefik-kept-header-credential', spec: base(`  /r:\n    get: { security: [{ kb: [] }], responses: ${ok} }\n`, '    kb: { type: http, scheme: basic, x-gateway: { hideCredentials: false } }\n') },
  { name: 'a cache (no response cache in open-source Traefik)', target: 'traefik', code: 'capability-unsupported', spec: base(`  /r:\n    get: { security: [{ basic: [] }], x-gateway: { cache: { ttl: 60s } }, responses: ${ok} }\n`, BASIC) },
  { name: 'a cache on an HTTP API', target: 'aws', options: { api: 'http' }, code: 'capability-unsupported', spec: base(`  /r:\n    get: { security: [{ lamb: [] }], x-gateway: { cache: { ttl: 60s } }, responses: ${ok} }\n`, LAMB) },
  { name: 'ipAllow on an HTTP API (no resource policy)', target: 'aws', options: { api: 'http' }, code: 'capability-unsupported', spec: base(`  /r:\n    get: { security: [{ lamb: [] }], x-gateway: { ipAllow: [10.0.0.0/8] }, responses: ${ok} }\n`, LAMB) },
];

const errors = (ds: Array<{ severity: string; code: unknown; params?: unknown; loc?: { pointer: string } }>) =>
  ds.filter((d) => d.severity === 'error').map((d) => `${String((d.params as { code?: string } | undefined)?.code ?? d.code)} ${d.loc?.pointer ?? ''}`);

describe('red team: lint reports what build refuses (Traefik, AWS REST and HTTP)', () => {
  for (const c of CASES) {
    it(`${c.target}${c.options?.api ? ` (${c.options.api})` : ''}${c.env ? ` --env ${c.env}` : ''}: ${c.name}`, async () => {
      const file = writeSpec(c.spec);
      const b = await buildTarget(file, { target: c.target, options: c.options ?? {}, ...(c.env ? { env: c.env } : {}) });
      const built = errors(b.diagnostics);
      expect(built.length, 'the build refuses it').toBeGreaterThan(0);
      expect(built.map((e) => e.split(' ')[0])).toContain(c.code);
      const l = await lint(file, { target: c.target, ...(c.env ? { env: c.env } : {}), ...(c.options ? { targetOptions: { [c.target]: c.options } } : {}) } as Parameters<typeof lint>[1]);
      const linted = errors(l.diagnostics);
      // Every pointer the build refuses at is an error of lint's at the same node (lint may relay it as target-compile).
      for (const e of built) expect(linted.map((x) => x.split(' ')[1]), `${e} in ${JSON.stringify(linted)}`).toContain(e.split(' ')[1]);
    });
  }
});
