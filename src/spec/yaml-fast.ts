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
import type { Position } from '../diagnostics/diagnostic.js';
import { BlockReader } from './yaml-fast-block.js';
import { Bail, UNSUPPORTED } from './yaml-fast-lines.js';
import { Locator } from './yaml-fast-positions.js';

export { resolvePlain } from './yaml-fast-resolve.js';

// The reader is split by concern: yaml-fast-lines.ts (line table, Bail), yaml-fast-resolve.ts
// (what a scalar's text means), yaml-fast-scalars.ts (plain, quoted, keys),
// yaml-fast-block-scalar.ts (| and >), yaml-fast-flow.ts ([...] and {...}), yaml-fast-block.ts
// (block maps and sequences), yaml-fast-positions.ts (a pointer's offset, found when asked),
// yaml-fast-memory.ts (maps, sequences and short strings built as small as JSON.parse's).
// bench/yaml-fast-compare.ts holds a change to any of them to a reference build, pointer by pointer.

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
  /**
   * Line and column (1-based) of an offset, read from the reader's line table (every line's start,
   * kept for offsetOf anyway) by binary search: the same answer as counting the line feeds before
   * the offset, without walking them (#18: 21,000 places located on lint of the 10,000-operation spec).
   */
  positionOfOffset(offset: number): Position;
}

/** Reads `text` on the fast path, or undefined when it holds anything outside the subset. */
export function readFastYaml(text: string): FastYaml | undefined {
  if (UNSUPPORTED.test(text)) return undefined;
  let reader: BlockReader;
  let data: unknown;
  try {
    reader = new BlockReader(text);
    data = reader.read();
  } catch (e) {
    if (e instanceof Bail) return undefined;
    throw e;
  }
  // The position finder is made when a position is first asked for (most files never ask).
  let locator: Locator | undefined;
  const root = reader.root;
  return {
    data,
    offsetOf: (tokens) => (locator ??= new Locator(reader, data, root)).offsetOf(tokens),
    refKeys: reader.refKeys,
    positionOfOffset: (offset) => lineAndColumn(reader.starts, text.length, offset),
  };
}

/**
 * The line holding `offset` is the last one starting at or before it. The table's final entry is
 * the start of the empty line after a final line feed, or one past the text's end (no line starts
 * there: left out, so an offset at the end stays on the last line, as counting line feeds says).
 */
function lineAndColumn(starts: Int32Array, length: number, offset: number): Position {
  let lo = 0;
  let hi = starts.length - 1;
  if (starts[hi]! > length) hi--;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo]! + 1 };
}
