/**
 * Mechanical weakenings of a gateway's output for the `gwc diff` coverage suite
 * (test/security/diff-coverage-<target>.test.ts): every setting gwc writes is found by walking the output
 * itself (each leaf of a decK or Traefik document, each directive line of an nginx file, each leaf
 * of the njs module's CFG), never from a hand list, and made weaker the ways a hand edit would:
 * removed, disabled, flipped, widened, raised. Each mutation carries a `sig`, its place with the
 * names and indexes that differ per route folded away, which the suite's allow list matches.
 */
import { parse } from 'yaml';
import type { OutputFile } from '../../src/targets/output-file.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
const isObject = (v: unknown): v is { [key: string]: Json } => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface Mutation {
  /** Where, in the file (a path with names), for the failure message. */
  at: string;
  /** The place with route-specific parts folded (`*`), for the allow list: `plugins[rate-limiting].config.minute`. */
  sig: string;
  /** remove | disable | flip | raise | widen | add | empty | change. */
  what: string;
  files: OutputFile[];
}

/** An array item's label: its name when it has one (plugins, routes, services, consumers). */
const label = (v: Json, i: number): string => (isObject(v) ? String(v.name ?? v.username ?? v.group ?? v.target ?? i) : String(i));
/** The folded form of a label: a plugin keeps its name (the setting), a route or service loses its own. */
const foldLabel = (parentKey: string, v: Json): string => (parentKey === 'plugins' && isObject(v) && typeof v.name === 'string' ? v.name : '*');

interface Leaf {
  path: Array<string | number>;
  at: string;
  sig: string;
  value: Json;
}

function leaves(doc: Json, fold: (path: Array<string | number>, key: string) => string): Leaf[] {
  const out: Leaf[] = [];
  const walk = (v: Json, path: Array<string | number>, at: string, sig: string) => {
    out.push({ path, at, sig, value: v });
    if (Array.isArray(v)) {
      if (v.every((x) => !isObject(x) && !Array.isArray(x))) return; // a list of scalars is one setting
      v.forEach((x, i) => walk(x, [...path, i], `${at}[${label(x, i)}]`, `${sig}[${foldLabel(String(path.at(-1) ?? ''), x)}]`));
    } else if (isObject(v)) {
      for (const k of Object.keys(v)) walk(v[k]!, [...path, k], at ? `${at}.${k}` : k, sig ? `${sig}.${fold(path, k)}` : fold(path, k));
    }
  };
  walk(doc, [], '', '');
  return out.filter((l) => l.path.length > 0);
}

/** A copy of `doc` with the value at `path` replaced (`undefined`: removed; an array item is spliced out). */
function setAt(doc: Json, path: Array<string | number>, value: Json | undefined): Json {
  const copy = structuredClone(doc);
  let parent: Json = copy;
  for (const k of path.slice(0, -1)) parent = (parent as Record<string, Json>)[k as string]!;
  const last = path.at(-1)!;
  if (Array.isArray(parent)) {
    if (value === undefined) parent.splice(last as number, 1);
    else parent[last as number] = value;
  } else if (isObject(parent)) {
    if (value === undefined) delete parent[last as string];
    else parent[last as string] = value;
  }
  return copy;
}

/** Long strings (Lua chunks, code) are settings as a whole: removed, never widened with a `*`. */
const isCode = (v: Json) => typeof v === 'string' && v.length > 120;

/** The weaker variants of one leaf. */
function variantsOf(l: Leaf): Array<[string, Json | undefined]> {
  const v = l.value;
  const out: Array<[string, Json | undefined]> = [['remove', undefined]];
  if (typeof v === 'boolean') out.push(['flip', !v]);
  if (typeof v === 'number') out.push(['raise', v === 0 ? 1000 : v * 10]);
  if (typeof v === 'string' && !isCode(v)) out.push(['change', `${v}-gwc-mutated`]);
  if (Array.isArray(v) && v.every((x) => !isObject(x) && !Array.isArray(x))) {
    if (v.length > 0) out.push(['empty', []]);
    if (!v.some(isCode)) out.push(['widen', [...v, '*']]);
    v.forEach((x, i) => out.push([`drop ${JSON.stringify(x).slice(0, 40)}`, v.filter((_, j) => j !== i)]));
  }
  return out;
}

/**
 * Every weakening of every leaf of a YAML/JSON document (decK, Traefik), one per distinct
 * (sig, value, mutation): the same plugin setting with the same value on twenty routes is one case.
 * `fold` names a key for the sig (default: as is; Traefik's router and middleware names fold to `*`).
 */
export function documentMutations(
  file: OutputFile,
  skip: (l: { at: string; sig: string }) => boolean = () => false,
  fold: (path: Array<string | number>, key: string) => string = (_p, k) => k,
): Mutation[] {
  const doc = parse(file.contents) as Json;
  const seen = new Set<string>();
  const out: Mutation[] = [];
  for (const l of leaves(doc, fold)) {
    if (skip(l)) continue;
    for (const [what, value] of variantsOf(l)) {
      const id = `${l.sig}\u0000${JSON.stringify(l.value)}\u0000${what}`;
      if (seen.has(id)) continue;
      seen.add(id);
      // JSON is YAML: read by the same reader, written far faster than YAML.
      out.push({ at: l.at, sig: l.sig, what, files: [{ ...file, contents: JSON.stringify(setAt(doc, l.path, value)) }] });
    }
  }
  return out;
}

// ---- nginx ----------------------------------------------------------------------------------

/** A directive line's folded form: numbers of gwc's per-route names (`_gwc_internal/r/3`, `$cov_r3`) folded. */
const foldLine = (line: string) => line.replace(/\d+/g, 'N');

/** Numbers in a directive's arguments, each raised tenfold (rates, bursts, sizes, connections). */
function raised(line: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const re = /(?<=[\s=])(\d+)(?=[kKmMgG]?(?:r\/[sm])?[;\s])/g;
  for (const m of line.matchAll(re)) out.push([`raise ${m[1]}`, line.slice(0, m.index) + String(Number(m[1]) * 10) + line.slice(m.index! + m[1]!.length)]);
  return out;
}

/**
 * Every weakening of every directive line of the nginx files gwc wrote (a route's, a server's, a
 * map entry): removed, `on`/`off` flipped, numbers raised, an `allow` widened to every address;
 * one per distinct (file, line, mutation).
 */
export function nginxLineMutations(files: OutputFile[]): Mutation[] {
  const out: Mutation[] = [];
  const seen = new Set<string>();
  files.forEach((file, fi) => {
    if (!file.path.endsWith('.conf')) return;
    const lines = file.contents.split('\n');
    lines.forEach((raw, li) => {
      const line = raw.trim();
      if (!line.endsWith(';') || line.startsWith('#')) return;
      const name = line.split(/\s+/)[0]!;
      const variants: Array<[string, string | undefined]> = [['remove', undefined]];
      if (/\son;$/.test(line)) variants.push(['flip', line.replace(/\son;$/, ' off;')]);
      if (/\soff;$/.test(line)) variants.push(['flip', line.replace(/\soff;$/, ' on;')]);
      variants.push(...raised(line));
      if (name === 'allow' && line !== 'allow all;') variants.push(['widen', 'allow all;']);
      for (const [what, text] of variants) {
        const id = `${file.path}\u0000${line}\u0000${what}`;
        if (seen.has(id)) continue;
        seen.add(id);
        const copy = [...lines];
        if (text === undefined) copy.splice(li, 1);
        else copy[li] = raw.replace(line, text);
        out.push({ at: `${file.path}:${li + 1} ${line.slice(0, 100)}`, sig: `${name}: ${foldLine(line).slice(0, 140)}`, what, files: files.map((f, j) => (j === fi ? { ...f, contents: copy.join('\n') } : f)) });
      }
    });
    // DIFF20: an `if` block gwc writes (a refusal: the route's admission, an override, the `_`
    // header, a foreign upgrade; a method's dispatch) removed whole, as a hand edit drops one.
    lines.forEach((raw, li) => {
      const line = raw.trim();
      if (!/^if \(.*\) \{$/.test(line)) return;
      const indent = raw.length - raw.trimStart().length;
      const end = lines.findIndex((l, i) => i > li && l.trim() === '}' && l.length - l.trimStart().length === indent);
      if (end < 0) return;
      const body = lines.slice(li + 1, end).map((l) => l.trim()).join(' ');
      const id = `${file.path}\u0000${line} ${body}\u0000remove`;
      if (seen.has(id)) return;
      seen.add(id);
      const copy = [...lines];
      copy.splice(li, end - li + 1);
      out.push({ at: `${file.path}:${li + 1} ${line.slice(0, 100)}`, sig: `if: ${foldLine(`${line} ${body} }`).slice(0, 140)}`, what: 'remove', files: files.map((f, j) => (j === fi ? { ...f, contents: copy.join('\n') } : f)) });
    });
  });
  return out;
}

/** The `var CFG = {...}` JSON of gwc's njs module: where it starts and ends in the text. */
function cfgSpan(text: string): { start: number; end: number } | undefined {
  const at = text.search(/\bvar CFG\s*=/);
  if (at < 0) return undefined;
  const open = /\{\s*("|\})/g;
  open.lastIndex = at;
  const start = open.exec(text)?.index ?? -1;
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (c === '{' || c === '[') depth++;
    else if ((c === '}' || c === ']') && --depth === 0) return { start, end: i + 1 };
  }
  return undefined;
}

/** Every weakening of every leaf of the njs module's CFG (schemes, routes' security, hidden names, cache keys). */
export function njsMutations(files: OutputFile[]): Mutation[] {
  const out: Mutation[] = [];
  files.forEach((file, fi) => {
    if (!file.path.endsWith('.js')) return;
    const span = cfgSpan(file.contents);
    if (!span) return;
    const cfg = JSON.parse(file.contents.slice(span.start, span.end)) as Json;
    // Route ids are positions: folded, so one setting of twenty routes is one sig.
    const fold = (p: Array<string | number>, k: string) => (p.at(-1) === 'routes' ? '*' : k);
    const seen = new Set<string>();
    for (const l of leaves(cfg, fold)) {
      for (const [what, value] of variantsOf(l)) {
        const id = `${l.sig}\u0000${JSON.stringify(l.value)}\u0000${what}`;
        if (seen.has(id)) continue;
        seen.add(id);
        const text = file.contents.slice(0, span.start) + JSON.stringify(setAt(cfg, l.path, value)) + file.contents.slice(span.end);
        out.push({ at: `CFG.${l.at}`, sig: `CFG.${l.sig}`, what, files: files.map((f, j) => (j === fi ? { ...f, contents: text } : f)) });
      }
    }
  });
  return out;
}

/** A hand edit that adds lines after the first line matching `after` in the first .conf file holding it. */
export function nginxAddition(files: OutputFile[], after: RegExp, lines: string[], sig: string): Mutation {
  const fi = files.findIndex((f) => f.path.endsWith('.conf') && after.test(f.contents));
  if (fi < 0) throw new Error(`no line matches ${after}`);
  const contents = files[fi]!.contents.replace(after, (m) => `${m}\n${lines.join('\n')}`);
  return { at: `${files[fi]!.path} after ${after.source}: ${lines.join(' ')}`, sig, what: 'add', files: files.map((f, j) => (j === fi ? { ...f, contents } : f)) };
}
