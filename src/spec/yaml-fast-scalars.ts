/**
 * The fast YAML reader's scalars in block context (see yaml-fast.ts): plain scalars and the lines
 * that continue them, quoted scalars closed on their line or wrapped over several, and keys
 * (`key:` as yaml's toJS names it, and whether a line holds one). Block scalars (`|`, `>`) are in
 * yaml-fast-block-scalar.ts; what a scalar's text means is in yaml-fast-resolve.ts.
 */
import { bail, Bail, find, Lines } from './yaml-fast-lines.js';
import { closeDouble, closeSingle, resolvePlain, trailingBackslashes, unescapeDouble } from './yaml-fast-resolve.js';

// A continuation line of a plain scalar may start with any character but `#` (YAML 1.2 7.3.3:
// indicators only matter on a scalar's first line; yaml 2 reads `- x` and `? x` there as text);
// a line starting `: ` is left to `yaml` (it reads a new key there).
const continuationIndicator = (s: string, at: number): boolean => {
  if (s.charCodeAt(at) !== 0x3a) return false;
  const n = s.charCodeAt(at + 1);
  return n === 0x20 || n === 0x0a || Number.isNaN(n);
};

/** Reads scalars and keys on the line table; the block reader (yaml-fast-block.ts) builds on it. */
export class Scalars extends Lines {
  /** A plain scalar in block context running to the end of the line (or a comment). */
  plain(i: number, end: number): string {
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
  plainLines(first: string, commented: boolean, indent: number): string | undefined {
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


  /** A quoted scalar closed on its line, or undefined when it goes on to the next line. */
  quoted(i: number, end: number): { value: string; after: number } | undefined {
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
  quotedLines(i: number, indent: number): { value: string; after: number } {
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
  keyName = '';
  keyAfter = 0;

  /**
   * `key:` at `i`: the key as yaml's toJS names it (its lookup name and the offset after its colon
   * in keyName and keyAfter: no object per key, as a 10,000-operation spec has ~10^5 keys).
   */
  key(i: number, end: number): string {
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
  keyColon(i: number, end: number): number {
    for (let j = find(this.s, 0x3a, i, end); j < end; j = find(this.s, 0x3a, j + 1, end)) {
      if (j + 1 === end || this.s.charCodeAt(j + 1) === 0x20) return j;
    }
    return -1;
  }

  looksLikeKey(i: number, end: number): boolean {
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
}
