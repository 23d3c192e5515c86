/**
 * A loaded spec: its files, a way to follow $refs while keeping track of where each value was
 * written, and the one place where a location becomes a line and a column.
 */
import type { Diagnostic, Loc, Position } from '../diagnostics/diagnostic.js';
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

  // Following a `$ref` is src/spec/resolve.ts's alone (REF21: one resolver for every caller).

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
