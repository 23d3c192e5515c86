#!/usr/bin/env node
/**
 * Bundles the CLI (src/cli/entry.ts: @oclif/core, every command, gwc's code) into one CommonJS
 * script, dist/bundle/gwc.cjs, with esbuild (#18): a command's start-up read ~220 CommonJS/ESM
 * files one by one (Node ~60 ms, @oclif/core ~70 ms, then gwc's modules). One script rather than
 * ES module chunks because Node 20 keeps no code cache for ES modules: bin/entry.js loads it with
 * V8's code cache (src/validate/code-cache.ts, written by scripts/bundle-cache.mjs). A command's
 * modules (a target's compiler, Spectral, diff) are still initialised only when it asks for them.
 * Run by `npm run build` after tsc and the precompiled schemas.
 *
 * The script sits in dist/bundle/, two levels below the package root like dist/<dir>/x.js, so
 * paths gwc resolves from `import.meta.url` (here the script's own URL: schemas/, rules/) name
 * the same files; the precompiled validators, which src/validate/precompiled.ts requires from
 * `./precompiled/` next to itself, are copied next to it. Every module is strict, as it was in
 * ES modules.
 */
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import ts from 'typescript';

/**
 * Packages left in node_modules: read there with createRequire when needed (ajv and the
 * precompiled validators' ajv runtime, handlebars' compiler, Spectral, swagger-parser's schemas), or modules
 * @oclif/core only looks for in development (typescript, ts-node, tsx, pnpapi). yaml and diff are
 * bundled (yaml's 72 files cost ~35 ms to read one by one); the
 * createRequire('yaml') fallbacks (a YAML spec the fast reader leaves to yaml, lint configs) still
 * read node_modules' copy, the same version.
 */
const EXTERNAL = ['ajv', 'ajv/*', 'ajv-formats', 'ajv-formats/*', '@stoplight/*', '@apidevtools/*', 'typescript', 'ts-node', 'tsx', 'pnpapi'];
const root = path.resolve(import.meta.dirname, '..');
const out = path.join(root, 'dist/bundle');
rmSync(out, { recursive: true, force: true });
const { IMPORT } = await import(path.join(root, 'dist/validate/code-cache.js'));
const file = path.join(out, 'gwc.cjs');
const result = await build({
  absWorkingDir: root,
  entryPoints: ['src/cli/entry.ts'],
  outfile: file,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: EXTERNAL,
  // import.meta.url: the script's own URL, in dist/bundle/ as the ES module chunks were.
  define: { 'import.meta.url': '__gwcUrl' },
  banner: { js: `"use strict";\nvar __gwcUrl = require("node:url").pathToFileURL(__filename).href;` },
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
});
// Each `import(x)` left (oclif importing bin/entry.js, an optional SDK) becomes IMPORT(x), found
// by TypeScript's parser, not by text: a string or comment saying import( is left alone.
const text = readFileSync(file, 'utf8');
const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
const at = [];
const visit = (node) => {
  if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) at.push(node.expression.getStart(source));
  if (ts.isIdentifier(node) && node.text === IMPORT) throw new Error(`${file} already names ${IMPORT}`);
  ts.forEachChild(node, visit);
};
visit(source);
let rewritten = text;
for (const p of at.reverse()) rewritten = rewritten.slice(0, p) + IMPORT + rewritten.slice(p + 'import'.length);
rewritten = asciiOnly(rewritten, source);
writeFileSync(file, rewritten);
cpSync(path.join(root, 'dist/validate/precompiled'), path.join(out, 'precompiled'), { recursive: true });
console.log(`dist/bundle/gwc.cjs: ${(rewritten.length / 1e6).toFixed(1)} MB, ${at.length} import() calls through ${IMPORT}`);
// GWC_BUNDLE_META=file: esbuild's metafile (which modules went into the script), for analysis.
if (process.env.GWC_BUNDLE_META) writeFileSync(process.env.GWC_BUNDLE_META, JSON.stringify(result.metafile));

/**
 * The script as ASCII (#18): esbuild escapes strings, but a regular expression or comment it
 * keeps may hold other characters (3 did), and one such character makes the whole 2.7 MB text a
 * two-byte string: decoded from UTF-8 on every run (~30 ms) and twice the memory. Each is written
 * as its \\uXXXX escape, which means the same character in a regular expression literal, a string
 * literal or a comment. Anywhere else (an identifier, a template literal, whose raw text would
 * change, a character escaped by a backslash, blank space) the text is left as it is, only slower
 * to load. `source` is the parsed text; `text` has the same length and offsets (IMPORT is as long
 * as `import`).
 */
function asciiOnly(text, source) {
  const found = [...text.matchAll(/[^\x00-\x7f]/g)].map((m) => m.index);
  if (found.length === 0) return text;
  // Each literal token's span, in text order.
  const spans = [];
  const visit = (node) => {
    if (ts.isRegularExpressionLiteral(node) || ts.isStringLiteral(node) || ts.isIdentifier(node) || ts.isPrivateIdentifier(node) || ts.isTemplateLiteralToken(node)) {
      spans.push({ start: node.getStart(source), end: node.end, kind: node.kind });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  spans.sort((a, b) => a.start - b.start);
  const spanAt = (i) => {
    let lo = 0;
    let hi = spans.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (spans[mid].end <= i) lo = mid + 1;
      else if (spans[mid].start > i) hi = mid - 1;
      else return spans[mid];
    }
    return undefined;
  };
  for (const i of found) {
    const span = spanAt(i);
    const kind = span?.kind;
    const inLiteral = kind === ts.SyntaxKind.RegularExpressionLiteral || kind === ts.SyntaxKind.StringLiteral;
    // Outside every token: trivia, where any character but blank space is a comment's.
    const inComment = span === undefined && !/\s/.test(text[i]);
    let slashes = 0;
    while (text[i - 1 - slashes] === '\\') slashes++;
    if ((!inLiteral && !inComment) || slashes % 2 === 1) {
      console.warn(`dist/bundle/gwc.cjs: kept as UTF-8 (a ${JSON.stringify(text[i])} at offset ${i} has no ASCII spelling there)`);
      return text;
    }
  }
  return text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
