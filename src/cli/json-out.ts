/**
 * `JSON.stringify(value, null, 2)` handed out in pieces as it is made, for printing a large result
 * without first building it as one string (#18: `gwc lint --format json` on 10,000 operations
 * printed a 45 MB string, and it and its copies on the way out were a fifth of the run's peak
 * memory).
 *
 * `emitJson`: each chunk is a run of complete lines without the last line break, so printing every
 * chunk with `console.log` (oclif's `this.log`, which adds one) writes exactly
 * `JSON.stringify(value, null, 2)` and its final newline, byte for byte. `writeJson`: the same
 * bytes, line break included, as UTF-8 chunks for a stream (`writeStdout`), with fewer copies of
 * the text on the way (below). Plain data only (what the commands print): plain objects and arrays
 * are walked down to `depth`; anything below, or not plain, is `JSON.stringify`'s own text,
 * re-indented (its line breaks are all layout: one inside a string is written `\n`). A `JsonList`
 * is an array whose elements are made as they are printed.
 * test/cli/json-out.test.ts holds both equal to `JSON.stringify` on generated values.
 */

/** A chunk is handed out once it holds about this many characters (bytes for writeJson). */
const CHUNK = 1 << 16;
const INDENT = '  ';

/**
 * An array, for JSON, of `shape(item)` for each item, each shaped only when it is printed (#18:
 * `gwc lint --format json` shaped its 41,000 diagnostics into objects all alive at once; in
 * batches they die young). `toJSON` gives the array, so JSON.stringify and anything else that
 * serialises it read the same text.
 */
export class JsonList<T> {
  #items: readonly T[] | (() => readonly T[]);

  /** `items`: the list, or what makes it when the list is first read (lint's stylish run never prints it). */
  constructor(
    items: readonly T[] | (() => readonly T[]),
    readonly shape: (item: T) => unknown,
  ) {
    this.#items = items;
  }

  get items(): readonly T[] {
    if (typeof this.#items === 'function') this.#items = this.#items();
    return this.#items;
  }

  get length(): number {
    return this.items.length;
  }

  /** The shaped elements `start` to `end` (exclusive), as an array. */
  slice(start: number, end: number): unknown[] {
    const out: unknown[] = [];
    for (let i = start; i < end; i++) out.push(this.shape(this.items[i]!));
    return out;
  }

  toJSON(): unknown[] {
    return this.slice(0, this.items.length);
  }
}

/** Where the walk's text goes: a piece as it is, or the part `start`..`end` of a longer text, not cut out first. */
interface Out {
  put(piece: string): void;
  cut(text: string, start: number, end: number): void;
}

export function emitJson(value: unknown, emit: (chunk: string) => void, depth = 2): void {
  let buf = '';
  // A piece that starts with '\n' starts a line: the buffer may be handed out just before it.
  const put = (piece: string) => {
    if (buf.length >= CHUNK && piece.charCodeAt(0) === 0x0a) {
      emit(buf);
      buf = piece.slice(1);
    } else buf += piece;
  };
  walkJson(value, { put, cut: (text, start, end) => put(text.slice(start, end)) }, depth);
  if (buf) emit(buf);
}

/**
 * `JSON.stringify(value, null, 2)` and a line break, as UTF-8, handed to `write` in chunks of about
 * 64 KB. A chunk is `write`'s to keep unless it returns true (done with it: the next chunk is made
 * in the same memory). A leaf batch's text is encoded whole into memory kept for that, and its part
 * copied from the bytes (the indentation wrappers around it are ASCII, so its byte offsets are its
 * character offsets): the text is stringified, encoded and copied once each, where emitJson and
 * console.log cut it, join it into a chunk, add the line break and encode it (#18). Buffers made
 * per batch or per chunk were 90 MB of memory outside the heap on lint 10k, freed only when a
 * garbage collection ran: 25 MB of peak RSS.
 */
export function writeJson(value: unknown, write: (chunk: Uint8Array) => boolean | void, depth = 2): void {
  let chunk = Buffer.allocUnsafe(CHUNK);
  let at = 0;
  let scratch = Buffer.allocUnsafe(0);
  const flush = () => {
    if (at === 0) return;
    if (write(chunk.subarray(0, at)) !== true) chunk = Buffer.allocUnsafe(CHUNK);
    at = 0;
  };
  const bytes = (b: Uint8Array) => {
    for (let from = 0; from < b.length; ) {
      if (at === CHUNK) flush();
      const n = Math.min(CHUNK - at, b.length - from);
      chunk.set(b.subarray(from, from + n), at);
      at += n;
      from += n;
    }
  };
  // UTF-8 takes at most three bytes per UTF-16 unit: a piece that surely fits is encoded in place.
  const put = (piece: string) => {
    if (piece.length * 3 <= CHUNK - at) at += chunk.write(piece, at);
    else bytes(Buffer.from(piece));
  };
  const cut = (text: string, start: number, end: number) => {
    if (scratch.length < text.length * 3) scratch = Buffer.allocUnsafe(text.length * 3);
    const length = scratch.write(text);
    bytes(scratch.subarray(start, length - (text.length - end)));
  };
  walkJson(value, { put, cut }, depth);
  put('\n');
  flush();
}

function walkJson(value: unknown, out: Out, depth: number): void {
  const { put } = out;
  // False when the value has no JSON text (undefined, a function, a symbol), as JSON.stringify says.
  const walk = (v: unknown, level: number): boolean => {
    if (v instanceof JsonList && level < depth) return (list(v, level), true);
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
  // A JsonList is its shaped elements: walked as the array of them would be, shaped a batch at a time.
  const list = (v: JsonList<unknown>, level: number) => {
    if (v.length === 0) return put('[]');
    if (level + 1 >= depth) return leaves(v, level);
    const inner = `\n${INDENT.repeat(level + 1)}`;
    for (let i = 0; i < v.length; i++) {
      put(i === 0 ? '[' : ',');
      put(inner);
      if (!walk(v.slice(i, i + 1)[0], level + 1)) put('null');
    }
    put(`\n${INDENT.repeat(level)}]`);
  };
  // An array whose elements are all JSON.stringify's own text (below `depth`): its elements in
  // batches, each batch one JSON.stringify of the batch nested in `level` arrays, so that the
  // batch's elements come out at their own indentation, and cut out of that text. Each element
  // was one JSON.stringify and one re-indenting copy before (#18: 41,000 diagnostics, the
  // largest part of printing lint's result); an element without JSON text is `null` either way.
  const leaves = (v: { length: number; slice(start: number, end: number): unknown[] }, level: number) => {
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
      out.cut(text, open, text.length - close);
      size = Math.max(1, Math.floor((BATCH_CHARS * (end - i)) / text.length));
      i = end;
    }
    put(`\n${INDENT.repeat(level)}]`);
  };
  walk(value, 0);
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

/**
 * Writes to stdout as `console.log` does (oclif's `this.log`), errors included: an error writing
 * (EPIPE when the reader has gone, as `gwc lint | head` does) is ignored, not thrown or left to
 * crash the process as an unhandled 'error' event (Node's lib/internal/console/constructor.js,
 * kWriteToConsole and createWriteErrorHandler). True when the stream holds nothing back, so
 * `chunk` was written and is free again (writeJson): stdout to a file, or to a pipe or terminal
 * on Linux, is written before `write` returns; a write still pending keeps it.
 */
export function writeStdout(chunk: Uint8Array): boolean {
  const stream = process.stdout;
  let free = false;
  try {
    if (stream.listenerCount('error') === 0) stream.once('error', noop);
    stream.write(chunk, (err) => {
      if (err && !(stream as { _writableState?: { errorEmitted?: boolean } })._writableState?.errorEmitted && stream.listenerCount('error') === 0) stream.once('error', noop);
    });
    free = stream.writableLength === 0;
  } catch (e) {
    if (e instanceof RangeError && /call stack/i.test(e.message)) throw e;
  } finally {
    stream.removeListener('error', noop);
  }
  return free;
}

function noop(): void {}
