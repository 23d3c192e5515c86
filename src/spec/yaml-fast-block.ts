/**
 * The fast YAML reader's block structure (see yaml-fast.ts): the document, block maps and
 * sequences, and the value after each key or dash (scalars from yaml-fast-scalars.ts and
 * yaml-fast-block-scalar.ts, flow collections from yaml-fast-flow.ts).
 */
import { blockScalar } from './yaml-fast-block-scalar.js';
import { Flow } from './yaml-fast-flow.js';
import { bail } from './yaml-fast-lines.js';
import { exactArray, isSparseIndex, StringPool, useSparseElements } from './yaml-fast-memory.js';
import { resolvePlain } from './yaml-fast-resolve.js';
import { Scalars } from './yaml-fast-scalars.js';

/**
 * The fast YAML reader's block collections (see yaml-fast.ts): maps by their keys' column,
 * sequences by their dashes', the value after a key or dash, and the checks that send a repeated
 * key, a merge key or `__proto__` to `yaml`.
 */
export class BlockReader extends Scalars {
  /** A map read so far has a `$ref` key (FastYaml.refKeys). */
  refKeys = false;
  /** Where the root map starts: its first key's line and offset (set by read()). */
  root = { line: 0, at: 0 };
  /** Short values shared while reading (StringPool); emptied when the read ends. */
  private readonly strings = new StringPool();

  /** The whole text, a block map at column 0 (what a spec is); bails on anything else. */
  read(): Record<string, unknown> {
    this.skipBlank();
    if (this.atEnd() || this.indentOf(this.line) !== 0) bail();
    this.root = { line: this.line, at: this.contentStart(this.line) };
    const data = this.map(0);
    this.skipBlank();
    if (!this.atEnd() || this.tabsRead !== this.tabLines.size) bail();
    this.tabLines.clear();
    this.strings.clear();
    return data;
  }

  // ---- block collections -------------------------------------------------------------------

  /** A block map whose keys sit at column `indent`; the current line holds its first key. */
  map(indent: number, firstAt?: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    let sparse = false;
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
      if (!sparse && isSparseIndex(key)) sparse = (useSparseElements(out), true); // a responses map's '200'
      out[key] = this.valueAfter(after, end, indent, true);
      at = undefined;
    }
    return out;
  }

  /**
   * A block sequence whose dashes sit at column `indent`; the current line holds its first item,
   * at `firstAt` when that is not the line's first dash (`- - a`, a compact nested sequence).
   */
  seq(indent: number, firstAt?: number): unknown[] {
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
    return exactArray(out);
  }

  /** A map or a sequence starting on the current line at column `indent`. */
  block(indent: number): unknown {
    const at = this.contentStart(this.line);
    if (this.isDash(at)) return this.seq(indent);
    if (!this.looksLikeKey(at, this.lineEnd(this.line))) bail();
    return this.map(indent);
  }

  /**
   * The value that starts at `i` on the current line (after `key:` or `- `), or on the lines
   * after it. `indent` is the column of the key or dash that owns it.
   */
  valueAfter(i0: number, end: number, indent: number, inMap: boolean): unknown {
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
      value = this.strings.share(q.value);
    } else if (c === 0x5b || c === 0x7b) {
      const f = new Flow(this.s, i, end);
      value = f.value();
      if (f.refKeys) this.refKeys = true;
      this.restIsComment(f.i, end);
    } else if (c === 0x7c || c === 0x3e) {
      return blockScalar(this, i, end, indent);
    } else {
      const first = this.plain(i, end);
      const folded = this.plainLines(first, this.commentAt(i, end) < end, indent);
      value = resolvePlain(folded ?? first);
      if (typeof value === 'string') value = this.strings.share(value);
    }
    this.line++;
    // A deeper line after an inline value continues it (a multi-line scalar) or is an error.
    this.skipBlank();
    if (!this.atEnd() && this.indentOf(this.line) > indent) bail();
    return value;
  }
}
