/**
 * The oclif flags readers declared before `--option` reached them (`gwc diff --token`, `--stack`):
 * generated from each reader's `ReaderOption.deprecatedFlag`, never written in the command, and
 * mapped to `--option TARGET.NAME` by `fromDeprecated` (reader-options.ts). oclif prints the
 * deprecation warning when one is used.
 */
import { Flags } from '@oclif/core';
import type { Target } from '../targets/target.js';
import { deprecatedFlags } from './reader-options.js';

export function deprecatedReaderFlags(targets: readonly Target[]) {
  return Object.fromEntries(
    deprecatedFlags(targets).map((d) => {
      const instead = `--option ${d.target}.${d.option.name}=VALUE${d.option.env ? ` or ${d.option.env}` : ''}`;
      return [d.flag, Flags.string({ description: `deprecated, use ${instead}: ${d.option.description}`, deprecated: { message: `use ${instead}` } })];
    }),
  );
}
