/**
 * The HTTP API flavour through the real CLI: `gwc targets` lists its column and the `aws.api`
 * option; `gwc lint --target aws --option aws.api=http` checks the flavour (what build refuses,
 * lint reports at the same line); `gwc build` and `gwc diff` take the option.
 */
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, fixture, gwc, tempDir } from './run.js';

beforeAll(ensureBuilt);

const OIDC = fixture('oidc');

describe('gwc with --option aws.api=http', () => {
  it('gwc targets shows the flavour column and the option', () => {
    const r = gwc(['targets']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/FEATURE +CLASS +aws +aws \(api=http\) +kong/);
    expect(r.stdout).toMatch(/^aws\.api +rest\|http +rest /m);
    const json = JSON.parse(gwc(['targets', '--json']).stdout) as { result: Record<string, { flavours?: Record<string, { capabilities: Record<string, { support: string }> }> }> };
    expect(json.result.aws!.flavours!['api=http']!.capabilities['auth.apiKey']!.support).toBe('unsupported');
  });

  it('lint checks the flavour: the fixture is green for HTTP APIs and red for REST', () => {
    expect(gwc(['lint', OIDC, '--target', 'aws', '--option', 'aws.api=http']).code).toBe(0);
    expect(gwc(['lint', OIDC, '--target', 'aws']).code).toBe(1);
  });

  it('what build refuses, lint reports at the same line', () => {
    const dir = tempDir('gwc-http-');
    const file = path.join(dir, 'gateway.yaml');
    writeFileSync(file, `openapi: 3.0.3
info: { title: t, version: "1" }
x-gateway:
  backends: { api: { url: https://api.example.com } }
  defaults: { backend: api }
paths:
  /a:
    get:
      security: [{ oidc: [read, write] }]
      responses: { '200': { description: ok } }
components:
  securitySchemes:
    oidc:
      type: openIdConnect
      openIdConnectUrl: https://id.example.com/.well-known/openid-configuration
      x-gateway: { issuer: https://id.example.com/, audiences: [api], hideCredentials: false }
`);
    const build = gwc(['build', file, '--target', 'aws', '--option', 'aws.api=http', '--out', path.join(dir, 'out'), '--json']);
    const lint = gwc(['lint', file, '--target', 'aws', '--option', 'aws.api=http', '--json']);
    expect(build.code).toBe(1);
    expect(lint.code).toBe(1);
    type D = { code: string; line: number; severity: string; params: Record<string, string> };
    const b = (JSON.parse(build.stdout) as { diagnostics: D[] }).diagnostics.filter((d) => d.severity === 'error');
    const l = (JSON.parse(lint.stdout) as { diagnostics: D[] }).diagnostics.filter((d) => d.severity === 'error');
    expect(b.map((d) => [d.code, d.line])).toEqual([['aws-http-scopes-all', 9]]);
    expect(l.map((d) => [d.params.code ?? d.code, d.line])).toContainEqual(['aws-http-scopes-all', 9]);
  });

  it('build writes the template and diff reads it back as no change', () => {
    const dir = tempDir('gwc-http-');
    const out = path.join(dir, 'out');
    expect(gwc(['build', OIDC, '--target', 'aws', '--option', 'aws.api=http', '--out', out]).code).toBe(0);
    const r = gwc(['diff', OIDC, '--target', 'aws', '--option', 'aws.api=http', '--deployed', path.join(out, 'aws', 'template.json'), '--exit-code']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });
});
