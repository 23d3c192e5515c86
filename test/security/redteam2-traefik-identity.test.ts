/**
 * Red team 2, Traefik: what X-Consumer tells the backend (DESIGN.md 7.1, 7.3), the class closed on
 * nginx by redteam2-nginx-jwt-namespace. On Traefik X-Consumer is basicAuth's verified user name
 * (headerField) or what an API-key forwardAuth service answers (the consumer it found). Two ways a
 * caller was taken for another:
 * - a bearer scheme's forwardAuth service answering X-Consumer (a token's subject, in the namespace
 *   of the spec's consumers and basic users: a token for "alice" read as the consumer alice): such a
 *   responseHeaders entry (any case, `_` spelling) is refused (forward-header-reserved); an API-key
 *   service, which names the spec's consumers, keeps it;
 * - two consumers whose basic user names differ only in case in two basic schemes (`Ally`, `ally`):
 *   basicAuth writes each as sent and a case-folding backend reads one X-Consumer
 *   (consumer-credential-shared; one scheme's were refused already, and a user name equal to another
 *   consumer's name on every target).
 * Build and lint (the target's compile runs inside lint) report each at its spec line.
 */
import { describe, expect, it } from 'vitest';
import { compileGateway } from '../../src/api.js';
import { lint } from '../../src/lint/index.js';
import { gatewayOf, writeSpec } from '../helpers/spec.js';

const ok = '{ "200": { description: ok } }';
const spec = (schemes: string, consumers: string, paths: string) => `openapi: 3.1.0
info: { title: traefik identity, version: "1" }
servers: [{ url: "https://api.test/v1" }]
x-gateway:
  name: ti
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
${consumers}
paths:
${paths}
components:
  securitySchemes:
${schemes}
`;
const KEY_CONSUMERS = '    alice: { credentials: { key: "${env:A}" } }';
const KEY = '    key: { type: apiKey, in: header, name: X-Api-Key, x-gateway: { forwardAuth: { url: "http://keys.internal:9100/check", responseHeaders: [X-Consumer] } } }';

async function traefik(text: string) {
  const g = await gatewayOf(text);
  expect(g.gateway, JSON.stringify(g.diagnostics)).toBeDefined();
  return compileGateway(g.gateway!, 'traefik', {});
}
const errors = (r: { diagnostics: Array<{ severity: string; code: string; params: Record<string, unknown>; loc?: { pointer: string } }> }) =>
  r.diagnostics.filter((d) => d.severity === 'error').map((d) => ({ code: d.code, params: d.params, pointer: d.loc?.pointer }));

describe('red team 2: Traefik X-Consumer is never a token subject or an ambiguous user name', () => {
  it('control: an API-key forwardAuth service answering X-Consumer (the consumer it found) builds', async () => {
    const r = await traefik(spec(KEY, KEY_CONSUMERS, `  /k: { get: { operationId: k, security: [{ key: [] }], responses: ${ok} } }`));
    expect(errors(r)).toEqual([]);
  });

  for (const [what, header] of [['X-Consumer', 'X-Consumer'], ['lower case', 'x-consumer'], ['the _ spelling a CGI backend reads alike', 'X_Consumer']] as const) {
    for (const [kind, scheme] of [
      ['a bearer forwardAuth scheme', `    tok: { type: http, scheme: bearer, x-gateway: { forwardAuth: { url: "http://tokens.internal:9200/check", responseHeaders: [X-User, ${header}] } } }`],
      ['a JWT scheme verified through forwardAuth', `    tok: { type: http, scheme: bearer, x-gateway: { issuer: "https://id.example/", forwardAuth: { url: "http://tokens.internal:9200/check", responseHeaders: [X-User, ${header}] } } }`],
      ['an OAuth2 scheme through forwardAuth', `    tok: { type: oauth2, flows: { clientCredentials: { tokenUrl: "https://id.example/token", scopes: {} } }, x-gateway: { forwardAuth: { url: "http://tokens.internal:9200/check", responseHeaders: [X-User, ${header}] } } }`],
    ] as const) {
      it(`${kind} answering ${what} is refused at that responseHeaders entry (build and lint)`, async () => {
        const text = spec(`${KEY}\n${scheme}`, KEY_CONSUMERS, `  /t: { get: { operationId: t, security: [{ tok: [] }, { key: [] }], responses: ${ok} } }`);
        const r = await traefik(text);
        expect(errors(r)).toEqual([{ code: 'forward-header-reserved', params: { scheme: 'tok', header: header.toLowerCase() }, pointer: '/components/securitySchemes/tok/x-gateway/forwardAuth/responseHeaders/1' }]);
        const linted = await lint(writeSpec(text), { target: 'traefik' });
        expect(linted.diagnostics.filter((d) => d.code === 'target-compile' && d.params.code === 'forward-header-reserved').length).toBe(1);
      });
    }
  }

  it('two consumers with basic user names differing only in case, in two schemes, are refused at the second', async () => {
    const text = spec(
      '    b1: { type: http, scheme: basic }\n    b2: { type: http, scheme: basic }',
      '    alice: { credentials: { b1: { username: Ally, password: "${env:A}" } } }\n    mallory: { credentials: { b2: { username: ally, password: "${env:M}" } } }',
      `  /a: { get: { operationId: a, security: [{ b1: [] }], responses: ${ok} } }\n  /b: { get: { operationId: b, security: [{ b2: [] }], responses: ${ok} } }`,
    );
    const r = await traefik(text);
    expect(errors(r)).toEqual([
      { code: 'consumer-credential-shared', params: { consumer: 'mallory', other: 'alice', scheme: 'b2', what: 'basic user name (Traefik names the caller by it in X-Consumer, across schemes)' }, pointer: '/x-gateway/consumers/mallory/credentials/b2' },
    ]);
    const linted = await lint(writeSpec(text), { target: 'traefik' });
    expect(linted.diagnostics.filter((d) => d.code === 'target-compile' && d.params.code === 'consumer-credential-shared').length).toBe(1);
  });

  it('held: one consumer with one user name in two basic schemes builds (one identity); other targets name the consumer, not the user', async () => {
    const text = spec(
      '    b1: { type: http, scheme: basic }\n    b2: { type: http, scheme: basic }',
      '    alice: { credentials: { b1: { username: ally, password: "${env:A}" }, b2: { username: Ally, password: "${env:B}" } } }\n    mallory: { credentials: { b2: { username: mal, password: "${env:M}" } } }',
      `  /a: { get: { operationId: a, security: [{ b1: [] }], responses: ${ok} } }\n  /b: { get: { operationId: b, security: [{ b2: [] }], responses: ${ok} } }`,
    );
    expect(errors(await traefik(text))).toEqual([]);
    const two = spec(
      '    b1: { type: http, scheme: basic }\n    b2: { type: http, scheme: basic }',
      '    alice: { credentials: { b1: { username: Ally, password: "${env:A}" } } }\n    mallory: { credentials: { b2: { username: ally, password: "${env:M}" } } }',
      `  /a: { get: { operationId: a, security: [{ b1: [] }], responses: ${ok} } }\n  /b: { get: { operationId: b, security: [{ b2: [] }], responses: ${ok} } }`,
    );
    const g = await gatewayOf(two);
    expect(compileGateway(g.gateway!, 'nginx', {}).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });
});
