/**
 * Flow collections (`[a, "b"]`, `{ a: 1, b: [c] }`) closed on their line, for the fast YAML reader
 * (see yaml-fast.ts), and the offset of a pointer inside one: such a collection is read again
 * with its keys' and items' offsets when a position is asked for (it is short, and rare).
 */
import { bail } from './yaml-fast-lines.js';
import { exactArray, isSparseIndex, useSparseElements } from './yaml-fast-memory.js';
import { closeDouble, closeSingle, keyNames, resolvePlain, unescapeDouble } from './yaml-fast-resolve.js';

/** Offsets for one flow container: a map's keys (insertion order) or a sequence's items. */
export interface MapIndex {
  keys: string[];
  offsets: number[];
  byKey?: Map<string, number>;
}
export type Index = MapIndex | number[];

/** A flow collection closed on its line: `[a, "b"]`, `{ a: 1, b: [c] }`. */
export class Flow {
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
      // Read again for positions, the index holds `out` itself.
      if (c === 0x5d) return this.index ? out : exactArray(out);
      if (c !== 0x2c) bail();
      this.ws();
      if (this.s.charCodeAt(this.i) === 0x5d) bail(); // trailing comma
    }
  }

  private map(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    let sparse = false;
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
      if (!sparse && isSparseIndex(k)) sparse = (useSparseElements(out), true);
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

/**
 * The offset of `tokens` inside a flow collection read again with its offsets (`index`), from
 * `from` (the offset of the collection's own node), as offsetOf answers for block containers.
 */
export function flowOffsetOf(root: unknown, index: Map<object, Index>, from: number, tokens: readonly string[]): number {
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
