/**
 * A Kong route's `expression` (the expressions router, https://docs.konghq.com/gateway/latest/reference/expressions-language/)
 * as `gwc diff` reads what it answers. Kong's ATC routers take the expression in place of the
 * route's paths, methods and hosts, and rank it above every traditional route (kong/router/transform.lua
 * get_expression, get_priority: EXPRESSION_ONLY_BIT | priority); the old `traditional` flavour
 * ignores it. Which flavour runs is kong.conf's, not the deployed state's: routeFacts reads both.
 *
 * Read: a top-level `&&` of `http.path == "L"` (exact), `^= "P"` (prefix), `~ "R"` (regex, matched
 * anywhere as written), `http.method == "M"`, `http.host == "H"`. Any other condition on the path,
 * method or host (another operator, a transformation such as `lower()`, a group, a negation, a
 * list) makes that axis every path, method or host, and a top-level `||` every one of them (fail
 * closed); a condition on another field only narrows (an AND) and is passed over.
 */
import { exactPath, prefixPath } from '../../diff/paths.js';

export interface ExpressionMatch {
  /** JS expressions over the path; undefined: every path. */
  paths?: string[];
  /** `[]`: every method. */
  methods: string[];
  /** `[]`: every host. */
  hosts: string[];
}

const ANY: ExpressionMatch = { methods: [], hosts: [] };

/** The top-level `&&` operands, or undefined with a top-level `||` or unbalanced text. */
function conjuncts(expr: string): string[] | undefined {
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i];
    if (c === '"') {
      for (i++; i < expr.length && expr[i] !== '"'; i++) if (expr[i] === '\\') i++;
      if (i >= expr.length) return undefined;
    } else if (c === 'r' && expr[i + 1] === '#' && expr[i + 2] === '"') {
      const end = expr.indexOf('"#', i + 3);
      if (end < 0) return undefined;
      i = end + 1;
    } else if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (depth === 0 && expr.startsWith('||', i)) return undefined;
    else if (depth === 0 && expr.startsWith('&&', i)) {
      out.push(expr.slice(from, i).trim());
      from = i + 2;
      i++;
    }
    if (depth < 0) return undefined;
  }
  if (depth !== 0) return undefined;
  out.push(expr.slice(from).trim());
  return out;
}

/** A string literal (`"..."` with JSON escapes, or raw `r#"..."#`), or undefined. */
function literal(text: string): string | undefined {
  const raw = /^r#"([\s\S]*)"#$/.exec(text);
  if (raw) return raw[1];
  if (!/^"(?:[^"\\]|\\.)*"$/.test(text)) return undefined;
  try {
    return JSON.parse(text) as string;
  } catch {
    return undefined;
  }
}

export function readExpression(expr: string): ExpressionMatch {
  const parts = conjuncts(expr);
  if (!parts) return ANY;
  let paths: string[] | undefined;
  let anyPath = false;
  let methods: string[] | undefined;
  let anyMethod = false;
  let hosts: string[] | undefined;
  let anyHost = false;
  for (const part of parts) {
    const m = /^http\.(path|method|host)\s*(==|\^=|~)\s*(.+)$/s.exec(part);
    const value = m ? literal(m[3]!.trim()) : undefined;
    if (m && value !== undefined && m[1] === 'path') {
      if (paths) anyPath = true;
      paths = [m[2] === '==' ? exactPath(value) : m[2] === '^=' ? prefixPath(value) : value];
    } else if (m && value !== undefined && m[1] === 'method' && m[2] === '==') {
      methods = methods === undefined ? [value.toUpperCase()] : methods.filter((x) => x === value.toUpperCase());
    } else if (m && value !== undefined && m[1] === 'host' && m[2] === '==') {
      hosts = hosts === undefined ? [value.toLowerCase()] : hosts.filter((x) => x === value.toLowerCase());
    } else {
      if (/\bhttp\.path\b/.test(part)) anyPath = true;
      if (/\bhttp\.method\b/.test(part)) anyMethod = true;
      if (/\bhttp\.host\b/.test(part)) anyHost = true;
    }
  }
  // Two method (or host) conditions naming none in common: the route answers nothing.
  if ((!anyMethod && methods?.length === 0) || (!anyHost && hosts?.length === 0)) return { paths: [], methods: [], hosts: [] };
  return { ...(anyPath || !paths ? {} : { paths }), methods: anyMethod ? [] : (methods ?? []), hosts: anyHost ? [] : (hosts ?? []) };
}
