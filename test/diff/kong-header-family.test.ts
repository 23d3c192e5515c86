/**
 * gwc diff on Kong reads the header-family pre-function chunk (src/targets/kong/header-family.ts,
 * issue #18) as the request headers it removes: the same facts as the request-transformer list of
 * every `-`/`_` spelling gwc wrote before, so a Kong deployed with the old form diffs clean against
 * the new build; a deployed Kong without the chunk (or with an edited one) passes those headers,
 * and going to it is request-header-passed.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { diffStates } from '../../src/diff/plan.js';
import { separatorSpellings } from '../../src/targets/header-spellings.js';
import { HEADER_FAMILY_MARK, readHeaderFamily } from '../../src/targets/kong/header-family.js';
import { kongEntities } from '../../src/targets/kong/deployed-normalise.js';
import { compile, shop } from '../targets/kong/model.js';
import { resolvePrecedence } from '../targets/kong/precedence.js';

type Plugin = { name: string; config: Record<string, unknown> };
type Route = { name: string; plugins?: Plugin[] };
type Doc = { services?: Array<{ routes?: Route[] }>; routes?: Route[] };

const built = (): Doc => parse(compile(shop()).yaml) as Doc;
const routes = (d: Doc) => [...(d.services ?? []).flatMap((s) => s.routes ?? []), ...(d.routes ?? [])];
const state = (d: Doc) => ({ entities: kongEntities(d as never) });
const KONG_SET = ['X-Anonymous-Consumer', 'X-Consumer-Custom-ID', 'X-Consumer-ID', 'X-Consumer-Username', 'X-Credential-Identifier'];

/**
 * `d` as gwc wrote it before #18: no chunk, every spelling listed on request-transformer (Kong's own
 * consumer headers' dash spelling left to the auth plugins on an authenticated route), and each
 * route carrying its plugins itself (no service-level plugin, hoist.ts).
 */
function oldForm(d: Doc): Doc {
  const out = structuredClone(resolvePrecedence(d));
  for (const r of routes(out)) {
    const pre = r.plugins?.find((p) => p.name === 'pre-function');
    const access = (pre?.config.access as string[] | undefined) ?? [];
    const keys = access.flatMap((c) => readHeaderFamily(c) ?? []);
    if (!pre || keys.length === 0) continue;
    const authed = r.plugins!.some((p) => ['key-auth', 'basic-auth', 'jwt'].includes(p.name));
    const names = keys.flatMap((k) => { const dash = k.replace(/_/g, '-'); return [dash, ...separatorSpellings(dash)]; }).filter((h) => !(authed && KONG_SET.some((x) => x.toLowerCase() === h)));
    const rest = access.filter((c) => !c.startsWith(HEADER_FAMILY_MARK));
    if (rest.length) pre.config.access = rest;
    else r.plugins = r.plugins!.filter((p) => p !== pre);
    const rt = r.plugins!.find((p) => p.name === 'request-transformer')!;
    const remove = rt.config.remove as { headers: string[] };
    remove.headers = [...new Set([...remove.headers, ...names])].sort();
  }
  return out;
}

/** `d` with route `name`'s header-family chunk replaced by `chunk` (dropped when undefined), every route carrying its own plugins. */
function withChunk(d: Doc, name: string, chunk: ((c: string) => string) | undefined): Doc {
  const out = structuredClone(resolvePrecedence(d));
  const r = routes(out).find((x) => x.name === name)!;
  const pre = r.plugins!.find((p) => p.name === 'pre-function')!;
  const access = (pre.config.access as string[]).flatMap((c) => (!c.startsWith(HEADER_FAMILY_MARK) ? [c] : chunk ? [chunk(c)] : []));
  if (access.length) pre.config.access = access;
  else r.plugins = r.plugins!.filter((p) => p !== pre);
  return out;
}

const passed = (from: Doc, to: Doc) => diffStates(state(from), state(to)).findings.filter((f) => f.rule === 'request-header-passed');
/** The routes `passed` names, once each (a chunk gone is two findings: its names, Facts.requestHeaders, and its framing refusal, a header guard). */
const keys = (found: ReturnType<typeof passed>) => [...new Set(found.map((f) => f.key))];

describe('kong diff: the header-family chunk reads as the headers it removes', () => {
  const d = built();

  it('every proxied route of the build carries the chunk, and reads the same facts as the old request-transformer list', () => {
    const proxied = routes(resolvePrecedence(d)).filter((r) => r.plugins?.some((p) => p.name === 'request-transformer') && !r.plugins.some((p) => p.name === 'request-termination'));
    expect(proxied.length).toBeGreaterThan(5);
    for (const r of proxied) expect(((r.plugins!.find((p) => p.name === 'pre-function')?.config.access as string[]) ?? [])[0]?.startsWith(HEADER_FAMILY_MARK), r.name).toBe(true);
    const facts = (x: Doc) => Object.fromEntries(state(x).entities.filter((e) => e.kind === 'route' && e.facts?.route).map((e) => [e.key, e.facts!.requestHeaders]));
    const now = facts(d);
    expect(Object.values(now).every((h) => (h ?? []).includes('x_consumer_username') && (h ?? []).includes('x-forwarded-user'))).toBe(true);
    expect(facts(oldForm(d))).toEqual(now);
  });

  it('a Kong deployed with the old form diffs clean against the new build: no header passes', () => {
    expect(passed(oldForm(d), d)).toEqual([]);
  });

  it('a deployed Kong without the chunk on a route: going to it passes every spelling (request-header-passed)', () => {
    const found = passed(d, withChunk(d, 'shop.getuser', undefined));
    expect(keys(found)).toEqual(['shop.getuser']);
    expect(found[0]!.new).toContain('x_consumer_username');
    expect(found[0]!.new).toContain('x-forwarded-user');
    // And from the old form too.
    expect(keys(passed(oldForm(d), withChunk(d, 'shop.getuser', undefined)))).toEqual(['shop.getuser']);
  });

  it('an edited chunk is not read as a removal: a name dropped from the set, or the clearing line changed', () => {
    const fewer = withChunk(d, 'shop.getuser', (c) => c.replace(' x_forwarded_user ', ' '));
    expect(keys(passed(d, fewer))).toEqual(['shop.getuser']);
    const inert = withChunk(d, 'shop.getuser', (c) => c.replace('kong.service.request.clear_header(name)', 'kong.log.debug(name)'));
    expect(keys(passed(d, inert))).toEqual(['shop.getuser']);
  });
});
