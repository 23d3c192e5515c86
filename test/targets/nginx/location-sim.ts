/**
 * A model of how nginx picks a location for a request URI in a generated server block, counting
 * the regexes it runs: ngx_http_core_find_location (src/http/ngx_http_core_module.c) — the static
 * tree (`=` exact, then the longest prefix, recursing into its nested locations), then this
 * level's regexes in file order unless the prefix found is `^~` — and the rewrite phase of the
 * generated locations (`if ($request_method = M) { rewrite ... last; }`, `if (... != M) { return ... }`,
 * `rewrite ... last|break`, `set`, `return`). Used by the bench to find the request that scans the most regexes and by a
 * test that bounds that number. Only the directives gwc generates are understood.
 */
import type { Gateway, Route } from '../../../src/model/types.js';
import type { Directive } from './conf-parse.js';

interface Loc {
  modifier: '=' | '^~' | '' | '~';
  arg: string;
  re?: RegExp;
  block: Directive[];
  nested: Loc[];
}

export interface Trace {
  /** Location regexes executed (the cost the layout controls). */
  regexScans: number;
  /** Regexes executed by `rewrite` directives. */
  rewriteScans: number;
  /** Location lookups (1 + one per `rewrite ... last`). */
  lookups: number;
  /** The value of the generated `$gwc_<name>_route` variable, when a route location was reached. */
  route?: string;
  /** The URI after the last `rewrite ... break` (what goes upstream). */
  upstreamUri?: string;
  /** `return` status, when the request was answered by nginx itself. */
  status?: number;
}

/**
 * nginx PCRE as a JavaScript regex (the generated ones use only syntax both accept, but for PCRE's
 * `\z`, the very end: 86479ff ends location regexes there, as PCRE's `$` also matches before a final
 * newline; JavaScript's `$` without the m flag is `\z`).
 */
const jsRegex = (pcre: string): RegExp => new RegExp(pcre.replace(/(?<!\\)((?:\\\\)*)\\z/g, '$1$$'));

function toLocs(block: Directive[]): Loc[] {
  return block
    .filter((d) => d.name === 'location')
    .map((d) => {
      const [a, b] = d.args;
      const modifier = (b === undefined ? '' : a) as Loc['modifier'];
      const arg = b === undefined ? a! : b;
      const loc: Loc = { modifier, arg, block: d.block ?? [], nested: toLocs(d.block ?? []) };
      if (modifier === '~') loc.re = jsRegex(arg);
      return loc;
    });
}

type Vars = Map<string, string>;

function setCaptures(m: RegExpExecArray, vars: Vars, numbered: string[]): void {
  for (const [k, v] of Object.entries(m.groups ?? {})) if (v !== undefined) vars.set(k, v);
  numbered.splice(0, numbered.length, ...m.map((x) => x ?? ''));
}

/** ngx_http_core_find_location for one level; returns the location or undefined (declined). */
function find(level: Loc[], uri: string, vars: Vars, numbered: string[], t: Trace): Loc | undefined {
  const exact = level.find((l) => l.modifier === '=' && l.arg === uri);
  if (exact) return exact;
  let best: Loc | undefined;
  for (const l of level) {
    if ((l.modifier === '' || l.modifier === '^~') && uri.startsWith(l.arg) && (!best || l.arg.length > best.arg.length)) best = l;
  }
  let found = best;
  if (best) {
    const inner = find(best.nested, uri, vars, numbered, t);
    if (inner) return inner;
    if (best.modifier === '^~') return best;
  }
  for (const l of level) {
    if (l.modifier !== '~') continue;
    t.regexScans++;
    const m = l.re!.exec(uri);
    if (m) {
      setCaptures(m, vars, numbered);
      return find(l.nested, uri, vars, numbered, t) ?? l;
    }
  }
  return found;
}

function substitute(text: string, vars: Vars, numbered: string[]): string {
  return text.replace(/\$(?:\{(\w+)\}|(\w+))/g, (_, a: string | undefined, b: string | undefined) => {
    const name = (a ?? b)!;
    if (/^\d+$/.test(name)) return numbered[Number(name)] ?? '';
    return vars.get(name) ?? '';
  });
}

/** Follows one request (method, decoded URI) through `server`'s locations and rewrites. */
const trees = new WeakMap<Directive, Loc[]>();

export function trace(server: Directive, method: string, uri: string): Trace {
  const root = trees.get(server) ?? toLocs(server.block ?? []);
  trees.set(server, root);
  const t: Trace = { regexScans: 0, rewriteScans: 0, lookups: 0 };
  const vars: Vars = new Map([['request_method', method]]);
  const numbered: string[] = [];
  for (let cycle = 0; cycle < 11; cycle++) {
    t.lookups++;
    const loc = find(root, uri, vars, numbered, t);
    if (!loc) return t;
    let next: string | undefined;
    const run = (list: Directive[]): 'stop' | 'last' | 'go' => {
      for (const d of list) {
        if (d.name === 'if') {
          const [l, op, r] = d.args.map((a) => a.replace(/^\(|\)$/g, ''));
          if ((op === '=' || op === '!=') && (substitute(l!, vars, numbered) === r) === (op === '=')) {
            const res = run(d.block ?? []);
            if (res !== 'go') return res;
          }
        } else if (d.name === 'set') {
          vars.set(d.args[0]!.slice(1), substitute(d.args[1]!, vars, numbered));
          if (/_route$/.test(d.args[0]!)) t.route = vars.get(d.args[0]!.slice(1));
        } else if (d.name === 'rewrite') {
          const [re, repl, flag] = d.args;
          t.rewriteScans++;
          const m = jsRegex(re!).exec(uri);
          if (!m) continue;
          setCaptures(m, vars, numbered);
          const target = substitute(repl!, vars, numbered);
          if (flag === 'last') {
            next = target;
            return 'last';
          }
          uri = target;
          if (flag === 'break') {
            t.upstreamUri = uri;
            return 'stop';
          }
        } else if (d.name === 'return') {
          t.status = Number(d.args[0]);
          return 'stop';
        }
      }
      return 'go';
    };
    const res = run(loc.block);
    if (res !== 'last') return t;
    uri = next!;
  }
  throw new Error('rewrite cycle');
}

/**
 * Route index (`$gwc_<name>_route`) → "METHOD /path (operation id)": the comment gwc writes above
 * the location that holds the route (its internal location, or its path location when inline).
 */
export function routeNames(conf: string): Map<string, string> {
  const names = new Map<string, string>();
  let comment: string | undefined;
  for (const line of conf.split('\n')) {
    const c = /^\s*# (\S+ \S+ \(.*\))$/.exec(line);
    if (c) comment = c[1];
    const set = /^\s*set \$\w+_route (\d+);$/.exec(line);
    if (set && comment) names.set(set[1]!, comment);
  }
  return names;
}

export const routeName = (r: Route): string => `${r.method} ${r.publicPath} (${r.id})`;

/**
 * GET requests to sample: each path with a neutral value per parameter, and with one parameter
 * set to a literal that a compatible path has at that segment (that is how a request reaches the
 * outer templates a group repeats: `/user/codespaces/secrets` for `/user/codespaces/{codespace_name}`).
 */
export function sampleUris(gateway: Gateway): string[] {
  const compatible = (a: Route, b: Route, upTo: number) =>
    a.segments.slice(0, upTo).every((s, i) => {
      const o = b.segments[i];
      return o !== undefined && (s.kind !== 'literal' || o.kind !== 'literal' || s.value === o.value);
    });
  const out: string[] = [];
  const seen = new Set<string>();
  for (const route of gateway.routes) {
    if (route.method !== 'GET' || seen.has(route.publicPath)) continue;
    seen.add(route.publicPath);
    const segs = route.segments;
    const build = (vary: number, value: string) =>
      '/' +
      segs
        .map((s, i) => (s.kind === 'literal' ? s.value : s.kind === 'param' ? (i === vary ? value : 'v1') : s.parts.map((p) => ('literal' in p ? p.literal : 'v1')).join('')))
        .join('/');
    out.push(build(-1, ''));
    segs.forEach((s, i) => {
      if (s.kind !== 'param') return;
      const lits = new Set<string>();
      for (const other of gateway.routes) {
        const o = other.segments[i];
        if (o?.kind === 'literal' && o.value !== '' && compatible(route, other, i)) lits.add(o.value);
      }
      for (const lit of [...lits].sort()) out.push(build(i, lit));
    });
  }
  return out;
}
