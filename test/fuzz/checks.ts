/**
 * What `npm run fuzz` holds every output of a hostile spec against (issue 14): the target's
 * checker, user text staying in its quoted slot, and no auth-requiring route reachable without a
 * credential through the router oracles. Each check returns findings, never throws, so one run
 * counts everything it meets.
 *
 * Escape check: hostile.ts marks every user-text slot `zq<n>x...xq<n>z`. Each output is parsed
 * back the way its consumer reads it (nginx tokens per ngx_conf_read_token, the njs module's CFG
 * as JSON, YAML or JSON scalars and keys, Traefik rule arguments, API Gateway's `'static'` mapping
 * values), and a marker that opens in one token must close in the same one; a token that is a
 * plain identifier (sanitised names) cannot carry syntax and is exempt. A line of output that opens
 * a marker and does not close it (a comment a line break escaped) is an escape too, and so is a
 * control character from any slot but a mock body.
 */
import { parse } from 'yaml';
import { matchRoute } from '../../src/model/paths.js';
import type { Gateway, Route } from '../../src/model/types.js';
import { NJS_HEADERS } from '../../src/targets/nginx/njs-headers.js';
import { NJS_RUNTIME } from '../../src/targets/nginx/njs-runtime.js';
import type { OutputFile } from '../../src/targets/target.js';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { kongSchemaValidate, traefikLoad, traefikValidate } from '../helpers/checkers.js';
import { AwsOracle } from '../targets/aws/oracle.js';
import { evaluate, type DeckDoc } from '../targets/kong/kong-oracle.js';
import { parseConf, walk, type Directive } from '../targets/nginx/conf-parse.js';
import { trace } from '../targets/nginx/location-sim.js';
import { parseRule, pickRouter } from '../targets/traefik/traefik-router.js';
import type { Slot } from './hostile.js';

export type Kind = 'checker' | 'escape' | 'open';
export interface Finding {
  kind: Kind;
  target: string;
  detail: string;
}

// Case-insensitive: header names come back canonicalised (Zq3x-...).
const OPEN = /zq(\d+)x/gi;
const CLOSE = /xq(\d+)z/gi;
/**
 * A sanitised name cut to a target's length limit may lose a marker's end: only a long token made
 * of name characters alone (no syntax of any output) is excused.
 */
const truncated = (leaf: string) => leaf.length >= 40 && /^[A-Za-z0-9_.~-]*$/.test(leaf);
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/;

const ids = (re: RegExp, s: string) => [...s.matchAll(re)].map((m) => m[1]!);

/** Every marker opened in `leaf` closes in it, and none closes that did not open. */
function leafEscapes(leaf: string, where: string, slots: Map<string, Slot>): string[] {
  if (!/zq|xq/i.test(leaf)) return [];
  const out: string[] = [];
  const opened = ids(OPEN, leaf);
  const closed = ids(CLOSE, leaf);
  for (const n of opened) if (!closed.includes(n) && !truncated(leaf)) out.push(`${where}: marker ${n} (${slots.get(n)?.slot}) opens in ${JSON.stringify(leaf).slice(0, 160)} and does not close there`);
  for (const n of closed) if (!opened.includes(n)) out.push(`${where}: marker ${n} (${slots.get(n)?.slot}) closes in ${JSON.stringify(leaf).slice(0, 160)} without opening there`);
  return out;
}

/**
 * Physical lines of a line-based format (nginx, YAML, the njs module): a marker opened on a line
 * closes on it (a comment a line break escaped), and user text carries no raw control character
 * that format reads as a line break or separator (CR, NEL, U+2028/2029 in YAML 1.1 and nginx).
 */
function lineEscapes(text: string, where: string, slots: Map<string, Slot>): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (!/zq/i.test(line)) continue;
    const closed = ids(CLOSE, line);
    for (const m of line.matchAll(OPEN)) {
      const n = m[1]!;
      const s = slots.get(n);
      if (s?.slot === 'mock body' && s.control) continue;
      const end = line.slice(m.index).search(new RegExp(`xq${n}z`, 'i'));
      if (!closed.includes(n) || end < 0) out.push(`${where}: marker ${n} (${s?.slot}) opens on a line and does not close on it: ${JSON.stringify(line).slice(0, 160)}`);
      else if (CONTROL.test(line.slice(m.index, m.index + end))) out.push(`${where}: raw control character from ${s?.slot}: ${JSON.stringify(line).slice(0, 160)}`);
    }
  }
  return out;
}

/** The text of each marker span (open to close) in `leaf`. */
function spans(leaf: string): Array<{ n: string; text: string }> {
  const out: Array<{ n: string; text: string }> = [];
  for (const m of leaf.matchAll(OPEN)) {
    const rest = leaf.slice(m.index);
    const end = rest.search(new RegExp(`xq${m[1]}z`, 'i'));
    if (end >= 0) out.push({ n: m[1]!, text: rest.slice(0, end) });
  }
  return out;
}

/**
 * nginx compiles `$name` in most arguments: user text may hold a `$` only as gwc's dollar variable
 * (`${<name>_dollar}`), backslash-escaped in a regex, or in an argument nginx reads literally.
 */
const LITERAL_ARGS = new Set(['server_name', 'proxy_hide_header', 'include', 'js_import', 'load_module', 'pid', 'proxy_cache_path', 'limit_req_zone', 'log_format', 'access_log', 'error_log', 'user']);
function nginxDollar(d: Directive, context: string[], slots: Map<string, Slot>): string[] {
  const out: string[] = [];
  const inMap = ['map', 'geo', 'types'].includes(context[context.length - 1]!);
  const args = inMap ? [d.name, ...d.args] : d.args;
  args.forEach((a, i) => {
    if (!a.includes('$')) return;
    const regex = (d.name === 'location' && /^~\*?$/.test(d.args[0] ?? '') && i === 1) || (d.name === 'rewrite' && i === 0) || (inMap && i === 0 && a.startsWith('~')) || (d.name === 'if' && /^~\*?$/.test(d.args[i - 1] ?? ''));
    const literal = LITERAL_ARGS.has(d.name) || (d.name === 'location' && d.args.length === 2 && !/^~/.test(d.args[0]!) && i === 1) || (d.name === 'location' && d.args.length === 1) || (inMap && i === 0 && !a.startsWith('~'));
    if (literal) return;
    for (const { n, text } of spans(a)) {
      const bare = regex ? text.replace(/\\./g, '') : text.replace(/\$\{\w+_dollar\}/g, '');
      if (bare.includes('$')) out.push(`${d.name} ${JSON.stringify(a).slice(0, 160)}: a "$" from ${slots.get(n)?.slot} that nginx would read as a variable`);
    }
  });
  return out;
}

function leavesOf(data: unknown, out: string[] = []): string[] {
  if (typeof data === 'string') out.push(data);
  else if (Array.isArray(data)) for (const x of data) leavesOf(x, out);
  else if (data && typeof data === 'object') {
    for (const [k, v] of Object.entries(data)) {
      out.push(k);
      leavesOf(v, out);
    }
  }
  return out;
}

// ------------------------------------------------------------------ probes

/** A concrete request path for a route: each parameter a value no literal uses. */
const samplePath = (r: Route) => `/${r.segments.map((s) => (s.kind === 'literal' ? s.value : s.kind === 'param' ? 'zz9' : s.parts.map((p) => ('literal' in p ? p.literal : 'zz9')).join(''))).join('/')}`;
/** What a client puts on the wire: bytes outside pchar percent-encoded. */
const onWire = (path: string) => path.replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@/]/gu, (c) => encodeURIComponent(c));
const needsAuth = (r: Route) => r.security.length > 0 && !r.optionalAuth;

export interface Probe {
  method: string;
  path: string;
  host?: string;
  expected: Route;
}

/** Each route's own sample request, with the route OpenAPI precedence says it reaches. */
export function probes(g: Gateway): Probe[] {
  const out: Probe[] = [];
  for (const r of g.routes) {
    const path = samplePath(r);
    const host = r.hosts[0] ?? g.hosts[0];
    const m = matchRoute(g, r.method, path, host);
    if ('route' in m) out.push({ method: r.method, path, host, expected: m.route });
  }
  return out;
}

const label = (p: Probe) => `${p.method} ${JSON.stringify(p.path)} (${p.expected.id})`;

// ------------------------------------------------------------------ nginx

export function checkNginx(g: Gateway, files: OutputFile[], slots: Map<string, Slot>): Finding[] {
  const f: Finding[] = [];
  const add = (kind: Kind, detail: string) => f.push({ kind, target: 'nginx', detail });
  const confs: Array<{ path: string; tree: Directive[] }> = [];
  for (const file of files) {
    if (file.path.endsWith('.conf')) {
      let tree: Directive[];
      try {
        tree = parseConf(file.contents);
      } catch (e) {
        add('checker', `${file.path} does not parse: ${(e as Error).message}`);
        continue;
      }
      confs.push({ path: file.path, tree });
      for (const { d, context } of walk(tree)) {
        // Entries of map, geo and types blocks are values in the directive's place.
        if (['map', 'geo', 'types'].includes(context[context.length - 1]!)) for (const e of leafEscapes(d.name, `${file.path} ${context.join('/')}`, slots)) add('escape', e);
        else if (!/^[a-z_0-9]+$/.test(d.name)) add('escape', `${file.path}: directive ${JSON.stringify(d.name)}`);
        // A `^~` nesting prefix is a route's public path cut at a `/` (the layout's groups): a base
        // path that decodes to two segments (`a%2Fb`) is cut inside the user's text, as nginx routes it.
        const nesting = d.name === 'location' && d.args[0] === '^~' && d.args[1]!.endsWith('/') && g.routes.some((r) => r.publicPath.startsWith(d.args[1]!));
        if (!nesting) for (const a of d.args) for (const e of leafEscapes(a, `${file.path} ${d.name}`, slots)) add('escape', e);
        for (const e of nginxDollar(d, context, slots)) add('escape', `${file.path}: ${e}`);
      }
      const prefixes = walk(tree).filter(({ d }) => d.name === 'location' && d.args[0] === '^~' && g.routes.some((r) => r.publicPath.startsWith(d.args[1]!)));
      const text = prefixes.length ? file.contents.split('\n').filter((l) => !/^\s*location \^~ /.test(l)).join('\n') : file.contents;
      for (const e of lineEscapes(text, file.path, slots)) add('escape', e);
    } else if (file.path.endsWith('.js')) {
      const t = file.contents;
      // The runtime, or (a gateway needing njs only for the `_` header refusal) njs/headers.js.
      const runtime = [NJS_RUNTIME, NJS_HEADERS].find((r) => t.startsWith(`// Generated by gwc - do not edit.${r}`.split('/*CFG*/null')[0]!)) ?? NJS_RUNTIME;
      const [head, tail] = `// Generated by gwc - do not edit.${runtime}`.split('/*CFG*/null');
      if (!t.startsWith(head!) || !t.endsWith(tail!)) {
        add('escape', `${file.path}: the njs module differs from the runtime outside its CFG literal`);
        continue;
      }
      const literal = t.slice(head!.length, t.length - tail!.length);
      let cfg: unknown;
      try {
        cfg = JSON.parse(literal);
      } catch (e) {
        add('escape', `${file.path}: CFG is not one JSON literal: ${(e as Error).message}`);
        continue;
      }
      if (/[\u2028\u2029]/.test(literal)) add('escape', `${file.path}: raw line separator in the CFG literal`);
      for (const leaf of leavesOf(cfg)) for (const e of leafEscapes(leaf, `${file.path} CFG`, slots)) add('escape', e);
      for (const e of lineEscapes(t, file.path, slots)) add('escape', e);
    } else add('checker', `unexpected nginx file ${file.path}`);
  }
  const main = confs.find((c) => c.path.startsWith('conf.d/'));
  if (!main) return [...f, { kind: 'checker', target: 'nginx', detail: 'no conf.d file' }];
  const all = walk(main.tree).map(({ d }) => d);
  const locations = all.filter((d) => d.name === 'location');
  const inside = (l: Directive, name: string) => (l.block ?? []).filter((x) => x.name === name);
  const guarded = new Map<number, boolean>();
  g.routes.forEach((r, i) => {
    const own = locations.filter((d) => inside(d, 'set').some((x) => /_route$/.test(x.args[0]!) && x.args[1] === String(i)));
    if (own.length === 0) add('checker', `no location for route ${r.id}`);
    // A route whose limit needs the verified caller checks auth in one internal location and goes on
    // (try_files) to another, internal too, that refuses a request with no identity.
    const afterAuth = (d: Directive) => inside(d, 'internal').length === 1 && inside(d, 'if').some((x) => /^\(\$\w+_id_key$/.test(x.args[0]!) && x.args[1] === '=' && (x.block ?? []).some((y) => y.name === 'return' && ['401', '403'].includes(y.args[0]!)));
    // A route that reads its body first (a _method in it is refused) does so in an internal location
    // that proxies nothing and hands over (internalRedirect) to the checked one.
    const bodyGate = (d: Directive) => inside(d, 'internal').length === 1 && inside(d, 'proxy_pass').length === 0 && inside(d, 'js_content').length === 1 && /\.bodyCheck$/.test(inside(d, 'js_content')[0]!.args[0]!);
    const ok = own.some((d) => inside(d, 'auth_request').length === 1) && own.every((d) => inside(d, 'auth_request').length === 1 || afterAuth(d) || bodyGate(d));
    guarded.set(i, ok);
    if (needsAuth(r) && !ok) add('open', `route ${r.id}: its location has no auth_request`);
  });
  const servers = all.filter((d) => d.name === 'server' && d.block?.some((x) => x.name === 'location'));
  for (const p of probes(g)) {
    if (!needsAuth(p.expected)) continue;
    const server = servers.find((s) => inside(s, 'server_name').some((x) => x.args.includes(p.host ?? ''))) ?? servers[0];
    if (!server) break;
    let t;
    try {
      t = trace(server, p.method, p.path);
    } catch (e) {
      add('checker', `location model failed on ${label(p)}: ${(e as Error).message}`);
      continue;
    }
    if (t.status !== undefined || t.route === undefined) continue; // answered by nginx itself (404/405/...)
    const idx = Number(t.route);
    if (!guarded.get(idx)) add('open', `${label(p)} reaches route ${g.routes[idx]?.id ?? t.route}, which has no auth_request`);
  }
  return f;
}

// ------------------------------------------------------------------ Kong

export function checkKong(g: Gateway, files: OutputFile[], slots: Map<string, Slot>): Finding[] {
  const f: Finding[] = [];
  const add = (kind: Kind, detail: string) => f.push({ kind, target: 'kong', detail });
  const text = files[0]!.contents;
  let doc: DeckDoc;
  try {
    doc = parse(text) as DeckDoc;
  } catch (e) {
    return [{ kind: 'checker', target: 'kong', detail: `kong.yaml does not parse: ${(e as Error).message}` }];
  }
  const schema = kongSchemaValidate(text);
  if (schema && !schema.ok) add('checker', `decK schema: ${JSON.stringify(schema.errors).slice(0, 400)}`);
  // decK renders `${{ }}` at sync: only gwc's own credential templates may open one.
  for (const m of text.matchAll(/\$\{\{/g)) {
    const rest = text.slice(m.index, m.index + 80);
    if (!/^\$\{\{ printf "%q" \(env "[A-Za-z0-9_]+"\) \}\}/.test(rest)) add('escape', `decK template opened by user text: ${JSON.stringify(rest)}`);
  }
  for (const leaf of leavesOf(doc)) for (const e of leafEscapes(leaf, 'kong.yaml', slots)) add('escape', e);
  // request-transformer evaluates `$(...)` in its values as Lua templates.
  const transformers = [...(doc.plugins ?? []), ...((doc.services ?? []) as Array<{ routes?: Array<{ plugins?: unknown[] }>; plugins?: unknown[] }>).flatMap((sv) => [...(sv.plugins ?? []), ...(sv.routes ?? []).flatMap((r) => r.plugins ?? [])]), ...(doc.routes ?? []).flatMap((r) => r.plugins ?? [])] as Array<{ name?: string; config?: unknown }>;
  for (const p of transformers) {
    if (p?.name !== 'request-transformer') continue;
    for (const leaf of leavesOf(p.config)) for (const { n } of spans(leaf).filter((x) => x.text.includes('$('))) add('escape', `request-transformer value ${JSON.stringify(leaf).slice(0, 160)}: a "$(" template from ${slots.get(n)?.slot}`);
  }
  for (const e of lineEscapes(text, 'kong.yaml', slots)) add('escape', e);
  for (const p of probes(g)) {
    if (!needsAuth(p.expected)) continue;
    try {
      const o = evaluate(doc, { method: p.method, path: onWire(p.path), host: p.host });
      if (o.status < 400) add('open', `${label(p)} answered ${o.status} on route ${o.route} with no credential`);
    } catch (e) {
      add('checker', `Kong oracle on ${label(p)}: ${(e as Error).message}`);
    }
  }
  return f;
}

// ------------------------------------------------------------------ Traefik

export function checkTraefik(g: Gateway, files: OutputFile[], slots: Map<string, Slot>): Finding[] {
  const f: Finding[] = [];
  const add = (kind: Kind, detail: string) => f.push({ kind, target: 'traefik', detail });
  const text = files[0]!.contents;
  let config: TraefikConfig;
  try {
    const v = traefikValidate(text);
    if (v && !v.ok) add('checker', v.output.slice(0, 400));
    config = traefikLoad(text) as TraefikConfig;
  } catch (e) {
    return [{ kind: 'checker', target: 'traefik', detail: `does not load: ${(e as Error).message}` }];
  }
  if (text.replace(/\{\{ "[{}]" \}\}/g, '').match(/[{}]/)) add('escape', 'a Go template action beside the brace escapes');
  for (const leaf of leavesOf(config)) for (const e of leafEscapes(leaf, 'traefik', slots)) add('escape', e);
  for (const e of lineEscapes(text, 'traefik', slots)) add('escape', e);
  // replacePathRegex expands `$1`/`${name}` in its replacement (Go Regexp.Expand): user `$` must be `$$`.
  for (const [name, mw] of Object.entries((config.http?.middlewares ?? {}) as Record<string, { replacePathRegex?: { replacement?: string } }>)) {
    const rep = mw.replacePathRegex?.replacement;
    if (rep) for (const { n, text } of spans(rep)) if (text.replace(/\$\$/g, '').includes('$')) add('escape', `middleware ${name} replacement ${JSON.stringify(rep)}: a "$" from ${slots.get(n)?.slot} that Go would expand`);
  }
  for (const [name, r] of Object.entries(config.http?.routers ?? {})) {
    try {
      for (const arg of ruleArgs(parseRule(r.rule))) for (const e of leafEscapes(arg, `router ${name} rule`, slots)) add('escape', e);
    } catch (e) {
      add('checker', `router ${name}: rule does not parse: ${(e as Error).message}`);
    }
  }
  for (const p of probes(g)) {
    if (!needsAuth(p.expected)) continue;
    let router: string | undefined;
    try {
      router = pickRouter(config, { method: p.method, host: p.host ?? 'localhost', path: p.path });
    } catch (e) {
      add('checker', `Traefik router model on ${label(p)}: ${(e as Error).message}`);
      continue;
    }
    if (!router) continue;
    const mws = config.http.routers[router]!.middlewares ?? [];
    const auth = mws.some((n) => {
      const mw = (config.http.middlewares?.[n] ?? {}) as Record<string, unknown>;
      return 'forwardAuth' in mw || 'basicAuth' in mw;
    });
    if (!auth) add('open', `${label(p)} picks router ${router}, which has no auth middleware`);
  }
  return f;
}

function ruleArgs(n: ReturnType<typeof parseRule>): string[] {
  if (n.op === 'call') return n.args;
  if (n.op === 'not') return ruleArgs(n.x);
  return [...ruleArgs(n.l), ...ruleArgs(n.r)];
}

// ------------------------------------------------------------------ AWS

export function checkAws(g: Gateway, files: OutputFile[], slots: Map<string, Slot>): Finding[] {
  const f: Finding[] = [];
  const add = (kind: Kind, detail: string) => f.push({ kind, target: 'aws', detail });
  let t: Record<string, any>;
  try {
    t = JSON.parse(files[0]!.contents);
  } catch (e) {
    return [{ kind: 'checker', target: 'aws', detail: `template is not JSON: ${(e as Error).message}` }];
  }
  // Structure: resources typed, the REST API's Body holds every route's operation.
  const res = t.Resources as Record<string, { Type?: string }> | undefined;
  if (!res || typeof res !== 'object') return [{ kind: 'checker', target: 'aws', detail: 'no Resources' }];
  for (const [id, r] of Object.entries(res)) if (!/^[A-Za-z0-9]+$/.test(id) || !/^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+$/.test(String(r?.Type))) add('checker', `resource ${id}: ${JSON.stringify(r?.Type)}`);
  const body = (res.RestApi as any)?.Properties?.Body;
  if (!body?.paths) return [...f, { kind: 'checker', target: 'aws', detail: 'RestApi has no Body.paths' }];
  const ops = Object.values<Record<string, any>>(body.paths).flatMap((item) => Object.values(item));
  for (const r of g.routes) if (r.operationId && !ops.some((o) => o?.operationId === r.operationId)) add('checker', `route ${r.id} is not in the Body`);
  for (const leaf of leavesOf(t)) for (const e of leafEscapes(leaf, 'template', slots)) add('escape', e);
  // API Gateway's static mapping values are '...' literals: a quote inside ends them.
  for (const o of ops) {
    for (const section of [o?.['x-amazon-apigateway-integration']?.requestParameters, ...Object.values<any>(o?.['x-amazon-apigateway-integration']?.responses ?? {}).map((x) => x?.responseParameters)]) {
      for (const [k, v] of Object.entries<string>(section ?? {})) {
        if (typeof v === 'string' && v.startsWith("'") && (!v.endsWith("'") || v.slice(1, -1).includes("'"))) add('escape', `static mapping ${k} = ${JSON.stringify(v)}`);
      }
    }
  }
  let oracle: AwsOracle;
  try {
    oracle = new AwsOracle(t as never);
  } catch (e) {
    return [...f, { kind: 'checker', target: 'aws', detail: `oracle: ${(e as Error).message}` }];
  }
  for (const r of g.routes) {
    if (!needsAuth(r)) continue;
    const path = onWire(r.path.replace(/\{[^}]+\}/g, 'zz9'));
    try {
      const d = oracle.request({ method: r.method, path });
      if (d.status < 400) add('open', `${r.method} ${JSON.stringify(path)} (${r.id}) answered ${d.status} (${d.why}) with no credential`);
    } catch (e) {
      add('checker', `AWS oracle on ${r.id}: ${(e as Error).message}`);
    }
  }
  return f;
}

export const CHECKS: Record<string, (g: Gateway, files: OutputFile[], slots: Map<string, Slot>) => Finding[]> = { nginx: checkNginx, kong: checkKong, traefik: checkTraefik, aws: checkAws };
