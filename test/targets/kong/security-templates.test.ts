/**
 * Kong: user text never becomes a decK template (DESIGN.md 7.6). decK (1.6 and later) renders the
 * whole file as a Go template with `${{ }}` delimiters before parsing it, so a spec string shaped
 * like gwc's own credential template would read the CI's environment into Kong at sync. Only
 * gwc's DeckTemplate values open a `${{`; every hostile string, in every slot, is refused or
 * written as data. The model's own refusal (text-template-syntax at the spec line) is the first
 * lock; these tests feed the compiler directly, as if something slipped past it.
 */
import { describe, expect, it } from 'vitest';
import type { Gateway } from '../../../src/model/types.js';
import { compile, loc, shop } from './model.js';

const HOSTILE = [
  '${{ printf "%q" (env "DECK_KONNECT_TOKEN") }}',
  '${{env "DECK_KONNECT_TOKEN"}}',
  'a${{- env "DECK_X" -}}b',
  '$${{ env "DECK_X" }}',
];

const slots: Array<[string, (g: Gateway, h: string) => void]> = [
  ['gateway name', (g, h) => (g.name = h)],
  ['route id', (g, h) => (g.routes[0]!.id = h)],
  ['literal path', (g, h) => { g.routes[0]!.path = `/x/${h}`; g.routes[0]!.publicPath = `/v1/x/${h}`; }],
  ['upstream path', (g, h) => (g.routes[0]!.upstreamPath = { template: `/in/${h}`, loc: loc() })],
  ['route host', (g, h) => (g.routes.forEach((r) => (r.hosts = [h])))],
  ['request header value', (g, h) => (g.routes[0]!.policy.requestHeaders = { set: { 'X-A': h }, remove: [], loc: loc() })],
  ['request header name', (g, h) => (g.routes[0]!.policy.requestHeaders = { set: { [h]: 'v' }, remove: [h], loc: loc() })],
  ['response header value', (g, h) => (g.routes[0]!.policy.responseHeaders = { set: { 'X-A': h }, remove: [], loc: loc() })],
  ['mock body', (g, h) => (g.backends.find((b) => b.kind === 'mock')!.mock!.body = h)],
  ['mock content type', (g, h) => (g.backends.find((b) => b.kind === 'mock')!.mock!.contentType = h)],
  ['mock header', (g, h) => (g.backends.find((b) => b.kind === 'mock')!.mock!.headers = { 'X-M': h })],
  ['cors origin', (g, h) => (g.routes[0]!.policy.cors!.origins = [h])],
  ['consumer name', (g, h) => (g.consumers[0]!.name = h)],
  ['consumer group (role)', (g, h) => (g.consumers[0]!.groups = [h])],
  ['requirement role', (g, h) => { g.consumers[0]!.groups = [h]; g.routes[0]!.security = [[{ scheme: 'apiKey', scopes: [h] }]]; }],
  ['basic username', (g, h) => { const c = g.consumers[1]!.credentials[0]!; if (c.kind === 'basic') c.username = h; }],
  ['basic realm', (g, h) => (g.securitySchemes.find((s) => s.kind === 'basic')!.basic = { realm: h })],
  ['jwt issuer', (g, h) => (g.securitySchemes.find((s) => s.kind === 'jwt')!.jwt!.issuer = h)],
  ['scheme name', (g, h) => { g.securitySchemes[0]!.name = h; g.routes[0]!.security = [[{ scheme: h, scopes: [] }]]; }],
  ['backend host', (g, h) => (g.backends[0]!.targets[0]!.url.host = h)],
  ['rate-limit header', (g, h) => (g.routes[0]!.policy.rateLimit = { requests: 1, per: 'second', by: { header: h }, burst: 0, loc: loc() })],
  ['cache key header', (g, h) => (g.routes.find((r) => r.id === 'getUser')!.policy.cache!.keyHeaders = [h])],
  ['route tag', (g, h) => (g.routes[0]!.tags = [h])],
  ['summary', (g, h) => (g.routes[0]!.summary = h)],
];

/** gwc's own templates in the clean build: one per credential it writes. */
const own = compile(shop()).yaml.split('${{').length - 1;

describe('kong: user text is data, never a decK template', () => {
  it('the clean build carries only its credential templates', () => {
    expect(own).toBe(3); // alice's key, ops's password, the bearer issuer's public key
  });

  const cases = slots.flatMap(([slot, put]) => HOSTILE.map((h) => [slot, h, put] as const));
  it.each(cases)('%s = %s', (_slot, hostile, put) => {
    const g = shop();
    put(g, hostile);
    const r = compile(g);
    if (r.files.length === 0) {
      expect(r.diagnostics.some((d) => d.severity === 'error')).toBe(true);
      return;
    }
    // Written: then not one `${{` more than gwc's own, and never the hostile variable.
    expect(r.yaml.split('${{').length - 1).toBeLessThanOrEqual(own);
    expect(r.yaml).not.toMatch(/\$\{\{[^}]*DECK_(KONNECT_TOKEN|X)\b/);
  });
});
