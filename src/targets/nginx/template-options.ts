/**
 * Handlebars compile options of the nginx templates, shared by the run-time compile (emit.ts) and
 * the ahead-of-time one (templates-precompile.ts), so both generate the same code. No HTML
 * escaping: nginx is not HTML, and every value goes through a helper that quotes or refuses it.
 */
export const COMPILE_OPTIONS = { noEscape: true, strict: false } as const;
