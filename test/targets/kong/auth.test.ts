/** Security requirements: AND, OR, what is refused, and secrets never written as literals. */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { allRoutes } from './kong-router.js';
import { compile, shop } from './model.js';

const routeNamed = (yaml: string, name: string) => allRoutes(parse(yaml)).find((r) => r.name === name)!;
const plugin = (r: ReturnType<typeof routeNamed>, name: string) => r.plugins?.find((p) => p.name === name);

describe('kong: auth', () => {
  const { yaml, diagnostics } = compile(shop());
  const doc = parse(yaml);

  it('AND: every scheme plugin without anonymous', () => {
    const r = routeNamed(yaml, 'shop.cancelorder');
    expect(plugin(r, 'key-auth')?.config.anonymous).toBeNull();
    expect(plugin(r, 'jwt')?.config.anonymous).toBeNull();
  });

  it('OR: anonymous on every plugin, and a 401 termination scoped to the anonymous consumer', () => {
    const r = routeNamed(yaml, 'shop.listorders');
    const anon = doc.consumers.find((c: { username: string }) => c.username === 'shop.~anonymous');
    expect(plugin(r, 'key-auth')?.config.anonymous).toBe(anon.id);
    expect(plugin(r, 'jwt')?.config.anonymous).toBe(anon.id);
    expect(anon.keyauth_credentials).toBeUndefined();
    expect(doc.plugins).toEqual([expect.objectContaining({ name: 'request-termination', consumer: 'shop.~anonymous', config: { status_code: 401, message: 'Unauthorized' } })]);
  });

  it('single scheme: hide_credentials written explicitly, key read only where the spec says', () => {
    const cfg = plugin(routeNamed(yaml, 'shop.getuser'), 'key-auth')?.config;
    expect(cfg).toMatchObject({ key_names: ['x-api-key'], key_in_header: true, key_in_query: false, key_in_body: false, hide_credentials: true, anonymous: null });
  });

  it('jwt (accepted gap) verifies exp (nbf: Kong would require it), reads only the Authorization header, warns about scopes/audience', () => {
    const cfg = plugin(routeNamed(yaml, 'shop.createpayment'), 'jwt')?.config;
    expect(cfg).toMatchObject({ claims_to_verify: ['exp'], header_names: ['authorization'], uri_param_names: [], cookie_names: [] });
    expect(diagnostics.every((d) => d.severity !== 'error')).toBe(true);
  });

  it('credentials are decK environment templates, never literals', () => {
    expect(yaml).toContain('key: ${{ printf "%q" (env "DECK_ALICE_API_KEY") }}');
    expect(yaml).toContain('password: ${{ printf "%q" (env "DECK_OPS_PASSWORD") }}');
    expect(yaml).not.toMatch(/vault:\/\/.*ALICE/);
  });

  it('refuses an OR of AND alternatives (never compiles it weaker)', () => {
    const g = shop();
    g.routes[0]!.security = [[{ scheme: 'apiKey', scopes: [] }, { scheme: 'adminBasic', scopes: [] }], [{ scheme: 'bearer', scopes: [] }]];
    const r = compile(g);
    expect(r.files).toEqual([]);
    expect(r.diagnostics.find((d) => d.code === 'kong-security-or-of-and')).toMatchObject({ params: { route: g.routes[0]!.id }, loc: g.routes[0]!.loc });
  });

  it('refuses a file secret for a credential', () => {
    const g = shop();
    g.consumers[0]!.credentials[0] = { scheme: 'apiKey', kind: 'apiKey', key: { kind: 'file', path: 'k', raw: '${file:k}' }, loc: g.loc };
    const r = compile(g);
    expect(r.files).toEqual([]);
    expect(r.diagnostics.find((d) => d.code === 'kong-credential-secret-source')?.params).toEqual({ what: 'consumer alice key for apiKey', kind: 'file', ref: '${file:k}' });
  });

  it('refuses user text decK would execute as a template', () => {
    const g = shop();
    g.routes[0]!.policy.requestHeaders = { set: { 'X-Leak': '${{ env "DECK_TOKEN" }}' }, remove: [], loc: g.loc };
    const r = compile(g);
    expect(r.files).toEqual([]);
    expect(r.diagnostics.some((d) => d.code === 'text-template-syntax')).toBe(true);
  });

  it("refuses user text spelled exactly like gwc's own credential template (templates are known by type, not shape)", () => {
    const g = shop();
    const mimic = '${{ printf "%q" (env "DECK_KONNECT_TOKEN") }}';
    for (const put of [
      () => (g.routes[0]!.policy.requestHeaders = { set: { 'X-Leak': mimic }, remove: [], loc: g.loc }),
      () => (g.routes[0]!.policy.responseHeaders = { set: { 'X-Leak': mimic }, remove: [], loc: g.loc }),
      () => (g.routes[0]!.summary = mimic),
    ]) {
      put();
      const r = compile(g);
      expect(r.files).toEqual([]);
      expect(r.diagnostics.some((d) => d.code === 'text-template-syntax')).toBe(true);
    }
  });

  it('scopes credentials per scheme with acl when two schemes share a plugin', () => {
    const g = shop();
    g.securitySchemes.push({ ...g.securitySchemes[0]!, name: 'partnerKey', apiKey: { in: 'header', name: 'x-partner-key' } });
    g.routes[0]!.security = [[{ scheme: 'partnerKey', scopes: [] }]];
    const r = compile(g);
    const acl = plugin(routeNamed(r.yaml, 'shop.createuser'), 'acl');
    expect(acl?.config).toEqual({ allow: ['shop.scheme.partnerkey'], hide_groups_header: true });
    const alice = parse(r.yaml).consumers.find((c: { username: string }) => c.username === 'shop.alice');
    expect(alice.acls.map((a: { group: string }) => a.group)).toContain('shop.scheme.apikey');
  });
});
