/**
 * Renders the views with Handlebars. Escaping is by construction: the instance has no HTML
 * escaping (nginx is not HTML) and every value goes through a helper that quotes or refuses it.
 */
import Handlebars from 'handlebars';
import { commentText, quote, quoteValue, type ValuePart } from './escape.js';
import { CORS_VARS_PARTIAL, FULL_TEMPLATE, GROUP_PARTIAL, HTTP_TEMPLATE, MAIN_TEMPLATE, PATH_PARTIAL, REGEX_LEVEL_PARTIAL, SERVER_TEMPLATE } from './templates.js';
import { OWN_SSL_PARTIAL, ROUTE_PARTIAL } from './templates-route.js';
import { AUTH_CHECK_PARTIAL, VERIFIED_PARTIAL, VERIFY_PARTIAL } from './templates-limit.js';

/** Names and numbers gwc generated itself: anything else reaching `n` is a compiler bug. */
const NAME = /^[A-Za-z0-9_.:/\[\]*-]+$/;

function instance(dollar: string): typeof Handlebars {
  const hb = Handlebars.create();
  hb.registerHelper('q', (value: unknown) => quote(String(value)));
  hb.registerHelper('v', (value: unknown) => quoteValue(Array.isArray(value) ? (value as ValuePart[]) : String(value ?? ''), dollar));
  hb.registerHelper('n', (value: unknown) => {
    const s = String(value);
    if (!NAME.test(s)) throw new Error(`internal: "${commentText(s)}" is not a generated nginx name`);
    return s;
  });
  hb.registerHelper('and', (a: unknown, b: unknown) => !!a && !!b);
  hb.registerHelper('c', (value: unknown) => commentText(String(value ?? '')));
  hb.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).map(String).join(''));
  hb.registerPartial('server', SERVER_TEMPLATE);
  hb.registerPartial('groupBody', GROUP_PARTIAL);
  hb.registerPartial('regexLevel', REGEX_LEVEL_PARTIAL);
  hb.registerPartial('path', PATH_PARTIAL);
  hb.registerPartial('route', ROUTE_PARTIAL);
  hb.registerPartial('corsVars', CORS_VARS_PARTIAL);
  hb.registerPartial('ownSsl', OWN_SSL_PARTIAL);
  hb.registerPartial('authCheck', AUTH_CHECK_PARTIAL);
  hb.registerPartial('verify', VERIFY_PARTIAL);
  hb.registerPartial('verified', VERIFIED_PARTIAL);
  return hb;
}

const OPTS = { noEscape: true, strict: false } as const;

export function renderHttp(view: object, dollar: string): string {
  return tidy(instance(dollar).compile(HTTP_TEMPLATE, OPTS)(view));
}

export function renderMain(view: object, dollar: string): string {
  return tidy(instance(dollar).compile(MAIN_TEMPLATE, OPTS)(view));
}

export function renderFull(view: object, dollar: string): string {
  return tidy(instance(dollar).compile(FULL_TEMPLATE, OPTS)(view));
}

/** Collapses runs of blank lines left by conditionals. */
function tidy(text: string): string {
  return `${text.replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim()}\n`;
}

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
export function renderMayRefuse(view: unknown, depth = 0): boolean {
  if (typeof view === 'string') return REFUSED_TEXT.test(view);
  if (!view || typeof view !== 'object') return false;
  if (depth > 64) return true;
  if (Array.isArray(view)) {
    for (const x of view) if (renderMayRefuse(x, depth + 1)) return true;
    return false;
  }
  const o = view as Record<string, unknown>;
  if (typeof o.var === 'string' && !VAR_NAME.test(o.var)) return true;
  for (const k in o) if (renderMayRefuse(o[k], depth + 1)) return true;
  return false;
}

export const TEMPLATES = { HTTP_TEMPLATE, SERVER_TEMPLATE, GROUP_PARTIAL, REGEX_LEVEL_PARTIAL, PATH_PARTIAL, ROUTE_PARTIAL, OWN_SSL_PARTIAL, CORS_VARS_PARTIAL, MAIN_TEMPLATE, FULL_TEMPLATE, AUTH_CHECK_PARTIAL, VERIFY_PARTIAL, VERIFIED_PARTIAL };
