/**
 * The contract of a target's deployed-state reader (DESIGN.md section 6): what `--deployed` it
 * accepts, the options it declares, its I/O `read` and its pure `normalise` into the entities of
 * entity.ts. Nothing here knows a target.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { OutputFile } from '../targets/output-file.js';
import type { State } from './entity.js';

/**
 * A setting a deployed-state reader declares for itself (Kong's Admin API token, AWS's stack name):
 * `gwc diff --option TARGET.NAME=VALUE`, listed by `gwc targets` beside the target's build options,
 * so `gwc diff` carries no flag of any one target. Names never repeat a build option's of the same
 * target (test/diff/reader-options.test.ts).
 */
export interface ReaderOption {
  name: string;
  description: string;
  /**
   * The environment variable read when the option is not given, so a secret can stay off the
   * command line (read at the edge, src/cli/reader-options.ts; the library takes values only).
   */
  env?: string;
  /** A credential: never printed back (the diff's "from" label, `gwc targets`). */
  secret?: boolean;
  /**
   * The `gwc diff --FLAG` that said this before readers declared their options; still accepted,
   * with a deprecation warning, as `--option TARGET.NAME`.
   */
  deprecatedFlag?: string;
}

export interface ReadOptions {
  /** Values of the reader's declared options (`ReaderOption.name` -> value); unknown names never reach a reader. */
  options?: Record<string, string>;
  /** More deployed files or folders, from `--deployed` given again (nginx: the njs module beside an `nginx -T` dump). */
  more?: string[];
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
}

export interface ReadResult {
  state?: State;
  diagnostics: Diagnostic[];
}

/**
 * A target's deployed-state reader (DESIGN.md section 6). `read` is the only place that does file
 * or network I/O for deployed state; `normalise` is pure and is used for the compiled side too, so
 * an unchanged gateway shows no change by construction.
 */
export interface DeployedReader {
  /** What `--deployed` accepts for this target, for help and diagnostics. */
  accepts: string;
  /** The settings `read` takes besides the source (`ReadOptions.options`); none when absent. */
  options?: readonly ReaderOption[];
  read(source: string | undefined, options?: ReadOptions): Promise<ReadResult>;
  /** Pure: the files gwc would write (or the deployed files) into entities. */
  normalise(files: OutputFile[], source: string): ReadResult;
}
