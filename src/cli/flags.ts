/** Flags shared by the commands that read a spec. */
import { Args, Flags } from '@oclif/core';
import type { SpecOptions } from '../api.js';
import { DEFAULT_MAX_BYTES } from '../spec/loader.js';

export const specArg = {
  spec: Args.string({ description: 'the gateway spec (OpenAPI 3 YAML or JSON): a file, - for stdin, or an http(s) URL (with --allow-remote-refs)', required: true }),
};

/** Errors only: no warnings, infos or next steps. */
export const quietFlag = { quiet: Flags.boolean({ char: 'q', description: 'print errors only (no warnings, infos or next steps)', default: false }) };

export const specFlags = {
  env: Flags.string({ description: 'apply the x-gateway.environments overlay of this name' }),
  'allow-remote-refs': Flags.boolean({ description: 'fetch http(s) $refs and an http(s) SPEC (off: refused with a diagnostic)', default: false }),
  'allow-outside-refs': Flags.boolean({ description: "read $ref'd files outside the spec's folder", default: false }),
  'max-bytes': Flags.integer({ description: 'largest spec accepted, all files together', default: DEFAULT_MAX_BYTES }),
};

export function specOptions(flags: {
  env?: string | undefined;
  'allow-remote-refs': boolean;
  'allow-outside-refs': boolean;
  'max-bytes': number;
}): SpecOptions {
  return {
    ...(flags.env !== undefined ? { env: flags.env } : {}),
    allowRemoteRefs: flags['allow-remote-refs'],
    allowOutsideRefs: flags['allow-outside-refs'],
    maxBytes: flags['max-bytes'],
  };
}

export const formatFlag = Flags.string({ description: 'diagnostics format', options: ['stylish', 'json'], default: 'stylish' });
