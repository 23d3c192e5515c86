/**
 * `x-gateway.backends.*.methodOverride: none` switched on later (src/diff/trust.ts): on Traefik and
 * AWS it lifts the body `_method` refusal without changing a byte of output, so `gwc diff --base`
 * must still flag it as security (DESIGN.md section 7.8); nginx and Kong check the body whatever it
 * says, so nothing changes there; a deployed reader cannot see it and compares nothing.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildTarget } from '../../src/api.js';
import { diffBase, diffDeployed } from '../../src/diff/run.js';
import { EXACT_QUERY_NAMES, NO_BODY_METHOD, NO_DOT_SEGMENTS, trustEntities } from '../../src/diff/trust.js';
import { gatewayOf, HEAD } from '../helpers/spec.js';

/** A scheme each target verifies itself; POST and GET of one path equally protected, so every base builds. */
function spec(target: string, declared: boolean | string): string {
  const basic = target === 'traefik';
  const scheme = basic ? '{ type: http, scheme: basic }' : '{ type: apiKey, in: header, name: x-api-key }';
  const cred = basic ? "{ username: ops, password: '${env:OPS_PASSWORD}' }" : "'${env:OPS_KEY}'";
  return `${HEAD}servers: [{ url: https://api.example.com }]
x-gateway:
  backends:
    app: { url: https://app.example.com${declared === true ? ', methodOverride: none' : declared ? `, ${declared}` : ''} }
  defaults: { backend: app }
  consumers:
    ops: { credentials: { key: ${cred} } }
paths:
  /items:
    post:
      operationId: createItem
      security: [{ key: [] }]
      responses: { '200': { description: ok } }
    get:
      operationId: listItems
      security: [{ key: [] }]
      responses: { '200': { description: ok } }
components:
  securitySchemes:
    key: ${scheme}
`;
}

function repoWith(target: string, declaration: true | string = true): { dir: string; file: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'gwc-trust-'));
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: dir, stdio: 'pipe' });
  git('init', '-q');
  const file = path.join(dir, 'gateway.yaml');
  writeFileSync(file, spec(target, false));
  git('add', 'gateway.yaml');
  git('commit', '-q', '-m', 'base');
  writeFileSync(file, spec(target, declaration));
  return { dir, file };
}

describe('methodOverride: none switched on later', () => {
  it.each(['traefik', 'aws'])('%s: gwc diff --base flags it as security (trust-added) though the output is the same', async (target) => {
    const { file } = repoWith(target);
    const r = await diffBase(file, { target, base: 'HEAD' });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.plan!.findings.map((f) => [f.class, f.rule, f.kind, f.key])).toEqual([['security', 'trust-added', 'gwc trust', 'backend app']]);
    expect(r.plan!.changes.map((c) => `${c.action} ${c.kind} ${c.key}`)).toEqual(['create gwc trust backend app']);
  });

  it.each(['nginx', 'kong'])('%s: nothing to flag (the body is checked whatever the backend says)', async (target) => {
    const { file } = repoWith(target);
    const r = await diffBase(file, { target, base: 'HEAD' });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.plan!.findings).toEqual([]);
    expect(r.plan!.changes).toEqual([]);
  });

  it('traefik: a deployed file cannot show it, so --deployed compares nothing about it', async () => {
    const { dir, file } = repoWith('traefik');
    const base = path.join(dir, 'base.yaml');
    writeFileSync(base, spec('traefik', false));
    const built = await buildTarget(base, { target: 'traefik' });
    const dynamic = built.files.find((f) => /\.ya?ml$/.test(f.path))!;
    const deployed = path.join(dir, 'dynamic.yaml');
    writeFileSync(deployed, dynamic.contents);
    const r = await diffDeployed(file, { target: 'traefik', deployed });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.plan!.changes).toEqual([]);
    expect(r.plan!.findings).toEqual([]);
  });
});

describe('dotSegments: rejected switched on later', () => {
  /** What is trusted names the server (src/diff/trust.ts): a declared backend re-pointed is a new trust. */
  const AT = 'https://app.example.com:443';
  it('aws: gwc diff --base flags it as security (trust-added), naming what is trusted', async () => {
    const { file } = repoWith('aws', 'dotSegments: rejected');
    const r = await diffBase(file, { target: 'aws', base: 'HEAD' });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.plan!.findings.map((f) => [f.class, f.rule, f.kind, f.key])).toEqual([['security', 'trust-added', 'gwc trust', 'backend app']]);
  });

  it('aws: both declarations on one backend are one entity trusting two things; traefik relies on one of them', async () => {
    const { gateway } = await gatewayOf(spec('aws', 'methodOverride: none, dotSegments: rejected'));
    expect(trustEntities(gateway!, 'aws')).toEqual([
      { kind: 'gwc trust', key: 'backend app', fields: { methodOverride: 'none', dotSegments: 'rejected', at: AT }, facts: { trusts: [`${NO_BODY_METHOD} at ${AT}`, `${NO_DOT_SEGMENTS} at ${AT}`] } },
    ]);
    expect(trustEntities(gateway!, 'traefik')).toEqual([{ kind: 'gwc trust', key: 'backend app', fields: { methodOverride: 'none', at: AT }, facts: { trusts: [`${NO_BODY_METHOD} at ${AT}`] } }]);
  });

  it.each(['nginx', 'kong', 'traefik'])('%s: nothing to flag (the target refuses such path values itself)', async (target) => {
    const { file } = repoWith(target, 'dotSegments: rejected');
    const r = await diffBase(file, { target, base: 'HEAD' });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.plan!.findings).toEqual([]);
    expect(r.plan!.changes).toEqual([]);
  });
});

describe('queryNames: exact switched on later', () => {
  const AT = 'https://app.example.com:443';
  it('aws: gwc diff --base flags it as security (trust-added); the entity says what is trusted', async () => {
    const { file } = repoWith('aws', 'queryNames: exact');
    const r = await diffBase(file, { target: 'aws', base: 'HEAD' });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.plan!.findings.map((f) => [f.class, f.rule, f.kind, f.key])).toEqual([['security', 'trust-added', 'gwc trust', 'backend app']]);
    const { gateway } = await gatewayOf(spec('aws', 'queryNames: exact'));
    expect(trustEntities(gateway!, 'aws')).toEqual([{ kind: 'gwc trust', key: 'backend app', fields: { queryNames: 'exact', at: AT }, facts: { trusts: [`${EXACT_QUERY_NAMES} at ${AT}`] } }]);
  });

  it.each(['nginx', 'kong', 'traefik'])('%s: nothing to flag (the target reads or refuses the spellings itself)', async (target) => {
    const { file } = repoWith(target, 'queryNames: exact');
    const r = await diffBase(file, { target, base: 'HEAD' });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.plan!.findings).toEqual([]);
    expect(r.plan!.changes).toEqual([]);
  });
});
