/**
 * Red team 5 (#18 service plugins, hoist.ts): gwc now writes the pre-function every route of a
 * service shares once, on the service, and `gwc diff` resolves Kong's plugin precedence. Attacks on
 * the readers (src/targets/kong/deployed-normalise.ts) and the test helper (precedence.ts), as Kong
 * 3.x behaves (kong/runloop/plugins_iterator.lua, read at Kong/kong 22246ef):
 * - the iterator is built only from plugins `should_process_plugin` accepts: `enabled` and one of
 *   `protocols` in the running subsystem (PROTOCOLS_WITH_SUBSYSTEM: http/https/grpc/grpcs/ws/wss are
 *   http; tcp/tls/udp/tls_passthrough are stream). A disabled or stream-only plugin is in no combo:
 *   it masks nothing (a route's disabled plugin leaves the service's acting) and acts on nothing.
 *   Within the http subsystem a plugin's `protocols` is not compared with the request's: a
 *   pre-function with `protocols: [grpc]` runs on an http request.
 * - each plugin is keyed by its own route / service / consumer (build_compound_key), wherever the
 *   file writes it: a top-level `plugins:` entry naming `route:` or `service:` is that route's or
 *   service's, not a global one.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { diffStates } from '../../src/diff/plan.js';
import { kongEntities } from '../../src/targets/kong/deployed-normalise.js';
import { compile, shop } from '../targets/kong/model.js';
import { effectivePlugins, resolvePrecedence } from '../targets/kong/precedence.js';

type Plugin = { name: string; id?: string; enabled?: boolean; protocols?: string[]; route?: string; service?: string; config: Record<string, unknown> };
type Route = { name: string; plugins?: Plugin[] };
type Service = { name: string; routes?: Route[]; plugins?: Plugin[] };
type Doc = { services: Service[]; routes?: Route[]; plugins?: Plugin[] };

const built = (): Doc => parse(compile(shop()).yaml) as Doc;
const state = (d: Doc) => ({ entities: kongEntities(d as never) });
const findings = (from: Doc, to: Doc) => diffStates(state(from), state(to)).findings.map((f) => `${f.rule} ${f.key}`);
const routeFacts = (d: Doc) => Object.fromEntries(state(d).entities.filter((e) => e.kind === 'route').map((e) => [e.key, e.facts ?? null]));
const svc = (d: Doc, n: string) => d.services.find((s) => s.name === n)!;
const route = (d: Doc, n: string) => d.services.flatMap((s) => s.routes ?? []).find((r) => r.name === n)!;
// The orders service: every route carries one pre-function, written once on the service (the users
// service no longer does: getuser's proxy-cache adds a cache-bypass chunk to its own, cache-bypass.ts).
const ORDERS = ['shop.cancelorder', 'shop.getorder', 'shop.listorders'];

describe('redteam5: a top-level plugin naming a route or service is scoped to it, not global', () => {
  it('the orders service pre-function written at top level with `service:` reads as before', () => {
    const d = built();
    const to = structuredClone(d);
    const pf = svc(to, 'shop.orders').plugins!.find((p) => p.name === 'pre-function')!;
    svc(to, 'shop.orders').plugins = svc(to, 'shop.orders').plugins!.filter((p) => p !== pf);
    to.plugins = [...(to.plugins ?? []), { ...pf, service: 'shop.orders' }];
    expect(findings(d, to)).toEqual([]);
  });

  it('moved to top level naming ANOTHER service: the orders routes lost it (not read as a global one)', () => {
    const d = built();
    const to = structuredClone(d);
    const pf = svc(to, 'shop.orders').plugins!.find((p) => p.name === 'pre-function')!;
    svc(to, 'shop.orders').plugins = svc(to, 'shop.orders').plugins!.filter((p) => p !== pf);
    to.plugins = [...(to.plugins ?? []), { ...pf, service: 'shop.admin' }];
    const found = findings(d, to);
    for (const r of ORDERS) expect(found, r).toContain(`request-header-passed ${r}`);
  });

  it("a route's key-auth moved to top level naming another route: the route lost its key (not read as global)", () => {
    const d = built();
    const to = structuredClone(d);
    const r = route(to, 'shop.getme');
    const ka = r.plugins!.find((p) => p.name === 'key-auth')!;
    r.plugins = r.plugins!.filter((p) => p !== ka);
    to.plugins = [...(to.plugins ?? []), { ...ka, route: 'shop.getadminstats' }];
    const onGetme = findings(d, to).filter((f) => f.endsWith(' shop.getme'));
    expect(onGetme.length).toBeGreaterThan(0);
    // And the route it names does carry it (Kong: Route level for that route).
    expect(JSON.stringify(routeFacts(to)['shop.getadminstats'])).not.toEqual(JSON.stringify(routeFacts(d)['shop.getadminstats']));
  });
});

describe('redteam5: disabled and stream-only plugins are in no combo (plugins_iterator should_process_plugin)', () => {
  it("a route's disabled pre-function leaves the service's acting: same facts as without it", () => {
    const d = built();
    const to = structuredClone(d);
    const r = route(to, 'shop.getme');
    r.plugins = [...(r.plugins ?? []), { name: 'pre-function', enabled: false, config: { access: [] } }];
    expect(findings(d, to)).toEqual([]);
    expect(routeFacts(to)['shop.getme']).toEqual(routeFacts(d)['shop.getme']);
  });

  it('the service pre-function disabled: its routes lost it', () => {
    const d = built();
    const to = structuredClone(d);
    svc(to, 'shop.orders').plugins!.find((p) => p.name === 'pre-function')!.enabled = false;
    const found = findings(d, to);
    for (const r of ORDERS) expect(found, r).toContain(`request-header-passed ${r}`);
  });

  it('the service pre-function scoped to stream protocols only (tcp, tls): Kong never runs it on an http route', () => {
    const d = built();
    for (const protocols of [['tcp'], ['tls', 'udp'], ['tls_passthrough']]) {
      const to = structuredClone(d);
      svc(to, 'shop.orders').plugins!.find((p) => p.name === 'pre-function')!.protocols = protocols;
      const found = findings(d, to);
      for (const r of ORDERS) expect(found, `${r} ${protocols}`).toContain(`request-header-passed ${r}`);
    }
  });

  it("a route's key-auth scoped to stream protocols only: the route lost its key", () => {
    const d = built();
    const to = structuredClone(d);
    route(to, 'shop.getme').plugins!.find((p) => p.name === 'key-auth')!.protocols = ['tcp'];
    expect(findings(d, to).filter((f) => f.endsWith(' shop.getme')).length).toBeGreaterThan(0);
  });

  it('narrowed within the http subsystem (grpc only): Kong still runs it on http requests, same facts', () => {
    const d = built();
    const to = structuredClone(d);
    svc(to, 'shop.orders').plugins!.find((p) => p.name === 'pre-function')!.protocols = ['grpc'];
    expect(routeFacts(to)).toEqual(routeFacts(d));
  });

  it("precedence helper (the oracle's view): a route's disabled plugin does not mask its service's; a disabled or stream-only one acts on nothing", () => {
    const svcPf = { name: 'pre-function', config: { access: ['svc'] } };
    const off = { name: 'pre-function', enabled: false, config: { access: [] } };
    expect(effectivePlugins({ plugins: [off] }, { plugins: [svcPf] }).get('pre-function')).toEqual(svcPf);
    expect(effectivePlugins({ plugins: [] }, { plugins: [{ ...svcPf, enabled: false }] }).get('pre-function')).toBeUndefined();
    expect(effectivePlugins({ plugins: [] }, { plugins: [{ ...svcPf, protocols: ['tcp'] }] }).get('pre-function')).toBeUndefined();
    const resolved = resolvePrecedence({ services: [{ name: 's', plugins: [svcPf], routes: [{ name: 'r', plugins: [off] }] }] });
    const rp = (resolved.services[0]!.routes as Route[])[0]!.plugins!;
    expect(rp.filter((p) => p.name === 'pre-function' && p.enabled !== false)).toEqual([svcPf]);
  });
});

describe('redteam5: a plugin nested in a service but naming a route is Route+Service: that route only', () => {
  it("the orders service pre-function given `route: shop.getorder`: cancelorder and listorders lost it, getorder keeps it", () => {
    const d = built();
    const to = structuredClone(d);
    svc(to, 'shop.orders').plugins!.find((p) => p.name === 'pre-function')!.route = 'shop.getorder';
    const found = findings(d, to);
    for (const r of ['shop.cancelorder', 'shop.listorders']) expect(found, r).toContain(`request-header-passed ${r}`);
    expect(found).not.toContain('request-header-passed shop.getorder');
  });
});
