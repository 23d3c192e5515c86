/**
 * What a Traefik router's rule answers, as `gwc diff` reads it (https://doc.traefik.io/traefik/routing/routers/#rule):
 * the paths (Path exact, PathPrefix a prefix, PathRegexp a Go expression), the methods and the hosts
 * of its top-level `&&` operands; anything else reads as every path, method or host of its axis.
 * A rule is a Go expression: strings in backticks or double quotes (a parenthesis in either is no
 * group); a comment or a single quote is not read (the whole rule answers everything).
 */
import { exactPath, prefixPath } from '../../diff/paths.js';

/** The rule's top-level `&&` operands, or undefined when it is not one conjunction (a top-level `||`, an unbalanced paren). */
function conjuncts(rule: string): string[] | undefined {
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < rule.length; i++) {
    const c = rule[i];
    if (c === '`') {
      const end = rule.indexOf('`', i + 1);
      if (end < 0) return undefined;
      i = end;
    } else if (c === '"') {
      // A Go interpreted string (the rule is a Go expression: backticks or double quotes), escapes
      // skipped: a parenthesis in it is no group (red team 11).
      for (i++; i < rule.length && rule[i] !== '"'; i++) if (rule[i] === '\\') i++;
      if (i >= rule.length) return undefined;
    } else if (c === '/' && (rule[i + 1] === '*' || rule[i + 1] === '/')) {
      // A Go comment, dropped by the parser: gwc writes none; not read (red team 11).
      return undefined;
    } else if (c === "'") return undefined;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 0 && rule.startsWith('||', i)) return undefined;
    else if (depth === 0 && rule.startsWith('&&', i)) {
      out.push(rule.slice(from, i).trim());
      from = i + 2;
      i++;
    }
    if (depth < 0) return undefined;
  }
  if (depth !== 0) return undefined;
  out.push(rule.slice(from).trim());
  return out;
}

const PATH_MATCHER = /\b(Path|PathPrefix|PathRegexp)\(/;
const METHOD_MATCHER = /\bMethod\(/;
const HOST_MATCHER = /\b(Host|HostRegexp|HostSNI|HostSNIRegexp)\(/;
const backticks = (args: string) => [...args.matchAll(/`([^`]*)`/g)].map((x) => x[1]!);

/**
 * The paths, methods and hosts a router's rule answers. Only a positive matcher that is a
 * top-level `&&` operand is modelled; a path, method or host matcher under `!`, `||` or a group
 * (or one the reader does not know, HostRegexp) reads as answering every path, method or host
 * of that axis: fail closed, so the diff shows the widening. https://doc.traefik.io/traefik/routing/routers/#rule
 */
export function ruleRoute(rule: string): { paths: string[]; methods: string[]; hosts: string[] } {
  const parts = conjuncts(rule);
  let paths: string[] = [];
  let methods: string[] | undefined;
  let hosts: string[] = [];
  let anyPath = parts === undefined;
  let anyMethod = parts === undefined;
  let anyHost = parts === undefined;
  for (const part of parts ?? []) {
    const m = /^(Path|PathPrefix|PathRegexp|Method|Host)\(((?:`[^`]*`\s*,?\s*)+)\)$/.exec(part);
    if (m && m[1]!.startsWith('Path')) {
      const v = backticks(m[2]!);
      // `{` in Path or PathPrefix: under the v2 rule syntax (a router's ruleSyntax: v2, or the static
      // core.defaultRuleSyntax: v2 this file does not show) a regular-expression template
      // (`/v1/{p:.*}`), so every path (https://doc.traefik.io/traefik/migration/v2-to-v3; red team 11).
      if (v.length !== 1 || paths.length || (m[1] !== 'PathRegexp' && v[0]!.includes('{'))) anyPath = true;
      else paths = [m[1] === 'Path' ? exactPath(v[0]!) : m[1] === 'PathPrefix' ? prefixPath(v[0]!) : v[0]!];
    } else if (m && m[1] === 'Method') {
      // Two Method() operands AND: a request has one method, so the router answers those both name
      // (none: the router answers no request). https://doc.traefik.io/traefik/routing/routers/#rule
      const these = backticks(m[2]!).map((x) => x.toUpperCase());
      methods = methods === undefined ? these : methods.filter((x) => these.includes(x));
    } else if (m && m[1] === 'Host') {
      if (hosts.length) anyHost = true;
      hosts = backticks(m[2]!).map((x) => x.toLowerCase());
    } else {
      if (PATH_MATCHER.test(part)) anyPath = true;
      if (METHOD_MATCHER.test(part)) anyMethod = true;
      if (HOST_MATCHER.test(part)) anyHost = true;
    }
  }
  // Method operands naming no common method: the router answers nothing (no path).
  if (!anyMethod && methods !== undefined && methods.length === 0) return { paths: [], methods: [], hosts: anyHost ? [] : [...new Set(hosts)].sort() };
  return {
    paths: anyPath || !paths.length ? ['^/'] : paths,
    methods: anyMethod || methods === undefined ? [] : [...new Set(methods)].sort(),
    hosts: anyHost ? [] : [...new Set(hosts)].sort(),
  };
}
