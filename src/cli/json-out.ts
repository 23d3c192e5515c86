/**
 * `JSON.stringify(value, null, 2)` handed out in pieces as it is made, for printing a large result
 * without first building it as one string (#18: `gwc lint --format json` on 10,000 operations
 * printed a 45 MB string, and it and its copies on the way out were a fifth of the run's peak
 * memory).
 *
 * Each chunk is a run of complete lines without the last line break, so printing every chunk with
 * `console.log` (oclif's `this.log`, which adds one) writes exactly `JSON.stringify(value, null, 2)`
 * and its final newline, byte for byte. Plain data only (what the commands print): plain objects
 * and arrays are walked down to `depth`; anything below, or not plain, is `JSON.stringify`'s own
 * text, re-indented (its line breaks are all layout: one inside a string is written `\n`).
 * test/cli/json-out.test.ts holds it equal to `JSON.stringify` on generated values.
 */

/** A chunk is handed out once it holds about this many characters. */
const CHUNK = 1 << 16;
const INDENT = '  ';

export function emitJson(value: unknown, emit: (chunk: string) => void, depth = 2): void {
  let buf = '';
  // A piece that starts with '\n' starts a line: the buffer may be handed out just before it.
  const put = (piece: string) => {
    if (buf.length >= CHUNK && piece.charCodeAt(0) === 0x0a) {
      emit(buf);
      buf = piece.slice(1);
    } else buf += piece;
  };
  // False when the value has no JSON text (undefined, a function, a symbol), as JSON.stringify says.
  const walk = (v: unknown, level: number): boolean => {
    if (level >= depth || v === null || typeof v !== 'object' || !plain(v)) {
      const text = JSON.stringify(v, null, 2) as string | undefined;
      if (text === undefined) return false;
      put(level === 0 ? text : text.replaceAll('\n', `\n${INDENT.repeat(level)}`));
      return true;
    }
    const inner = `\n${INDENT.repeat(level + 1)}`;
    if (Array.isArray(v)) {
      if (v.length === 0) return (put('[]'), true);
      if (level + 1 >= depth) return (leaves(v, level), true);
      for (let i = 0; i < v.length; i++) {
        put(i === 0 ? '[' : ',');
        put(inner);
        if (!walk(v[i], level + 1)) put('null');
      }
      put(`\n${INDENT.repeat(level)}]`);
      return true;
    }
    let first = true;
    for (const k of Object.keys(v)) {
      const child = (v as Record<string, unknown>)[k];
      if (child === undefined || typeof child === 'function' || typeof child === 'symbol') continue;
      put(first ? '{' : ',');
      put(`${inner}${JSON.stringify(k)}: `);
      first = false;
      walk(child, level + 1);
    }
    put(first ? '{}' : `\n${INDENT.repeat(level)}}`);
    return true;
  };
  // An array whose elements are all JSON.stringify's own text (below `depth`): its elements in
  // batches, each batch one JSON.stringify of the batch nested in `level` arrays, so that the
  // batch's elements come out at their own indentation, and cut out of that text. Each element
  // was one JSON.stringify and one re-indenting copy before (#18: 41,000 diagnostics, the
  // largest part of printing lint's result); an element without JSON text is `null` either way.
  const leaves = (v: unknown[], level: number) => {
    // The text before the batch's first element: `level` wrapper lines and the batch's `[`.
    let open = 0;
    let close = 0;
    for (let k = 0; k <= level; k++) {
      open += 2 * k + 1 + (k < level ? 1 : 0);
      close += 2 * k + 2;
    }
    // Batches of about BATCH_CHARS characters, sized by the elements so far: a text past ~128 KB
    // is a large object, which only a full garbage collection frees (#18: 44 MB of them).
    let size = 16;
    for (let i = 0; i < v.length; ) {
      const end = Math.min(v.length, i + size);
      let wrapped: unknown = v.slice(i, end);
      for (let k = 0; k < level; k++) wrapped = [wrapped];
      const text = JSON.stringify(wrapped, null, 2);
      put(i === 0 ? '[' : ',');
      // Starts with the line break before the first element: the buffer may be handed out there.
      put(text.slice(open, text.length - close));
      size = Math.max(1, Math.floor((BATCH_CHARS * (end - i)) / text.length));
      i = end;
    }
    put(`\n${INDENT.repeat(level)}]`);
  };
  walk(value, 0);
  if (buf) emit(buf);
}

/** About how many characters of a leaf array are stringified at once (see `leaves`). */
const BATCH_CHARS = 1 << 14;

/** A plain object or array without its own toJSON: walked here; anything else is JSON.stringify's. */
function plain(v: object): boolean {
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return false;
  if (Array.isArray(v)) return true;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}
