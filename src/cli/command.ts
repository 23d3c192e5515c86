/**
 * The base of every gwc command: under `--json`, an error oclif raises (a flag or argument it
 * refuses, `this.error` in a command) is printed in the one result shape of every command
 * (`{ ok, diagnostics, result }`, render.ts `jsonResult`) with oclif's own exit code (2 for
 * usage), instead of oclif's serialisation of the error object, which dumps the whole CLI
 * configuration. Without `--json`, oclif prints and exits as before.
 */
import { Command } from '@oclif/core';
import { diag } from '../diagnostics/diagnostic.js';
import { writeJson, writeStdout } from './json-out.js';
import { jsonResult } from './render.js';

/** The exit code oclif gives its own errors (`CLIError.oclif.exit`); undefined for anything else. */
function oclifExit(err: unknown): number | undefined {
  const exit = (err as { oclif?: { exit?: unknown } } | null)?.oclif?.exit;
  return typeof exit === 'number' ? exit : undefined;
}

export abstract class GwcCommand extends Command {
  protected override toErrorJson(err: unknown): unknown {
    const message = (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
    // oclif's errors are the command line's fault; anything else reached here is gwc's own bug.
    const d = oclifExit(err) !== undefined ? diag('usage-invalid', { detail: message }) : diag('internal-error', { detail: message });
    return jsonResult(false, [d], null);
  }

  /**
   * `--json` output as oclif writes it (`ux.stdout` of the pretty JSON: its colouring returns the
   * text as it is without a theme colour for json), but printed as it is made, as UTF-8 chunks
   * written to stdout as console.log writes (json-out.ts, #18). A user theme that colours JSON
   * keeps oclif's own path.
   */
  override logJson(json: unknown): void {
    if (this.config.theme?.json) return super.logJson(json);
    writeJson(json, writeStdout);
  }

  /** `JSON.stringify(value, null, 2)` and a line break, as `this.log` prints it (`--format json`), printed as it is made (#18). */
  protected logJsonText(value: unknown): void {
    if (this.jsonEnabled()) return;
    writeJson(value, writeStdout);
  }

  override async catch(err: Error & { exitCode?: number }): Promise<unknown> {
    const exit = oclifExit(err);
    if (exit !== undefined && process.exitCode === undefined && this.jsonEnabled()) process.exitCode = exit;
    return super.catch(err);
  }
}
