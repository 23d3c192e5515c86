/**
 * The fast YAML reader's text layer (see yaml-fast.ts): the line table and the line-level checks
 * shared by the reading (yaml-fast-block.ts, yaml-fast-scalars.ts) and the position finder
 * (yaml-fast-positions.ts), and the Bail that sends a file to `yaml`.
 */
/** Thrown where the text leaves the fast path's subset: readFastYaml then answers undefined and the file goes to `yaml`. */
export class Bail extends Error {}

/** The first `code` in s[i, end), or `end`: searches stay on their line (indexOf would run on to the file's end). */
export function find(s: string, code: number, i: number, end: number): number {
  let j = i;
  while (j < end && s.charCodeAt(j) !== code) j++;
  return j;
}
/** Gives the file up to `yaml` (see Bail). */
export const bail = (): never => {
  throw new Bail();
};

// Characters a file on the fast path may not hold anywhere: CR (line ends get subtle), C0/C1
// controls, BOM and Unicode line separators (yaml reports or treats them specially).
export const UNSUPPORTED = /[\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff\u2028\u2029]/;

/**
 * The text's line table and the line-level reading every part of the reader shares: where each
 * line starts and how far it is indented (counted once, #18), blank and comment lines, document
 * markers, dashes, and the one kept search for `#`. Its members are the reader's internals (the
 * reading, block scalars and the position finder read them), not an API.
 */
export class Lines {
  /**
   * Start offset of each line; a final entry one past the text's end. Typed arrays of exactly
   * the line count: the table lives as long as the file's positions may be asked for (the whole
   * run), and as number[] grown by push it was ~4 MB of the 10,000-operation spec's heap (#18).
   */
  readonly starts: Int32Array;
  /** Leading spaces of each line (read many times per line: counted once, #18). */
  readonly indents: Int32Array;
  line = 0;

  /**
   * Lines holding a tab (indentation and separation get subtle with tabs): the file goes to
   * `yaml` unless each is text inside a block scalar (GitHub's markdown tables hold some).
   */
  readonly tabLines = new Set<number>();
  tabsRead = 0;

  constructor(readonly s: string) {
    // The lines are counted first (indexOf finds line feeds fast), so the tables are written in
    // place at their final size: pushing to arrays and copying them was ~40% of this (#18).
    let feeds = 0;
    for (let nl = s.indexOf('\n'); nl !== -1; nl = s.indexOf('\n', nl + 1)) feeds++;
    const lines = s.endsWith('\n') ? feeds : feeds + 1;
    const starts = new Int32Array(lines + 1);
    const indents = new Int32Array(lines);
    // One pass: each line's indent, then its end (#18).
    for (let st = 0, l = 0; ; l++) {
      let i = st;
      while (s.charCodeAt(i) === 0x20) i++;
      const nl = s.indexOf('\n', i);
      if (nl === -1) {
        // The last entry ends the last line: the text's end, or the start of the (empty) line after a final newline.
        if (!s.endsWith('\n')) {
          indents[l] = i - st;
          starts[l + 1] = s.length + 1;
        }
        break;
      }
      indents[l] = i - st;
      st = nl + 1;
      starts[l + 1] = st;
    }
    this.starts = starts;
    this.indents = indents;
    for (let t = s.indexOf('\t'), l = 0; t !== -1; t = s.indexOf('\t', t + 1)) {
      while (this.starts[l + 1]! <= t) l++;
      this.tabLines.add(l);
    }
  }

  atEnd(): boolean {
    return this.line >= this.starts.length - 1;
  }

  lineEnd(l: number): number {
    return this.starts[l + 1]! - 1;
  }

  indentOf(l: number): number {
    return this.indents[l]!;
  }

  contentStart(l: number): number {
    return this.starts[l]! + this.indentOf(l);
  }

  /** Blank or comment-only line. */
  isBlank(l: number): boolean {
    const i = this.contentStart(l);
    return i >= this.lineEnd(l) || this.s.charCodeAt(i) === 0x23;
  }

  skipBlank(): void {
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
  restIsComment(i: number, end: number): void {
    let j = i;
    while (j < end && this.s.charCodeAt(j) === 0x20) j++;
    if (j === end) return;
    if (this.s.charCodeAt(j) === 0x23 && j > i) return;
    bail();
  }

  isDash(i: number): boolean {
    if (this.s.charCodeAt(i) !== 0x2d) return false;
    const n = this.s.charCodeAt(i + 1);
    return n === 0x20 || n === 0x0a || Number.isNaN(n);
  }

  /** Where a ` #` comment starts on this line (searching this line only), or `end`. */
  commentAt(i: number, end: number): number {
    for (let j = this.hashFrom(i); j < end; j = this.hashFrom(j + 1)) {
      if (this.s.charCodeAt(j - 1) === 0x20) return j - 1;
    }
    return end;
  }

  /** [from, at]: `at` is the first `#` at or after every offset in that range (Infinity: none). */
  hashSearch = { from: 1, at: 0 };

  /**
   * The first `#` at or after `i` (Infinity when none). Most lines hold none: searching each line
   * for one was a tenth of the read (#18); the answer is kept for the offsets up to it.
   */
  hashFrom(i: number): number {
    const h = this.hashSearch;
    if (i < h.from || i > h.at) {
      const at = this.s.indexOf('#', i);
      h.from = i;
      h.at = at === -1 ? Number.POSITIVE_INFINITY : at;
    }
    return h.at;
  }
}
