/**
 * The fast YAML reader's positions (see yaml-fast.ts): the offset `yaml` would give a pointer's
 * node (a key's start, an item's node), found again in the text only when a diagnostic asks.
 */
import { Flow, flowOffsetOf, type Index } from './yaml-fast-flow.js';
import { MAY_RESOLVE } from './yaml-fast-resolve.js';
import type { Scalars } from './yaml-fast-scalars.js';

/**
 * A block container found again in the text when a position is asked for (#18: the read keeps
 * no offsets, which were a fifth of its time and most of its garbage): a map by its first key,
 * a sequence by its first dash, each with the column its keys or dashes sit at; a flow
 * collection by its opening bracket. Undefined for a scalar or an empty value.
 */
export type Where = { kind: 'map' | 'seq'; indent: number; line: number; at: number } | { kind: 'flow'; line: number; at: number } | undefined;

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

/**
 * Finds a pointer's offset in the text of a file the reader read (see FastYaml.offsetOf): the read
 * keeps no offsets (#18: they were a fifth of its time and most of its garbage), so the containers
 * on a pointer's way are found again by their columns, each read once and kept.
 */
export class Locator {
  /** Block containers already found again by offsetOf, by first key or first dash offset. */
  private readonly maps = new Map<number, MapEntries>();
  private readonly seqs = new Map<number, SeqItems>();

  /**
   * @param r the reader that read the file (its line table, key and key-test readers)
   * @param data what it read
   * @param root where the root map starts (its first key's line and offset)
   */
  constructor(
    private readonly r: Scalars,
    private readonly data: unknown,
    private readonly root: { line: number; at: number },
  ) {}

  /**
   * The offset the read would have recorded for `tokens`, found by following them through the
   * text from the root (each container on the way read once, then cached), while the data is
   * followed beside it as yaml's lookup follows it: a key is matched by its lookup name (the
   * first of that name), the walk goes on into the data's value of that token.
   */
  offsetOf(tokens: readonly string[]): number {
    let node: unknown = this.data;
    let where: Where = { kind: 'map', indent: 0, line: this.root.line, at: this.root.at };
    let best = this.root.at;
    for (let t = 0; t < tokens.length; t++) {
      if (node === null || typeof node !== 'object' || where === undefined) break;
      if (where.kind === 'flow') {
        const index = new Map<object, Index>();
        const value = new Flow(this.r.s, where.at, this.r.lineEnd(where.line), index).value();
        return flowOffsetOf(value, index, best, tokens.slice(t));
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
        const c = this.r.s.charCodeAt(at);
        // A plain key's name is its text unless resolvePlain may read it otherwise (null, a bool
        // or a number: MAY_RESOLVE) or it is quoted: other keys are told apart by their first character.
        if (c === first || c === 0x22 || c === 0x27 || MAY_RESOLVE[c] === 1) {
          const key = this.r.key(at, this.r.lineEnd(l));
          if (this.r.keyName === token) {
            if (key !== token) break; // named like the token, another data key (`null:`): read whole below
            return { offset: at, value: this.valueWhere(l, this.r.keyAfter, where.indent) };
          }
        }
        l = this.nextLineAt(l, where.indent, false);
        if (l === -1) return undefined;
        at = this.r.contentStart(l);
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
    const last = this.r.starts.length - 1;
    for (let n = l + 1; n < last; n++) {
      const ind = this.r.indents[n]!;
      if (ind > indent || this.r.isBlank(n)) continue;
      if (ind < indent) return -1;
      if (this.r.isDash(this.r.starts[n]! + ind) === dash) return n;
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
      m.keys.push(this.r.key(at, this.r.lineEnd(l)));
      m.names.push(this.r.keyName);
      m.offsets.push(at);
      m.lines.push(l);
      m.afters.push(this.r.keyAfter);
      l = this.nextLineAt(l, where.indent, false);
      if (l === -1) break;
      at = this.r.contentStart(l);
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
      dash = this.r.contentStart(l);
    }
  }

  /** The item after the dash at `dash` on line `l`: its offset (the block below when the dash ends its line, as seq() reads it) and line. */
  private itemAt(l: number, dash: number): { offset: number; line: number } {
    const end = this.r.lineEnd(l);
    let i = dash + 1;
    while (i < end && this.r.s.charCodeAt(i) === 0x20) i++;
    if (i < end && this.r.s.charCodeAt(i) !== 0x23) return { offset: i, line: l };
    let n = l + 1;
    while (this.r.isBlank(n)) n++;
    return { offset: this.r.contentStart(n), line: n };
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
      dash = this.r.contentStart(l);
    }
    this.seqs.set(where.at, items);
    return items;
  }

  /** What a sequence item at `at` on line `l` is (as seq() reads it). */
  private itemWhere(at: number, l: number): Where {
    if (at === this.r.contentStart(l)) return this.blockWhere(l); // the block below its dash
    const column = at - this.r.starts[l]!;
    if (this.r.isDash(at)) return { kind: 'seq', indent: column, line: l, at };
    const end = this.r.lineEnd(l);
    if (this.r.looksLikeKey(at, end)) return { kind: 'map', indent: column, line: l, at };
    const c = this.r.s.charCodeAt(at);
    return c === 0x5b || c === 0x7b ? { kind: 'flow', line: l, at } : undefined;
  }

  /** What the value of a key on line `l` (its colon just before `after`) is, the key at column `indent` (as valueAfter() reads it). */
  private valueWhere(l: number, after: number, indent: number): Where {
    const end = this.r.lineEnd(l);
    let i = after;
    while (i < end && this.r.s.charCodeAt(i) === 0x20) i++;
    const c = this.r.s.charCodeAt(i);
    if (i === end || (c === 0x23 && i > after)) {
      const last = this.r.starts.length - 1;
      let n = l + 1;
      while (n < last && this.r.isBlank(n)) n++;
      if (n >= last) return undefined;
      const ind = this.r.indents[n]!;
      if (ind > indent) return this.blockWhere(n);
      if (ind === indent && this.r.isDash(this.r.contentStart(n))) return { kind: 'seq', indent, line: n, at: this.r.contentStart(n) };
      return undefined;
    }
    return c === 0x5b || c === 0x7b ? { kind: 'flow', line: l, at: i } : undefined;
  }

  /** The map or sequence starting on line `l` (as block() reads it). */
  private blockWhere(l: number): Where {
    const at = this.r.contentStart(l);
    return { kind: this.r.isDash(at) ? 'seq' : 'map', indent: this.r.indents[l]!, line: l, at };
  }

}
