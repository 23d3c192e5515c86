/**
 * A small model of Traefik v3's HTTP router for the subset gwc writes: rule parsing (Go string
 * literals, &&, ||, !, parentheses), the matchers Host, PathRegexp, Method, Header, HeaderRegexp,
 * QueryRegexp (pkg/muxer/http/matcher.go), routers tried by descending priority
 * (pkg/muxer/http/mux.go), and replacePathRegex with Go's Regexp.Expand.
 */
import type { Middleware, Router, TraefikConfig } from '../../../src/targets/traefik/types.js';

export interface Req {
  method: string;
  host: string;
  path: string;
  headers?: Record<string, string[]>;
  query?: Record<string, string[]>;
}

type Node = { op: 'and'; l: Node; r: Node } | { op: 'or'; l: Node; r: Node } | { op: 'not'; x: Node } | { op: 'call'; fn: string; args: string[] };

/** Constructs where JavaScript and Go RE2 could disagree; gwc must not write them (`\xHH`, two hex digits, reads the same: param-value.ts). */
export const NON_PORTABLE = /\(\?|\\[dDwWsSbBpPkQEzA0-9]|\\x(?![0-9A-Fa-f]{2})|\[\[:|\{\d*,?\d*\}/;

function tokenize(rule: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < rule.length) {
    const c = rule[i]!;
    if (c === ' ') i++;
    else if (rule.startsWith('&&', i) || rule.startsWith('||', i)) (out.push(rule.slice(i, i + 2)), (i += 2));
    else if ('(),!'.includes(c)) (out.push(c), i++);
    else if (c === '`') {
      const j = rule.indexOf('`', i + 1);
      if (j < 0) throw new Error(`unterminated raw string in ${rule}`);
      out.push(`S${rule.slice(i + 1, j)}`);
      i = j + 1;
    } else if (c === '"') {
      let s = '';
      i++;
      for (;;) {
        const d = rule[i];
        if (d === undefined) throw new Error(`unterminated string in ${rule}`);
        if (d === '"') break;
        if (d === '\\') {
          const e = rule[i + 1]!;
          if (e === '\\' || e === '"') s += e;
          else throw new Error(`escape \\${e} not modelled`);
          i += 2;
        } else (s += d), i++;
      }
      out.push(`S${s}`);
      i++;
    } else {
      const m = /^[A-Za-z]+/.exec(rule.slice(i));
      if (!m) throw new Error(`unexpected ${JSON.stringify(c)} in ${rule}`);
      out.push(`I${m[0]}`);
      i += m[0].length;
    }
  }
  return out;
}

export function parseRule(rule: string): Node {
  const t = tokenize(rule);
  let p = 0;
  const expect = (x: string) => {
    if (t[p] !== x) throw new Error(`expected ${x} at token ${p} of ${rule}`);
    p++;
  };
  const or = (): Node => {
    let l = and();
    while (t[p] === '||') (p++, (l = { op: 'or', l, r: and() }));
    return l;
  };
  const and = (): Node => {
    let l = unary();
    while (t[p] === '&&') (p++, (l = { op: 'and', l, r: unary() }));
    return l;
  };
  const unary = (): Node => {
    if (t[p] === '!') return (p++, { op: 'not', x: unary() });
    if (t[p] === '(') {
      p++;
      const x = or();
      expect(')');
      return x;
    }
    const id = t[p++];
    if (!id?.startsWith('I')) throw new Error(`expected a matcher at token ${p - 1} of ${rule}`);
    expect('(');
    const args: string[] = [];
    for (;;) {
      const s = t[p++];
      if (!s?.startsWith('S')) throw new Error(`expected a string in ${rule}`);
      if (s.length === 1) throw new Error(`empty argument in ${rule} (Traefik refuses it)`);
      args.push(s.slice(1));
      if (t[p] === ',') p++;
      else break;
    }
    expect(')');
    return { op: 'call', fn: id.slice(1), args };
  };
  const node = or();
  if (p !== t.length) throw new Error(`trailing tokens in ${rule}`);
  return node;
}

const canonical = (h: string) => h.toLowerCase();

function regex(re: string): RegExp {
  // An escaped backslash (`\\`) is a literal: drop those pairs before looking for constructs.
  if (NON_PORTABLE.test(re.replace(/\\\\/g, ''))) throw new Error(`regex ${re} uses a construct JS and RE2 may read differently`);
  return new RegExp(re);
}

function evaluate(n: Node, req: Req): boolean {
  if (n.op === 'not') return !evaluate(n.x, req);
  if (n.op === 'and') return evaluate(n.l, req) && evaluate(n.r, req);
  if (n.op === 'or') return evaluate(n.l, req) || evaluate(n.r, req);
  const [a, b] = n.args as [string, string | undefined];
  const header = (k: string) => req.headers?.[canonical(k)] ?? [];
  switch (n.fn) {
    case 'Host':
      return req.host.replace(/:\d+$/, '').toLowerCase() === a.toLowerCase();
    case 'PathRegexp':
      return regex(a).test(req.path);
    case 'Method':
      return req.method === a.toUpperCase();
    case 'Header':
      return header(a).includes(b!);
    case 'HeaderRegexp':
      return header(a).some((v) => regex(b!).test(v));
    case 'QueryRegexp':
      return (req.query?.[a] ?? []).some((v) => regex(b!).test(v));
    default:
      throw new Error(`matcher ${n.fn} is not one gwc writes`);
  }
}

/** The router Traefik picks: highest priority first; gwc's priorities must be unique. */
export function pickRouter(config: TraefikConfig, req: Req): string | undefined {
  const routers = Object.entries(config.http.routers) as Array<[string, Router]>;
  const sorted = [...routers].sort((x, y) => y[1].priority - x[1].priority);
  for (const [name, r] of sorted) if (evaluate(parseRule(r.rule), req)) return name;
  return undefined;
}

/** Go's Regexp.ReplaceAllString with Expand semantics ($$, $1, ${1}). */
export function goReplace(re: string, input: string, template: string): string {
  // regexp.ReplaceAllString: every non-overlapping match, not the first only.
  return input.replace(new RegExp(regex(re).source, 'g'), (...m) => {
    const groups = m.slice(1, -2) as Array<string | undefined>;
    return template.replace(/\$(\$|\{(\w+)\}|(\w+))/g, (_x, all: string, braced?: string, bare?: string) => {
      if (all === '$') return '$';
      const name = braced ?? bare!;
      return /^\d+$/.test(name) ? (groups[Number(name) - 1] ?? '') : '';
    });
  });
}

/** The path the backend receives after the router's replacePathRegex middlewares. */
export function upstreamPath(config: TraefikConfig, router: string, escapedPath: string): string {
  let path = escapedPath;
  for (const name of config.http.routers[router]!.middlewares ?? []) {
    const mw = config.http.middlewares?.[name] as Middleware | undefined;
    if (mw && 'replacePathRegex' in mw && regex(mw.replacePathRegex.regex).test(path)) {
      path = goReplace(mw.replacePathRegex.regex, path, mw.replacePathRegex.replacement);
    }
  }
  return path;
}
