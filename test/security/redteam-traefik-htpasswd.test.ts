/**
 * Red team: a Traefik users file must name one (scheme, role sets) in every build. The operator
 * fills each htpasswd file with the users the output's header lists for it. With names joined by
 * '-' alone, scheme basic's [admin] role file and scheme basic-admin's file were one name: one took
 * a '-2' by order, and once basic-admin was removed the [admin] routes read the file the operator
 * had filled with basic-admin's users (bob, no admin role).
 */
import { describe, expect, it } from 'vitest';
import { buildTarget } from '../../src/api.js';
import { lint } from '../../src/lint/index.js';
import { HEAD, writeSpec } from '../helpers/spec.js';

const spec = (withBasicAdmin: boolean, roles = '[admin]') => `${HEAD}servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: rt
  backends: { app: { url: https://app.example.com } }
  defaults: { backend: app }
  consumers:
    alice: { groups: [admin, Admin, ops, admin+ops], credentials: { basic: { username: alice, password: '\${env:A}' } } }
    bob: { credentials: { ${withBasicAdmin ? "basic-admin: { username: bob, password: '${env:B2}' }, " : ''}basic: { username: bob, password: '\${env:B}' } } }
paths:
  /admin:
    get: { security: [{ basic: ${roles} }], responses: { '200': { description: ok } } }
${withBasicAdmin ? "  /a:\n    get: { security: [{ basic-admin: [] }], responses: { '200': { description: ok } } }\n" : ''}components:
  securitySchemes:
    basic: { type: http, scheme: basic }
${withBasicAdmin ? '    basic-admin: { type: http, scheme: basic }\n' : ''}`;

/** Users file of each basicAuth middleware, from the compiled Traefik file. */
async function usersFiles(text: string): Promise<Record<string, string>> {
  const b = await buildTarget(writeSpec(text), { target: 'traefik' });
  expect(b.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const out = b.files.map((f) => f.contents).join('\n');
  return Object.fromEntries([...out.matchAll(/^# (\S+) reads htpasswd users \(name:hash, e\.g\. from htpasswd -B\) from (\S+): (.*)\.$/gm)].map((m) => [m[2]!, m[3]!]));
}

describe('red team: Traefik htpasswd file names', () => {
  it('the [admin] role file keeps its name when another scheme folding to the same name comes or goes, and never takes that scheme\'s file', async () => {
    const before = await usersFiles(spec(true));
    const after = await usersFiles(spec(false));
    const roleFile = (files: Record<string, string>) => Object.keys(files).find((f) => files[f]!.startsWith('alice') && !files[f]!.includes('bob'))!;
    expect(roleFile(before)).toBeDefined();
    expect(roleFile(after)).toBe(roleFile(before));
    const basicAdminFile = Object.keys(before).find((f) => f !== roleFile(before) && before[f]!.startsWith('bob'))!;
    expect(basicAdminFile).toMatch(/\/rt-basic-admin\.htpasswd$/);
    expect(Object.keys(after)).not.toContain(basicAdminFile);
  });

  it('role sets that fold alike (Admin and admin, admin+ops and [admin, ops]) get different files', async () => {
    const names = await Promise.all(['[admin]', '[Admin]', '[admin+ops]', '[admin, ops]'].map(async (roles) => Object.keys(await usersFiles(spec(false, roles))).find((f) => f.includes('--'))!));
    expect(new Set(names).size).toBe(4);
    for (const n of names) expect(n).toMatch(/^\/etc\/traefik\/htpasswd\/rt-basic--[a-z0-9-]+-[0-9a-f]{8}\.htpasswd$/);
  });
});

/**
 * The same class for scheme files (red team, attack before fix): a basic scheme's users file was
 * `<gateway>-<sanitised scheme>` with a `-N` suffix in order of appearance, so two schemes folding
 * to one name (basic_admin and basic-admin, Basic and basic) took their names by order: removing
 * or reordering one handed its users file, filled with its users, to the other. Two basic schemes
 * whose files would share a name are now refused (traefik-users-file-collision, at the second
 * scheme), so a scheme's file name depends on that scheme alone.
 */
describe('red team: Traefik scheme users files of schemes that fold together', () => {
  const two = (a: string, b: string, order: 'ab' | 'ba' | 'a' | 'b') => {
    const schemes = { a: `    ${a}: { type: http, scheme: basic }\n`, b: `    ${b}: { type: http, scheme: basic }\n` };
    const routes = { a: `  /a:\n    get: { security: [{ ${a}: [] }], responses: { '200': { description: ok } } }\n`, b: `  /b:\n    get: { security: [{ ${b}: [] }], responses: { '200': { description: ok } } }\n` };
    const creds = { a: `${a}: { username: alice, password: '\${env:A}' }`, b: `${b}: { username: bob, password: '\${env:B}' }` };
    const keys = [...order] as Array<'a' | 'b'>;
    return `${HEAD}servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: rt
  backends: { app: { url: https://app.example.com } }
  defaults: { backend: app }
  consumers:
    owner: { credentials: { ${keys.map((k) => creds[k]).join(', ')} } }
paths:
${keys.map((k) => routes[k]).join('')}components:
  securitySchemes:
${keys.map((k) => schemes[k]).join('')}`;
  };
  const errors = (ds: Array<{ severity: string; code: unknown; params?: unknown; loc?: { pointer: string } }>) =>
    ds.filter((d) => d.severity === 'error').map((d) => ({ code: d.code, params: d.params, pointer: d.loc?.pointer }));

  for (const [a, b] of [['basic_admin', 'basic-admin'], ['Basic', 'basic'], ['basic.admin', 'Basic_Admin']] as const) {
    it(`${a} / ${b}: a scheme's users file is the same in every build it is in (removing or reordering the other changes nothing)`, async () => {
      const fileOf = new Map<string, string>();
      for (const order of ['ab', 'ba', 'a', 'b'] as const) {
        const b0 = await buildTarget(writeSpec(two(a, b, order)), { target: 'traefik' });
        if (b0.diagnostics.some((d) => d.severity === 'error')) continue;
        const out = b0.files.map((f) => f.contents).join('\n');
        for (const m of out.matchAll(/^# (\S+) reads htpasswd users \(name:hash, e\.g\. from htpasswd -B\) from (\S+): (\S+) /gm)) {
          const scheme = m[3] === 'alice' ? a : b;
          expect(fileOf.get(scheme) ?? m[2], `${scheme}'s file in build ${order}`).toBe(m[2]);
          fileOf.set(scheme, m[2]!);
        }
      }
    });

    it(`${a} / ${b}: both in one spec are refused by build and lint, at the same scheme whatever their order`, async () => {
      const file = `rt-basic${a.toLowerCase().includes('admin') ? '-admin' : ''}.htpasswd`;
      const seen: unknown[] = [];
      for (const order of ['ab', 'ba'] as const) {
        const spec = writeSpec(two(a, b, order));
        const built = errors((await buildTarget(spec, { target: 'traefik' })).diagnostics).filter((d) => d.code === 'traefik-users-file-collision');
        expect(built).toHaveLength(1);
        const { scheme, other } = built[0]!.params as { scheme: string; other: string };
        expect([scheme, other].sort()).toEqual([a, b].sort());
        expect(built[0]).toEqual({ code: 'traefik-users-file-collision', params: { scheme, other, file }, pointer: `/components/securitySchemes/${scheme}` });
        seen.push(built[0]);
        // lint carries each target's refusal as target-compile, the target's code and params inside.
        const linted = errors((await lint(spec)).diagnostics).filter((d) => d.code === 'target-compile' && (d.params as { code?: string }).code === 'traefik-users-file-collision');
        expect(linted).toHaveLength(1);
        expect(linted[0]).toMatchObject({ pointer: built[0]!.pointer, params: { scheme, other, file, target: 'traefik' } });
      }
      expect(seen[1]).toEqual(seen[0]);
    });
  }

  it('held: schemes that do not fold together keep their file names (basicAdmin beside basic-admin)', async () => {
    const b0 = await buildTarget(writeSpec(two('basicAdmin', 'basic-admin', 'ab')), { target: 'traefik' });
    expect(errors(b0.diagnostics)).toEqual([]);
    const out = b0.files.map((f) => f.contents).join('\n');
    expect(out).toContain('/etc/traefik/htpasswd/rt-basicadmin.htpasswd');
    expect(out).toContain('/etc/traefik/htpasswd/rt-basic-admin.htpasswd');
  });
});
