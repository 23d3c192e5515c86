/** Tables for the traefik target's small parts: version option, CIDR subtraction, rule text, OR plans. */
import { describe, expect, it } from 'vitest';
import { checkCapabilities } from '../../../src/targets/capability-check.js';
import { allowMinusDeny } from '../../../src/targets/traefik/cidr.js';
import { compileTraefik, traefikTarget } from '../../../src/targets/traefik/index.js';
import { goString, pathRegex, RuleTextError } from '../../../src/targets/traefik/rule.js';
import { loadGateway } from '../../../src/api.js';
import { build, CASES, load } from './cases.js';
import { parseRule } from './traefik-router.js';

const file = (name: string) => CASES.find((c) => c.name === name)!.file;

describe('--traefik-version', () => {
  it('auto picks the oldest line the emitted fields need', async () => {
    expect((await build(file('specs/canary.yaml'))).files[0]!.contents).toContain('Needs Traefik 3.2 or later');
    // traefik-shop limits per client address: ipStrategy.ipv6Subnet (3.2) counts an IPv6 client per /64.
    expect((await build(file('specs/traefik-shop.yaml'))).files[0]!.contents).toContain('Needs Traefik 3.2 or later');
    expect((await build(file('plain-openapi'))).files[0]!.contents).toContain('Needs Traefik 3.0 or later');
  });
  it('an explicit older line refuses fields it lacks, naming the line that has them', async () => {
    const r = await build(file('specs/canary.yaml'), { 'traefik-version': '3.0' });
    expect(r.files).toEqual([]);
    expect(r.diagnostics.find((d) => d.code === 'traefik-server-paths')).toMatchObject({ severity: 'error', params: { version: '3.0' }, loc: { pointer: expect.stringMatching(/^\/x-gateway\/backends\//) } });
  });
  it('an explicit newer line may use them', async () => {
    const r = await build(file('specs/canary.yaml'), { 'traefik-version': '3.4' });
    expect(r.files[0]!.contents).toContain('For Traefik 3.4 or later');
    expect(JSON.stringify(load(r.files[0]!.contents))).toContain('"preservePath":true');
  });
  it('refuses unknown lines and options', async () => {
    const cases: Array<[Record<string, string>, string, Record<string, string>]> = [
      [{ 'traefik-version': '2.11' }, 'target-option-invalid', { target: 'traefik', option: 'traefik-version', value: '2.11' }],
      [{ 'traefik-version': '3.x' }, 'target-option-invalid', { target: 'traefik', option: 'traefik-version', value: '3.x' }],
      [{ nope: '1' }, 'option-unknown', { name: 'nope', target: 'traefik' }],
      [{ 'entry-points': 'a b' }, 'target-option-invalid', { target: 'traefik', option: 'entry-points', value: 'a b' }],
      [{ 'htpasswd-dir': 'rel/dir' }, 'target-option-invalid', { target: 'traefik', option: 'htpasswd-dir', value: 'rel/dir' }],
      [{ 'client-ip-depth': '-1' }, 'target-option-invalid', { target: 'traefik', option: 'client-ip-depth', value: '-1' }],
    ];
    for (const [options, code, params] of cases) {
      const r = await build(file('specs/canary.yaml'), options);
      expect(r.files, JSON.stringify(options)).toEqual([]);
      expect(r.diagnostics, JSON.stringify(options)).toContainEqual(expect.objectContaining({ code, severity: 'error', params: expect.objectContaining(params) }));
    }
  });
  it('entry points reach every router', async () => {
    const r = await build(file('specs/canary.yaml'), { 'entry-points': 'websecure' });
    const data = load(r.files[0]!.contents) as { http: { routers: Record<string, { entryPoints: string[] }> } };
    for (const router of Object.values(data.http.routers)) expect(router.entryPoints).toEqual(['websecure']);
  });
});

describe('allow minus deny', () => {
  it.each([
    [['10.0.0.0/8'], [], ['10.0.0.0/8']],
    [['10.0.0.0/8', '127.0.0.1'], ['10.66.0.0/16'], ['10.0.0.0/10', '10.64.0.0/15', '10.67.0.0/16', '10.68.0.0/14', '10.72.0.0/13', '10.80.0.0/12', '10.96.0.0/11', '10.128.0.0/9', '127.0.0.1/32']],
    [['10.0.0.0/8'], ['10.0.0.0/7'], []],
    [['10.0.0.0/8', '10.1.0.0/16'], [], ['10.0.0.0/8']],
    [['2001:db8::/32'], ['2001:db8::/33'], ['2001:db8:8000:0:0:0:0:0/33']],
  ])('%j minus %j', (allow, deny, want) => {
    expect(allowMinusDeny(allow, deny)).toEqual(want);
  });
  it('an empty allow list means every address', () => {
    const r = allowMinusDeny([], ['0.0.0.0/1']) as string[];
    expect(r).toEqual(['128.0.0.0/1', '0:0:0:0:0:0:0:0/0']);
  });
  it('refuses what is not an address', () => {
    expect(allowMinusDeny(['10.0.0.0/33'], [])).toEqual({ bad: '10.0.0.0/33' });
    expect(allowMinusDeny(['x'], [])).toEqual({ bad: 'x' });
  });
});

describe('rule text', () => {
  it('quotes with backquotes, or a Go interpreted string when the text has one', () => {
    expect(goString('a"b')).toBe('`a"b`');
    expect(goString('a`b\\c"')).toBe('"a`b\\\\c\\""');
    expect(parseRule(`Header(${goString('x')}, ${goString('a`b\\c"')})`)).toEqual({ op: 'call', fn: 'Header', args: ['x', 'a`b\\c"'] });
  });
  it('refuses empty and control-character arguments', () => {
    expect(() => goString('')).toThrow(RuleTextError);
    expect(() => goString('a\nb')).toThrow(RuleTextError);
  });
  it('escapes every metacharacter of a literal segment', () => {
    const re = pathRegex([{ kind: 'literal', value: 'a.b(c)[d]{e}|f*+?^$\\' }, { kind: 'param', name: 'x' }]);
    expect(new RegExp(re).test('/a.b(c)[d]{e}|f*+?^$\\/42')).toBe(true);
    expect(new RegExp(re).test('/aXb(c)[d]{e}|f*+?^$\\/42')).toBe(false);
    expect(new RegExp(re).test('/a.b(c)[d]{e}|f*+?^$\\/')).toBe(false);
  });
});

describe('security alternatives (OR)', () => {
  it('refuses alternatives Traefik cannot tell apart instead of routing one open', async () => {
    const { gateway } = await loadGateway(file('specs/traefik-shop.yaml'));
    const g = structuredClone(gateway!);
    const route = g.routes.find((r) => r.id === 'listOrders')!;
    // Two forward schemes with no credential of their own: no selector can split them.
    for (const s of g.securitySchemes) if (s.name === 'apiKey' || s.name === 'bearer') s.kind = 'forward';
    route.security = [[{ scheme: 'apiKey', scopes: [] }], [{ scheme: 'bearer', scopes: [] }]];
    const built = compileTraefik(g, checkCapabilities(g, traefikTarget).plan, { options: {} });
    expect(built.result.files).toEqual([]);
    expect(built.result.diagnostics.find((d) => d.code === 'traefik-alternatives-indistinguishable')).toMatchObject({
      params: { route: 'listOrders', sameCredential: false },
      loc: route.securityLoc,
    });
  });
  it('leaves out an alternative whose scheme is an accepted gap, keeping the route closed', async () => {
    const { gateway } = await loadGateway(file('specs/traefik-shop.yaml'));
    const g = structuredClone(gateway!);
    const apiKey = g.securitySchemes.find((s) => s.name === 'apiKey')!;
    delete apiKey.forwardAuth;
    g.accepted.push({ target: 'traefik', feature: 'auth.apiKey', reason: 'test', loc: g.loc });
    const built = compileTraefik(g, checkCapabilities(g, traefikTarget).plan, { options: {} });
    const routers = Object.entries(built.config!.http.routers).filter(([n]) => built.roles.get(n)?.routeId === 'listOrders' && built.roles.get(n)?.kind === 'operation');
    expect(routers).toHaveLength(1);
    expect(routers[0]![1].middlewares).toContain('shop-auth-bearer-orders-read');
    // createUser had only the apiKey alternative: accepted, so open, and said so.
    expect(built.result.diagnostics.some((d) => /createUser: no security alternative is enforceable/.test(d.message))).toBe(true);
  });
});
