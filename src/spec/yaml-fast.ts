/**
 * A fast reader for the plain block YAML most specs are written in, with positions found when
 * asked for, so a YAML spec costs about what a JSON one does. The `yaml` package's parseDocument (CST,
 * node tree, then toJS) took 3-6 s and most of a 1.3 GB peak on a 3.6 MB spec of 10,000
 * operations; this reader takes a small fraction of that and keeps only the data.
 *
 * It reads a conservative subset and gives up (returns undefined) on anything outside it, so the
 * caller reads that file with `yaml` exactly as before: anchors, aliases and tags (the alias
 * limit stays `yaml`'s), duplicate keys (reported at their place by `yaml`), the rarer shapes of
 * wrapped scalars (a comment inside a wrapped plain scalar or a line of it starting `: `, an escaped line break
 * before an empty line), tabs, CR, control characters, document markers, directives, explicit
 * keys, and anything malformed. Wrapped plain and quoted scalars (how writers fold long strings at
 * 80 columns, so most real specs) and YAML's escapes are read here. What it does read it reads as `yaml` 2's
 * core schema does (null, bool, int, octal, hex, float; keys through String()). The read keeps
 * no offsets: offsetOf finds a pointer's key or item again in the text (the containers on its way,
 * by their columns) at the offset where `yaml` puts that node's range start, so line:col are the
 * same. test/spec/yaml-fast.test.ts holds the two readers equal on data and on every pointer's
 * position, over the fixtures and generated documents.
 */

/** Offsets for one flow container: a map's keys (insertion order) or a sequence's items. */
interface MapIndex {
  keys: string[];
  offsets: number[];
  byKey?: Map<string, number>;
}
type Index = MapIndex | number[];

/**
 * A block container found again in the text when a position is asked for (#18: the read keeps
 * no offsets, which were a fifth of its time and most of its garbage): a map by its first key,
 * a sequence by its first dash, each with the column its keys or dashes sit at; a flow
 * collection by its opening bracket. Undefined for a scalar or an empty value.
 */
type Where = { kind: 'map' | 'seq'; indent: number; line: number; at: number } | { kind: 'flow'; line: number; at: number } | undefined;

/** A block map's entries in order: lookup names (yaml's String(key)), data keys, key offsets, lines and the offset after each colon. */
interface MapEntries {
  names: string[];
  keys: string[];
  offsets: number[];
  lines: number[];
  afters: number[];
  byName?: Map<string, number>;
}

/** A block sequence's items: each item's offset and line. */
interface SeqItems {
  offsets: number[];
  lines: number[];
}

/** The data of a file read on the fast path, and where each key and item starts. */
export interface FastYaml {
  data: unknown;
  /** Offset of the node at `tokens` (a key: its start; an item: its node), or of its deepest existing ancestor. */
  offsetOf(tokens: readonly string[]): number;
  /**
   * Some map has a `$ref` key. When none has, the file holds no reference and the loader need
   * not walk its data for them (#18: that walk was a third of loading the 10,000-operation spec).
   */
  refKeys: boolean;
}

class Bail extends Error {}

/** The first `code` in s[i, end), or `end`: searches stay on their line (indexOf would run on to the file's end). */
function find(s: string, code: number, i: number, end: number): number {
  let j = i;
  while (j < end && s.charCodeAt(j) !== code) j++;
  return j;
}
const bail = (): never => {
  throw new Bail();
};

/** The closing `"` of a double-quoted scalar in s[i, end) (escapes skipped), or -1. */
function closeDouble(s: string, i: number, end: number): number {
  for (let j = i; j < end; j++) {
    const c = s.charCodeAt(j);
    if (c === 0x22) return j;
    if (c === 0x5c) j++;
  }
  return -1;
}

/** The closing `'` of a single-quoted scalar in s[i, end) (`''` is a quote inside it), or -1. */
function closeSingle(s: string, i: number, end: number): number {
  for (let j = i; ; ) {
    const k = find(s, 0x27, j, end);
    if (k >= end) return -1;
    if (k + 1 < end && s.charCodeAt(k + 1) === 0x27) {
      j = k + 2;
      continue;
    }
    return k;
  }
}

function trailingBackslashes(s: string): number {
  let n = 0;
  while (s.charCodeAt(s.length - 1 - n) === 0x5c) n++;
  return n;
}

/** YAML 1.2 section 5.7's escapes, as yaml decodes them. */
const ESCAPES = new Map(Object.entries({ '0': '\0', a: '\x07', b: '\b', t: '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b', ' ': ' ', '"': '"', '/': '/', '\\': '\\', N: '\x85', _: '\xa0', L: '\u2028', P: '\u2029' }));
const HEX_DIGITS = new Map(Object.entries({ x: 2, u: 4, U: 8 }));
const HEX_ESCAPE = /^[0-9a-fA-F]+$/;

/** The text of a double-quoted scalar's line (between its quotes or its line ends). */
function unescapeDouble(raw: string): string {
  let i = raw.indexOf('\\');
  if (i === -1) return raw;
  let out = '';
  let start = 0;
  for (; i !== -1; i = raw.indexOf('\\', start)) {
    out += raw.slice(start, i);
    const e = raw[i + 1] ?? bail();
    const simple = ESCAPES.get(e);
    if (simple !== undefined) {
      out += simple;
      start = i + 2;
      continue;
    }
    const n = HEX_DIGITS.get(e) ?? bail();
    const hex = raw.slice(i + 2, i + 2 + n);
    if (hex.length !== n || !HEX_ESCAPE.test(hex)) bail();
    const code = parseInt(hex, 16);
    if (code > 0x10ffff) bail();
    out += String.fromCodePoint(code);
    start = i + 2 + n;
  }
  return out + raw.slice(start);
}

// Characters a file on the fast path may not hold anywhere: CR (line ends get subtle), C0/C1 controls, BOM and Unicode line separators (yaml reports or treats them
// specially).
const UNSUPPORTED = /[\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff\u2028\u2029]/;

// A continuation line of a plain scalar may start with any character but `#` (YAML 1.2 7.3.3:
// indicators only matter on a scalar's first line; yaml 2 reads `- x` and `? x` there as text);
// a line starting `: ` is left to `yaml` (it reads a new key there).
const continuationIndicator = (s: string, at: number): boolean => {
  if (s.charCodeAt(at) !== 0x3a) return false;
  const n = s.charCodeAt(at + 1);
  return n === 0x20 || n === 0x0a || Number.isNaN(n);
};

const INT = /^[-+]?[0-9]+$/;
const OCT = /^0o[0-7]+$/;
const HEX = /^0x[0-9a-fA-F]+$/;
const NAN_INF = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;

/** A plain scalar as yaml 2's core schema resolves it (yaml/dist/schema/core, in its order). */
export function resolvePlain(s: string): unknown {
  const c = s.charCodeAt(0);
  // Only these can start a non-string: digits, sign, dot, ~, n/N, t/T, f/F (and '' for null).
  if (s.length > 0 && !((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e || c === 0x7e || 'nNtTfF'.includes(s[0]!))) return s;
  // A letter starts only null or a bool, both 4 or 5 letters (`name`, `type`, `format` are most
  // keys: no regex for them, #18).
  if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a)) {
    if (s.length !== 4 && s.length !== 5) return s;
    if (NULL.test(s)) return null;
    return BOOL.test(s) ? s[0] === 't' || s[0] === 'T' : s;
  }
  if (NULL.test(s)) return null;
  if (BOOL.test(s)) return s[0] === 't' || s[0] === 'T';
  if (OCT.test(s)) return parseInt(s.substring(2), 8);
  if (INT.test(s)) return parseInt(s, 10);
  if (HEX.test(s)) return parseInt(s.substring(2), 16);
  if (NAN_INF.test(s)) return s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (FLOAT_EXP.test(s) || FLOAT.test(s)) return parseFloat(s);
  return s;
}

/** 1 for the characters a plain scalar resolvePlain may read as other than its text starts with (digits, + - . ~ n N t T f F). */
const MAY_RESOLVE = new Uint8Array(128);
for (const c of '0123456789+-.~nNtTfF') MAY_RESOLVE[c.charCodeAt(0)] = 1;

/** The data key (yaml's toJS: null is '') and the key positions look up (yaml's String(key.value)). */
const keyNames = (v: unknown): { key: string; name: string } => ({ key: v === null ? '' : String(v), name: String(v) });

/** Reads `text` on the fast path, or undefined when it holds anything outside the subset. */
export function readFastYaml(text: string): FastYaml | undefined {
  if (UNSUPPORTED.test(text)) return undefined;
  try {
    return new Reader(text).read();
  } catch (e) {
    if (e instanceof Bail) return undefined;
    throw e;
  }
}

class Reader {
  /** A map read so far has a `$ref` key (FastYaml.refKeys). */
  private refKeys = false;

  /** Block containers already found again by offsetOf, by first key or first dash offset. */
  private readonly maps = new Map<number, MapEntries>();
  private readonly seqs = new Map<number, SeqItems>();
  /** Start offset of each line; a final entry one past the text's end. */
  private readonly starts: number[] = [0];
  /** Leading spaces of each line (read many times per line: counted once, #18). */
  private readonly indents: number[] = [];
  private line = 0;

  /**
   * Lines holding a tab (indentation and separation get subtle with tabs): the file goes to
   * `yaml` unless each is text inside a block scalar (GitHub's markdown tables hold some).
   */
  private readonly tabLines = new Set<number>();
  private tabsRead = 0;

  constructor(private readonly s: string) {
    const starts = this.starts;
    const indents = this.indents;
    // One pass: each line's indent, then its end (#18).
    for (let st = 0; ; ) {
      let i = st;
      while (s.charCodeAt(i) === 0x20) i++;
      const nl = s.indexOf('\n', i);
      if (nl === -1) {
        // The last entry ends the last line: the text's end, or the start of the (empty) line after a final newline.
        if (!s.endsWith('\n')) {
          indents.push(i - st);
          starts.push(s.length + 1);
        }
        break;
      }
      indents.push(i - st);
      st = nl + 1;
      starts.push(st);
    }
    for (let t = s.indexOf('\t'), l = 0; t !== -1; t = s.indexOf('\t', t + 1)) {
      while (this.starts[l + 1]! <= t) l++;
      this.tabLines.add(l);
    }
  }

  read(): FastYaml {
    this.skipBlank();
    if (this.atEnd() || this.indentOf(this.line) !== 0) bail();
    const firstLine = this.line;
    const first = this.contentStart(this.line);
    const data = this.map(0);
    this.skipBlank();
    if (!this.atEnd() || this.tabsRead !== this.tabLines.size) bail();
    this.tabLines.clear();
    const root: Where = { kind: 'map', indent: 0, line: firstLine, at: first };
    return { data, offsetOf: (tokens) => this.offsetOf(data, root, first, tokens), refKeys: this.refKeys };
  }

  /**
   * The offset the read would have recorded for `tokens`, found by following them through the
   * text from the root (each container on the way read once, then cached), while the data is
   * followed beside it as yaml's lookup follows it: a key is matched by its lookup name (the
   * first of that name), the walk goes on into the data's value of that token.
   */
  private offsetOf(data: unknown, root: Where, rootOffset: number, tokens: readonly string[]): number {
    let node: unknown = data;
    let where = root;
    let best = rootOffset;
    for (let t = 0; t < tokens.length; t++) {
      if (node === null || typeof node !== 'object' || where === undefined) break;
      if (where.kind === 'flow') {
        const index = new Map<object, Index>();
        const value = new Flow(this.s, where.at, this.lineEnd(where.line), index).value();
        return this.flowOffsetOf(value, index, best, tokens.slice(t));
      }
      const token = tokens[t]!;
      if (where.kind === 'seq') {
        const item = this.seqItem(where, Number(token));
        if (item === undefined) break;
        best = item.offset;
        node = (node as unknown[])[Number(token)];
        where = this.itemWhere(item.offset, item.line);
        continue;
      }
      const hit = this.mapFind(where, token);
      if (hit === undefined) break;
      best = hit.offset;
      node = (node as Record<string, unknown>)[token];
      where = hit.value;
    }
    return best;
  }

  /**
   * The first key of the block map `where` whose lookup name is `token`: its offset and what the
   * data's value of `token` is. A map of up to 16 keys is read key by key until it is found; a
   * larger one is read whole once and kept (a spec's paths and schemas are looked up again and again).
   */
  private mapFind(where: { indent: number; line: number; at: number }, token: string): { offset: number; value: Where } | undefined {
    if (!this.maps.has(where.at)) {
      const first = token.charCodeAt(0);
      for (let l = where.line, at = where.at, count = 0; count < 16; count++) {
        const c = this.s.charCodeAt(at);
        // A plain key's name is its text unless resolvePlain may read it otherwise (null, a bool
        // or a number: MAY_RESOLVE) or it is quoted: other keys are told apart by their first character.
        if (c === first || c === 0x22 || c === 0x27 || MAY_RESOLVE[c] === 1) {
          const key = this.key(at, this.lineEnd(l));
          if (this.keyName === token) {
            if (key !== token) break; // named like the token, another data key (`null:`): read whole below
            return { offset: at, value: this.valueWhere(l, this.keyAfter, where.indent) };
          }
        }
        l = this.nextLineAt(l, where.indent, false);
        if (l === -1) return undefined;
        at = this.contentStart(l);
      }
    }
    const m = this.mapEntries(where);
    let at: number;
    if (m.names.length > 16) {
      if (!m.byName) {
        m.byName = new Map();
        for (let i = m.names.length - 1; i >= 0; i--) m.byName.set(m.names[i]!, i);
      }
      at = m.byName.get(token) ?? -1;
    } else at = m.names.indexOf(token);
    if (at === -1) return undefined;
    // The data's value of `token`: the entry whose data key it is (a `null:` key is named "null"
    // but holds the data key '').
    const k = m.keys[at] === token ? at : m.keys.indexOf(token);
    return { offset: m.offsets[at]!, value: k === -1 ? undefined : this.valueWhere(m.lines[k]!, m.afters[k]!, where.indent) };
  }

  /**
   * The next line after `l` holding a key (`dash` false: no dash, which would be the last key's
   * sequence) or an item (`dash` true) of the container whose keys or dashes sit at column
   * `indent`, or -1 when the container ends first.
   */
  private nextLineAt(l: number, indent: number, dash: boolean): number {
    const last = this.starts.length - 1;
    for (let n = l + 1; n < last; n++) {
      const ind = this.indents[n]!;
      if (ind > indent || this.isBlank(n)) continue;
      if (ind < indent) return -1;
      if (this.isDash(this.starts[n]! + ind) === dash) return n;
      if (dash) return -1;
    }
    return -1;
  }

  /** The entries of the block map `where` (its keys at column where.indent), read from the text once and kept. */
  private mapEntries(where: { indent: number; line: number; at: number }): MapEntries {
    const known = this.maps.get(where.at);
    if (known) return known;
    const m: MapEntries = { names: [], keys: [], offsets: [], lines: [], afters: [] };
    for (let l = where.line, at = where.at; ; ) {
      m.keys.push(this.key(at, this.lineEnd(l)));
      m.names.push(this.keyName);
      m.offsets.push(at);
      m.lines.push(l);
      m.afters.push(this.keyAfter);
      l = this.nextLineAt(l, where.indent, false);
      if (l === -1) break;
      at = this.contentStart(l);
    }
    this.maps.set(where.at, m);
    return m;
  }

  /**
   * Item `n` of the block sequence `where` (its dashes at column where.indent): its offset (as
   * seq() records it) and line. Read dash by dash up to item 16; past that the whole sequence is read once and kept.
   */
  private seqItem(where: { indent: number; line: number; at: number }, n: number): { offset: number; line: number } | undefined {
    // items[Number(token)], as the yaml path reads it.
    if (!Number.isInteger(n) || n < 0) return undefined;
    const known = this.seqs.get(where.at) ?? (n > 16 ? this.seqItems(where) : undefined);
    if (known) {
      const offset = known.offsets[n];
      return offset === undefined ? undefined : { offset, line: known.lines[n]! };
    }
    for (let l = where.line, dash = where.at, k = 0; ; k++) {
      const item = this.itemAt(l, dash);
      if (k === n) return item;
      l = this.nextLineAt(item.line, where.indent, true);
      if (l === -1) return undefined;
      dash = this.contentStart(l);
    }
  }

  /** The item after the dash at `dash` on line `l`: its offset (the block below when the dash ends its line, as seq() reads it) and line. */
  private itemAt(l: number, dash: number): { offset: number; line: number } {
    const end = this.lineEnd(l);
    let i = dash + 1;
    while (i < end && this.s.charCodeAt(i) === 0x20) i++;
    if (i < end && this.s.charCodeAt(i) !== 0x23) return { offset: i, line: l };
    let n = l + 1;
    while (this.isBlank(n)) n++;
    return { offset: this.contentStart(n), line: n };
  }

  /** The items of the block sequence `where`, read from the text once and kept. */
  private seqItems(where: { indent: number; line: number; at: number }): SeqItems {
    const known = this.seqs.get(where.at);
    if (known) return known;
    const items: SeqItems = { offsets: [], lines: [] };
    for (let l = where.line, dash = where.at; ; ) {
      const item = this.itemAt(l, dash);
      items.offsets.push(item.offset);
      items.lines.push(item.line);
      l = this.nextLineAt(item.line, where.indent, true);
      if (l === -1) break;
      dash = this.contentStart(l);
    }
    this.seqs.set(where.at, items);
    return items;
  }

  /** What a sequence item at `at` on line `l` is (as seq() reads it). */
  private itemWhere(at: number, l: number): Where {
    if (at === this.contentStart(l)) return this.blockWhere(l); // the block below its dash
    const column = at - this.starts[l]!;
    if (this.isDash(at)) return { kind: 'seq', indent: column, line: l, at };
    const end = this.lineEnd(l);
    if (this.looksLikeKey(at, end)) return { kind: 'map', indent: column, line: l, at };
    const c = this.s.charCodeAt(at);
    return c === 0x5b || c === 0x7b ? { kind: 'flow', line: l, at } : undefined;
  }

  /** What the value of a key on line `l` (its colon just before `after`) is, the key at column `indent` (as valueAfter() reads it). */
  private valueWhere(l: number, after: number, indent: number): Where {
    const end = this.lineEnd(l);
    let i = after;
    while (i < end && this.s.charCodeAt(i) === 0x20) i++;
    const c = this.s.charCodeAt(i);
    if (i === end || (c === 0x23 && i > after)) {
      const last = this.starts.length - 1;
      let n = l + 1;
      while (n < last && this.isBlank(n)) n++;
      if (n >= last) return undefined;
      const ind = this.indents[n]!;
      if (ind > indent) return this.blockWhere(n);
      if (ind === indent && this.isDash(this.contentStart(n))) return { kind: 'seq', indent, line: n, at: this.contentStart(n) };
      return undefined;
    }
    return c === 0x5b || c === 0x7b ? { kind: 'flow', line: l, at: i } : undefined;
  }

  /** The map or sequence starting on line `l` (as block() reads it). */
  private blockWhere(l: number): Where {
    const at = this.contentStart(l);
    return { kind: this.isDash(at) ? 'seq' : 'map', indent: this.indents[l]!, line: l, at };
  }

  /** offsetOf inside a flow collection, read again with its offsets. */
  private flowOffsetOf(root: unknown, index: Map<object, Index>, from: number, tokens: readonly string[]): number {
    let node: unknown = root;
    let best = from;
    for (const token of tokens) {
      if (node === null || typeof node !== 'object') break;
      const ix = index.get(node);
      if (!ix) break;
      if (Array.isArray(ix)) {
        // Number(token) as the yaml path reads it: items[Number(token)].
        const n = Number(token);
        const off = (ix as number[])[n as number];
        if (off === undefined) break;
        best = off;
        node = (node as unknown[])[n];
      } else {
        const m = ix as MapIndex;
        let at: number | undefined;
        if (m.keys.length > 16) {
          if (!m.byKey) {
            m.byKey = new Map();
            // The first of two keys yaml would also find first (`~` and `null` both read "null").
            for (let i = m.keys.length - 1; i >= 0; i--) m.byKey.set(m.keys[i]!, i);
          }
          at = m.byKey.get(token);
        } else {
          const i = m.keys.indexOf(token);
          at = i === -1 ? undefined : i;
        }
        if (at === undefined) break;
        best = m.offsets[at]!;
        node = (node as Record<string, unknown>)[token];
      }
    }
    return best;
  }

  // ---- lines ------------------------------------------------------------------------------

  private atEnd(): boolean {
    return this.line >= this.starts.length - 1;
  }

  private lineEnd(l: number): number {
    return this.starts[l + 1]! - 1;
  }

  private indentOf(l: number): number {
    return this.indents[l]!;
  }

  private contentStart(l: number): number {
    return this.starts[l]! + this.indentOf(l);
  }

  /** Blank or comment-only line. */
  private isBlank(l: number): boolean {
    const i = this.contentStart(l);
    return i >= this.lineEnd(l) || this.s.charCodeAt(i) === 0x23;
  }

  private skipBlank(): void {
    while (!this.atEnd() && this.isBlank(this.line)) {
      const i = this.contentStart(this.line);
      // Document markers and directives end or change the document: the full reader's job.
      if (i === this.starts[this.line] && this.s.charCodeAt(i) === 0x25) bail();
      this.line++;
    }
    if (!this.atEnd()) {
      const st = this.starts[this.line]!;
      const c = this.s.charCodeAt(st);
      // `---` or `...` (then a space, a line end or the text's end); no slice per line (#18).
      if ((c === 0x2d || c === 0x2e) && this.s.charCodeAt(st + 1) === c && this.s.charCodeAt(st + 2) === c) {
        const n = this.s.charCodeAt(st + 3);
        if (n === 0x20 || n === 0x0a || Number.isNaN(n)) bail();
      }
      if (c === 0x25) bail();
    }
  }

  /** After an inline value: the rest of its line is empty or a comment. */
  private restIsComment(i: number, end: number): void {
    let j = i;
    while (j < end && this.s.charCodeAt(j) === 0x20) j++;
    if (j === end) return;
    if (this.s.charCodeAt(j) === 0x23 && j > i) return;
    bail();
  }

  // ---- block collections -------------------------------------------------------------------

  /** A block map whose keys sit at column `indent`; the current line holds its first key. */
  private map(indent: number, firstAt?: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    let at = firstAt;
    for (;;) {
      if (at === undefined) {
        this.skipBlank();
        if (this.atEnd()) break;
        const ind = this.indentOf(this.line);
        if (ind < indent) break;
        if (ind > indent) bail();
        at = this.contentStart(this.line);
      }
      const l = this.line;
      const end = this.lineEnd(l);
      const key = this.key(at, end);
      const after = this.keyAfter;
      // No value is undefined, so only a defined one can be a repeated key (one load, #18).
      if (key === '__proto__' || key === '<<' || (out[key] !== undefined && Object.prototype.hasOwnProperty.call(out, key))) bail();
      if (key === '$ref') this.refKeys = true;
      out[key] = this.valueAfter(after, end, indent, true);
      at = undefined;
    }
    return out;
  }

  /**
   * A block sequence whose dashes sit at column `indent`; the current line holds its first item,
   * at `firstAt` when that is not the line's first dash (`- - a`, a compact nested sequence).
   */
  private seq(indent: number, firstAt?: number): unknown[] {
    const out: unknown[] = [];
    let first = firstAt;
    for (;;) {
      let at: number;
      if (first !== undefined) {
        at = first;
        first = undefined;
      } else {
        this.skipBlank();
        if (this.atEnd()) break;
        const ind = this.indentOf(this.line);
        if (ind < indent) break;
        if (ind > indent) bail();
        at = this.contentStart(this.line);
        if (!this.isDash(at)) break;
      }
      const end = this.lineEnd(this.line);
      let i = at + 1;
      while (i < end && this.s.charCodeAt(i) === 0x20) i++;
      if (i === end || this.s.charCodeAt(i) === 0x23) {
        // The item is the block on the next lines, indented deeper than the dash.
        this.line++;
        this.skipBlank();
        if (this.atEnd() || this.indentOf(this.line) <= indent) bail(); // a null item
        out.push(this.block(this.indentOf(this.line)));
        continue;
      }
      if (this.isDash(i)) {
        out.push(this.seq(i - this.starts[this.line]!, i)); // a compact nested sequence
        continue;
      }
      if (this.looksLikeKey(i, end)) {
        out.push(this.map(i - this.starts[this.line]!, i));
      } else {
        out.push(this.valueAfter(i, end, indent, false));
      }
    }
    return out;
  }

  private isDash(i: number): boolean {
    if (this.s.charCodeAt(i) !== 0x2d) return false;
    const n = this.s.charCodeAt(i + 1);
    return n === 0x20 || n === 0x0a || Number.isNaN(n);
  }

  /** A map or a sequence starting on the current line at column `indent`. */
  private block(indent: number): unknown {
    const at = this.contentStart(this.line);
    if (this.isDash(at)) return this.seq(indent);
    if (!this.looksLikeKey(at, this.lineEnd(this.line))) bail();
    return this.map(indent);
  }

  /**
   * The value that starts at `i` on the current line (after `key:` or `- `), or on the lines
   * after it. `indent` is the column of the key or dash that owns it.
   */
  private valueAfter(i0: number, end: number, indent: number, inMap: boolean): unknown {
    let i = i0;
    while (i < end && this.s.charCodeAt(i) === 0x20) i++;
    const c = this.s.charCodeAt(i);
    if (i === end || (c === 0x23 && i > i0)) {
      // Nothing on this line: the value is the block below (a sequence may sit at the key's column).
      this.line++;
      this.skipBlank();
      if (!this.atEnd()) {
        const ind = this.indentOf(this.line);
        if (ind > indent) return this.block(ind);
        if (inMap && ind === indent && this.isDash(this.contentStart(this.line))) return this.seq(indent);
      }
      return null;
    }
    if (i === i0 && inMap) bail(); // `key:value` needs the space
    let value: unknown;
    if (c === 0x22 || c === 0x27) {
      const q = this.quoted(i, end) ?? this.quotedLines(i, indent);
      this.restIsComment(q.after, this.lineEnd(this.line));
      value = q.value;
    } else if (c === 0x5b || c === 0x7b) {
      const f = new Flow(this.s, i, end);
      value = f.value();
      if (f.refKeys) this.refKeys = true;
      this.restIsComment(f.i, end);
    } else if (c === 0x7c || c === 0x3e) {
      return this.blockScalar(i, end, indent);
    } else {
      const first = this.plain(i, end);
      const folded = this.plainLines(first, this.commentAt(i, end) < end, indent);
      value = resolvePlain(folded ?? first);
    }
    this.line++;
    // A deeper line after an inline value continues it (a multi-line scalar) or is an error.
    this.skipBlank();
    if (!this.atEnd() && this.indentOf(this.line) > indent) bail();
    return value;
  }

  // ---- scalars -------------------------------------------------------------------------------

  /** A plain scalar in block context running to the end of the line (or a comment). */
  private plain(i: number, end: number): string {
    const c = this.s[i]!;
    if ('&*!|>%@`,[]{}#'.includes(c)) bail();
    if ((c === '-' || c === '?' || c === ':') && (i + 1 >= end || this.s[i + 1] === ' ')) bail();
    if (c === '?' || c === ':') bail();
    let j = this.commentAt(i, end);
    while (j > i && this.s.charCodeAt(j - 1) === 0x20) j--;
    const raw = this.s.slice(i, j);
    if (raw.includes(': ') || raw.endsWith(':')) bail();
    return raw;
  }

  /**
   * The lines that continue a plain scalar whose first line (`first`) is the current one, folded
   * as YAML 1.2 section 7.3.3 folds them (a line break between two lines is a space, each empty
   * line a line feed, each line trimmed), or undefined when no line continues it. A continuation
   * line sits deeper than `indent` (the owning key's or dash's column). Writers wrap long plain
   * strings this way (yaml's default lineWidth is 80), so most real specs hold them. Only the
   * unambiguous cases are read here; the rest (a comment before or between the lines, a line that
   * starts with an indicator or holds `: ` or ` #`) go to `yaml`. The scalar's offset is its first
   * character, as before, so positions do not change.
   */
  private plainLines(first: string, commented: boolean, indent: number): string | undefined {
    const last = this.starts.length - 1;
    let text = first;
    let breaks = 0;
    let lastLine = -1;
    for (let l = this.line + 1; l < last; l++) {
      const st = this.starts[l]!;
      const le = this.lineEnd(l);
      const at = st + this.indentOf(l);
      if (at >= le) {
        breaks++; // an empty (or spaces only) line: a line feed if more text follows
        continue;
      }
      if (at - st <= indent) break;
      // A comment line ends the scalar; a deeper line after it is yaml's error (checked by the caller).
      if (this.s.charCodeAt(at) === 0x23) break;
      if (commented) bail();
      if (continuationIndicator(this.s, at) || this.commentAt(at, le) < le) bail();
      let e = le;
      while (this.s.charCodeAt(e - 1) === 0x20) e--;
      const raw = this.s.slice(at, e);
      if (raw.includes(': ') || raw.endsWith(':')) bail();
      text += breaks === 0 ? ' ' : '\n'.repeat(breaks);
      text += raw;
      breaks = 0;
      lastLine = l;
    }
    if (lastLine === -1) return undefined;
    this.line = lastLine;
    return text;
  }

  /** Where a ` #` comment starts on this line (searching this line only), or `end`. */
  private commentAt(i: number, end: number): number {
    for (let j = this.hashFrom(i); j < end; j = this.hashFrom(j + 1)) {
      if (this.s.charCodeAt(j - 1) === 0x20) return j - 1;
    }
    return end;
  }

  /** [from, at]: `at` is the first `#` at or after every offset in that range (Infinity: none). */
  private hashSearch = { from: 1, at: 0 };

  /**
   * The first `#` at or after `i` (Infinity when none). Most lines hold none: searching each line
   * for one was a tenth of the read (#18); the answer is kept for the offsets up to it.
   */
  private hashFrom(i: number): number {
    const h = this.hashSearch;
    if (i < h.from || i > h.at) {
      const at = this.s.indexOf('#', i);
      h.from = i;
      h.at = at === -1 ? Number.POSITIVE_INFINITY : at;
    }
    return h.at;
  }

  /** A quoted scalar closed on its line, or undefined when it goes on to the next line. */
  private quoted(i: number, end: number): { value: string; after: number } | undefined {
    const close = this.s.charCodeAt(i) === 0x27 ? closeSingle(this.s, i + 1, end) : closeDouble(this.s, i + 1, end);
    if (close === -1) return undefined;
    const raw = this.s.slice(i + 1, close);
    return { value: this.s.charCodeAt(i) === 0x27 ? raw.replace(/''/g, "'") : unescapeDouble(raw), after: close + 1 };
  }

  /**
   * A quoted scalar in a value that starts at `i` on the current line and closes on a later one,
   * folded as YAML 1.2 sections 7.3.1 and 7.3.2 fold them: each line trimmed (its leading white
   * space always, its trailing white space unless escaped), a line break between two lines a
   * space, each empty line a line feed, and in double quotes a `\` at the end of a line joins it
   * to the next without a space. Writers wrap long quoted strings this way (yaml at lineWidth 80).
   * Every line after the first sits deeper than `indent`, or the file goes to `yaml`. Leaves the
   * current line on the closing quote's; the scalar's offset is still its opening quote.
   */
  private quotedLines(i: number, indent: number): { value: string; after: number } {
    const single = this.s.charCodeAt(i) === 0x27;
    const last = this.starts.length - 1;
    let from = i + 1;
    let value = '';
    let sep = ''; // what joins the next non-empty line: '' before the first, then a fold's result
    let breaks = 0;
    let joined = false; // the previous line ended in an escaped line break
    for (let l = this.line; l < last; l++) {
      const le = this.lineEnd(l);
      if (l > this.line) {
        from = this.starts[l]! + this.indentOf(l);
        if (from - this.starts[l]! <= indent && from < le) bail();
      }
      const close = single ? closeSingle(this.s, from, le) : closeDouble(this.s, from, le);
      if (close === -1 && from >= le && l > this.line) {
        breaks++; // an empty line
        continue;
      }
      let seg = this.s.slice(from, close === -1 ? le : close);
      let escapedBreak = false;
      if (close === -1) {
        // The line goes on: an escaped break keeps its white space; a fold trims it.
        if (!single && trailingBackslashes(seg) % 2 === 1) {
          escapedBreak = true;
          seg = seg.slice(0, -1);
        } else {
          let e = seg.length;
          while (seg.charCodeAt(e - 1) === 0x20) e--;
          if (e < seg.length && !single && trailingBackslashes(seg.slice(0, e)) % 2 === 1) e++; // `\ ` is an escaped space: kept
          seg = seg.slice(0, e);
        }
      }
      const piece = single ? seg.replace(/''/g, "'") : unescapeDouble(seg);
      // An escaped break before empty lines: yaml 2 reads them otherwise than YAML 1.2 says; its call.
      if (joined && breaks > 0) bail();
      if (l > this.line) value += joined ? '' : breaks > 0 ? '\n'.repeat(breaks) : sep;
      value += piece;
      breaks = 0;
      joined = escapedBreak;
      sep = ' ';
      if (close !== -1) {
        this.line = l;
        return { value, after: close + 1 };
      }
    }
    return bail();
  }

  /** Set by key(): the name positions look the key up by, and the offset just after its colon. */
  private keyName = '';
  private keyAfter = 0;

  /**
   * `key:` at `i`: the key as yaml's toJS names it (its lookup name and the offset after its colon
   * in keyName and keyAfter: no object per key, as a 10,000-operation spec has ~10^5 keys).
   */
  private key(i: number, end: number): string {
    const c = this.s.charCodeAt(i);
    if (c === 0x22 || c === 0x27) {
      const q = this.quoted(i, end) ?? bail();
      let j = q.after;
      while (j < end && this.s.charCodeAt(j) === 0x20) j++;
      if (this.s.charCodeAt(j) !== 0x3a) bail();
      const n = this.s.charCodeAt(j + 1);
      if (j + 1 < end && n !== 0x20) bail();
      if (q.after - i > 1000) bail();
      this.keyName = q.value;
      this.keyAfter = j + 1;
      return q.value;
    }
    const colon = this.keyColon(i, end);
    if (colon === -1) bail();
    let e = colon;
    while (e > i && this.s.charCodeAt(e - 1) === 0x20) e--;
    const raw = this.s.slice(i, e);
    if (raw.length === 0 || raw.length > 1000 || raw.includes(' #')) bail();
    const f = raw[0]!;
    if ('&*!|>%@`,[]{}#\'"'.includes(f) || ((f === '-' || f === '?' || f === ':') && (raw.length === 1 || raw[1] === ' '))) bail();
    if (f === '?' || f === ':') bail();
    this.keyAfter = colon + 1;
    const v = resolvePlain(raw);
    if (typeof v === 'string') {
      this.keyName = v;
      return v;
    }
    this.keyName = String(v);
    return v === null ? '' : this.keyName;
  }

  /** The colon ending a plain key on this line (followed by a space or the line's end), or -1. */
  private keyColon(i: number, end: number): number {
    for (let j = find(this.s, 0x3a, i, end); j < end; j = find(this.s, 0x3a, j + 1, end)) {
      if (j + 1 === end || this.s.charCodeAt(j + 1) === 0x20) return j;
    }
    return -1;
  }

  private looksLikeKey(i: number, end: number): boolean {
    const c = this.s.charCodeAt(i);
    if (c === 0x22 || c === 0x27) {
      try {
        const q = this.quoted(i, end);
        if (!q) return false;
        let j = q.after;
        while (j < end && this.s.charCodeAt(j) === 0x20) j++;
        return this.s.charCodeAt(j) === 0x3a;
      } catch (e) {
        if (e instanceof Bail) return false;
        throw e;
      }
    }
    if (c === 0x5b || c === 0x7b) return false;
    const colon = this.keyColon(i, end);
    if (colon === -1) return false;
    return this.commentAt(i, end) > colon;
  }

  /** `|` or `>` with optional chomping; content lines deeper than `indent`. */
  private blockScalar(i: number, end: number, indent: number): string {
    const folded = this.s[i] === '>';
    let j = i + 1;
    let chomp: 'clip' | 'strip' | 'keep' = 'clip';
    // Chomping and indentation indicators, in either order (`|2-`, `>-2`; YAML 1.2 8.1.1): an
    // explicit indentation is counted from the owning key's or dash's column.
    let explicit = 0;
    for (let k = 0; k < 2; k++) {
      const ch = this.s[j];
      if (chomp === 'clip' && ch === '-') (chomp = 'strip'), j++;
      else if (chomp === 'clip' && ch === '+') (chomp = 'keep'), j++;
      else if (explicit === 0 && ch !== undefined && ch >= '1' && ch <= '9') (explicit = Number(ch)), j++;
    }
    if (j < end && this.s[j] !== ' ') bail(); // junk
    this.restIsComment(j, end);
    // Content: every following line that is blank or indented at least n (the first content line's indent).
    let l = this.line + 1;
    const lines: string[] = [];
    let n = explicit > 0 ? indent + explicit : -1;
    let leading = 0;
    const last = this.starts.length - 1;
    for (; l < last; l++) {
      const st = this.starts[l]!;
      const le = this.lineEnd(l);
      const ind = this.indentOf(l);
      const blank = st + ind >= le;
      if (blank) {
        // Spaces past the indent are text (YAML 1.2 8.1.1.1); before the first text line they
        // may not outnumber its indent.
        if (n === -1) leading = Math.max(leading, le - st);
        lines.push(n !== -1 && le - st > n ? this.s.slice(st + n, le) : '');
        continue;
      }
      if (n === -1) {
        if (ind <= indent) break;
        n = ind;
        if (leading > n) bail();
      }
      if (ind < n) break;
      const text = this.s.slice(st + n, le);
      if (this.tabLines.has(l)) {
        // A tab in the text is text; a tab where indentation or a folded line's start is read is yaml's.
        if (/^[ \t]*$/.test(text) || (folded && text.charCodeAt(0) === 0x09)) bail();
        this.tabsRead++;
      }
      lines.push(text);
    }
    if (n === -1) bail(); // empty block scalar
    if (l >= last && !this.s.endsWith('\n')) bail();
    this.line = l;
    let trailing = 0;
    while (trailing < lines.length && lines[lines.length - 1 - trailing] === '') trailing++;
    const body = lines.slice(0, lines.length - trailing);
    let text: string;
    if (folded) {
      // YAML 1.2 section 8.1.3: a break between two text lines folds (a space, or the empty
      // lines' line feeds); a break next to a more-indented line is kept, with those line feeds.
      // Empty lines before the first text line are line feeds.
      let k = 0;
      while (body[k] === '') k++;
      text = '\n'.repeat(k) + (body[k] ?? '');
      let empties = 0;
      let prevSpaced = body[k]?.charCodeAt(0) === 0x20;
      for (k++; k < body.length; k++) {
        const line = body[k]!;
        if (line === '') {
          empties++;
          continue;
        }
        const spaced = line.charCodeAt(0) === 0x20;
        if (!prevSpaced && !spaced) text += empties > 0 ? '\n'.repeat(empties) + line : ` ${line}`;
        else text += `\n${'\n'.repeat(empties)}${line}`;
        empties = 0;
        prevSpaced = spaced;
      }
    } else text = body.join('\n');
    if (chomp === 'strip') return text;
    if (chomp === 'clip') return `${text}\n`;
    return `${text}\n${'\n'.repeat(trailing)}`;
  }
}

/** A flow collection closed on its line: `[a, "b"]`, `{ a: 1, b: [c] }`. */
class Flow {
  /** A map read has a `$ref` key. */
  refKeys = false;

  constructor(
    private readonly s: string,
    public i: number,
    private readonly end: number,
    /** Where each container's keys and items start, when offsetOf reads a flow collection again. */
    private readonly index?: Map<object, Index>,
  ) {}

  private ws(): void {
    while (this.i < this.end && this.s.charCodeAt(this.i) === 0x20) this.i++;
  }

  value(): unknown {
    this.ws();
    const c = this.s.charCodeAt(this.i);
    if (c === 0x5b) return this.seq();
    if (c === 0x7b) return this.map();
    if (c === 0x22 || c === 0x27) return this.quoted();
    return resolvePlain(this.plain());
  }

  private seq(): unknown[] {
    const out: unknown[] = [];
    const offsets: number[] = [];
    this.index?.set(out, offsets);
    this.i++;
    this.ws();
    if (this.s.charCodeAt(this.i) === 0x5d) {
      this.i++;
      return out;
    }
    for (;;) {
      this.ws();
      offsets.push(this.i);
      out.push(this.value());
      this.ws();
      const c = this.s.charCodeAt(this.i);
      this.i++;
      if (c === 0x5d) return out;
      if (c !== 0x2c) bail();
      this.ws();
      if (this.s.charCodeAt(this.i) === 0x5d) bail(); // trailing comma
    }
  }

  private map(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const keys: string[] = [];
    const offsets: number[] = [];
    this.index?.set(out, { keys, offsets });
    this.i++;
    this.ws();
    if (this.s.charCodeAt(this.i) === 0x7d) {
      this.i++;
      return out;
    }
    for (;;) {
      this.ws();
      const at = this.i;
      const c = this.s.charCodeAt(at);
      if (c === 0x5b || c === 0x7b) bail();
      const { key: k, name } = c === 0x22 || c === 0x27 ? { key: this.quoted(), name: '' } : keyNames(resolvePlain(this.plain()));
      this.ws();
      if (this.s.charCodeAt(this.i) !== 0x3a || this.s.charCodeAt(this.i + 1) !== 0x20) bail();
      this.i += 2;
      if (k === '__proto__' || k === '<<' || Object.prototype.hasOwnProperty.call(out, k)) bail();
      if (k === '$ref') this.refKeys = true;
      keys.push(c === 0x22 || c === 0x27 ? k : name);
      offsets.push(at);
      out[k] = this.value();
      this.ws();
      const n = this.s.charCodeAt(this.i);
      this.i++;
      if (n === 0x7d) return out;
      if (n !== 0x2c) bail();
      this.ws();
      if (this.s.charCodeAt(this.i) === 0x7d) bail();
    }
  }

  private quoted(): string {
    const single = this.s.charCodeAt(this.i) === 0x27;
    const close = single ? closeSingle(this.s, this.i + 1, this.end) : closeDouble(this.s, this.i + 1, this.end);
    if (close === -1) bail();
    const raw = this.s.slice(this.i + 1, close);
    this.i = close + 1;
    return single ? raw.replace(/''/g, "'") : unescapeDouble(raw);
  }

  /** A plain scalar in flow context: ends at , [ ] { } or `: `, a comment or the line's end. */
  private plain(): string {
    const start = this.i;
    const c = this.s[start];
    if (c === undefined || '&*!|>%@`#,[]{}\'"'.includes(c) || c === '?' || c === ':' || c === '-' && this.s[start + 1] === ' ') bail();
    let j = start;
    for (; j < this.end; j++) {
      const ch = this.s[j]!;
      if (ch === ',' || ch === '[' || ch === ']' || ch === '{' || ch === '}') break;
      if (ch === ':') {
        const n = this.s[j + 1];
        if (n === ' ' || n === ',' || n === '[' || n === ']' || n === '{' || n === '}' || j + 1 >= this.end) break;
      }
      if (ch === '#' && this.s[j - 1] === ' ') bail();
    }
    if (j >= this.end) bail(); // unclosed on this line
    const raw = this.s.slice(start, j).replace(/ +$/, '');
    if (raw === '') bail();
    this.i = j;
    return raw;
  }
}
