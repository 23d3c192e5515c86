/**
 * gwc diff on Kong reads a service's plugin as acting on each of its routes that has none of that
 * name (Kong 3.x precedence, kong/runloop/plugins_iterator.lua lookup_cfg), since gwc writes the
 * pre-function and request-transformer every route of a service shares once, on the service
 * (src/targets/kong/hoist.ts, #18). A Kong deployed with the per-route form (every gwc release
 * before) diffs with no security finding against the new build; going to a file whose service lost
 * its pre-function, or one of whose routes overrides it with an empty one, is a finding.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { diffStates } from '../../src/diff/plan.js';
import { kongEntities } from '../../src/targets/kong/deployed-normalise.js';
import { HEADER_FAMILY_MARK } from '../../src/targets/kong/header-family.js';
import { compile, shop } from '../targets/kong/model.js';
import { resolvePrecedence } from '../targets/kong/precedence.js';

type Plugin = { name: string; id?: string; config: Record<string, unknown> };
type Route = { name: string; plugins?: Plugin[] };
type Service = { name: string; routes?: Route[]; plugins?: Plugin[] };
type Doc = { services: Service[]; routes?: Route[] };

const built = (): Doc => parse(compile(shop()).yaml) as Doc;
const state = (d: Doc) => ({ entities: kongEntities(d as never) });
const findings = (from: Doc, to: Doc) => diffStates(state(from), state(to)).findings.map((f) => `${f.rule} ${f.key}`);
/** The first service gwc gave a pre-function, and the names of its routes that use it (none of their own). */
function hoisted(d: Doc): { service: Service; users: string[] } {
  const service = d.services.find((s) => s.plugins?.some((p) => p.name === 'pre-function'))!;
  return { service, users: (service.routes ?? []).filter((r) => !r.plugins?.some((p) => p.name === 'pre-function')).map((r) => r.name) };
}

describe('kong diff: a plugin on the service acts on the routes without their own (#18)', () => {
  const d = built();

  it('the build hoists: a service carries the pre-function that several of its routes use', () => {
    const { users } = hoisted(d);
    expect(users.length).toBeGreaterThan(1);
  });

  it('deployed in the per-route form: no security finding going to the new build, and the routes read the same facts', () => {
    const old = resolvePrecedence(d);
    expect(old.services.every((s) => !s.plugins?.length)).toBe(true);
    expect(findings(old, d)).toEqual([]);
    const facts = (x: Doc) => Object.fromEntries(state(x).entities.filter((e) => e.kind === 'route').map((e) => [e.key, e.facts ?? null]));
    expect(facts(old)).toEqual(facts(d));
    // And back: the per-route form weakens nothing either.
    expect(findings(d, old)).toEqual([]);
  });

  it('going to a file whose service lost its pre-function: a finding on every route that used it', () => {
    const to = structuredClone(d);
    const { service, users } = hoisted(to);
    service.plugins = service.plugins!.filter((p) => p.name !== 'pre-function');
    const found = findings(d, to);
    for (const r of users) expect(found, r).toContain(`request-header-passed ${r}`);
    // Only those routes: one with its own pre-function keeps it.
    expect(new Set(found.map((f) => f.split(' ')[1]))).toEqual(new Set(users));
  });

  it('going to a file where one route overrides the service pre-function with one without gwc\'s chunks: a finding on that route only', () => {
    const to = structuredClone(d);
    const { service, users } = hoisted(to);
    const route = service.routes!.find((r) => r.name === users[0])!;
    route.plugins = [...(route.plugins ?? []), { name: 'pre-function', config: { access: ['return function() end'] } }];
    const found = findings(d, to);
    expect(found).toContain(`request-header-passed ${users[0]}`);
    expect(new Set(found.map((f) => f.split(' ')[1]))).toEqual(new Set([users[0]]));
  });

  it('a route of the service with an edited chunk of its own is read by its own, not the service\'s', () => {
    const to = structuredClone(d);
    const { service, users } = hoisted(to);
    const own = structuredClone(service.plugins!.find((p) => p.name === 'pre-function')!);
    own.config.access = (own.config.access as string[]).map((c) => (c.startsWith(HEADER_FAMILY_MARK) ? c.replace(' x_forwarded_user ', ' ') : c));
    delete own.id;
    const route = service.routes!.find((r) => r.name === users[1])!;
    route.plugins = [...(route.plugins ?? []), own];
    expect(findings(d, to)).toEqual([`request-header-passed ${users[1]}`]);
  });

  it('a top-level route naming its service gets the service\'s plugins, as a nested one', () => {
    const flat = structuredClone(d);
    const { service, users } = hoisted(flat);
    const moved = service.routes!.filter((r) => users.includes(r.name));
    service.routes = service.routes!.filter((r) => !users.includes(r.name));
    flat.routes = [...(flat.routes ?? []), ...moved.map((r) => ({ ...r, service: { name: service.name } }))];
    expect(findings(d, flat)).toEqual([]);
    const bare = structuredClone(flat);
    hoisted(bare).service.plugins = [];
    expect(findings(d, bare).length).toBeGreaterThanOrEqual(users.length);
  });
});
