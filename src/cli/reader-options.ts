/**
 * `gwc diff --option` for one target: each `TARGET.NAME=VALUE` (or bare `NAME=VALUE`) goes to the
 * target's build options (as `gwc build` takes them) or, when the target's deployed-state reader
 * declares NAME (`DeployedReader.options`, src/diff/entity.ts), to the reader. A reader option not
 * given falls back to its environment variable; the deprecated flags readers name (`--token`,
 * `--stack`) arrive as the options they stand for. The command passes `process.env` in: the
 * library never reads the environment.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { ReaderOption } from '../diff/entity.js';
import type { Target } from '../targets/target.js';
import { targetOptions } from './target-options.js';

export interface DiffOptions {
  /** For the compile (`gwc build`'s `--option`). */
  build: Record<string, string>;
  /** For the deployed-state reader, by `ReaderOption.name`. */
  read: Record<string, string>;
  diagnostics: Diagnostic[];
}

/** Every reader option of `target`, as `gwc targets` lists them. */
export const readerOptions = (target: Target): readonly ReaderOption[] => target.deployed?.options ?? [];

/** The readers' deprecated `gwc diff` flags, each with the option it stands for. */
export function deprecatedFlags(targets: readonly Target[]): Array<{ flag: string; target: string; option: ReaderOption }> {
  return targets.flatMap((t) => readerOptions(t).flatMap((o) => (o.deprecatedFlag ? [{ flag: o.deprecatedFlag, target: t.name, option: o }] : [])));
}

/**
 * `--FLAG VALUE` of a deprecated flag as the `--option TARGET.NAME=VALUE` it stands for; put
 * before the user's `--option`s, so an `--option` of the same name wins.
 */
export function fromDeprecated(targets: readonly Target[], values: Record<string, unknown>): string[] {
  return deprecatedFlags(targets).flatMap((d) => (typeof values[d.flag] === 'string' ? [`${d.target}.${d.option.name}=${values[d.flag] as string}`] : []));
}

/**
 * Splits `given` between the build and the reader of `target`; a reader option still unset takes
 * its environment variable from `env`.
 */
export function diffOptions(given: readonly string[], target: Target, known: readonly string[], env: Record<string, string | undefined> = {}): DiffOptions {
  const reader = readerOptions(target);
  // One option table for the check (names, prefixes, unknown names), then split by who declared the name.
  const both: Target = { ...target, options: [...(target.options ?? []), ...reader.map((o) => ({ name: o.name, description: o.description, default: '' }))] };
  const parsed = targetOptions(given, [both], known);
  const all = parsed.byTarget.get(target.name) ?? {};
  const build: Record<string, string> = {};
  const read: Record<string, string> = {};
  for (const [name, value] of Object.entries(all)) (reader.some((o) => o.name === name) ? read : build)[name] = value;
  for (const o of reader) {
    const fromEnv = o.env ? env[o.env] : undefined;
    if (read[o.name] === undefined && fromEnv !== undefined && fromEnv !== '') read[o.name] = fromEnv;
  }
  return { build, read, diagnostics: parsed.diagnostics };
}

/** What the deployed side is called in the output when no `--deployed` was given: its non-secret reader settings. */
export function readerLabel(target: Target, read: Record<string, string>): string | undefined {
  const shown = readerOptions(target).filter((o) => !o.secret && read[o.name] !== undefined);
  return shown.length > 0 ? shown.map((o) => `${o.name} ${read[o.name]}`).join(', ') : undefined;
}
