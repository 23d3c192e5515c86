/**
 * `gwc diff` (nginx): the njs module's CFG edited by hand (NGX6). The route locations' facts read
 * what the CFG decides and gave findings, but no entity field held the CFG, so `--exit-code` said 0
 * (no change) for an edit `--fail-on security` caught; and the consumers (runtime.js findConsumer,
 * hasRoles: who holds which key, user, group) were read by nothing: eve added with the admin group
 * read as no change at all. Each edit is made to the deployed build folder (the CLI path) and must
 * show as a change, with the security class where it widens who may call what, and exit 3 under
 * --exit-code (4 under --fail-on security). deployed-cfg.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { compiledState, diffDeployed, readerOf } from '../../src/diff/run.js';
import { diffStates } from '../../src/diff/plan.js';
import { cfgObject } from '../../src/targets/nginx/deployed-njs.js';
import type { OutputFile } from '../../src/targets/output-file.js';
import { deployed } from '../security/helpers/diff-coverage.js';
import { writeSpec } from '../helpers/spec.js';
import { ensureBuilt, gwc } from './helpers.js';

const ok = "{ '200': { description: ok } }";
const SPEC = `openapi: 3.1.0
info: { title: cfg edits, version: "1" }
servers: [{ url: https://api.ce.example.com/v1 }]
x-gateway:
  name: ce
  backends: { app: { url: http://app.internal:8080 } }
  defaults: { backend: app }
  consumers:
    alice: { groups: [admin], credentials: { hk: '\${env:A_H}', bs: { username: alice, password: '\${env:A_P}' } } }
    bob: { credentials: { qk: '\${env:B_Q}' } }
paths:
  /mine:
    post: { operationId: mine, security: [{ hk: [] }], x-gateway: { bodyLimit: 1kb }, responses: ${ok} }
  /admin:
    get: { operationId: admin, security: [{ hk: [admin] }], responses: ${ok} }
  /q:
    post: { operationId: q, security: [{ qk: [] }], responses: ${ok} }
  /b:
    get: { operationId: b, security: [{ bs: [] }], responses: ${ok} }
components:
  securitySchemes:
    hk: { type: apiKey, in: header, name: X-Api-Key }
    qk: { type: apiKey, in: query, name: api_key }
    bs: { type: http, scheme: basic }
`;

type Cfg = { consumers: Array<{ name: string; groups: string[]; credentials: Array<Record<string, unknown>> }>; schemes: Record<string, Record<string, unknown>>; routes: Record<string, Record<string, unknown> & { id?: string; security?: Array<Array<{ scheme: string; scopes: string[] }>> }> };

function edited(files: OutputFile[], edit: (cfg: Cfg) => void): OutputFile[] {
  return files.map((f) => {
    if (!f.path.endsWith('.js') || f.path.endsWith('.validate.js')) return f;
    const at = cfgObject(f.contents)!;
    const cfg = structuredClone(at.value) as Cfg;
    edit(cfg);
    return { ...f, contents: `${f.contents.slice(0, at.start)}${JSON.stringify(cfg, null, 2)}${f.contents.slice(at.end)}` };
  });
}
const route = (cfg: Cfg, id: string) => Object.values(cfg.routes).find((r) => r.id === id)!;
const consumer = (cfg: Cfg, name: string) => cfg.consumers.find((c) => c.name === name)!;

/** [name, edit, the change key, the security findings expected (rule key), or [] for a change without one]. */
const CASES: Array<[string, (cfg: Cfg) => void, string, string[]]> = [
  ['a consumer added (eve, with the admin group and an hk key)', (c) => c.consumers.push({ name: 'eve', groups: ['admin'], credentials: [{ kind: 'apiKey', scheme: 'hk', key: { env: 'EVE' } }] }), 'consumer eve', ['consumer-added consumer eve']],
  ['a group given to a consumer (bob: admin)', (c) => (consumer(c, 'bob').groups = ['admin']), 'consumer bob', ['consumer-added consumer bob']],
  ['a credential for another scheme given to a consumer (bob: an hk key)', (c) => consumer(c, 'bob').credentials.push({ kind: 'apiKey', scheme: 'hk', key: { env: 'B_H' } }), 'consumer bob', ['consumer-added consumer bob']],
  ["a basic user renamed (alice's user is now root)", (c) => (consumer(c, 'alice').credentials.find((x) => x.kind === 'basic')!.username = 'root'), 'consumer alice', ['consumer-added consumer alice']],
  ["a route's role dropped (admin: any hk key)", (c) => (route(c, 'admin').security = [[{ scheme: 'hk', scopes: [] }]]), 'route admin (njs CFG)', ['auth-roles-removed route admin']],
  ["a route's query key no longer stripped (hideQuery: the credential forwarded)", (c) => delete route(c, 'q').hideQuery, 'route q (njs CFG)', ['credential-unverified-passed route q', 'credentials-forwarded route q']],
  ["the body check's key patterns dropped (bodyKeys)", (c) => delete route(c, 'mine').bodyKeys, 'route mine (njs CFG)', ['credential-unverified-passed route mine']],
  ["the body check no longer refuses _method (bodyMethod: false)", (c) => (route(c, 'mine').bodyMethod = false), 'route mine (njs CFG)', ['method-override-passed route mine']],
  ["the body check hands over to another route's step", (c) => (route(c, 'mine').body = String(route(c, 'mine').body).replace(/\d+$/, '99')), 'route mine (njs CFG)', []],
  // DIFF19: runtime.js apiKeyOf reads a key from a cookie of its name unless `in` is header or query.
  // DIFF20: not any more; any other `in` is read from nowhere (the key refused: closed).
  ["an API key scheme's `in` removed (runtime.js then reads no key: every hk request refused)", (c) => delete c.schemes.hk!.in, 'scheme hk (njs CFG)', []],
];

describe('gwc diff (nginx): a hand edit to the njs CFG is a change, classed by what it opens', () => {
  let files: OutputFile[] = [];
  beforeAll(async () => {
    const r = await compiledState(writeSpec(SPEC), 'nginx', {});
    if (!r.state?.files) throw new Error(r.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n'));
    files = r.state.files;
  });

  it('control: the build read back is no change; the CFG holds what the cases edit', async () => {
    const r = await diffDeployed(writeSpec(SPEC), { target: 'nginx', deployed: deployed('nginx', files, (f) => f.contents) });
    expect(r.plan?.changes).toEqual([]);
    expect(r.plan?.findings).toEqual([]);
    const js = files.find((f) => f.path.endsWith('.js') && !f.path.endsWith('.validate.js'))!;
    const cfg = cfgObject(js.contents)!.value as Cfg;
    expect(cfg.consumers.map((c) => c.name)).toEqual(['alice', 'bob']);
    expect(route(cfg, 'q').hideQuery).toEqual(['api_key']);
    expect(route(cfg, 'mine').bodyKeys).toBeDefined();
  });

  // DIFF19: gwc wrote a `hide` flag per scheme before session 19 that runtime.js never read (the
  // .conf clears and hideQuery/hideCookies strip credentials): no longer written, and read as nothing.
  it("a scheme's hide flag as earlier releases wrote it (read by no runtime check): no change, no finding", async () => {
    const older = edited(files, (c) => Object.values(c.schemes).forEach((s) => (s.hide = s.kind !== 'forward')));
    const r = await diffDeployed(writeSpec(SPEC), { target: 'nginx', deployed: deployed('nginx', older, (f) => f.contents) });
    expect(r.plan?.changes).toEqual([]);
    expect(r.plan?.findings).toEqual([]);
  });

  for (const [name, edit, key, security] of CASES) {
    it(`${name}: a change on ${key}${security.length ? `; as a release, ${security.join(', ')}` : ''}`, async () => {
      const weaker = edited(files, edit);
      // The CLI path: the edited deployed folder against the spec (the release repairs it).
      const r = await diffDeployed(writeSpec(SPEC), { target: 'nginx', deployed: deployed('nginx', weaker, (f) => f.contents) });
      expect(r.plan!.changes.map((c) => c.key)).toContain(key);
      if (security.length) expect(r.plan!.findings.length).toBeGreaterThan(0);
      // The edit as a release (what runs now is the build): the security class where it widens.
      const reader = readerOf('nginx').reader!;
      const release = diffStates(reader.normalise(files, 'built').state!, reader.normalise(weaker, 'edited').state!);
      expect(release.changes.map((c) => c.key)).toContain(key);
      expect(release.findings.filter((f) => f.class === 'security').map((f) => `${f.rule} ${f.key}`).sort()).toEqual([...security].sort());
    });
  }

  it('a consumer removed by hand is a change (the release gives bob back: consumer-added)', async () => {
    const where = deployed('nginx', edited(files, (c) => (c.consumers = c.consumers.filter((x) => x.name !== 'bob'))), (f) => f.contents);
    const r = await diffDeployed(writeSpec(SPEC), { target: 'nginx', deployed: where });
    expect(r.plan!.changes.map((c) => `${c.action} ${c.key}`)).toContain('create consumer bob');
    expect(r.plan!.findings.map((f) => `${f.class} ${f.rule} ${f.key}`)).toContain('security consumer-added consumer bob');
  });
});

describe('gwc diff --exit-code (nginx): the CLI counts a CFG edit', () => {
  beforeAll(ensureBuilt);
  it('exit 0 on the same build; 3 under --exit-code and 4 under --fail-on security for a release that widens the deployed CFG', async () => {
    const r = await compiledState(writeSpec(SPEC), 'nginx', {});
    const files = r.state!.files!;
    // The spec file the release builds from, and the deployed folder of the spec without alice's admin group.
    const spec = writeSpec(SPEC);
    const same = deployed('nginx', files, (f) => f.contents);
    expect(gwc('diff', spec, '--target', 'nginx', '--deployed', same, '--exit-code').code).toBe(0);
    const narrower = deployed('nginx', edited(files, (c) => (consumer(c, 'alice').groups = [])), (f) => f.contents);
    const plan = gwc('diff', spec, '--target', 'nginx', '--deployed', narrower, '--exit-code');
    expect(plan.stdout).toContain('consumer alice');
    expect(plan.code).toBe(3);
    expect(gwc('diff', spec, '--target', 'nginx', '--deployed', narrower, '--fail-on', 'security').code).toBe(4);
  });
});
