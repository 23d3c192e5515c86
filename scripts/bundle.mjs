#!/usr/bin/env node
/**
 * Bundles the CLI (src/cli/entry.ts: @oclif/core, every command, gwc's code) into
 * dist/bundle/ with esbuild (#18): a command's start-up read ~220 CommonJS/ESM files one by one
 * (Node ~60 ms, @oclif/core ~70 ms, then gwc's modules); a few chunks are read instead.
 * Dynamic imports (a target's compiler, Spectral, diff) become chunks of their own, read only when
 * a command asks for them, as before. Run by `npm run build` after tsc and the precompiled schemas.
 *
 * Every output file sits in dist/bundle/, two levels below the package root like dist/<dir>/x.js,
 * so paths gwc resolves from `import.meta.url` (schemas/, rules/) name the same files; the
 * precompiled validators, which src/validate/precompiled.ts requires from `./precompiled/` next
 * to itself, are copied next to the bundle.
 */
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

/**
 * Packages left in node_modules: read there with createRequire when needed (ajv and the
 * precompiled validators' ajv runtime, handlebars, Spectral, swagger-parser's schemas), or modules
 * @oclif/core only looks for in development (typescript, ts-node, tsx, pnpapi). yaml and diff are
 * bundled into the chunks that import them (yaml's 72 files cost ~35 ms to read one by one); the
 * createRequire('yaml') fallbacks (a YAML spec the fast reader leaves to yaml, lint configs) still
 * read node_modules' copy, the same version.
 */
const EXTERNAL = ['ajv', 'ajv/*', 'ajv-formats', 'ajv-formats/*', '@stoplight/*', '@apidevtools/*', 'handlebars', 'handlebars/*', 'typescript', 'ts-node', 'tsx', 'pnpapi'];
const root = path.resolve(import.meta.dirname, '..');
const out = path.join(root, 'dist/bundle');
rmSync(out, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: { gwc: 'src/cli/entry.ts' },
  outdir: out,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: EXTERNAL,
  // CommonJS inside an ES module bundle calls require (node: built-ins, createRequire'd files).
  banner: { js: "import { createRequire as __gwcRequire } from 'node:module'; const require = __gwcRequire(import.meta.url);" },
  chunkNames: 'chunk-[hash]',
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
});
cpSync(path.join(root, 'dist/validate/precompiled'), path.join(out, 'precompiled'), { recursive: true });
const files = Object.keys(result.metafile.outputs).filter((f) => f.endsWith('.js'));
console.log(`dist/bundle: ${files.length} files`);
// GWC_BUNDLE_META=file: esbuild's metafile (which module went into which chunk), for analysis.
if (process.env.GWC_BUNDLE_META) writeFileSync(process.env.GWC_BUNDLE_META, JSON.stringify(result.metafile));
