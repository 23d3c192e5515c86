/**
 * Red team: one credential, two consumers (DESIGN.md 7.1). Consumers are told apart by their
 * credential: two consumers of one scheme with the same basic user name (Traefik built it: both
 * users in one htpasswd file, one admitted as the other with X-Consumer of the same name) or the
 * same API key reference must be refused on every target, by build and lint, at the credential.
 */
import { describe, expect, it } from 'vitest';
import { buildTarget } from '../../src/api.js';
import { lint } from '../../src/lint/index.js';
import { HEAD, writeSpec } from '../helpers/spec.js';

const spec = (consumers: string, scheme = "basic: { type: http, scheme: basic }", sec = 'basic') => `${HEAD}servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: rt
  backends: { app: { url: https://app.example.com } }
  defaults: { backend: app }
  consumers:
${consumers}paths:
  /r:
    get: { security: [{ ${sec}: [] }], responses: { '200': { description: ok } } }
components:
  securitySchemes:
    ${scheme}
`;
const TARGETS = ['traefik', 'aws', 'nginx', 'kong'];
const codes = (ds: Array<{ severity: string; code: unknown; params?: unknown; loc?: { pointer: string } }>) =>
  ds.filter((d) => d.severity === 'error').map((d) => `${String(d.code)} ${d.loc?.pointer}`);

describe('red team: one credential, two consumers', () => {
  const cases = [
    ['the same basic user name', "    alice: { groups: [admin], credentials: { basic: { username: alice, password: '${env:A}' } } }\n    mallory: { credentials: { basic: { username: alice, password: '${env:B}' } } }\n", undefined, undefined, '/x-gateway/consumers/mallory/credentials/basic'],
    ['a basic user name in another case', "    alice: { credentials: { basic: { username: alice, password: '${env:A}' } } }\n    mallory: { credentials: { basic: { username: Alice, password: '${env:B}' } } }\n", undefined, undefined, '/x-gateway/consumers/mallory/credentials/basic'],
    ['the same API key reference', "    alice: { groups: [admin], credentials: { key: '${env:K}' } }\n    mallory: { credentials: { key: ['${env:M}', '${env:K}'] } }\n", 'key: { type: apiKey, in: header, name: x-api-key }', 'key', '/x-gateway/consumers/mallory/credentials/key/1'],
    ['a basic user name that is another consumer\'s name (Traefik sends the user name as X-Consumer)', "    alice: { groups: [admin], credentials: { key: '${env:K}' } }\n    mallory: { credentials: { basic: { username: alice, password: '${env:B}' } } }\n", "basic: { type: http, scheme: basic }\n    key: { type: apiKey, in: header, name: x-api-key, x-gateway: { forwardAuth: { url: 'http://keys.internal/check' } } }", 'basic', '/x-gateway/consumers/mallory/credentials/basic'],
  ] as const;
  for (const [name, consumers, scheme, sec, pointer] of cases) {
    it(`${name}: refused on every target, by build and lint, at the second consumer's credential`, async () => {
      const file = writeSpec(spec(consumers, scheme, sec));
      for (const target of TARGETS) {
        const b = await buildTarget(file, { target });
        expect(codes(b.diagnostics), target).toContain(`consumer-credential-shared ${pointer}`);
      }
      expect(codes((await lint(file)).diagnostics)).toContain(`consumer-credential-shared ${pointer}`);
    });
  }

  it('held: distinct names and keys, and one consumer with two keys, build', async () => {
    const file = writeSpec(spec("    alice: { credentials: { basic: { username: alice, password: '${env:A}' } } }\n    bob: { credentials: { basic: { username: bob, password: '${env:A}' } } }\n"));
    expect(codes((await buildTarget(file, { target: 'traefik' })).diagnostics)).toEqual([]);
  });
});
