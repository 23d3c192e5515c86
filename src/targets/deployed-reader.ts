/**
 * The skeleton every deployed-state reader shares (#17 item 7): a target gives what `--deployed`
 * accepts, the options its reader takes (`ReaderOption`, listed by `gwc targets`, passed by
 * `gwc diff --option TARGET.NAME=VALUE`), optionally a source of its own (an Admin API URL, a named
 * stack), and the pure `normalise` that reads the compiled files too. The rest is the same for all
 * and written once here: no source is `deployed-invalid` naming what is accepted, a file that
 * cannot be read is `deployed-unreadable`, and a file is read as text and normalised.
 * A reader whose deployed state is not one file (nginx: a folder, several files) writes `read`
 * itself against the same contract (`DeployedReader`, src/diff/entity.ts).
 */
import { readFile } from 'node:fs/promises';
import { diag } from '../diagnostics/diagnostic.js';
import type { DeployedReader, ReaderOption, ReadOptions, ReadResult } from '../diff/entity.js';
import type { OutputFile } from './output-file.js';

export interface ReaderParts {
  target: string;
  /** What `--deployed` accepts, for help (`gwc diff --help`) and the `deployed-invalid` hint. */
  accepts: string;
  options?: readonly ReaderOption[];
  /**
   * A source the reader reads itself (I/O allowed), or undefined to read `source` as a file:
   * Kong's Admin API URL, AWS's `--option aws.stack`.
   */
  from?(source: string | undefined, options: ReadOptions): Promise<ReadResult> | undefined;
  /** Pure: files (deployed or compiled) into entities. */
  normalise(files: OutputFile[], source: string): ReadResult;
}

export function fileReader(parts: ReaderParts): DeployedReader {
  const { target, accepts } = parts;
  return {
    accepts,
    ...(parts.options ? { options: parts.options } : {}),
    async read(source, options = {}) {
      const own = parts.from?.(source, options);
      if (own) return own;
      if (!source) return { diagnostics: [diag('deployed-invalid', { target, source: '(none)', detail: `give --deployed: ${accepts}` })] };
      let contents: string;
      try {
        contents = await readFile(source, 'utf8');
      } catch (e) {
        return { diagnostics: [diag('deployed-unreadable', { source, detail: e instanceof Error ? e.message : String(e) })] };
      }
      return parts.normalise([{ path: source, contents }], source);
    },
    normalise: parts.normalise,
  };
}
