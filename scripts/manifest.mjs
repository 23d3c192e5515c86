#!/usr/bin/env node
/**
 * Writes oclif.manifest.json from the built commands (dist/), so `gwc` finds its commands and
 * their flags without importing every command at start-up. The same API the `oclif manifest`
 * command uses, without the oclif CLI package:
 * https://github.com/oclif/oclif/blob/main/src/commands/manifest.ts
 * Run by `npm run build` after tsc; a stale manifest only affects help text and command lookup.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Plugin } from '@oclif/core';

const root = path.resolve(import.meta.dirname, '..');
const plugin = new Plugin({ root, type: 'core', isRoot: true, ignoreManifest: true, errorOnManifestCreate: true, respectNoCacheDefault: true });
await plugin.load();
writeFileSync(path.join(root, 'oclif.manifest.json'), `${JSON.stringify(plugin.manifest, null, 2)}\n`);
console.log(`oclif.manifest.json: ${Object.keys(plugin.manifest.commands).length} commands, version ${plugin.manifest.version}`);
