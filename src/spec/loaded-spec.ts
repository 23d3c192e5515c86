/**
 * A loaded spec: its files, a way to follow $refs while keeping track of where each value was
 * written, and the one place where a location becomes a line and a column.
 */
import type { Diagnostic, Loc, Position } from '../diagnostics/diagnostic.js';
import { getAt, joinPointer, splitPointer } from './pointer.js';
import { classifyRef } from './refs.js';
import type { SourceFile } from './source.js';

/** A value together with where it was written. */
export interface Located<T = unknown> {
  value: T;
  loc: Loc;
}

/** A `$ref` the loader found: the object holding it (file + pointer) and the reference as written. */
export interface RefSite {
  holder: Loc;
  ref: string;
  /** The holder has no key but `$ref`. */
  alone?: boolean;
  /** The holder pointer's last (up to three) tokens, unescaped, when the loader has them. */
  tail?: readonly string[];
}

export class LoadedSpec {
  constructor(
    readonly rootFile: string,
    readonly rootDir: string,
    readonly files: ReadonlyMap<string, SourceFile>,
    /**
     * Every `$ref` of every file, in document order, as the loader checked them (so validation
     * need not walk a 13 MB description again to find them); absent for a spec built otherwise.
     */
    readonly refs?: readonly RefSite[],
  ) {}

  get root(): Located {
    return { value: this.files.get(this.rootFile)!.data, loc: { file: this.rootFile, pointer: '' } };
  }

  /**
   * Follows `$ref` (and chains of them) from `node`. Returns undefined for a cycle or a dangling
   * reference (the loader has already reported those).
   */
  deref(node: Located): Located | undefined {
    // Most values walked are not references: answered before any allocation (the model phase
    // calls this for every child it reads, #18).
    const first = node.value as { $ref?: unknown } | null;
    if (first === null || typeof first !== 'object' || typeof first.$ref !== 'string') return node;
    let cur = node;
    const seen = new Set<string>();
    for (;;) {
      const v = cur.value as { $ref?: unknown } | null;
      if (v === null || typeof v !== 'object' || typeof v.$ref !== 'string') return cur;
      const key = `${cur.loc.file}#${cur.loc.pointer}`;
      if (seen.has(key)) return undefined;
      seen.add(key);
      const next = this.step(cur, v.$ref);
      if (!next) return undefined;
      cur = next;
    }
  }

  /**
   * The first key written beside a `$ref` on the chain `deref` follows from `node` (summary and
   * description aside: OpenAPI 3.1 lets a Reference Object carry them), with where it is: `deref`
   * reads the last target alone, so such a key would be dropped without a word (red team 19).
   */
  refSibling(node: Located): { key: string; ref: string; loc: Loc } | undefined {
    let cur: Located | undefined = node;
    for (let hops = 0; cur && hops < 64; hops++) {
      const v = cur.value as Record<string, unknown> | null;
      if (v === null || typeof v !== 'object' || Array.isArray(v) || typeof v.$ref !== 'string') return undefined;
      for (const k of Object.keys(v)) {
        if (k !== '$ref' && k !== 'summary' && k !== 'description') return { key: k, ref: v.$ref, loc: { file: cur.loc.file, pointer: joinPointer(cur.loc.pointer, k) } };
      }
      cur = this.step(cur, v.$ref);
    }
    return undefined;
  }

  /** One hop of a `$ref` written at `at`: its target, or undefined when it points nowhere. */
  private step(at: Located, ref: string): Located | undefined {
    const target = classifyRef(ref, at.loc.file);
    if (target.kind === 'invalid') return undefined;
    const file = target.kind === 'local' ? at.loc.file : target.kind === 'file' ? target.file : target.url;
    const source = this.files.get(file);
    if (!source) return undefined;
    const tokens = splitPointer(target.pointer);
    const got = getAt(source.data, tokens);
    return got.found ? { value: got.value, loc: { file, pointer: joinPointer('', ...tokens) } } : undefined;
  }

  /** Line and column of a location, when its file is one of the spec's. */
  position(loc: Loc): Position | undefined {
    return this.files.get(loc.file)?.positionOf(loc.pointer);
  }

  /** Fills `position` on every diagnostic that has a location in this spec. */
  locate(diagnostics: Diagnostic[]): Diagnostic[] {
    // A place is located once per call: diagnostics share places (#18: lint of the synthetic
    // 10,000-operation YAML has 41,000 at 21,000 places); each diagnostic gets its own object.
    const seen = new Map<string, Map<string, Position | undefined>>();
    for (const d of diagnostics) {
      if (d.loc && !d.position) {
        let inFile = seen.get(d.loc.file);
        if (!inFile) seen.set(d.loc.file, (inFile = new Map()));
        let p = inFile.get(d.loc.pointer);
        if (p === undefined && !inFile.has(d.loc.pointer)) inFile.set(d.loc.pointer, (p = this.position(d.loc)));
        if (p) d.position = { line: p.line, column: p.column };
      }
    }
    return diagnostics;
  }
}
