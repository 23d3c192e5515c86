/**
 * The fuzz's checks are not vacuous: outputs of a clean build pass them, and the same outputs with
 * a user string broken out of its slot, or an auth check taken away, are caught.
 */
import { describe, expect, it } from 'vitest';
import { compileGateway } from '../../src/api.js';
import type { Gateway } from '../../src/model/types.js';
import type { OutputFile } from '../../src/targets/target.js';
import { gatewayOf, HEAD } from '../helpers/spec.js';
import { CHECKS, type Finding } from './checks.js';
import type { Slot } from './hostile.js';

const SPEC = `${HEAD}servers: [{ url: 'https://api.example.com' }]
x-gateway:
  name: ck
  backends: { app: { url: 'http://app.internal:8080', vpcLink: a1b2c3 } }
  defaults: { backend: app }
  consumers: { alice: { credentials: { key: '\${env:ALICE_KEY}' } } }
  accept:
    traefik: [{ feature: requestHeaders, reason: test }]
paths:
  /zq1xabxq1z:
    get:
      operationId: getA
      security: [{ key: [] }]
      x-gateway: { requestHeaders: { set: { X-A: 'zq2xa"b$hostxq2z' } } }
      responses: { '200': { description: ok } }
  /open:
    get:
      operationId: getOpen
      security: []
      x-gateway: { public: true }
      responses: { '200': { description: ok } }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: X-Api-Key, x-gateway: { forwardAuth: { url: 'http://keys.internal:9000/check' } } }
`;
const slots = new Map<string, Slot>([
  ['1', { slot: 'path literal', marker: 1, text: 'zq1xabxq1z', control: false }],
  ['2', { slot: 'request header value', marker: 2, text: 'zq2xa"b$hostxq2z', control: false }],
]);

let gateway: Gateway;
const built: Record<string, OutputFile[]> = {};
const run = (t: string, files: OutputFile[]): Finding[] => CHECKS[t]!(gateway, files, slots);
const edit = (t: string, f: (s: string) => string): OutputFile[] => built[t]!.map((x, i) => (i === 0 || x.path.endsWith('.conf') ? { ...x, contents: f(x.contents) } : x));

describe('fuzz checks', async () => {
  gateway = (await gatewayOf(SPEC)).gateway!;
  for (const t of ['nginx', 'kong', 'traefik', 'aws']) {
    const r = compileGateway(gateway, t);
    expect(r.diagnostics.filter((d) => d.severity === 'error'), t).toEqual([]);
    built[t] = r.files;
  }

  it.each(['nginx', 'kong', 'traefik', 'aws'])('%s: the clean build passes', (t) => {
    expect(run(t, built[t]!)).toEqual([]);
  });

  it('nginx: a value that leaves its quotes, and a location without its auth check, are caught', () => {
    const escaped = edit('nginx', (s) => s.replace(/"zq2xa\\"b\$\{gwc_ck_dollar\}hostxq2z"/g, '"zq2xa"; return 200 "bxq2z"'));
    expect(run('nginx', escaped).map((f) => f.kind)).toContain('escape');
    const variable = edit('nginx', (s) => s.replace(/\$\{gwc_ck_dollar\}host/g, '$host'));
    expect(run('nginx', variable).map((f) => f.detail)).toContainEqual(expect.stringMatching(/read as a variable/));
    const open = edit('nginx', (s) => s.replace(/^\s*auth_request \/.*$/gm, ''));
    expect(run('nginx', open).map((f) => f.kind)).toContain('open');
  });

  it('kong: a decK template from user text and a route without its auth plugin are caught', () => {
    const tpl = edit('kong', (s) => s.replace(/zq2xa\\"b\$hostxq2z/g, 'zq2x${{ env \\"DECK_X\\" }}xq2z'));
    expect(run('kong', tpl).map((f) => f.kind)).toContain('escape');
    const lua = edit('kong', (s) => s.replace(/zq2xa\\"b\$hostxq2z/g, 'zq2x$(headers.authorization)xq2z'));
    expect(run('kong', lua).map((f) => f.detail)).toContainEqual(expect.stringMatching(/request-transformer value/));
    // Both the auth plugin and the acl behind it (04e1fbf: an acl alone already answers 401).
    const open = edit('kong', (s) => s.replace(/name: "key-auth"/g, 'name: "kex-auth"').replace(/name: "acl"/g, 'name: "acx"'));
    expect(run('kong', open).some((f) => f.kind === 'open' || f.kind === 'checker')).toBe(true);
  });

  it('traefik: a router without its auth middleware is caught', () => {
    const open = edit('traefik', (s) => s.replace(/forwardAuth:/g, 'forwardAuthX:'));
    expect(run('traefik', open).some((f) => f.kind === 'open' || f.kind === 'checker')).toBe(true);
  });

  it('aws: a method without its API key requirement is caught', () => {
    const open = edit('aws', (s) => {
      const t = JSON.parse(s);
      for (const item of Object.values<Record<string, { security?: unknown }>>(t.Resources.RestApi.Properties.Body.paths)) for (const op of Object.values(item)) if (op && typeof op === 'object') delete op.security;
      return JSON.stringify(t);
    });
    expect(run('aws', open).map((f) => f.kind)).toContain('open');
  });
});
