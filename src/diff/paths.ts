/**
 * The request paths a route answers, in one form every reader can write (`Facts.route.paths`: JS
 * regular expressions over the path): so `gwc diff` can ask which remaining route answers the path
 * of a route that went away (plan.ts fallThrough). Target neutral; readers convert their matchers.
 */

const SPECIAL = /[.*+?^${}()|[\]\\/]/g;

/** A regular expression source matching `text` exactly as written. */
export const escapeRegex = (text: string): string => text.replace(SPECIAL, '\\$&');

/** `^...$` matching exactly `path`. */
export const exactPath = (path: string): string => `^${escapeRegex(path)}$`;

/** `^...` matching `prefix` and everything below it (Kong plain paths, Traefik PathPrefix). */
export const prefixPath = (prefix: string): string => `^${escapeRegex(prefix)}`;

/**
 * The one path an anchored expression matches when it is a literal (`^/v1/files/secret$`, escapes
 * allowed), else undefined: a route with parameters answers no single path to test others with.
 */
export function literalPath(source: string): string | undefined {
  const m = /^\^(.*)\$$/s.exec(source);
  if (!m) return undefined;
  let out = '';
  const body = m[1]!;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '\\') {
      const next = body[i + 1];
      if (next === undefined || /[A-Za-z0-9]/.test(next)) return undefined;
      out += next;
      i++;
    } else if ('.*+?^${}()|[]'.includes(c)) return undefined;
    else out += c;
  }
  return out;
}

/** An OpenAPI path template as an expression: `{x}` one segment, `{x+}` (API Gateway greedy) the rest. */
export function templatePath(template: string): string {
  const parts = template.split(/(\{[^}]*\})/);
  return `^${parts.map((p) => (/^\{[^}]*\+\}$/.test(p) ? '.+' : /^\{[^}]*\}$/.test(p) ? '[^/]+' : escapeRegex(p))).join('')}$`;
}

/** Whether any of `sources` matches `path` (an expression JS cannot compile matches nothing). */
export function answers(sources: readonly string[], path: string): boolean {
  return sources.some((s) => {
    try {
      return new RegExp(s).test(path);
    } catch {
      return false;
    }
  });
}
