#!/usr/bin/env node
/**
 * Writes oclif.manifest.json from the built commands (dist/), so `gwc` finds its commands and
 * their flags without importing every command at start-up. The same API the `oclif manifest`
 * command uses, without the oclif CLI package:
 * https://github.com/oclif/oclif/blob/main/src/commands/manifest.ts
 * Run by `npm run build` after tsc; a stale manifest only affects help text and command lookup.
 * The built gwc's command classes are stand-ins that import the real command when it runs
 * (src/cli/entry.ts), so the manifest is written from the real classes, found in tsc's
 * dist/commands/ as oclif's directory discovery finds them, in place of package.json's explicit
 * target (bin/entry.js): the same manifest as before the bundle.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Plugin } from '@oclif/core';

const root = path.resolve(import.meta.dirname, '..');
const pjson = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
pjson.oclif.commands = './dist/commands';
const plugin = new Plugin({ root, pjson, type: 'core', isRoot: true, ignoreManifest: true, errorOnManifestCreate: true, respectNoCacheDefault: true });
await plugin.load();
writeFileSync(path.join(root, 'oclif.manifest.json'), `${JSON.stringify(plugin.manifest, null, 2)}\n`);
console.log(`oclif.manifest.json: ${Object.keys(plugin.manifest.commands).length} commands, version ${plugin.manifest.version}`);
