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
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffBase } from '../../src/diff/run.js';

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

async function run(target: string, env?: string) {
  const dir = mkdtempSync(path.join(tmpdir(), 'gwc-rt16-diff-env-'));
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: dir, stdio: 'pipe' });
  const f = path.join(dir, 'gateway.yaml');
  git('init', '-q');
  writeFileSync(f, spec(''));
  git('add', 'gateway.yaml');
  git('commit', '-q', '-m', 'base');
  writeFileSync(f, spec(WEAKER));
  const r = await diffBase(f, { target, base: 'HEAD', ...(env ? { env } : {}) });
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r.plan!.findings.filter((x) => x.class === 'security').map((x) => x.rule);
}

describe('red team 16: gwc diff --base and a weakening made in an environment overlay', () => {
  for (const target of ['nginx', 'kong']) {
    it(`control (${target}): with --env prod the widened IP rule and the new admin are security findings`, async () => {
      const rules = await run(target, 'prod');
      expect(rules.length).toBeGreaterThanOrEqual(2);
    });

    // Mechanism: diffBase compiles the base model when no --env is given; the overlay is never read.
    it.fails(`${target}: without --env the same pull request is not "no change"`, async () => {
      const rules = await run(target);
      expect(rules.length, 'security findings of gwc diff --base HEAD (no --env)').toBeGreaterThanOrEqual(2);
    });
  }
});
