/**
 * Red team 4, `gwc diff` (DESIGN.md 7.8): a route that goes away leaves its path to whatever route
 * still matches it; plan.ts fallThrough asked that route's auth only, and only for a route that
 * answered one literal path, and never for a moved route's old path. Fixed: fallThrough asks every
 * security rule (ip-widened, rate-limit-raised, ...) for a path the old route answered as its own
 * (paths.ts samplePath, templates included), for routes removed, moved or narrowed.
 * Both sides compiled as `gwc diff --base` does (diff-edits.ts).
 * Each `it.fails` names the mechanism; a fixer turns it into `it`.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffDeployed } from '../../src/diff/run.js';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { diffState, edit, securityFindings } from '../helpers/diff-edits.js';

const ok = "{ '200': { description: ok } }";
const p = (n: string) => `{ name: ${n}, in: path, required: true, schema: { type: string } }`;
// pathMatching: exact so the templated routes beside their literals build (param-variant-reaches-protected otherwise).
const BASE = `${HEAD}servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: d4
  backends: { app: { url: http://app.internal:8080, pathMatching: exact } }
  defaults: { backend: app }
  consumers:
    alice: { groups: [admin], credentials: { key: '\${env:ALICE_KEY}' } }
paths:
  /files/{name}:
    get: { operationId: getFile, x-gateway: { public: true }, security: [], parameters: [${p('name')}], responses: ${ok} }
  /files/secret:
    get: { operationId: getSecret, security: [{ key: [] }], responses: ${ok} }
  /docs/{name}:
    get: { operationId: getDoc, security: [{ key: [] }], parameters: [${p('name')}], responses: ${ok} }
  /docs/internal:
    get: { operationId: getInternal, security: [{ key: [] }], x-gateway: { ipAllow: [10.0.0.0/8], rateLimit: { requests: 5, per: minute, by: consumer } }, responses: ${ok} }
  /t/{a}/{b}:
    get: { operationId: getT, x-gateway: { public: true }, security: [], parameters: [${p('a')}, ${p('b')}], responses: ${ok} }
  /t/{a}/secret:
    get: { operationId: getTSecret, security: [{ key: [] }], parameters: [${p('a')}], responses: ${ok} }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: x-api-key, x-gateway: { forwardAuth: { url: 'http://auth.internal/key' } } }
`;

const INTERNAL = `  /docs/internal:\n    get: { operationId: getInternal, security: [{ key: [] }], x-gateway: { ipAllow: [10.0.0.0/8], rateLimit: { requests: 5, per: minute, by: consumer } }, responses: ${ok} }\n`;
const TSECRET = `  /t/{a}/secret:\n    get: { operationId: getTSecret, security: [{ key: [] }], parameters: [${p('a')}], responses: ${ok} }\n`;

const TARGETS = ['kong', 'nginx', 'traefik'] as const;

describe('red team 4: gwc diff, a removed route falls through to a remaining one', () => {
  for (const target of TARGETS) {
    it(`${target}: the same spec on both sides has no security finding`, async () => {
      expect(await securityFindings(target, BASE, [])).toEqual([]);
    });

    it(`${target}: held: the keyed literal /files/secret removed beside the public /files/{name} is security (fallThrough, red team 3)`, async () => {
      const found = await securityFindings(target, BASE, [[`  /files/secret:\n    get: { operationId: getSecret, security: [{ key: [] }], responses: ${ok} }\n`, '']]);
      expect(found.length).toBeGreaterThan(0);
    });

    // Mechanism: plan.ts fallThrough compares only authRules(gone.auth, remaining.auth). GET
    // /v1/docs/internal needed a key AND a source address in 10.0.0.0/8 AND at most 5 a minute per
    // consumer; with the literal gone, the keyed /docs/{name} (same auth, no IP rule, no limit)
    // answers it from any address, unlimited. Class: removed-route fallthrough checks auth only
    // (ip-widened / rate-limit-raised never asked of the route that now answers the path).
    it(`${target}: a keyed literal with ipAllow and a per-consumer limit removed beside a keyed /docs/{name} without them: no ip-widened nor rate-limit-raised`, async () => {
      const found = await securityFindings(target, BASE, [[INTERNAL, '']]);
      expect(found.some((f) => f.startsWith('ip-widened')), JSON.stringify(found)).toBe(true);
      expect(found.some((f) => f.startsWith('rate-limit-raised')), JSON.stringify(found)).toBe(true);
    });

    // Mechanism: fallThrough only asks about a route whose paths are ONE literal path
    // (literalPath of its only regex); a templated route answers no single path, so nothing is
    // asked. GET /v1/t/x/secret needed a key; with /t/{a}/secret gone the public /t/{a}/{b} answers
    // every such path anonymously (same backend path /t/x/secret). Class: removed-route
    // fallthrough limited to literal paths; reported only as route-removed (breaking).
    it(`${target}: a keyed templated /t/{a}/secret removed beside a public /t/{a}/{b}: its paths are now public, reported only as route-removed`, async () => {
      const found = await securityFindings(target, BASE, [[TSECRET, '']]);
      expect(found.length, JSON.stringify(found)).toBeGreaterThan(0);
    });
  }

  // Mechanism: a route whose path changes keeps its key (operationId) and pairs as an update:
  // route-moved (breaking). fallThrough runs for deleted routes only, never for the old path of a
  // moved one. Kong and nginx happen to say upstream-path-changed (their upstream path moved with
  // the route); Traefik forwards the request path as is and has no such fact, so GET
  // /v1/files/secret, now answered by the public /files/{name}, shows nothing of class security.
  it('traefik: the keyed /files/secret moved to /files/secret2 beside the public /files/{name}: its old path is now public, reported only as route-moved', async () => {
    const found = await securityFindings('traefik', BASE, [['  /files/secret:\n', '  /files/secret2:\n']]);
    expect(found.length, JSON.stringify(found)).toBeGreaterThan(0);
  });
  for (const target of ['kong', 'nginx'] as const) {
    it(`${target}: held (incidentally): the same move is upstream-path-changed`, async () => {
      const found = await securityFindings(target, BASE, [['  /files/secret:\n', '  /files/secret2:\n']]);
      expect(found.some((f) => f.startsWith('upstream-path-changed'))).toBe(true);
    });
  }
});

// Two API-key schemes on one Kong plugin (key-auth): whose key passes is the acl group. A route
// with roles gets `G.roles:{"scheme":S,"all":[...]}`, and deployed-normalise.ts roleAtoms reads it
// as the roles alone (`G.group.admin`), dropping S.
const ROLES = `${HEAD}servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: d4k
  backends: { app: { url: http://app.internal:8080 } }
  defaults: { backend: app }
  consumers:
    alice: { groups: [admin], credentials: { keyA: '\${env:ALICE_KEY}' } }
    bob: { groups: [admin], credentials: { keyB: '\${env:BOB_KEY}' } }
paths:
  /r:
    get: { operationId: r, security: [{ keyA: [admin] }], responses: ${ok} }
  /s:
    get: { operationId: s, security: [{ keyB: [] }], responses: ${ok} }
components:
  securitySchemes:
    keyA: { type: apiKey, in: header, name: x-a-key, x-gateway: { hideCredentials: false } }
    keyB: { type: apiKey, in: header, name: x-b-key, x-gateway: { hideCredentials: false } }
`;
const SWAP = [['security: [{ keyA: [admin] }]', 'security: [{ keyB: [admin] }]']] as const;

describe('red team 4: gwc diff, a role-holding route swapped to another scheme of the same plugin', () => {
  it('kong: the same spec on both sides has no security finding', async () => {
    expect(await securityFindings('kong', ROLES, [])).toEqual([]);
  });

  // Mechanism: Kong deployed-normalise.ts roleAtoms turns the acl group
  // d4k.roles:{"scheme":"keyA","all":["admin"]} into the atom `key-auth role d4k.group.admin`,
  // the scheme dropped; keyB's group gives the same atom, so both sides read
  // [[key-auth, key-auth role d4k.group.admin]]. /r admitted alice (keyA key, admin); now bob
  // (keyB key, admin) and not alice: other holders, a new way in (auth-weakened, as the swap
  // without roles is since red team 3). Class: Kong scheme groups lost in role atoms.
  // (With hideCredentials true the swap shows only request-header-passed, by accident: x-a-key is no longer blanked.)
  it('kong: keyA [admin] -> keyB [admin] on /r (bob instead of alice) is no finding at all', async () => {
    const found = await securityFindings('kong', ROLES, SWAP);
    expect(found, JSON.stringify(found)).toContain('auth-weakened d4k.r');
  });

  for (const target of ['nginx'] as const) {
    it(`${target}: held: the same swap is auth-weakened`, async () => {
      const found = await securityFindings(target, ROLES, SWAP);
      expect(found.some((f) => f.startsWith('auth-weakened')), JSON.stringify(found)).toBe(true);
    });
  }
});

// Kong --deployed: consumers are compared by what they hold (deployed-consumers.ts consumerHolds);
// gwc's per-scheme acl groups (`G.scheme.S`) are left out as following from the credentials, but
// the credentials are counted per plugin (`credential key-auth`), not per scheme.
const TWO = `${HEAD}servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: d4c
  backends: { app: { url: http://app.internal:8080 } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { keyA: '\${env:ALICE_KEY}' } }
    bob: { credentials: { keyB: '\${env:BOB_KEY}' } }
paths:
  /a:
    get: { operationId: a, security: [{ keyA: [] }], responses: ${ok} }
  /b:
    get: { operationId: b, security: [{ keyB: [] }], responses: ${ok} }
components:
  securitySchemes:
    keyA: { type: apiKey, in: header, name: x-a-key }
    keyB: { type: apiKey, in: header, name: x-b-key }
`;
const MOVE_KEY = [["bob: { credentials: { keyB: '${env:BOB_KEY}' } }", "bob: { credentials: { keyA: '${env:BOB_KEY}' } }"]] as const;

describe('red team 4: gwc diff --deployed on Kong, a consumer credential moved to another scheme of the same plugin', async () => {
  const built = await diffState(TWO, 'kong');
  const deck = path.join(mkdtempSync(path.join(tmpdir(), 'rt4-diff-')), 'kong.yaml');
  writeFileSync(deck, built.files!.find((f) => f.path === 'kong.yaml')!.contents);
  const deployed = async (edits: readonly (readonly [string, string])[]) => {
    const r = await diffDeployed(writeSpec(edit(TWO, edits)), { target: 'kong', deployed: deck });
    if (!r.plan) throw new Error(r.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n'));
    return { security: r.plan.findings.filter((f) => f.class === 'security').map((f) => `${f.rule} ${f.key}`), changes: r.plan.changes.map((c) => `${c.action} ${c.kind} ${c.key}`) };
  };

  it('the deployed file of the same build is no change', async () => {
    expect(await deployed([])).toEqual({ security: [], changes: [] });
  });

  it('nginx: held: --base sees it (consumers.ts: credential keyB -> credential keyA is consumer-added)', async () => {
    expect(await securityFindings('nginx', TWO, MOVE_KEY)).toContain('consumer-added consumer bob');
  });

  // The same on --base: run.ts takes Kong's consumer entities (readerHolds) instead of consumers.ts's,
  // so Kong's scheme-blind holds are all --base compares too.
  it("kong --base: bob's key moved from keyB to keyA is no security finding", async () => {
    const found = await securityFindings('kong', TWO, MOVE_KEY);
    expect(found.length, JSON.stringify(found)).toBeGreaterThan(0);
  });

  // Mechanism: consumerHolds counts `credential key-auth` (the plugin) and skips the acl group
  // d4c.scheme.keyb -> d4c.scheme.keya as "following from the credentials"; bob's holds read the
  // same on both sides. Bob's key now opens /a (alice's scheme), which it did not: the plan shows
  // an update of consumer bob with no finding. Class: Kong consumer holds blind to the scheme a
  // key-auth credential is registered for (the --deployed half of consumer-added).
  it("kong --deployed: bob's key moved from keyB to keyA (bob now calls /a) is an update with no security finding", async () => {
    const r = await deployed(MOVE_KEY);
    expect(r.changes.length).toBeGreaterThan(0);
    expect(r.security.length, JSON.stringify(r)).toBeGreaterThan(0);
  });
});
