/**
 * Kong route paths from OpenAPI path templates.
 *
 * Every route path is a Kong 3 regex path: the `~` prefix marks it as a regex
 * (https://docs.konghq.com/gateway/latest/key-concepts/routes/#regular-expressions), Kong anchors
 * it at the start, and gwc ends it with `$` so `/users` never matches `/users/1` (a plain Kong
 * path is a prefix). A parameter becomes a named capture of one non-empty segment (DESIGN.md
 * section 3, rule 2), which request-transformer can reuse as `$(uri_captures.name)` to build the
 * upstream path: PARAM below says which segments it takes.
 */
import { paramValueRegex } from '../param-value.js';

/**
 * One parameter value as Kong's router sees it. Kong 3 matches regex paths against the normalised
 * path, where percent-escapes of unreserved characters are decoded and reserved ones (`%3B`, `%2F`)
 * are kept (https://docs.konghq.com/gateway/latest/key-concepts/routes/#path-handling), and
 * `%00`-`%1F` and `%7F` decoded (kong/tools/uri.lua normalize; red team 4). What a value may hold
 * is the one definition every target reads (../param-value.ts: no `/`, `;`, `%`, backslash,
 * control byte, nor a whole `.`/`..`), written without look-around: Kong 3's default router
 * (traditional_compatible, ATC) runs Rust's regex crate, which has none.
 */
export const PARAM_VALUE = paramValueRegex();

/** PCRE metacharacters, escaped in literal text. */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * PCRE group names: a letter or underscore first, then letters, digits, underscores, at most 32.
 * Returns a map from OpenAPI parameter name to a capture name unique within the path.
 */
export function captureNames(params: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const used = new Set<string>();
  for (const p of params) {
    let base = p.replace(/[^A-Za-z0-9_]/g, '_');
    if (!/^[A-Za-z_]/.test(base)) base = `_${base}`;
    base = base.slice(0, 28);
    let name = base;
    for (let i = 2; used.has(name); i++) name = `${base}_${i}`;
    used.add(name);
    out.set(p, name);
  }
  return out;
}

/**
 * The regex body (without `~`) for a public path template such as `/v1/users/{id}`. Literal text
 * is escaped; each `{param}` becomes a named capture of non-empty text without a slash. A
 * trailing slash is kept as written (rule 2: trailing slashes are not folded).
 */
export function pathRegex(template: string, captures: Map<string, string>): string {
  let out = '';
  let last = 0;
  for (const m of template.matchAll(/\{([^{}]+)\}/g)) {
    out += escapeRegex(template.slice(last, m.index));
    const name = m[1] ?? '';
    out += `(?<${captures.get(name) ?? name}>${PARAM_VALUE})`;
    last = (m.index ?? 0) + m[0].length;
  }
  out += escapeRegex(template.slice(last));
  return `${out || '/'}$`;
}

/** The parameter names of a path template, in order. */
export function templateParams(template: string): string[] {
  return [...template.matchAll(/\{([^{}]+)\}/g)].map((m) => m[1] ?? '');
}

/**
 * Whether two public path templates can match the same URL: same number of segments (a trailing
 * slash counts as one more), and at every position two literals are equal, a literal matches the
 * other side's templated segment, or both are templated (assumed to overlap: conservative, so the
 * priority test checks more pairs, never fewer).
 */
export function canOverlap(a: string, b: string): boolean {
  const sa = a.split('/');
  const sb = b.split('/');
  if (sa.length !== sb.length) return false;
  return sa.every((x, i) => {
    const y = sb[i] ?? '';
    const xt = x.includes('{');
    const yt = y.includes('{');
    if (!xt && !yt) return x === y;
    if (xt && yt) return true;
    const [lit, tpl] = xt ? [y, x] : [x, y];
    return new RegExp(`^${pathRegex(tpl, new Map()).replace(/\(\?<[^>]+>/g, '(')}`).test(lit);
  });
}

/** True when a `$(` would be read as a request-transformer template. */
export function hasTemplateSyntax(text: string): boolean {
  return text.includes('$(');
}
