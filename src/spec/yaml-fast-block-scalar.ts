/**
 * Block scalars (`|` literal, `>` folded) for the fast YAML reader (see yaml-fast.ts), read as
 * YAML 1.2 chapter 8 and yaml 2 read them: chomping, indentation indicators, more-indented lines
 * in folded text, and tabs that are text. A tab where indentation is read goes to `yaml`.
 */
import { bail, type Lines } from './yaml-fast-lines.js';

/**
 * The block scalar (`|` or `>`, optional chomping and indentation indicators) whose indicator is at
 * `i` on the reader's current line; content lines sit deeper than `indent` (the owning key's or
 * dash's column). Leaves the reader's current line on the first line after it.
 */
export function blockScalar(r: Lines, i: number, end: number, indent: number): string {
  const folded = r.s[i] === '>';
  let j = i + 1;
  let chomp: 'clip' | 'strip' | 'keep' = 'clip';
  // Chomping and indentation indicators, in either order (`|2-`, `>-2`; YAML 1.2 8.1.1): an
  // explicit indentation is counted from the owning key's or dash's column.
  let explicit = 0;
  for (let k = 0; k < 2; k++) {
    const ch = r.s[j];
    if (chomp === 'clip' && ch === '-') (chomp = 'strip'), j++;
    else if (chomp === 'clip' && ch === '+') (chomp = 'keep'), j++;
    else if (explicit === 0 && ch !== undefined && ch >= '1' && ch <= '9') (explicit = Number(ch)), j++;
  }
  if (j < end && r.s[j] !== ' ') bail(); // junk
  r.restIsComment(j, end);
  // Content: every following line that is blank or indented at least n (the first content line's indent).
  let l = r.line + 1;
  const lines: string[] = [];
  let n = explicit > 0 ? indent + explicit : -1;
  let leading = 0;
  const last = r.starts.length - 1;
  for (; l < last; l++) {
    const st = r.starts[l]!;
    const le = r.lineEnd(l);
    const ind = r.indentOf(l);
    const blank = st + ind >= le;
    if (blank) {
      // Spaces past the indent are text (YAML 1.2 8.1.1.1); before the first text line they
      // may not outnumber its indent.
      if (n === -1) leading = Math.max(leading, le - st);
      lines.push(n !== -1 && le - st > n ? r.s.slice(st + n, le) : '');
      continue;
    }
    if (n === -1) {
      if (ind <= indent) break;
      n = ind;
      if (leading > n) bail();
    }
    if (ind < n) break;
    const text = r.s.slice(st + n, le);
    if (r.tabLines.has(l)) {
      // A tab in the text is text; a tab where indentation or a folded line's start is read is yaml's.
      if (/^[ \t]*$/.test(text) || (folded && text.charCodeAt(0) === 0x09)) bail();
      r.tabsRead++;
    }
    lines.push(text);
  }
  if (n === -1) bail(); // empty block scalar
  if (l >= last && !r.s.endsWith('\n')) bail();
  r.line = l;
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
