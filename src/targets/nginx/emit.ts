/**
 * Renders the views with Handlebars. Escaping is by construction: the instance has no HTML
 * escaping (nginx is not HTML) and every value goes through a helper that quotes or refuses it.
 *
 * The templates are compiled ahead of time (templates-precompiled.ts, #18) and run on Handlebars'
 * runtime alone, which is imported here so that scripts/bundle.mjs puts it in the bundle and its
 * code cache (required from node_modules on the first render it was ~25 ms CPU of every nginx
 * build, #18); the whole of Handlebars (the compiler) is loaded only when a template is not
 * precompiled.
 */
import { createRequire } from 'node:module';
import type Handlebars from 'handlebars';
import handlebarsRuntime from 'handlebars/runtime.js';
import { commentText, quote, quoteValue, type ValuePart } from './escape.js';
import { COMPILE_OPTIONS } from './template-options.js';
import { PRECOMPILED, PRECOMPILED_OPTIONS, PRECOMPILED_VERSION } from './templates-precompiled.js';
import { HTTP_TEMPLATE, SERVER_TEMPLATE } from './templates.js';
import { CORS_VARS_PARTIAL, GROUP_PARTIAL, PATH_PARTIAL, REGEX_LEVEL_PARTIAL } from './templates-paths.js';
import { FULL_TEMPLATE, MAIN_TEMPLATE } from './templates-main.js';
import { OWN_SSL_PARTIAL, ROUTE_PARTIAL } from './templates-route.js';
import { AUTH_CHECK_PARTIAL, VERIFIED_PARTIAL, VERIFY_PARTIAL } from './templates-limit.js';

/** Names and numbers gwc generated itself: anything else reaching `n` is a compiler bug. */
const NAME = /^[A-Za-z0-9_.:/\[\]*-]+$/;

type TemplateName = keyof typeof TEMPLATES;

/** The partials the templates call, by the template that is each one's text. */
const PARTIALS: Record<string, TemplateName> = {
  server: 'SERVER_TEMPLATE',
  groupBody: 'GROUP_PARTIAL',
  regexLevel: 'REGEX_LEVEL_PARTIAL',
  path: 'PATH_PARTIAL',
  route: 'ROUTE_PARTIAL',
  corsVars: 'CORS_VARS_PARTIAL',
  ownSsl: 'OWN_SSL_PARTIAL',
  authCheck: 'AUTH_CHECK_PARTIAL',
  verify: 'VERIFY_PARTIAL',
  verified: 'VERIFIED_PARTIAL',
};

const load = createRequire(import.meta.url);
let engine: { hb: typeof Handlebars; precompiled: boolean } | undefined;

/**
 * Handlebars' runtime with the precompiled specs when every one was compiled from the current
 * template text, with the current options, by this Handlebars version; else the whole of
 * Handlebars, compiling the texts.
 * `precompiled: false` forces the second (the test comparing both).
 */
export function templateEngine(precompiled = true): { hb: typeof Handlebars; precompiled: boolean } {
  if (!precompiled) return { hb: load('handlebars') as typeof Handlebars, precompiled: false };
  if (!engine) {
    const fresh =
      PRECOMPILED_OPTIONS === JSON.stringify(COMPILE_OPTIONS) && (Object.keys(TEMPLATES) as TemplateName[]).every((k) => PRECOMPILED[k]?.source === TEMPLATES[k]);
    const runtime = fresh ? (handlebarsRuntime as typeof Handlebars) : undefined;
    engine = runtime && runtime.VERSION === PRECOMPILED_VERSION ? { hb: runtime, precompiled: true } : { hb: load('handlebars') as typeof Handlebars, precompiled: false };
  }
  return engine;
}

type Render = (view: object) => string;

function instance(dollar: string, precompiled: boolean): (name: TemplateName) => Render {
  const { hb: base, precompiled: ahead } = templateEngine(precompiled);
  const hb = base.create();
  hb.registerHelper('q', (value: unknown) => quote(String(value)));
  hb.registerHelper('v', (value: unknown) => quoteValue(Array.isArray(value) ? (value as ValuePart[]) : String(value ?? ''), dollar));
  hb.registerHelper('n', (value: unknown) => {
    const s = String(value);
    if (!NAME.test(s)) throw new Error(`internal: "${commentText(s)}" is not a generated nginx name`);
    return s;
  });
  hb.registerHelper('and', (a: unknown, b: unknown) => !!a && !!b);
  hb.registerHelper('or', (a: unknown, b: unknown) => !!a || !!b);
  hb.registerHelper('c', (value: unknown) => commentText(String(value ?? '')));
  hb.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).map(String).join(''));
  // `each` for a list many locations share (the routes' cleared headers, the auth check's
  // identity answers): its block is rendered once per list (by identity) per render and the text
  // reused (#18: ~80 lines in each of 10,000 route locations). Only for a block that reads
  // nothing but its item and @root, so the text is the same wherever the list appears.
  const sharedText = new WeakMap<object, string>();
  hb.registerHelper('eachShared', (list: unknown, options: Handlebars.HelperOptions) => {
    if (!Array.isArray(list)) return '';
    let text = sharedText.get(list);
    if (text === undefined) sharedText.set(list, (text = list.map((item) => options.fn(item)).join('')));
    return text;
  });
  const template = (name: TemplateName): Render =>
    ahead ? hb.template(PRECOMPILED[name]!.spec as TemplateSpecification) : hb.compile(TEMPLATES[name], COMPILE_OPTIONS);
  // A string partial is compiled on first use with its caller's options (COMPILE_OPTIONS).
  for (const [partial, name] of Object.entries(PARTIALS)) hb.registerPartial(partial, ahead ? template(name) : TEMPLATES[name]);
  return template;
}

type TemplateSpecification = Parameters<typeof Handlebars.template>[0];

export function renderHttp(view: object, dollar: string, precompiled = true): string {
  return tidy(instance(dollar, precompiled)('HTTP_TEMPLATE')(view));
}

export function renderMain(view: object, dollar: string, precompiled = true): string {
  return tidy(instance(dollar, precompiled)('MAIN_TEMPLATE')(view));
}

export function renderFull(view: object, dollar: string, precompiled = true): string {
  return tidy(instance(dollar, precompiled)('FULL_TEMPLATE')(view));
}

/**
 * Collapses runs of blank lines left by conditionals: `text` with the spaces and tabs that end a
 * line removed, each run of three or more line feeds made two, trimmed (String.prototype.trim's
 * white space), then one line feed. One scan from line feed to line feed that cuts only where a
 * line changes (the regexes retried at every space of every indentation run, #18), and the pieces
 * are joined as `+` joins them: no second copy of the text is written here (#18: the join and
 * /\n{3,}/ were ~20 ms of GitHub's 6 MB configuration; the text is written once, by its reader).
 */
export function tidy(text: string): string {
  let first = 0;
  let last = text.length;
  while (first < last && TRIMMED.test(text[first]!)) first++;
  while (last > first && TRIMMED.test(text[last - 1]!)) last--;
  // From the first to the last character trim keeps: what trim removes never reaches a line end
  // or a run of line feeds inside (text[first] and text[last - 1] are neither).
  let out = '';
  let from = first;
  let lineStart = first;
  let blankRun = 0;
  for (let nl = text.indexOf('\n', first); nl >= 0 && nl < last; nl = text.indexOf('\n', nl + 1)) {
    let end = nl;
    while (end > lineStart && (text.charCodeAt(end - 1) === 32 || text.charCodeAt(end - 1) === 9)) end--;
    if (end === lineStart && ++blankRun >= 2) {
      // A third line feed in a row once line ends are trimmed: dropped with the line's blanks.
      if (from < lineStart) out += text.slice(from, lineStart);
      from = nl + 1;
    } else {
      if (end > lineStart) blankRun = 0;
      if (end < nl) {
        if (from < end) out += text.slice(from, end);
        from = nl;
      }
    }
    lineStart = nl + 1;
  }
  return `${out}${text.slice(from, last)}\n`;
}

/** What String.prototype.trim removes: ECMAScript's WhiteSpace and LineTerminator, as `\s` is. */
const TRIMMED = /\s/;

// What `q` and `v` refuse (escape.ts refuseControl; tab, CR and LF are written as escapes).
// eslint-disable-next-line no-control-regex
const REFUSED_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/;
const VAR_NAME = /^[a-z_][a-z0-9_]*$/;

/**
 * Whether rendering `view` could throw where a helper refuses a value: a control character in any
 * string, or a variable part (`{ var }`) that is not a variable name. Lint (findingsOnly, #18)
 * renders only then, so its diagnostics stay a build's (the render's refusal is its
 * internal-error) without rendering every spec. `n`'s check is on names gwc generated, never on
 * user text, and is left to the build. Data nested deeper than any view (a cycle) also says yes.
 */
export function renderMayRefuse(view: unknown, depth = 0, clean: Map<unknown, number> = new Map()): boolean {
  if (typeof view === 'string') return REFUSED_TEXT.test(view);
  if (!view || typeof view !== 'object') return false;
  if (depth > 64) return true;
  if (Array.isArray(view)) {
    // A long list the views share (lint's routes share one clear-header list, #18) is walked once:
    // `clean` holds each one found clean with the depth it was walked from, and that answer holds
    // from there or any shallower depth (the view does not change during the walk).
    const long = view.length >= 16;
    if (long && (clean.get(view) ?? -1) >= depth) return false;
    for (const x of view) if (renderMayRefuse(x, depth + 1, clean)) return true;
    if (long) clean.set(view, depth);
    return false;
  }
  const o = view as Record<string, unknown>;
  if (typeof o.var === 'string' && !VAR_NAME.test(o.var)) return true;
  for (const k in o) if (renderMayRefuse(o[k], depth + 1, clean)) return true;
  return false;
}

export const TEMPLATES = { HTTP_TEMPLATE, SERVER_TEMPLATE, GROUP_PARTIAL, REGEX_LEVEL_PARTIAL, PATH_PARTIAL, ROUTE_PARTIAL, OWN_SSL_PARTIAL, CORS_VARS_PARTIAL, MAIN_TEMPLATE, FULL_TEMPLATE, AUTH_CHECK_PARTIAL, VERIFY_PARTIAL, VERIFIED_PARTIAL };
