/**
 * How the commands show their diagnostics: `FILE:LINE:COL severity code message` (the stylish form of
 * src/diagnostics/format.ts), coloured when the stream is a terminal, and the one JSON shape every
 * command that takes `--json` prints (README "Machine-readable output").
 */
import { toJson, where } from '../diagnostics/format.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { alsoText, groupDiagnostics, hintLines } from '../diagnostics/group.js';
import { JsonList } from './json-out.js';

/**
 * Colour on a TTY, unless NO_COLOR is set (https://no-color.org); FORCE_COLOR forces it on (or off
 * with 0/false), and wins over NO_COLOR, as in Node's own output
 * (https://nodejs.org/api/cli.html#force_color1-2-3).
 */
export function useColour(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return Boolean(stream.isTTY);
}

const SGR = { red: 31, yellow: 33, cyan: 36, dim: 2, bold: 1, green: 32 } as const;
export type Paint = (style: keyof typeof SGR, text: string) => string;

export function painter(colour: boolean): Paint {
  return colour ? (style, text) => `\u001b[${SGR[style]}m${text}\u001b[0m` : (_style, text) => text;
}

const SEVERITY_STYLE = { error: 'red', warn: 'yellow', info: 'cyan' } as const;

/** Identical diagnostics (one model finding seen by several targets) are shown once. */
export function unique(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  // Same code, place, message and target: the key JSON.stringify([code, file, pointer, target])
  // made, without making it (#18: a JSON text per diagnostic was a third of shaping lint's 41,000
  // on the synthetic 10,000-operation spec). When the four parts are strings or absent (always, in
  // practice) the diagnostics are kept by pointer, each pointer's few keys compared part by part,
  // absent as null as JSON writes it; anything else falls back to the JSON text. The key leaves the
  // message out: the messages seen at a key are kept as they are, usually one.
  const byPointer = new Map<string | null, Key[]>();
  const byJson = new Map<string, Key>();
  return diagnostics.filter((d) => {
    const code = d.code as unknown;
    const file = d.loc?.file as unknown;
    const pointer = d.loc?.pointer as unknown;
    const target = d.target as unknown;
    let key: Key | undefined;
    if (plainPart(code) && plainPart(file) && plainPart(pointer) && plainPart(target)) {
      const at = (pointer ?? null) as string | null;
      let keys = byPointer.get(at);
      if (!keys) byPointer.set(at, (keys = []));
      const c = code ?? null;
      const f = file ?? null;
      const t = target ?? null;
      key = keys.find((k) => k.code === c && k.file === f && k.target === t);
      if (!key) {
        keys.push({ code: c, file: f, target: t, seen: d.message });
        return true;
      }
    } else {
      const json = JSON.stringify([code, file, pointer, target]);
      key = byJson.get(json);
      if (!key) {
        byJson.set(json, { code, file, target, seen: d.message });
        return true;
      }
    }
    const had = key.seen;
    if (had === d.message || (typeof had !== 'string' && had.has(d.message))) return false;
    if (typeof had === 'string') key.seen = new Set([had, d.message]);
    else had.add(d.message);
    return true;
  });
}

/** One key of `unique` and the messages seen at it. */
interface Key {
  code: unknown;
  file: unknown;
  target: unknown;
  seen: string | Set<string>;
}

/** A part JSON.stringify writes as itself (a string) or as null (absent or null): strict equality of these says what equality of the JSON text says. */
function plainPart(v: unknown): boolean {
  return v === undefined || v === null || typeof v === 'string';
}

/** Stylish lines, identical problems grouped into one (diagnostics/group.ts); `quiet` keeps only the errors. */
export function renderDiagnostics(diagnostics: readonly Diagnostic[], options: { colour: boolean; quiet: boolean }): string {
  const paint = painter(options.colour);
  return groupDiagnostics(unique(diagnostics).filter((d) => !options.quiet || d.severity === 'error'))
    .map((g) => {
      const d = g.first;
      const suffix = d.target && !d.message.startsWith(d.target) ? ` [${d.target}]` : '';
      // A finding about the command line or the output folder has no place in the spec to point at.
      const at = d.loc ? `${paint('dim', where(d))} ` : '';
      return `${at}${paint(SEVERITY_STYLE[d.severity], d.severity)} ${paint('dim', String(d.code))} ${d.message.split('\n')[0]}${suffix}${paint('dim', alsoText(g))}${hintLines(d)}`;
    })
    .join('\n');
}

/**
 * The `--json` result of build, routes, schema and targets: `ok` says whether the command did its
 * job (its exit code is 0), `diagnostics` are in the form of `gwc validate --json`, `result` is the
 * command's own value (null when it has none).
 */
export interface JsonResult<T> {
  ok: boolean;
  diagnostics: Array<ReturnType<typeof toJson>>;
  result: T | null;
}

export function jsonResult<T>(ok: boolean, diagnostics: readonly Diagnostic[], result: T | null): JsonResult<T> {
  return { ok, diagnostics: unique(diagnostics).map((d) => toJson(d)), result };
}

/** `jsonResult`, its diagnostics in their JSON form, as one JSON text. */
export interface LazyJsonResult<T> {
  ok: boolean;
  diagnostics: JsonList<Diagnostic>;
  result: T | null;
}

/**
 * `jsonResult` whose diagnostics are shaped (`toJson`) as they are printed (json-out.ts JsonList):
 * the same JSON text, without every shaped diagnostic alive at once (#18: 41,000 on lint of the
 * synthetic 10,000-operation spec, kept through the whole 45 MB of printing).
 */
export function lazyJsonResult<T>(ok: boolean, diagnostics: readonly Diagnostic[], result: T | null): LazyJsonResult<T> {
  // Made unique when first read: lint returns this value on every run and prints it only as JSON
  // (#18: 41,000 diagnostics made unique for nothing on a stylish lint of 10,000 operations).
  return { ok, diagnostics: new JsonList(() => unique(diagnostics), (d) => toJson(d)), result };
}
