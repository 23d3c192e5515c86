// What bin/run.js runs a command from (#18), and oclif's explicit command discovery target
// (package.json oclif.commands: this module's `commands`, id -> class;
// https://oclif.io/docs/command_discovery_strategies).
// After `npm run build`: the bundle, dist/bundle/gwc.cjs (scripts/bundle.mjs: @oclif/core and gwc
// in one script, each command's modules initialised when it runs; flags and help come from
// oclif.manifest.json), compiled with V8's code cache the build wrote beside it when this node
// accepts it (dist/validate/code-cache.js; scripts/bundle-cache.mjs). Without a bundle or a
// manifest (a checkout built with tsc alone): every class in tsc's dist/commands/, named by its
// file as oclif's directory discovery named it, with node_modules' @oclif/core, as before the bundle. A prerelease or pre-18 node takes that path
// too: there @oclif/core checks node against its engines (bin/run.js), which its bundled copy
// cannot (it reads its own package.json).
// A bundle older than tsc's last output (`tsc -p tsconfig.build.json` run after `npm run build`,
// which bundles after tsc) is stale: tsc's output runs instead, as it did before the bundle.
import { existsSync, readdirSync, statSync } from 'node:fs';

const bundle = new URL('../dist/bundle/gwc.cjs', import.meta.url);
const release = Number(/^(\d+)\.\d+\.\d+$/.exec(process.versions.node)?.[1]) >= 18;
const mtime = (url) => statSync(url, { throwIfNoEntry: false })?.mtimeMs;
const built = mtime(bundle);
const bundled =
  release &&
  built !== undefined &&
  built >= (mtime(new URL('../dist/cli/entry.js', import.meta.url)) ?? 0) &&
  existsSync(new URL('../oclif.manifest.json', import.meta.url));

async function unbundled() {
  const dir = new URL('../dist/commands/', import.meta.url);
  const files = readdirSync(dir).filter((f) => f.endsWith('.js')).sort();
  const classes = await Promise.all(files.map(async (f) => [f.slice(0, -3), (await import(new URL(f, dir).href)).default]));
  return { commands: Object.fromEntries(classes), execute: (await import('@oclif/core')).execute };
}

async function fromBundle() {
  const { requireWithCodeCache } = await import('../dist/validate/code-cache.js');
  const { fileURLToPath } = await import('node:url');
  return requireWithCodeCache(fileURLToPath(bundle), (specifier) => import(specifier));
}

export const { commands, execute } = bundled ? await fromBundle() : await unbundled();
