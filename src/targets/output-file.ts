/**
 * A file a target writes. A leaf module, so that both the target contract (`target.ts`) and the
 * diff model (`diff/entity.ts`, whose readers normalise compiled files) can name it without
 * importing each other.
 */
export interface OutputFile {
  /** Relative to the output folder, '/'-separated. */
  path: string;
  contents: string;
}
