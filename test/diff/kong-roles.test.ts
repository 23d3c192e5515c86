/**
 * Roles on Kong (issue #15): an `acl` allow list of role groups on a route is a requirement of
 * every way in, so removing it is `auth-roles-removed`; gwc's per-scheme groups (`*.scheme.*`,
 * names.ts) are the OR of schemes, not roles. Reader facts -> classification, on decK documents
 * (the Kong compiler does not enforce roles yet: capabilities.ts refuses them).
 */
import { describe, expect, it } from 'vitest';
import { diffStates } from '../../src/diff/plan.js';
import { kongEntities } from '../../src/targets/kong/deployed-normalise.js';
import { querySpellingsLua } from '../../src/targets/kong/query-spellings.js';

const doc = (plugins: unknown[]) => ({
  _format_version: '3.0',
  services: [{ name: 's', host: 'app.internal', port: 8080, routes: [{ name: 'r', paths: ['/admin'], methods: ['GET'], plugins }] }],
});
const keyAuth = { name: 'key-auth', config: { key_names: ['x-api-key'], key_in_query: false, hide_credentials: true } };
const acl = (allow: string[]) => ({ name: 'acl', config: { allow, hide_groups_header: true } });
const plan = (a: unknown[], b: unknown[]) => diffStates({ entities: kongEntities(doc(a) as Parameters<typeof kongEntities>[0]) }, { entities: kongEntities(doc(b) as Parameters<typeof kongEntities>[0]) });
const rules = (a: unknown[], b: unknown[]) => plan(a, b).findings.map((f) => `${f.class} ${f.rule}`);

describe('kong: roles from acl groups', () => {
  it('a role group removed is auth-roles-removed (security)', () => {
    expect(rules([keyAuth, acl(['vault.group.admin'])], [keyAuth])).toEqual(['security auth-roles-removed']);
  });
  it('a role group added to the allow list (any of them passes) is a widening', () => {
    expect(rules([keyAuth, acl(['vault.group.admin'])], [keyAuth, acl(['vault.group.admin', 'vault.group.ops'])])).toContain('security auth-roles-removed');
  });
  it('a role required where none was is breaking, not security', () => {
    expect(rules([keyAuth], [keyAuth, acl(['vault.group.admin'])])).toEqual(['breaking auth-tightened']);
  });
  it("gwc's per-scheme groups are not roles: whose credentials pass, dropped or swapped is a new way in", () => {
    // Without the scheme group, key-auth takes any consumer's key-auth credential the Kong holds
    // (another scheme's holders, another gateway's consumers: acl.ts); another group is other holders.
    expect(rules([keyAuth, acl(['vault.scheme.apikey'])], [keyAuth])).toEqual(['security auth-weakened']);
    expect(rules([keyAuth, acl(['vault.scheme.apikey'])], [keyAuth, acl(['vault.scheme.other'])]).sort()).toEqual(['breaking auth-tightened', 'security auth-weakened']);
    expect(rules([keyAuth], [keyAuth, acl(['vault.scheme.apikey'])])).toEqual(['breaking auth-tightened']);
    // A role instead of the scheme group narrows to the role's holders (names.ts: G.group.R).
    expect(rules([keyAuth, acl(['vault.scheme.apikey'])], [keyAuth, acl(['vault.group.admin'])])).toEqual(['breaking auth-tightened']);
    // A role whose name holds '.scheme.' is a role (G.group.ops.scheme.read), never a scheme group.
    expect(rules([keyAuth, acl(['vault.group.ops.scheme.read'])], [keyAuth])).toEqual(['security auth-roles-removed']);
  });
  it('the API key read from the query too is credential-in-query; hide_credentials off is credentials-forwarded', () => {
    // With gwc's pre-function the query key's other spellings are stripped (query-spellings.ts);
    // without it they reach the backend: credentials forwarded too, and the pre-function's guard
    // (Facts.guards, deployed-guards.ts) is gone: a credential the gateway did not verify passes.
    const inQuery = { ...keyAuth, config: { ...keyAuth.config, key_in_query: true } };
    const pre = { name: 'pre-function', config: { access: [querySpellingsLua('x-api-key')] } };
    const lost = ['security credential-unverified-passed', 'security credentials-forwarded'];
    // The pre-function's guard is new beside the key: read backwards it is a guard gone, so the
    // release also says it `tightened` (103420a: a rule read backwards that no other rule reports).
    expect(rules([keyAuth], [inQuery, pre]).sort()).toEqual(['breaking tightened', 'security credential-in-query']);
    expect(rules([keyAuth], [inQuery]).sort()).toEqual(['security credential-in-query', 'security credentials-forwarded']);
    expect(rules([inQuery, pre], [inQuery]).sort()).toEqual(lost);
    // Lua gwc did not write in its place is also a step the diff cannot judge (deployed-unread.ts).
    expect(rules([inQuery, pre], [inQuery, { name: 'pre-function', config: { access: ['return function() end'] } }]).sort()).toEqual([...lost, 'security unread-changed']);
    expect(rules([keyAuth], [{ ...keyAuth, config: { ...keyAuth.config, hide_credentials: false } }])).toEqual(['security credentials-forwarded']);
  });
  it('ip-restriction deny entries removed or narrowed are ip-deny-narrowed', () => {
    const ip = (deny: string[]) => ({ name: 'ip-restriction', config: { deny } });
    expect(rules([keyAuth, ip(['203.0.113.0/24'])], [keyAuth])).toEqual(['security ip-deny-narrowed']);
    expect(rules([keyAuth, ip(['203.0.113.0/24'])], [keyAuth, ip(['203.0.113.0/28'])])).toEqual(['security ip-deny-narrowed']);
  });
});
