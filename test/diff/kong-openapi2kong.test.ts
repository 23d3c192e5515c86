/**
 * Issue #15, Kong: a gateway deployed by `deck file openapi2kong` from the same spec names its
 * entities `oas-spec-name_opsid1` where gwc writes `oas-spec-name.opsid1`. Entities are paired by
 * what they route (routes by method, host and path; services by backend; upstreams by targets),
 * so the migration reads as renames, never as deletes plus "new public route" false alarms.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffDeployed } from '../../src/diff/run.js';
import { readHeaderFamily } from '../../src/targets/kong/header-family.js';

const FIXTURES = process.env.GWC_SHARED ? path.join(process.env.GWC_SHARED, 'conformance/openapi2kong-fixtures') : path.resolve(__dirname, '../../../shared/conformance/openapi2kong-fixtures');

/** The openapi2kong fixture, each operation declared public as gwc requires (it builds nothing open by accident). */
function gwcSpec(name: string): string {
  const text = readFileSync(path.join(FIXTURES, `${name}.yaml`), 'utf8').replace(/^ {6}responses:/gm, '      security: []\n      x-gateway: { public: true }\n      responses:');
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'gwc-o2k-')), `${name}.yaml`);
  writeFileSync(file, text);
  return file;
}

describe('kong: a gateway deployed by deck file openapi2kong', () => {
  it('02-names-set: every route, the service and the upstream pair by what they do: no delete, no finding', async () => {
    const r = await diffDeployed(gwcSpec('02-names-set'), { target: 'kong', deployed: path.join(FIXTURES, '02-names-set.expected.json') });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const plan = r.plan!;
    // gwc clears identity headers and refuses `_method` where openapi2kong's output does neither:
    // the migration tightens (diff README "Drift"), never weakens.
    expect([...new Set(plan.findings.map((f) => `${f.rule} ${f.undoes}`))].sort()).toEqual(['tightened method-override-passed', 'tightened request-header-passed']);
    expect(plan.summary.delete).toBe(0);
    const renames = plan.changes.filter((c) => c.oldKey).map((c) => `${c.kind} ${c.oldKey} -> ${c.key}`);
    expect([...renames].sort()).toEqual([
      'route oas-spec-name_app2_my-put-operation -> oas-spec-name.app2-my-put-operation',
      'route oas-spec-name_opsid1 -> oas-spec-name.opsid1',
      'route oas-spec-name_opsid2 -> oas-spec-name.opsid2',
      'route oas-spec-name_path-name_my-put-operation -> oas-spec-name.path-name-my-put-operation',
      'route oas-spec-name_path-name_post -> oas-spec-name.path-name-post',
      'route oas-spec-name_app2_post -> oas-spec-name.post_app2',
      'service oas-spec-name -> oas-spec-name.default',
      'upstream oas-spec-name.upstream -> oas-spec-name.default.upstream',
    ].sort());
    // No route's path, method or host changes; what differs is naming, tags and priority, and
    // the request-transformer gwc adds to strip method/URL overrides (DESIGN.md 7.5).
    for (const c of plan.changes.filter((x) => x.kind === 'route' && x.oldKey)) {
      expect(c.fields.map((f) => f.path).filter((p) => !['name', 'tags', 'regex_priority', 'service', 'protocols', 'plugins'].includes(p))).toEqual([]);
      const plugins = c.fields.find((f) => f.path === 'plugins');
      // The override headers are in the header-family pre-function chunk (header-family.ts).
      const access = (plugins?.new as { 'pre-function'?: { config?: { access?: string[] } } } | undefined)?.['pre-function']?.config?.access ?? [];
      if (plugins) expect(access.flatMap((c) => readHeaderFamily(c) ?? [])).toContain('x_http_method_override');
    }
    // gwc's own additions: the 405 answers for the paths' other methods (routes without a service).
    expect(plan.changes.filter((c) => c.action === 'create').map((c) => c.key)).toEqual(['oas-spec-name.~405.app1.db975354', 'oas-spec-name.~405.app2.06395f67']);
  });
});

describe('kong: --option names=openapi2kong, the migration path from deck file openapi2kong', () => {
  it('02-names-set: every route, the service and the upstream keep their name and id: no rename, create of an o2k entity, or delete', async () => {
    const r = await diffDeployed(gwcSpec('02-names-set'), { target: 'kong', deployed: path.join(FIXTURES, '02-names-set.expected.json'), options: { names: 'openapi2kong' } });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const plan = r.plan!;
    // gwc clears identity headers and refuses `_method` where openapi2kong's output does neither:
    // the migration tightens (diff README "Drift"), never weakens.
    expect([...new Set(plan.findings.map((f) => `${f.rule} ${f.undoes}`))].sort()).toEqual(['tightened method-override-passed', 'tightened request-header-passed']);
    expect(plan.summary.delete).toBe(0);
    expect(plan.changes.filter((c) => c.oldKey)).toEqual([]);
    // What remains are gwc's additions beyond openapi2kong: its ownership tag, OpenAPI-order
    // priorities, explicit protocols, the override-stripping request-transformer (DESIGN.md 7.5),
    // and the 405 routes. No path, method, host, service target or upstream target changes.
    // The pre-function every route shares is the service's (hoist.ts, #18): a service plugin.
    // The upstream: gwc's tag, equal weights written as 1 (openapi2kong leaves Kong's 100: the same
    // even split), and host_header (gwc sends the backend's host; openapi2kong's Host would be the
    // upstream's name).
    const fields = new Set(plan.changes.filter((x) => x.action === 'update').flatMap((c) => c.fields.map((f) => `${c.kind} ${f.path.replace(/\[\d+\]/, '[]')}`)));
    const allowed = ['route plugins', 'route protocols', 'route regex_priority', 'route tags', 'service plugins', 'service tags', 'upstream host_header', 'upstream tags', 'upstream targets[].tags', 'upstream targets[].weight'];
    expect([...fields].filter((f) => !allowed.includes(f))).toEqual([]);
    for (const f of ['route paths', 'route methods', 'route hosts', 'route service', 'service host', 'service port', 'service path', 'service protocol', 'upstream targets[].target']) expect(fields.has(f)).toBe(false);
    expect(plan.changes.filter((c) => c.action === 'create').map((c) => c.key)).toEqual(['oas-spec-name.~405.app1.db975354', 'oas-spec-name.~405.app2.06395f67']);
  });

  it('gwc diff --option kong.names=openapi2kong (CLI, dist): no rename or delete, exit 3 for gwc\'s additions; an unknown kong option is refused', () => {
    const bin = path.resolve(__dirname, '../../bin/run.js');
    const deployed = path.join(FIXTURES, '02-names-set.expected.json');
    const r = spawnSync(process.execPath, [bin, 'diff', gwcSpec('02-names-set'), '--target', 'kong', '--option', 'kong.names=openapi2kong', '--deployed', deployed, '--exit-code'], { encoding: 'utf8' });
    expect(r.stdout).toContain('Plan: 2 to create, 8 to update, 0 to delete.');
    expect(r.stdout).not.toMatch(/->.*oas-spec-name\./);
    expect(r.status).toBe(3);
    const bad = spawnSync(process.execPath, [bin, 'diff', gwcSpec('02-names-set'), '--target', 'kong', '--option', 'kong.nmes=openapi2kong', '--deployed', deployed], { encoding: 'utf8' });
    expect(bad.stderr).toContain('option-unknown');
    expect(bad.status).toBe(2); // a usage error, not a change
  });
});
