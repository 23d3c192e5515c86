/**
 * Writes the configuration as YAML that survives Traefik's loading pipeline.
 *
 * Traefik's file provider renders every file as a Go text/template (with sprig) before parsing it
 * as YAML (pkg/provider/file/file.go, CreateConfiguration; https://doc.traefik.io/traefik/providers/file/#go-templating).
 * A `{{` from user text would run as a template action, and a file that fails to render or parse
 * is dropped whole. So, by construction:
 *   1. every string is a double-quoted YAML scalar (the yaml library escapes it);
 *   2. the Unicode line breaks YAML 1.1 readers split on are written as escapes;
 *   3. every `{` and `}` of the YAML text becomes the template action `{{ "{" }}` / `{{ "}" }}`,
 *      which renders back to the brace itself. Escaping single braces (not only pairs) means no
 *      brace can join with a neighbour into a delimiter.
 */
import { fastYamlStringify, yamlStringify } from '../yaml-out.js';
import { UNSAFE_TEXT, unsafeText } from './rule.js';

const LINE_BREAKS: Record<string, string> = { '\u0085': '\\N', '\u2028': '\\L', '\u2029': '\\P' };

export function toYaml(data: unknown): string {
  // The same bytes without yaml's Document where the fast writer is sure of them (#18).
  return (fastYamlStringify(data) ?? yamlStringify(data)).replace(/[\u0085\u2028\u2029]/g, (c) => LINE_BREAKS[c]!);
}

export function escapeTemplate(text: string): string {
  return text.replace(/[{}]/g, (c) => (c === '{' ? '{{ "{" }}' : '{{ "}" }}'));
}

/**
 * The inverse of `escapeTemplate`, for reading gwc's own files back (tests, the deployed-state
 * reader): renders the two literal actions gwc writes and refuses any other template action.
 */
export function renderTemplate(text: string): string {
  let out = '';
  let i = 0;
  for (;;) {
    const j = text.indexOf('{{', i);
    if (j < 0) return out + text.slice(i);
    out += text.slice(i, j);
    const action = /^\{\{ "([{}])" \}\}/.exec(text.slice(j));
    if (!action) throw new Error(`template action at offset ${j} is not one gwc writes: ${JSON.stringify(text.slice(j, j + 40))}`);
    out += action[1];
    i = j + action[0].length;
  }
}

/** One line of comment text: no line breaks or control characters. */
export function commentText(text: string): string {
  return text.replace(new RegExp(UNSAFE_TEXT.source, 'g'), ' ');
}

/**
 * Whether configChecks would report anything inside `data` (an unsafe string or key, an empty map
 * or list): the same tests in the same places, without the pointers. A lean compile (lint, #18)
 * asks it of each router and middleware as it is made instead of keeping them for configChecks.
 */
export function mayFind(data: unknown): boolean {
  if (typeof data === 'string') return unsafeText(data);
  if (Array.isArray(data)) {
    if (data.length === 0) return true;
    for (let i = 0; i < data.length; i++) if (mayFind(data[i])) return true;
    return false;
  }
  if (data && typeof data === 'object') {
    // Own enumerable keys, as configChecks' Object.keys reads them, without the key array.
    let keys = 0;
    for (const k in data) {
      if (!Object.hasOwn(data, k)) continue;
      keys++;
      if (unsafeText(k) || mayFind((data as Record<string, unknown>)[k])) return true;
    }
    return keys === 0;
  }
  return false;
}

/**
 * In one walk over `data` (#18: two walks over every value of a 10,000-route configuration were
 * most of this check's cost), the JSON pointers of strings and keys no gateway file can carry
 * safely (control characters, lone surrogates: `unsafe`) and of maps and lists that would be empty
 * (Traefik drops a file with e.g. an empty `middlewares:`: `empty`, tokens joined unescaped). The
 * path is kept as raw tokens, a token escaped only where an unsafe string's pointer is joined.
 */
export function configChecks(data: unknown): { unsafe: string[]; empty: string[] } {
  const unsafe: string[] = [];
  const empty: string[] = [];
  const path = [''];
  const escaped = () => path.map((k, i) => (i > 0 && (k.includes('~') || k.includes('/')) ? k.replace(/~/g, '~0').replace(/\//g, '~1') : k)).join('/');
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      if (unsafeText(v)) unsafe.push(path.length === 1 ? '/' : escaped());
    } else if (Array.isArray(v)) {
      if (v.length === 0) empty.push(path.join('/'));
      else
        v.forEach((x, i) => {
          path.push(String(i));
          walk(x);
          path.pop();
        });
    } else if (v && typeof v === 'object') {
      const keys = Object.keys(v);
      if (keys.length === 0) empty.push(path.join('/'));
      for (const k of keys) {
        if (unsafeText(k)) unsafe.push(`${escaped()}/${k}`);
        path.push(k);
        walk((v as Record<string, unknown>)[k]);
        path.pop();
      }
    }
  };
  walk(data);
  return { unsafe, empty };
}

