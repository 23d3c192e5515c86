/**
 * Red team 3b: `gwc diff` (DESIGN.md 7.8: every change that widens who can call what, or weakens
 * how a credential, a limit or a backend connection is checked, is class security). Old and new
 * specs compiled on both sides as `gwc diff --base` does, and, for Kong, a compiled decK file read
 * back as `gwc diff --deployed` does. Each `it('...')` names the mechanism that hides
 * the widening; plain `it`s are variants that held.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffDeployed } from '../../src/diff/run.js';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { edit, securityFindings, diffState as state, type Edit } from '../helpers/diff-edits.js';


const ok = "{ '200': { description: ok } }";
// pathMatching: exact so the public /files/{name} beside the keyed /files/secret builds
// (param-variant-reaches-protected otherwise); the attack below is about the literal going away.
const BASE = `${HEAD}servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: d3
  backends: { app: { url: http://app.internal:8080, pathMatching: exact } }
  defaults: { backend: app }
  consumers:
    alice: { groups: [admin], credentials: { key: '\${env:ALICE_KEY}' } }
    bob: { groups: [ops], credentials: { tkey: '\${env:BOB_KEY}', basic: { username: bob, password: '\${env:BOB_PW}' } } }
    carl: { credentials: { ubasic: { username: carl, password: '\${env:CARL_PW}' } } }
paths:
  /files/{name}:
    get: { operationId: getFile, x-gateway: { public: true }, security: [], parameters: [{ name: name, in: path, required: true, schema: { type: string } }], responses: ${ok} }
  /files/secret:
    get: { operationId: getSecret, security: [{ key: [] }], responses: ${ok} }
  /keyed:
    get: { operationId: keyed, security: [{ key: [] }], x-gateway: { rateLimit: { requests: 10, per: minute, by: consumer } }, responses: ${ok} }
  /basic:
    get: { operationId: basicOnly, security: [{ basic: [] }], responses: ${ok} }
  /hdr:
    get: { operationId: hdr, security: [{ key: [] }], x-gateway: { ipAllow: [10.0.0.0/8], requestHeaders: { set: { X-Tenant: public }, remove: [X-Debug] } }, responses: ${ok} }
  /cors:
    get: { operationId: corsed, security: [{ key: [] }], x-gateway: { cors: { origins: ['https://app.example.com'], exposeHeaders: [X-Request-Id] } }, responses: ${ok} }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: x-api-key, x-gateway: { forwardAuth: { url: 'http://auth.internal/key' } } }
    tkey: { type: apiKey, in: header, name: x-tenant-key, x-gateway: { forwardAuth: { url: 'http://auth.internal/tkey' } } }
    basic: { type: http, scheme: basic }
    ubasic: { type: http, scheme: basic }
`;

const TARGETS = ['kong', 'traefik', 'nginx'] as const;

describe('red team 3b: gwc diff --base', () => {
  for (const target of TARGETS) {
    it(`${target}: the same spec on both sides has no security finding`, async () => {
      expect(await securityFindings(target, BASE, [])).toEqual([]);
    });
  }

  // Kong: the route's auth facts are the auth PLUGIN names (key-auth, basic-auth); which scheme's
  // holders may pass is the acl allow group `d3.scheme.<scheme>`, and deployed-normalise.ts drops
  // every group matching /\.scheme\./ from the facts. Two schemes on one plugin read the same, so
  // the route re-pointed at another scheme's holders (other consumers, other header) is no finding.
  it('kong: an API-key route swapped to another API-key scheme (other holders: bob instead of alice) is a security finding', async () => {
    const found = await securityFindings('kong', BASE, [['operationId: keyed, security: [{ key: [] }]', 'operationId: keyed, security: [{ tkey: [] }]']]);
    expect(found.some((f) => f.endsWith(' d3.keyed')), JSON.stringify(found)).toBe(true);
  });

  it('kong: a basic route swapped to another basic scheme (carl instead of bob) is a security finding', async () => {
    const found = await securityFindings('kong', BASE, [['operationId: basicOnly, security: [{ basic: [] }]', 'operationId: basicOnly, security: [{ ubasic: [] }]']]);
    expect(found.some((f) => f.endsWith(' d3.basiconly')), JSON.stringify(found)).toBe(true);
  });

  for (const target of ['traefik', 'nginx'] as const) {
    it(`${target}: the same swaps are auth-weakened (held)`, async () => {
      expect((await securityFindings(target, BASE, [['operationId: keyed, security: [{ key: [] }]', 'operationId: keyed, security: [{ tkey: [] }]']])).some((f) => f.startsWith('auth-weakened'))).toBe(true);
      expect((await securityFindings(target, BASE, [['operationId: basicOnly, security: [{ basic: [] }]', 'operationId: basicOnly, security: [{ ubasic: [] }]']])).some((f) => f.startsWith('auth-weakened'))).toBe(true);
    });
  }

  // Every target: GET /v1/files/secret needed alice's key; with the literal route gone the same
  // request is answered by the public /files/{name} (name=secret) and reaches the same backend
  // path /files/secret anonymously. The diff only sees a route deleted: route-removed (breaking).
  // Fix: when a route is removed, ask which remaining route now matches its paths (the public
  // param route) and class a less protected one as security (auth-removed/auth-weakened on it).
  for (const target of TARGETS) {
    it(`${target}: a keyed literal route removed beside a public /files/{name}: its path is now public, reported only as route-removed (breaking)`, async () => {
      const found = await securityFindings(target, BASE, [[`  /files/secret:\n    get: { operationId: getSecret, security: [{ key: [] }], responses: ${ok} }\n`, '']]);
      expect(found.length, JSON.stringify(found)).toBeGreaterThan(0);
    });
  }

  // hostHeader: client (Kong preserve_host, Traefik passHostHeader, nginx proxy_set_header Host
  // $host): the client now chooses the Host the backend routes virtual hosts by, reaching any
  // vhost of a shared backend server. No fact carries it.
  for (const target of TARGETS) {
    it(`${target}: hostHeader backend -> client (the client picks the backend's virtual host) is a security finding`, async () => {
      const found = await securityFindings(target, BASE, [['pathMatching: exact }', 'pathMatching: exact, hostHeader: client }']]);
      expect(found.length).toBeGreaterThan(0);
    });
  }

  // requestHeaders: a `set` overwrote whatever the client sent (X-Tenant: public), a `remove`
  // dropped it (X-Debug); without them the client's own value reaches the backend, which trusted
  // the gateway's. No fact carries request header rules.
  for (const target of TARGETS) {
    it(`${target}: a requestHeaders.set dropped (the client's X-Tenant now reaches the backend) is a security finding`, async () => {
      const found = await securityFindings(target, BASE, [['requestHeaders: { set: { X-Tenant: public }, remove: [X-Debug] }', 'requestHeaders: { remove: [X-Debug] }']]);
      expect(found.length).toBeGreaterThan(0);
    });
    it(`${target}: a requestHeaders.remove dropped (the client's X-Debug now reaches the backend) is a security finding`, async () => {
      const found = await securityFindings(target, BASE, [['requestHeaders: { set: { X-Tenant: public }, remove: [X-Debug] }', 'requestHeaders: { set: { X-Tenant: public } }']]);
      expect(found.length).toBeGreaterThan(0);
    });
  }

  // CORS facts are origins, methods, headers, credentials: exposeHeaders is not read, so letting
  // every allowed origin's scripts read Authorization / Set-Cookie answers is no finding.
  for (const target of TARGETS) {
    it(`${target}: CORS exposeHeaders gains Authorization (scripts of an allowed origin read it) is a security finding`, async () => {
      const found = await securityFindings(target, BASE, [['exposeHeaders: [X-Request-Id]', 'exposeHeaders: [X-Request-Id, Authorization]']]);
      expect(found.length).toBeGreaterThan(0);
    });
  }

  // consumers.ts `holds` lists scheme names, basic user names and groups, never how many keys:
  // a second key for alice (a new secret that opens everything alice can) is the same entity.
  // (Traefik refuses a per-consumer limit while a consumer holds two keys, traefik-limit-consumer-keys: there the limit counts by address.)
  for (const target of ['traefik', 'nginx'] as const) {
    it(`${target}: a second API key for an existing consumer (another way in) is a security finding`, async () => {
      const base = target === 'traefik' ? edit(BASE, [['rateLimit: { requests: 10, per: minute, by: consumer }', 'rateLimit: { requests: 10, per: minute, by: ip }']]) : BASE;
      const found = await securityFindings(target, base, [["credentials: { key: '${env:ALICE_KEY}' }", "credentials: { key: ['${env:ALICE_KEY}', '${env:ALICE_KEY2}'] }"]]);
      expect(found.length, JSON.stringify(found)).toBeGreaterThan(0);
    });
  }

  for (const target of TARGETS) {
    it(`${target}: ipAllow gaining ::ffff:0:0/96 (every IPv4 address, IPv4-mapped) or 0.0.0.0/1 is ip-widened (held)`, async () => {
      expect(await securityFindings(target, BASE, [['ipAllow: [10.0.0.0/8],', "ipAllow: [10.0.0.0/8, '::ffff:0:0/96'],"]])).toContain(target === 'nginx' ? 'ip-widened route hdr' : `ip-widened d3${target === 'kong' ? '.' : '-'}hdr`);
      expect((await securityFindings(target, BASE, [['ipAllow: [10.0.0.0/8],', 'ipAllow: [10.0.0.0/8, 0.0.0.0/1],']])).some((f) => f.startsWith('ip-widened'))).toBe(true);
    });
  }

  // backend-changed (rules.ts: "an authenticated one sends its callers and identity headers
  // elsewhere") is read by the Traefik and AWS readers only (src/diff/README: kong/nginx "- (not
  // read)"): a keyed route re-pointed at another server, with the consumer headers Kong/nginx set
  // and the caller's request, is no finding there.
  for (const target of ['kong', 'nginx'] as const) {
    it(`${target}: a keyed route moved to a backend on another server is a security finding`, async () => {
      const found = await securityFindings(target, BASE, [
        ['backends: { app: { url: http://app.internal:8080, pathMatching: exact } }', 'backends: { app: { url: http://app.internal:8080, pathMatching: exact }, other: { url: http://collector.example.net } }'],
        ['x-gateway: { rateLimit: { requests: 10, per: minute, by: consumer } }', 'x-gateway: { backend: other, rateLimit: { requests: 10, per: minute, by: consumer } }'],
      ]);
      expect(found.length).toBeGreaterThan(0);
    });
  }
  it('traefik: the same move is backend-changed (held)', async () => {
    const found = await securityFindings('traefik', BASE, [
      ['backends: { app: { url: http://app.internal:8080, pathMatching: exact } }', 'backends: { app: { url: http://app.internal:8080, pathMatching: exact }, other: { url: http://collector.example.net } }'],
      ['x-gateway: { rateLimit: { requests: 10, per: minute, by: consumer } }', 'x-gateway: { backend: other, rateLimit: { requests: 10, per: minute, by: consumer } }'],
    ]);
    expect(found).toContain('backend-changed d3-keyed');
  });

  // deployed-normalise.ts reads acl allow groups as roles only when they do not match
  // /\.scheme\./ (gwc's per-scheme groups): a role whose NAME holds ".scheme." (roleGroup writes it
  // raw: d3.group.ops.scheme.read) is taken for a scheme group, so dropping it is no finding.
  it('kong: a role named ops.scheme.read dropped from a route is a security finding (read as a scheme group)', async () => {
    const base = BASE.replace('operationId: keyed, security: [{ key: [] }]', "operationId: keyed, security: [{ key: ['ops.scheme.read'] }]").replace("alice: { groups: [admin]", "alice: { groups: [admin, 'ops.scheme.read']");
    const found = await securityFindings('kong', base, [["operationId: keyed, security: [{ key: ['ops.scheme.read'] }]", 'operationId: keyed, security: [{ key: [] }]']]);
    expect(found.some((f) => f.endsWith(' d3.keyed')), JSON.stringify(found)).toBe(true);
  });
  it('kong: the same drop of a role named admin is auth-roles-removed (held)', async () => {
    const base = BASE.replace('operationId: keyed, security: [{ key: [] }]', 'operationId: keyed, security: [{ key: [admin] }]');
    expect(await securityFindings('kong', base, [['operationId: keyed, security: [{ key: [admin] }]', 'operationId: keyed, security: [{ key: [] }]']])).toContain('auth-roles-removed d3.keyed');
  });

  it('traefik: a forwardAuth service re-pointed at another host is auth-weakened (held)', async () => {
    const found = await securityFindings('traefik', BASE, [["forwardAuth: { url: 'http://auth.internal/key' }", "forwardAuth: { url: 'http://auth2.internal/key' }"]]);
    expect(found).toContain('auth-weakened d3-keyed');
  });
});

describe('red team 3b: gwc diff --deployed on Kong (a decK file of the base build)', async () => {
  const built = await state(BASE, 'kong');
  const dir = mkdtempSync(path.join(tmpdir(), 'rt3b-diff-'));
  const deck = path.join(dir, 'kong.yaml');
  const original = built.files!.find((f) => f.path === 'kong.yaml')!.contents;
  writeFileSync(deck, original);

  async function deployedFindings(edits: readonly Edit[], deployed: (t: string) => string = (t) => t): Promise<{ security: string[]; changes: number }> {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'rt3b-dep-')), 'kong.yaml');
    writeFileSync(file, deployed(readFileSync(deck, 'utf8')));
    const r = await diffDeployed(writeSpec(edit(BASE, edits)), { target: 'kong', deployed: file });
    if (!r.plan) throw new Error(r.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n'));
    return { security: r.plan.findings.filter((f) => f.class === 'security').map((f) => `${f.rule} ${f.key}`), changes: r.plan.changes.length };
  }

  it('the deployed file of the same build is no change', async () => {
    expect(await deployedFindings([])).toEqual({ security: [], changes: 0 });
  });

  // The Kong reader reads consumers (acls included) as plain entities with no facts, and run.ts
  // drops consumers.ts's entities on --deployed: bob's new acl group d3.group.admin (every
  // [admin] route now lets him in) is an update with no finding.
  it('kong --deployed: a consumer gains a role (acl group admin) is a security finding', async () => {
    const r = await deployedFindings([['bob: { groups: [ops]', 'bob: { groups: [ops, admin]']]);
    expect(r.changes).toBeGreaterThan(0);
    expect(r.security.length).toBeGreaterThan(0);
  });

  it('kong --deployed: a new consumer with a key and the admin role is a security finding', async () => {
    const r = await deployedFindings([['    carl: {', "    mallory: { groups: [admin], credentials: { key: '${env:MALLORY_KEY}' } }\n    carl: {"]]);
    expect(r.changes).toBeGreaterThan(0);
    expect(r.security.length).toBeGreaterThan(0);
  });

  // routeFacts reads the windows and limit_by, not `policy`: a Kong of N nodes running
  // cluster/redis counts one bucket; `local` counts per node, N times the limit. A release built
  // without --option rate-limit-policy=cluster against such a Kong is no finding.
  for (const policy of ['cluster', 'redis']) {
    it(`kong --deployed: rate-limiting policy ${policy} -> local (the limit counted per node: N nodes, N times the rate) is a security finding`, async () => {
      const r = await deployedFindings([], (t) => t.replace(/policy: "?local"?/g, `policy: "${policy}"`));
      expect(r.changes).toBeGreaterThan(0);
      expect(r.security).toContain('rate-limit-raised d3.keyed');
    });
  }
});
