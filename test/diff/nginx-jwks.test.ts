/**
 * `gwc diff` on nginx reads a JWT scheme's JWKS (issue #20.1 with #15): the key set URL moved, or
 * static keys replaced by a JWKS, is a security finding (jwt-keys-changed); the same spec is no change.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compiledState } from '../../src/diff/run.js';
import { diffStates } from '../../src/diff/plan.js';

const spec = (jwks: string) => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'gwc-jwks-')), 'gateway.yaml');
  writeFileSync(
    file,
    `openapi: 3.1.0
info: { title: t, version: "1" }
servers: [{ url: "https://api.example.com" }]
x-gateway:
  name: oidc
  backends: { app: { url: "http://app.internal:8080" } }
  defaults: { backend: app }
paths:
  /me: { get: { operationId: me, security: [{ oidc: [] }], responses: { "200": { description: ok } } } }
components:
  securitySchemes:
    oidc:
      type: http
      scheme: bearer
      x-gateway: { issuer: "https://id.example.com/", audiences: [api], algorithms: [RS256], jwksUri: "${jwks}" }
`,
  );
  return file;
};

const state = async (file: string) => {
  const r = await compiledState(file, 'nginx', {});
  if (!r.state) throw new Error(r.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n'));
  return r.state;
};

describe('nginx diff: JWKS', () => {
  it('a moved key set URL is a security finding on the route; the same URL is no change', async () => {
    const a = await state(spec('https://id.example.com/.well-known/jwks.json'));
    const b = await state(spec('https://keys.attacker.example/jwks.json'));
    const plan = diffStates(a, b);
    expect(plan.findings.filter((f) => f.rule === 'jwt-keys-changed').map((f) => f.class)).toEqual(['security']);
    const same = diffStates(a, await state(spec('https://id.example.com/.well-known/jwks.json')));
    expect(same.changes).toEqual([]);
    expect(same.findings).toEqual([]);
  });
});
