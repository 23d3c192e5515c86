/**
 * One file of the spec, parsed, with a way back from a JSON pointer to line and column.
 * YAML keeps its node tree (positions come from it); JSON is parsed with JSON.parse, which is two
 * orders of magnitude faster on large descriptions, and scanned for positions only on demand.
 */
import { createRequire } from 'node:module';
import type { Document, Node } from 'yaml';
import type { Position } from '../diagnostics/diagnostic.js';
import { findDuplicateKeys, hasNoDuplicateKeys, offsetOfPointer } from './json-scan.js';
import { splitPointer } from './pointer.js';
import { collectRefsAndKeys, type collectRefs } from './refs.js';
import { readFastYaml, type FastYaml } from './yaml-fast.js';

/**
 * The yaml package, loaded when a file first needs it (one the fast reader leaves, or a position
 * in such a file): a JSON spec or plain block YAML never does, and loading it was about 35 ms of
 * every run's start-up (#18). In Node, `import 'yaml'` and require('yaml') are the same module.
 */
let yamlLib: typeof import('yaml') | undefined;
const yaml = (): typeof import('yaml') => (yamlLib ??= createRequire(import.meta.url)('yaml') as typeof import('yaml'));

/** Limits that keep a hostile file from exhausting the machine. */
export interface ParseLimits {
  /** Alias nodes a YAML document may expand (yaml's maxAliasCount). */
  maxAliasCount: number;
}

export interface ParseProblem {
  kind: 'syntax' | 'duplicate-key' | 'alias-limit';
  message: string;
  key?: string;
  offset: number;
  pointer?: string;
}

/** Lines between two of SourceFile's kept line starts. */
const LINE_STRIDE = 64;

export class SourceFile {
  /**
   * The start of every LINE_STRIDE-th line (0, 64, 128, ...), found as far as an offset asked for;
   * a position walks the line feeds after the nearest one (#18: keeping every start was an array
   * push per line, 89,000 of them for GitHub's description, for ~70 positions).
   */
  private lineMarks?: number[];
  /** The text's last line start is behind the last mark. */
  private marksDone = false;

  private constructor(
    readonly path: string,
    readonly text: string,
    readonly data: unknown,
    private readonly yamlDoc?: Document.Parsed,
    private readonly fastYaml?: FastYaml,
    /** The file's `$ref`s as collectRefs lists them, when parsing already walked the data (JSON). */
    readonly refs?: ReturnType<typeof collectRefs>,
    /** JSON: an object of the data has a `__proto__` key (the walk that found the refs saw every key). */
    private readonly protoKey?: boolean,
  ) {}

  static parse(path: string, text: string, limits: ParseLimits): { file?: SourceFile; problems: ParseProblem[] } {
    const trimmed = text.trimStart();
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
      try {
        const data: unknown = JSON.parse(text);
        const { refs, keys, protoKey } = collectRefsAndKeys(data);
        const problems: ParseProblem[] = (hasNoDuplicateKeys(text, keys) ? [] : findDuplicateKeys(text)).map((d) => ({
          kind: 'duplicate-key',
          message: `duplicate key "${d.key}"`,
          key: d.key,
          offset: d.offset,
          pointer: d.pointer,
        }));
        return { file: new SourceFile(path, text, data, undefined, undefined, refs, protoKey), problems };
      } catch {
        // Not strict JSON (comments, trailing commas): YAML's flow syntax may still read it.
      }
    }
    // Plain block YAML (most specs) is read to data with its offsets, as fast as JSON; anything
    // else (aliases, duplicate keys, errors, rarer syntax) is read by yaml below, as before.
    const fast = readFastYaml(text);
    // A file without a `$ref` key holds no reference: no walk of its data for them (#18).
    if (fast) return { file: new SourceFile(path, text, fast.data, undefined, fast, fast.refKeys ? undefined : []), problems: [] };
    const { parseDocument, LineCounter } = yaml();
    const doc = parseDocument(text, { lineCounter: new LineCounter(), uniqueKeys: true, prettyErrors: false });
    // The first syntax error is the one to fix; the ones after it are mostly its echoes.
    const firstSyntax = doc.errors.find((e) => e.code !== 'DUPLICATE_KEY');
    const errors = doc.errors.filter((e) => e.code === 'DUPLICATE_KEY' || e === firstSyntax);
    const problems: ParseProblem[] = errors.map((e) => {
      const dup = e.code === 'DUPLICATE_KEY';
      const offset = e.pos[0];
      const key = dup ? keyAt(text, offset) : undefined;
      return {
        kind: dup ? 'duplicate-key' : 'syntax',
        message: dup ? `duplicate key "${key}"` : e.message.split('\n')[0]!,
        ...(key !== undefined ? { key } : {}),
        offset,
      };
    });
    if (problems.some((p) => p.kind === 'syntax')) return { problems };
    try {
      const data = doc.toJS({ maxAliasCount: limits.maxAliasCount });
      return { file: new SourceFile(path, text, data, doc), problems };
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (/alias/i.test(message)) return { problems: [...problems, { kind: 'alias-limit', message, offset: 0 }] };
      return { problems: [...problems, { kind: 'syntax', message, offset: 0 }] };
    }
  }

  /**
   * True when two places of `data` may be one object (a YAML alias, read by yaml's Document): a
   * walk over it must then watch for a node inside itself. JSON and the fast YAML reader never share.
   */
  get mayShareNodes(): boolean {
    return this.yamlDoc !== undefined;
  }

  /**
   * False when no object of `data` has an own `__proto__` key: JSON's walk saw every key (an
   * escaped `"\u005f_proto__"` too, which a search of the text missed); the fast YAML reader gives
   * such a key to `yaml`, whose documents are answered true (#18: the search of a 13 MB text was
   * ~12 ms of validating GitHub's description).
   */
  get mayHoldProtoKey(): boolean {
    if (this.yamlDoc !== undefined) return true;
    return this.fastYaml === undefined ? this.protoKey !== false : false;
  }

  /** True when the file was read as JSON text (no YAML node tree is kept for it). */
  get isJson(): boolean {
    return this.yamlDoc === undefined && this.fastYaml === undefined;
  }

  /** Line and column (1-based) of the node at `pointer`, or of its deepest existing ancestor. */
  positionOf(pointer: string): Position {
    return this.positionOfOffset(this.offsetOf(pointer));
  }

  positionOfOffset(offset: number): Position {
    // The fast YAML reader keeps every line's start: looked up, not counted (#18).
    if (this.fastYaml) return this.fastYaml.positionOfOffset(offset);
    const marks = (this.lineMarks ??= [0]);
    const text = this.text;
    // Marks are found only as far as an offset asked for (#18: a 13 MB description's diagnostics
    // sit mostly in its first half, under paths).
    while (!this.marksDone && marks[marks.length - 1]! <= offset) {
      let next = marks[marks.length - 1]!;
      for (let n = 0; n < LINE_STRIDE && !this.marksDone; n++) {
        const nl = text.indexOf('\n', next);
        if (nl === -1) this.marksDone = true;
        else next = nl + 1;
      }
      if (!this.marksDone) marks.push(next);
    }
    let lo = 0;
    let hi = marks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (marks[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    // Then line by line from that mark: a line starts after each line feed before `offset`.
    let line = lo * LINE_STRIDE;
    let start = marks[lo]!;
    for (let nl = text.indexOf('\n', start); nl !== -1 && nl < offset; nl = text.indexOf('\n', start)) {
      line++;
      start = nl + 1;
    }
    return { line: line + 1, column: offset - start + 1 };
  }

  private offsetOf(pointer: string): number {
    const tokens = splitPointer(pointer);
    if (this.fastYaml) return this.fastYaml.offsetOf(tokens);
    if (!this.yamlDoc) return offsetOfPointer(this.text, tokens);
    return yamlOffsetOf(this.yamlDoc, tokens);
  }
}

/** Offset of the node at `tokens` in a yaml Document: a key's start, an item's node start, or the deepest ancestor's. */
export function yamlOffsetOf(doc: Document.Parsed, tokens: readonly string[]): number {
  const { isMap, isScalar, isSeq } = yaml();
  let node: Node | null | undefined = doc.contents as Node | null;
  let best = node?.range?.[0] ?? 0;
  for (const token of tokens) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === token);
      if (!pair) break;
      if (isScalar(pair.key) && pair.key.range) best = pair.key.range[0];
      node = pair.value as Node | null;
    } else if (isSeq(node)) {
      const item = node.items[Number(token)] as Node | undefined;
      if (!item) break;
      if (item.range) best = item.range[0];
      node = item;
    } else break;
  }
  return best;
}

function keyAt(text: string, offset: number): string {
  const m = /^["']?([^"':\n]*)/.exec(text.slice(offset, offset + 200));
  return m?.[1]?.trim() ?? '';
}
