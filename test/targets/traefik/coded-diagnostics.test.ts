/**
 * Every Traefik refusal and warning has its own code, params and the spec node to edit (issue
 * #17.3): a table of model changes on the shop spec, each asserting code, params, severity and loc,
 * never prose. (Options, server paths and indistinguishable alternatives: units.test.ts; the scan
 * for the catch-all codes: test/targets/kong/coded-diagnostics.test.ts.)
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadGateway } from '../../../src/api.js';
import type { Loc } from '../../../src/diagnostics/diagnostic.js';
import type { Gateway } from '../../../src/model/types.js';
import { checkCapabilities } from '../../../src/targets/capability-check.js';
import { compileTraefik, traefikTarget } from '../../../src/targets/traefik/index.js';
import { CASES } from './cases.js';

const at = (pointer: string): Loc => ({ file: 'x.yaml', pointer });

interface Case {
  name: string;
  /** Changes the model; returns the loc the diagnostic must be at. */
  change: (g: Gateway) => Loc | undefined;
  code: string;
  params: Record<string, string | number | boolean>;
  severity?: 'error' | 'warn';
  /** Compile with the plan of the unchanged spec: a second lock behind the capability check. */
  planBefore?: boolean;
}

const route = (g: Gateway, id: string) => g.routes.find((r) => r.id === id)!;

const TABLE: Case[] = [
  {
    name: 'a host that is not ASCII',
    change: (g) => {
      route(g, 'getMe').hosts = ['bücher.example'];
      return route(g, 'getMe').loc;
    },
    code: 'traefik-host-not-ascii',
    params: { route: 'getMe', host: 'bücher.example' },
  },
  {
    name: 'an upstreamPath parameter the path lacks',
    change: (g) => {
      route(g, 'getUser').upstreamPath = { template: '/u/{nope}', loc: at('/paths/~1users~1{id}/get/x-gateway/upstreamPath') };
      return route(g, 'getUser').upstreamPath!.loc;
    },
    code: 'traefik-upstream-path-param',
    params: { route: 'getUser', param: 'nope', path: '/users/{id}' },
  },
  {
    name: 'a header name that is no token',
    change: (g) => {
      route(g, 'getMe').policy.requestHeaders = { set: { 'X Bad': 'v' }, remove: [], loc: at('/rh') };
      return route(g, 'getMe').loc;
    },
    code: 'traefik-header-name',
    params: { route: 'getMe', where: 'request header', name: 'X Bad' },
  },
  {
    name: 'a header set to "" (Traefik would remove it)',
    change: (g) => {
      route(g, 'getMe').policy.responseHeaders = { set: { 'X-Flag': '' }, remove: [], loc: at('/resh') };
      return at('/resh');
    },
    code: 'traefik-header-empty-value',
    params: { route: 'getMe', where: 'response header', header: 'X-Flag' },
  },
  {
    name: 'CORS without origins',
    change: (g) => {
      const r = route(g, 'listOrders');
      r.policy.cors = { ...r.policy.cors!, origins: [], loc: at('/cors') };
      return at('/cors');
    },
    code: 'traefik-cors-origins-empty',
    params: { route: 'listOrders' },
  },
  {
    name: 'an IP rule entry that is no range',
    change: (g) => {
      route(g, 'getAdminStats').policy.ipRule = { allow: ['10.0.0.0/33'], deny: [], loc: at('/ip') };
      return at('/ip');
    },
    code: 'traefik-ip-range',
    params: { route: 'getAdminStats', range: '10.0.0.0/33' },
  },
  {
    name: 'an IP rule that admits nobody (warning)',
    change: (g) => {
      route(g, 'getAdminStats').policy.ipRule = { allow: ['10.0.0.0/8'], deny: ['0.0.0.0/0'], loc: at('/ip') };
      return at('/ip');
    },
    code: 'traefik-ip-rule-empty',
    params: { route: 'getAdminStats' },
    severity: 'warn',
  },
  {
    name: 'a backend host that is no host name',
    change: (g) => {
      const t = g.backends.find((b) => b.name === 'users')!.targets[0]!;
      t.url = { ...t.url, host: 'users internal' };
      t.loc = at('/x-gateway/backends/users');
      return t.loc;
    },
    code: 'traefik-backend-host',
    params: { backend: 'users', host: 'users internal' },
  },
  {
    name: 'a TLS key that is not a file',
    change: (g) => {
      g.tls = { certificate: '/etc/tls/cert.pem', key: { kind: 'env', name: 'TLS_KEY', raw: '${env:TLS_KEY}' }, loc: at('/x-gateway/tls') };
      return at('/x-gateway/tls');
    },
    code: 'traefik-tls-key-source',
    params: { ref: '${env:TLS_KEY}' },
  },
  {
    name: 'a JWT scheme without forwardAuth',
    change: (g) => {
      const s = g.securitySchemes.find((x) => x.name === 'bearer')!;
      delete s.forwardAuth;
      return s.loc;
    },
    code: 'traefik-forward-auth-missing',
    params: { scheme: 'bearer' },
    planBefore: true,
  },
];

describe('traefik: coded diagnostics', () => {
  let shop: Gateway;
  beforeAll(async () => {
    shop = (await loadGateway(CASES.find((c) => c.name === 'specs/traefik-shop.yaml')!.file)).gateway!;
  });

  it.each(TABLE.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const g = structuredClone(shop);
    const before = checkCapabilities(g, traefikTarget).plan;
    const loc = c.change(g);
    const built = compileTraefik(g, c.planBefore ? before : checkCapabilities(g, traefikTarget).plan, { options: {} });
    const found = built.result.diagnostics.filter((d) => d.code === c.code);
    expect(found.map((d) => d.params), JSON.stringify(built.result.diagnostics.map((d) => d.code))).toContainEqual(c.params);
    const d = found.find((x) => JSON.stringify(x.params) === JSON.stringify(c.params))!;
    expect(d.severity).toBe(c.severity ?? 'error');
    expect(d.loc).toEqual(loc);
    if (d.severity === 'error') expect(built.result.files).toEqual([]);
    expect(d.message.startsWith('traefik: ')).toBe(true);
  });
});
