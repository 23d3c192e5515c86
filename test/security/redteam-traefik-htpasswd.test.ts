/**
 * Red team: a Traefik users file must name one (scheme, role sets) in every build. The operator
 * fills each htpasswd file with the users the output's header lists for it. With names joined by
 * '-' alone, scheme basic's [admin] role file and scheme basic-admin's file were one name: one took
 * a '-2' by order, and once basic-admin was removed the [admin] routes read the file the operator
 * had filled with basic-admin's users (bob, no admin role).
 */
import { describe, expect, it } from 'vitest';
import { buildTarget } from '../../src/api.js';
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
