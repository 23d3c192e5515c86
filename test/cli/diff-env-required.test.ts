/**
 * `gwc diff --deployed` without `--env` on a spec with x-gateway.environments (ENV2 item 1): the
 * base build was compared with a gateway built with `--env prod`, so a prod whose overlay a change
 * weakened (office ipAllow widened to 0.0.0.0/0 in prod only) read as base-vs-prod noise or, with
 * the overlay alone changed, as "No changes". A deployed gateway is one build and gwc's outputs do
 * not all say which overlay built it (a decK dump keeps no comment): the command refuses
 * (diff-env-required, usage exit 2) at x-gateway.environments naming them, until --env NAME or
 * --no-env says which build to compare.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { diffDeployed } from '../../src/diff/run.js';
import { ensureBuilt, gwc, tempDir } from './run.js';

const spec = (prod: string, environments = true) => `openapi: 3.1.0
info: { title: env required, version: "1" }
servers: [{ url: "https://api.test/v1" }]
x-gateway:
  name: envreq
  backends: { echo: { url: "https://echo.example.com" } }
  policies:
    office: { ipAllow: [10.0.0.0/8] }
  defaults: { backend: echo, policies: [office] }
${environments ? `  environments:
    staging:
      backends: { echo: { url: "https://echo.staging.example.com" } }
    prod:
      backends: { echo: { url: "https://echo.prod.example.com" } }
${prod}` : ''}
paths:
  /a: { get: { operationId: a, x-gateway: { public: true }, responses: { "200": { description: ok } } } }
`;
const WIDER = '      policies: { office: { ipAllow: [0.0.0.0/0] } }';
// The line of `  environments:` in spec(): the diagnostic's place.
const ENV_LINE = 10;

type D = { code: string; line?: number; column?: number; params: Record<string, unknown>; severity: string };

/** The spec as deployed (built with `--env prod` from `deployedSpec`) and the working copy beside it. */
function deployedProd(target: string, deployedSpec: string, working: string) {
  const dir = tempDir('gwc-diff-env-');
  const old = path.join(dir, 'old', 'gateway.yaml');
  mkdirSync(path.dirname(old));
  writeFileSync(old, deployedSpec);
  const file = path.join(dir, 'gateway.yaml');
  writeFileSync(file, working);
  const out = path.join(dir, 'out');
  const built = gwc(['build', old, '--target', target, '--env', 'prod', '--out', out]);
  expect(built.code, built.stderr).toBe(0);
  return { file, out: path.join(out, target) };
}

const DEPLOYED: Record<string, string> = { nginx: '', kong: 'kong.yaml', traefik: 'envreq.yml' };

describe('gwc diff --deployed on a spec with environments', () => {
  beforeAll(() => ensureBuilt());

  for (const target of ['nginx', 'kong', 'traefik']) {
    it(`${target}: without --env it refuses (exit 2, diff-env-required at x-gateway.environments naming them); --env prod finds the widened rule; --no-env compares the base build`, () => {
      const { file, out } = deployedProd(target, spec(''), spec(WIDER));
      const deployed = path.join(out, DEPLOYED[target]!);
      const bare = gwc(['diff', file, '--target', target, '--deployed', deployed, '--json']);
      expect(bare.code, bare.stderr).toBe(2);
      const json = JSON.parse(bare.stdout) as { ok: boolean; diagnostics: D[]; result: unknown };
      expect(json.ok).toBe(false);
      expect(json.result).toBeNull();
      const errors = json.diagnostics.filter((d) => d.severity === 'error');
      expect(errors.map((d) => [d.code, d.line, d.column, d.params])).toEqual([
        ['diff-env-required', ENV_LINE, 3, { target, source: deployed, environments: 'prod, staging' }],
      ]);
      // The plain output says why and what to pass.
      const text = gwc(['diff', file, '--target', target, '--deployed', deployed, '--exit-code']);
      expect(text.code).toBe(2);
      expect(text.stdout).toBe('');
      expect(text.stderr).toMatch(/gateway\.yaml:10:3 error diff-env-required .*\(prod, staging\).*--env NAME.*--no-env/);

      // With the environment it was built with: prod's widened office rule is a security finding.
      const prod = gwc(['diff', file, '--target', target, '--deployed', deployed, '--env', 'prod', '--format', 'json', '--fail-on', 'security']);
      expect(prod.code, prod.stderr).toBe(4);
      const plan = JSON.parse(prod.stdout) as { findings: Array<{ rule: string }> };
      expect(plan.findings.map((f) => f.rule)).toContain('ip-widened');

      // --no-env: the base build, as the user asked (its backend differs from prod's deployed one).
      const base = gwc(['diff', file, '--target', target, '--deployed', deployed, '--no-env', '--exit-code']);
      expect(base.code, base.stdout + base.stderr).toBe(3);
      expect(base.stderr).not.toContain('diff-env-required');
    });
  }

  it('the same build, named: --env prod against prod built from the same spec is no change', () => {
    const { file, out } = deployedProd('traefik', spec(WIDER), spec(WIDER));
    const r = gwc(['diff', file, '--target', 'traefik', '--deployed', path.join(out, 'envreq.yml'), '--env', 'prod', '--exit-code']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });

  it('--no-env is refused beside --env and --base (usage)', () => {
    const { file, out } = deployedProd('traefik', spec(''), spec(''));
    const deployed = path.join(out, 'envreq.yml');
    expect(gwc(['diff', file, '--target', 'traefik', '--deployed', deployed, '--no-env', '--env', 'prod']).code).toBe(2);
    expect(gwc(['diff', file, '--target', 'traefik', '--base', 'HEAD', '--no-env']).code).toBe(2);
  });

  it('a spec without environments needs neither flag', () => {
    const dir = tempDir('gwc-diff-noenv-');
    const file = path.join(dir, 'gateway.yaml');
    writeFileSync(file, spec('', false));
    const out = path.join(dir, 'out');
    expect(gwc(['build', file, '--target', 'traefik', '--out', out]).code).toBe(0);
    const r = gwc(['diff', file, '--target', 'traefik', '--deployed', path.join(out, 'traefik', 'envreq.yml'), '--exit-code']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });

  it('library: diffDeployed refuses before reading anything (a URL that was never asked)', async () => {
    const dir = tempDir('gwc-diff-env-lib-');
    const file = path.join(dir, 'gateway.yaml');
    writeFileSync(file, spec(''));
    const r = await diffDeployed(file, { target: 'kong', deployed: 'http://127.0.0.1:9/never-read' });
    expect(r.plan).toBeUndefined();
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.loc?.pointer, d.position?.line])).toEqual([['diff-env-required', '/x-gateway/environments', ENV_LINE]]);
  });
});
