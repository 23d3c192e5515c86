/**
 * Red team 16, `gwc diff --base` (DESIGN.md 7.8) and environment overlays.
 *
 * Mechanism. `gwc diff SPEC --target T --base REF` (README: the pull-request review, `--base
 * origin/main`) compiles both sides with the `--env` it is given, and without one the base model
 * only (src/diff/run.ts diffBase -> compiledState(spec, target, options)). A change made inside
 * `x-gateway.environments.prod` is not in the base model: a pull request adding
 *     environments: { prod: { policies: { office: { ipAllow: [0.0.0.0/0] } },
 *                             consumers: { bob: { groups: [admin] } } } }
 * opens the admin-only, office-only route to bob from anywhere in production, and
 * `gwc diff gateway.yaml --target nginx --base HEAD` prints "No changes." (exit 0, no security
 * finding); only `--env prod` shows consumer-widened and ip-rule-widened. Lint made the opposite
 * choice for the same overlays (red team 4, target-refusals.ts: "lint without --env speaks for
 * gwc build --env E of every environment"), so a PR gate that runs lint and diff without --env
 * is green on a change that weakens production's front door.
 *
 * Safe behaviour: without --env, diff --base also compares each environment's compiled state (as
 * lint walks them), naming the environment in each finding; or refuses to say "No changes" while
 * an environment's compiled output differs.
 *
 * Fixed: diffBase without --env compares the base builds and then each environment's builds
 * (src/diff/environments.ts withEnvironments): an environment's changes and findings the base plan
 * does not already hold are added, `environment` set, rendered `[environment prod] ...`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffBase } from '../../src/diff/run.js';
import { render } from '../../src/diff/render.js';

const spec = (prod: string) => `openapi: 3.1.0
info: { title: rt16 diff env, version: "1" }
servers: [{ url: "https://api.test/v1" }]
x-gateway:
  name: rt16d
  backends: { echo: { url: "https://echo.example.com" } }
  policies:
    office: { ipAllow: [10.0.0.0/8] }
  defaults: { backend: echo, policies: [office] }
  consumers:
    alice: { groups: [admin], credentials: { key: "\${env:A}" } }
    bob: { credentials: { key: "\${env:B}" } }
  environments:
    prod:
      backends: { echo: { url: "https://echo.prod.example.com" } }
${prod}
paths:
  /admin: { get: { operationId: adminGet, security: [{ key: [admin] }], responses: { "200": { description: ok } } } }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: X-Api-Key }
`;
const WEAKER = '      policies: { office: { ipAllow: [0.0.0.0/0] } }\n      consumers: { bob: { groups: [admin] } }';

async function diffOf(target: string, env?: string, before = spec(''), after = spec(WEAKER)) {
  const dir = mkdtempSync(path.join(tmpdir(), 'gwc-rt16-diff-env-'));
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: dir, stdio: 'pipe' });
  const f = path.join(dir, 'gateway.yaml');
  git('init', '-q');
  writeFileSync(f, before);
  git('add', 'gateway.yaml');
  git('commit', '-q', '-m', 'base');
  writeFileSync(f, after);
  return diffBase(f, { target, base: 'HEAD', ...(env ? { env } : {}) });
}

async function run(target: string, env?: string) {
  const r = await diffOf(target, env);
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r.plan!.findings.filter((x) => x.class === 'security').map((x) => x.rule);
}

describe('red team 16: gwc diff --base and a weakening made in an environment overlay', () => {
  for (const target of ['nginx', 'kong']) {
    it(`control (${target}): with --env prod the widened IP rule and the new admin are security findings`, async () => {
      const rules = await run(target, 'prod');
      expect(rules.length).toBeGreaterThanOrEqual(2);
    });

    // Was: diffBase compiled the base model when no --env was given; the overlay was never read.
    it(`${target}: without --env the same pull request is not "no change"`, async () => {
      const rules = await run(target);
      expect(rules.length, 'security findings of gwc diff --base HEAD (no --env)').toBeGreaterThanOrEqual(2);
    });

    it(`${target}: without --env, the environment's findings are --env prod's, each naming prod`, async () => {
      const all = (await diffOf(target)).plan!;
      const prod = (await diffOf(target, 'prod')).plan!;
      const strip = (f: { environment?: string }) => ({ ...f, environment: undefined });
      expect(all.findings.every((f) => f.environment === 'prod')).toBe(true);
      expect(all.findings.map(strip)).toEqual(prod.findings.map(strip));
      expect(all.changes.every((c) => c.environment === 'prod')).toBe(true);
      expect(all.summary).toEqual(prod.summary);
    });
  }

  it('a weakening in two environments is reported under each, in name order; the same change in the base is said once', async () => {
    const two = `${WEAKER}\n    staging:\n      policies: { office: { ipAllow: [0.0.0.0/0] } }`;
    // The base build also gains a route (each environment gains it too: said once, under the base).
    const route = '  /new: { get: { operationId: newGet, security: [{ key: [] }], responses: { "200": { description: ok } } } }\ncomponents:';
    const r = await diffOf('kong', undefined, spec('').replace('    prod:\n', '    staging: {}\n    prod:\n'), spec(two).replace('components:', route));
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const plan = r.plan!;
    const security = plan.findings.filter((f) => f.class === 'security');
    const envs = security.map((f) => f.environment ?? '');
    expect(envs).toEqual([...envs].sort()); // the base's first, then by environment name
    expect(new Set(envs)).toEqual(new Set(['', 'prod', 'staging']));
    // Kong: the new route's scheme group given to alice and bob, in every build: said once, by the base.
    expect(security.filter((f) => f.key.endsWith('.alice')).map((f) => f.environment)).toEqual([undefined]);
    const text = (f: (typeof security)[number]) => JSON.stringify([f.rule, f.kind, f.key, f.old, f.new]);
    const base = new Set(security.filter((f) => f.environment === undefined).map(text));
    expect(security.filter((f) => f.environment !== undefined && base.has(text(f)))).toEqual([]);
    const created = plan.changes.filter((c) => c.action === 'create' && c.key.toLowerCase().includes('newget'));
    expect(created.length).toBeGreaterThan(0);
    expect(created.every((c) => c.environment === undefined)).toBe(true);
    // Deterministic: the same run gives the same plan.
    expect((await diffOf('kong', undefined, spec('').replace('    prod:\n', '    staging: {}\n    prod:\n'), spec(two).replace('components:', route))).plan).toEqual(plan);
  });

  it('an environment the pull request adds is compared with what the ref builds without one', async () => {
    const before = spec('').replace(/  environments:\n    prod:\n      backends: .*\n/, '');
    const r = await diffOf('nginx', undefined, before, spec(WEAKER));
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const rules = r.plan!.findings.filter((f) => f.class === 'security' && f.environment === 'prod').map((f) => f.rule);
    expect(rules.length).toBeGreaterThanOrEqual(2);
  });

  it("an environment's build the pull request breaks stops the diff, the error naming the environment", async () => {
    const r = await diffOf('nginx', undefined, spec(''), spec('      policies: { office: null }'));
    expect(r.plan).toBeUndefined();
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => [d.code, d.params?.environment])).toEqual([['unknown-policy', 'prod']]);
  });

  it('a spec without environments diffs as before (no environment on any item)', async () => {
    const plain = (extra: string) => spec(extra).replace(/  environments:\n    prod:\n      backends: .*\n/, '');
    const r = await diffOf('nginx', undefined, plain(''), plain('').replace('ipAllow: [10.0.0.0/8]', 'ipAllow: [0.0.0.0/0]'));
    expect(r.environments).toBeUndefined();
    expect(r.plan!.findings.length).toBeGreaterThan(0);
    expect(r.plan!.findings.every((f) => f.environment === undefined)).toBe(true);
  });

  it('every format names the environment (plan, markdown, json, unified)', async () => {
    const r = await diffOf('nginx');
    const meta = { target: 'nginx', from: 'HEAD:gateway.yaml', to: 'gateway.yaml', colour: false, environments: r.environments! };
    const plan = render('plan', r.plan!, r.from!, r.to!, meta);
    expect(plan).not.toMatch(/No changes/);
    expect(plan).toMatch(/^ {2}! \[environment prod\] /m);
    expect(plan).toMatch(/^Changes in environment prod \(gwc build --env prod\):$/m);
    expect(render('markdown', r.plan!, r.from!, r.to!, meta)).toMatch(/\| \[environment prod\] /);
    const json = JSON.parse(render('json', r.plan!, r.from!, r.to!, meta)) as { findings: Array<{ environment?: string }> };
    expect(json.findings.length).toBeGreaterThan(0);
    expect(json.findings.every((f) => f.environment === 'prod')).toBe(true);
    const unified = render('unified', r.plan!, r.from!, r.to!, meta);
    expect(unified).toContain('--- HEAD:gateway.yaml (environment prod)');
    expect(unified).toContain('+++ gateway.yaml (environment prod)');
  });
});
