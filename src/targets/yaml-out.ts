/**
 * Plain data to block YAML, byte for byte what the `yaml` package writes with the options the
 * Kong and Traefik emitters use (double-quoted strings, plain keys, lineWidth 0, no aliases),
 * without building yaml's Document: that detour (a node per value, then a stringify pass with
 * per-node tag lookups) was most of a Kong or Traefik compile, 7-8 s of Kong's at 10,000 routes.
 *
 * It writes only what it is sure of and returns undefined for anything else, so the caller
 * falls back to `yaml` and the bytes stay yaml's: a key that yaml would quote or that could read
 * as another type, a string that yaml folds over lines (a line break in a long string, where the
 * output depends on the indentation), non-finite numbers, and any object that is not plain data
 * (except a yaml Scalar marked PLAIN, Kong's credential templates, written as they are when they
 * need no quoting). Strings are written by yaml-scalar.ts on both paths (yaml's own string writer
 * wrote some user text wrong). test/targets/yaml-out.test.ts holds it equal to yaml on generated
 * data, and the golden tests on every fixture.
 */
import { Document, Scalar } from 'yaml';
import { doubleQuoted, escapeRaw, plainKey, plainText, quotedStrings } from './yaml-scalar.js';

export interface FastYamlOptions {
  /** Keys in code-unit order (yaml's `sortMapEntries: true`). */
  sortKeys?: boolean;
  /**
   * The text of a value that is not plain data but stands for a PLAIN scalar (Kong's credential
   * templates), written as yaml writes `Scalar` with that value and type PLAIN; undefined: not one.
   * Spares the emitter a marked copy of its whole tree (#18).
   */
  plain?: (v: object) => string | undefined;
}

class Bail extends Error {}
const bail = (): never => {
  throw new Bail();
};

let enabled = true;
/** The current call's `plain` (the writer is synchronous: set for one call, then cleared). */
let plainOf: FastYamlOptions['plain'];

/** How often the fast path wrote and gave up (tests check it is the common path). */
export const fastYamlStats = { written: 0, gaveUp: 0 };

/** Off: every emitter takes yaml's path (tests compare the two on every fixture). */
export function setFastYaml(on: boolean): void {
  enabled = on;
}

/** `yaml`'s output for `data` (a map or a list) with the emitters' options, or undefined where unsure. */
export function fastYamlStringify(data: unknown, options: FastYamlOptions = {}): string | undefined {
  if (!enabled) return undefined;
  plainOf = options.plain;
  try {
    if (!isCollection(data)) return undefined;
    if (isEmpty(data)) return Array.isArray(data) ? '[]\n' : '{}\n';
    const w = new Writer(options.sortKeys === true);
    w.block(data, '');
    // DEL, C1, U+2028/2029, BOM and U+FFFE/FFFF can only stand in a double-quoted string here
    // (keys and plain values holding one are left to yaml): escaped in one pass.
    const text = escapeRaw(w.finish());
    fastYamlStats.written++;
    return text;
  } catch (e) {
    if (!(e instanceof Bail)) throw e;
    fastYamlStats.gaveUp++;
    return undefined;
  } finally {
    plainOf = undefined;
  }
}

/**
 * yaml's text for `data` with the emitters' options: where the fast writer gives up. Strings are
 * written by the same code as on the fast path (yaml-scalar.ts quotedStrings).
 */
export function yamlStringify(data: unknown, options: { sortKeys?: boolean } = {}): string {
  return new Document(data, { sortMapEntries: options.sortKeys === true, aliasDuplicateObjects: false, customTags: quotedStrings }).toString({
    defaultStringType: 'QUOTE_DOUBLE',
    defaultKeyType: 'PLAIN',
    lineWidth: 0,
  });
}

const isPlainObject = (v: object): boolean => {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
};

function isCollection(v: unknown): v is Record<string, unknown> | unknown[] {
  if (v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) return true;
  if (v instanceof Scalar) return false;
  if (!isPlainObject(v)) {
    if (plainOf?.(v) !== undefined) return false;
    bail();
  }
  return true;
}

function isEmpty(v: Record<string, unknown> | unknown[]): boolean {
  if (Array.isArray(v)) return v.length === 0;
  for (const k in v) if (Object.prototype.hasOwnProperty.call(v, k) && v[k] !== undefined) return false;
  return true;
}

/**
 * Appends the YAML to a string (V8 concatenates into a rope; an array of small pieces joined at
 * the end cost more in allocation at 10,000 routes, #18). Every 16 KB the rope is flattened and
 * kept as one piece (a rope of the whole file kept every piece and cons cell alive to the end,
 * and garbage collection copied them again and again), and the pieces are joined once at the
 * end. A long list written before is kept as its flat text and added as one more piece
 * (reusedList). Strings all along, no UTF-8 buffer: at GitHub's 24 MB, growing a byte buffer and
 * decoding it back was ~40 ms of a build and 24 MB of peak memory more (#18).
 */
class Writer {
  text = '';
  /** Flat pieces of the text so far, joined once at the end. */
  private readonly pieces: string[] = [];

  /** Moves the text so far into pieces, flattened. */
  flush(): void {
    const t = this.text;
    this.text = '';
    if (t.length === 0) return;
    this.pieces.push(flat(t));
  }

  /** The whole text written and its final line break. */
  finish(): string {
    this.text += '\n';
    this.flush();
    return this.pieces.join('');
  }
  /** Keys seen before and their plain spelling: a decK file repeats the same few keys 10^5 times. */
  private readonly keys = new Map<string, string>();
  /** Lists written by reusedList, by indent: their values (a copy) and text. */
  private readonly lists = new Map<string, Array<{ items: unknown[]; text: string }>>();

  constructor(private readonly sort: boolean) {}

  /** A non-empty collection in block style; continuation lines start with `indent`. */
  block(v: Record<string, unknown> | unknown[], indent: string): void {
    const inner = `${indent}  `;
    let first = true;
    if (Array.isArray(v)) {
      if (v.length >= REUSED_LIST && this.reusedList(v, indent)) return;
      const dash = `\n${indent}- `;
      for (const item of v) {
        if (item === undefined) bail();
        this.text += first ? '- ' : dash;
        first = false;
        if (isCollection(item) && !isEmpty(item)) this.block(item, inner);
        else this.text += scalar(item, inner);
        if (this.text.length > 16384) this.flush();
      }
      return;
    }
    // yaml leaves out undefined values (keepUndefined is off), then sorts in code-unit order
    // (Array#sort's default order is the same as comparing with < on strings).
    const names = Object.keys(v);
    if (this.sort) names.sort();
    for (const k of names) {
      const x = v[k];
      if (x === undefined) continue;
      const key = this.key(k);
      this.text += first ? key : `\n${indent}${key}`;
      first = false;
      if (isCollection(x) && !isEmpty(x)) {
        this.text += `:\n${inner}`;
        this.block(x, inner);
      } else this.text += `: ${scalar(x, inner)}`;
    }
  }

  /**
   * A long list of scalars written at this indent before, element for element the same values
   * (Object.is: 0 and -0 are written differently), is added again as its kept text, and a new one
   * is written once and kept. A decK file repeats each route's request-transformer removals (~400
   * header spellings, most of GitHub's 24 MB) for every route that shares them (#18). False: not a
   * list of scalars, written the usual way.
   */
  private reusedList(v: unknown[], indent: string): boolean {
    for (const item of v) if (item === undefined || (item !== null && typeof item === 'object')) return false;
    let seen = this.lists.get(indent);
    if (!seen) this.lists.set(indent, (seen = []));
    for (const e of seen) {
      if (e.items.length !== v.length || !e.items.every((x, i) => Object.is(x, v[i]))) continue;
      this.flush();
      this.pieces.push(e.text);
      return true;
    }
    let text = '- ';
    for (let i = 0; i < v.length; i++) text += (i === 0 ? '' : `\n${indent}- `) + scalar(v[i], `${indent}  `);
    flat(text);
    if (seen.length >= REUSED_LISTS_KEPT) seen.shift();
    seen.push({ items: [...v], text });
    this.flush();
    this.pieces.push(text);
    return true;
  }

  private key(k: string): string {
    let key = this.keys.get(k);
    if (key === undefined) this.keys.set(k, (key = plainKey(k) ?? bail()));
    return key;
  }
}

/**
 * `s` (not empty), flattened: V8 reads a rope (cons string) into one sequential string when a
 * character of it is read, and keeps that in place of the rope's pieces, which become garbage.
 * The character is added to `flatSink` so the read cannot be optimised away (`Number(s)`, the
 * flatstr package's trick, left the ropes whole: 3,000 ropes of 1,000 pieces kept 162 MB of heap
 * alive, 23 MB flattened so). The value is unchanged; only its representation is.
 */
function flat(s: string): string {
  flatSink = (flatSink + s.charCodeAt(0)) & 0xffff;
  return s;
}
let flatSink = 0;

/** Lists of scalars this long or longer are written once per file and reused (Writer.reusedList). */
const REUSED_LIST = 16;
/** How many distinct such lists each indent keeps (the oldest is forgotten). */
const REUSED_LISTS_KEPT = 16;

/** `indent`: where yaml continues a folded double-quoted string (its ctx.indent: the value's level). */
function scalar(v: unknown, indent: string): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
      return doubleQuoted(v, indent, true, true);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(v)) return bail();
      return Object.is(v, -0) ? '-0' : JSON.stringify(v);
    case 'object':
      if (Array.isArray(v)) return '[]';
      if (v instanceof Scalar) return plainScalar(v);
      if (!isPlainObject(v)) {
        const text = plainOf?.(v);
        return (text === undefined ? undefined : plainText(text)) ?? bail();
      }
      return '{}';
    default:
      return bail();
  }
}

function plainScalar(s: Scalar): string {
  if (s.type !== Scalar.PLAIN || typeof s.value !== 'string' || s.anchor || s.tag || s.comment || s.commentBefore) return bail();
  return plainText(s.value) ?? bail();
}
