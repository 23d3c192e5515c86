/**
 * The nginx templates compiled ahead of time (#18): Handlebars' compile of the templates (parse,
 * code generation) was a third of nginx's build and its compiler a large share of loading gwc.
 * `precompiledModule` writes src/targets/nginx/templates-precompiled.ts from the templates, with the
 * same compile options emit.ts uses at run time, so the code is the one `Handlebars.compile`
 * generates and the output is byte-identical; each entry keeps the source text it was compiled
 * from, and emit.ts uses the entries only when every source is the current template's and the
 * Handlebars version and the options are the ones that compiled them (else it compiles as before:
 * never stale).
 * test/targets/nginx/templates-precompiled.test.ts checks the file is current (UPDATE_GOLDEN=1
 * rewrites it). Only tests and that rewrite import this file: it loads the Handlebars compiler.
 */
import Handlebars from 'handlebars';
import { COMPILE_OPTIONS } from './template-options.js';

/** The module text for `templates` (name -> source); byte-stable (no dates, LF only). */
export function precompiledModule(templates: Readonly<Record<string, string>>): string {
  const entries = Object.entries(templates).map(
    ([name, source]) => `  ${name}: { source: ${JSON.stringify(source)}, spec: ${Handlebars.precompile(source, { ...COMPILE_OPTIONS })} },`,
  );
  return [
    '// Generated from the nginx templates by src/targets/nginx/templates-precompile.ts - do not edit;',
    '// run `UPDATE_GOLDEN=1 npx vitest run test/targets/nginx/templates-precompiled.test.ts`.',
    '// @ts-nocheck',
    '/* eslint-disable */',
    `/** Handlebars ${Handlebars.VERSION} template specs, by template name (emit.ts). */`,
    `export const PRECOMPILED_VERSION: string = ${JSON.stringify(Handlebars.VERSION)};`,
    '/** The compile options they were compiled with (template-options.ts), as JSON. */',
    `export const PRECOMPILED_OPTIONS: string = ${JSON.stringify(JSON.stringify(COMPILE_OPTIONS))};`,
    'export const PRECOMPILED: Record<string, { source: string; spec: object }> = {',
    ...entries,
    '};',
    '',
  ].join('\n');
}
