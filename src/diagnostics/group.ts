/**
 * One problem, one line (#16.4): diagnostics that say the same thing (code, severity, message,
 * target) at different places are one group in the text formats, shown once with a count and the
 * first few other positions. A message that differs only in the route it names ("route GetAccount:
 * only the first of its 2 security alternatives is enforced", once per Stripe operation) is the
 * same problem too: the group lists the other routes instead. The JSON and SARIF forms keep one
 * entry per occurrence, so a tool sees every place (README "Machine-readable output").
 */
import path from 'node:path';
import type { Diagnostic } from './diagnostic.js';

export interface DiagnosticGroup {
  first: Diagnostic;
  /** The other occurrences, in input order. */
  also: Diagnostic[];
}

/** How many other positions a grouped line lists before "and N more". */
export const ALSO_SHOWN = 3;

/** gwc's messages name a route as "route ID" (the operationId or derived id). */
const ROUTE = /\broute ([^\s:,;()]+)/;

/**
 * The route a diagnostic is about: its `route` param when it has one (a target's message may name
 * the route bare, "aws: getNote limits by ip, ..."), else "route ID" in its message.
 */
export function routeNamed(d: Diagnostic): string | undefined {
  const param = d.params?.route;
  if (typeof param === 'string' && param !== '') return param;
  return ROUTE.exec(d.message)?.[1];
}

/** The message with the route it is about blanked out, where it stands as a whole name. */
function withoutRoute(d: Diagnostic): string {
  const param = d.params?.route;
  if (typeof param !== 'string' || param === '') return d.message.replace(ROUTE, 'route \u0000');
  return blankWholeName(d.message, param);
}

/**
 * `text` with every occurrence of `name` that has no word character, `.` or `-` on either side
 * replaced by \0: what `text.replace(/(?<![\w.-])NAME(?![\w.-])/g, '\0')` gives, without compiling
 * a regex per diagnostic (#18: GitHub's 1,223 security-undecided findings, each naming its route,
 * were a third of rendering them). Left to right, a match resumes after itself, a miss one further.
 */
export function blankWholeName(text: string, name: string): string {
  let out = '';
  let from = 0;
  for (let at = text.indexOf(name); at !== -1; ) {
    const end = at + name.length;
    if (!nameChar(text.charCodeAt(at - 1)) && !nameChar(text.charCodeAt(end))) {
      out += `${text.slice(from, at)}\u0000`;
      from = end;
      at = text.indexOf(name, end);
    } else at = text.indexOf(name, at + 1);
  }
  return from === 0 ? text : out + text.slice(from);
}

/** [\w.-] of a regex without the u flag (NaN, past either end of the text, is none). */
function nameChar(c: number): boolean {
  return c === 0x2e || c === 0x2d || c === 0x5f || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

export function groupDiagnostics(list: readonly Diagnostic[]): DiagnosticGroup[] {
  // Keyed part by part in nested maps: what the JSON text of [severity, code, message less its
  // route, target, source, hint] told apart, without writing that text per diagnostic (#18: one
  // per diagnostic, 41,000 texts of a few hundred characters on lint of 10,000 operations).
  const groups: DiagnosticGroup[] = [];
  const root: Level = new Map();
  for (const d of list) {
    // The hint is part of what is said: the same message with another fix under it is another line.
    const level = step(step(step(step(step(root, d.severity), d.code), withoutRoute(d)), d.target ?? ''), d.source ?? '');
    const hint = d.hint ?? '';
    const g = level.get(hint) as DiagnosticGroup | undefined;
    if (g) g.also.push(d);
    else {
      const made = { first: d, also: [] };
      level.set(hint, made);
      groups.push(made);
    }
  }
  return groups;
}

/** One part of groupDiagnostics' key: the next part's maps, and at the last part the groups. */
type Level = Map<unknown, Level | DiagnosticGroup>;

function step(level: Level, part: unknown): Level {
  let next = level.get(part) as Level | undefined;
  if (!next) level.set(part, (next = new Map()));
  return next;
}

/** " (4 times; also at 12:3, 40:5, other.yaml:7:1 and 1 more)", or "" for a single one. */
export function alsoText(g: DiagnosticGroup, cwd = process.cwd()): string {
  if (g.also.length === 0) return '';
  const route = routeNamed(g.first);
  const at = (d: Diagnostic) => {
    const other = routeNamed(d);
    if (other !== undefined && other !== route) return other;
    const pos = d.position ? `${d.position.line}:${d.position.column}` : '';
    if (d.loc?.file === g.first.loc?.file) return pos || '?';
    const file = d.loc?.file ? (/^https?:\/\//.test(d.loc.file) ? d.loc.file : path.relative(cwd, d.loc.file)) : '-';
    return pos ? `${file}:${pos}` : file;
  };
  const shown = g.also.slice(0, ALSO_SHOWN).map(at);
  const rest = g.also.length - shown.length;
  const what = g.also.some((d) => routeNamed(d) !== route) ? 'also for' : 'also at';
  return ` (${g.also.length + 1} times; ${what} ${shown.join(', ')}${rest > 0 ? ` and ${rest} more` : ''})`;
}

/** A hint's lines, indented under the diagnostic they belong to. */
export function hintLines(d: Diagnostic, indent = '    '): string {
  return d.hint ? `\n${d.hint.split('\n').map((l) => indent + l).join('\n')}` : '';
}
