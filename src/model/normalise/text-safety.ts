/**
 * User text that could leave its quoted slot in some output is refused at the spec line, once,
 * for every target (DESIGN.md section 7.6), before any target sees it:
 *
 * - `${{` anywhere it could reach output: decK renders a Kong file as a Go template with these
 *   delimiters before parsing it, so spec text holding them would run at sync time (read the
 *   CI's environment into a public mock body). Documentation-only parts (descriptions, examples,
 *   schemas, responses) never reach output and are skipped, so API docs may mention `${{`.
 * - Control characters (C0, DEL, C1, U+2028/2029; half a surrogate pair) in gateway settings (`x-gateway`, `x-kong-*`),
 *   server URLs, and the OpenAPI text the outputs carry (OUTPUT_TEXT below: the title, path keys,
 *   operation ids, parameter names, security scheme names, fields and scopes): they split headers
 *   (a CR/LF realm injected Set-Cookie into every 401) and configuration lines. A mock body may
 *   hold tabs and line breaks: it is a body, not a header. Documentation (summaries, descriptions,
 *   scope descriptions) may hold them; APIs.guru specs do.
 *
 * Every file is walked as written, so a value in a `$ref`'d file is reported in that file.
 */
import { diag, type Diagnostic } from '../../diagnostics/diagnostic.js';
import type { LoadedSpec } from '../../spec/loaded-spec.js';
import { joinPointer, splitPointer } from '../../spec/pointer.js';

/** Keys whose whole subtree is documentation or payload description, never gateway output. */
const DOC_ONLY = new Set(['description', 'example', 'examples', 'externalDocs', 'schema', 'schemas', 'content', 'responses', 'requestBody', 'requestBodies', 'links', 'callbacks', 'webhooks', 'x-examples', 'x-codeSamples', 'x-code-samples']);

// With the u flag, \ud800-\udfff matches half a surrogate pair only (a pair is one code point):
// no UTF-8 file holds one, so each target wrote something else (nginx U+FFFD, a path that is
// not the spec's; Kong \ud800, which decK refuses, the whole file with it).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ud800-\udfff]/u;
// eslint-disable-next-line no-control-regex
const CONTROL_IN_BODY = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\ud800-\udfff]/u;

/**
 * OpenAPI text (outside x-gateway and servers) that reaches some target's output, by where it is:
 * the key or value at `segs` (the pointer's segments; `key` when it is a map key).
 */
function outputText(segs: readonly string[], key: boolean): boolean {
  const [a, b] = segs;
  const n = segs.length;
  const last = segs[n - 1];
  if (a === 'info') return n === 2 && (b === 'title' || b === 'version');
  if (a === 'paths') {
    if (n === 2) return true; // the path itself
    const i = segs.indexOf('parameters');
    if (i >= 0) return n === i + 3 && !key && (last === 'name' || last === 'in');
    // Operation security: scheme names and their scopes.
    const s = segs.indexOf('security');
    if (s >= 0) return n >= s + 3;
    return false;
  }
  if (a === 'components' && b === 'parameters') return n === 4 && !key && (last === 'name' || last === 'in');
  if (a === 'components' && b === 'securitySchemes') {
    if (n === 3) return true; // a scheme's name
    // Every field of a scheme, and its flows' scope names; a scope's description is documentation.
    const f = segs.indexOf('scopes');
    return f < 0 || (n === f + 2 && key);
  }
  if (a === 'security') return n >= 2;
  return false;
}

/** A node on the walk's stack: its pointer is built from `up` only when a diagnostic needs it (#18). */
interface Step {
  value: unknown;
  up: Step | undefined;
  token: string | number;
  key: string;
  settings: boolean;
}

function pointerOf(step: Step): string {
  const tokens: Array<string | number> = [];
  for (let s: Step | undefined = step; s?.up; s = s.up) tokens.push(s.token);
  let pointer = '';
  for (let i = tokens.length - 1; i >= 0; i--) pointer = joinPointer(pointer, tokens[i]!);
  return pointer;
}

export function checkUserText(spec: LoadedSpec): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [file, source] of [...spec.files.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const stack: Step[] = [{ value: source.data, up: undefined, token: '', key: '', settings: false }];
    // Only the root file's segments say where a node is in the document; a $ref'd file's own
    // paths/components are read as written (its settings still by x-gateway and servers).
    const root = file === spec.rootFile;
    // Where a node is, read from its pointer only when it holds a control character (rare).
    const reaches = (at: string, key: boolean) => root && outputText(splitPointer(at), key);
    while (stack.length > 0) {
      const step = stack.pop()!;
      const { value, key, settings } = step;
      if (typeof value === 'string') {
        if (value.includes('${{')) out.push(diag('text-template-syntax', { text: preview(value) }, { file, pointer: pointerOf(step) }));
        // An operationId is the route's id in every output (names, comments, the njs configuration).
        if ((key === 'body' ? CONTROL_IN_BODY : CONTROL).test(value) && (settings || key === 'operationId' || reaches(pointerOf(step), false))) {
          out.push(diag('text-control-character', { text: preview(value) }, { file, pointer: pointerOf(step) }));
        }
        continue;
      }
      if (value === null || typeof value !== 'object') continue;
      // Children last to first (the stack then walks them first to last), as written.
      if (Array.isArray(value)) {
        for (let i = value.length - 1; i >= 0; i--) if (worthVisiting(value[i])) stack.push({ value: value[i], up: step, token: i, key, settings });
        continue;
      }
      const keys = Object.keys(value);
      for (let i = keys.length - 1; i >= 0; i--) {
        const k = keys[i]!;
        if (DOC_ONLY.has(k)) continue;
        const template = k.includes('${{');
        if (template || CONTROL.test(k)) {
          const here = { file, pointer: joinPointer(pointerOf(step), k) };
          if (template) out.push(diag('text-template-syntax', { text: preview(k) }, here));
          if (CONTROL.test(k) && (settings || reaches(here.pointer, true))) out.push(diag('text-control-character', { text: preview(k) }, here));
        }
        const child = (value as Record<string, unknown>)[k];
        if (!worthVisiting(child)) continue;
        const inSettings = settings || k === 'x-gateway' || k.startsWith('x-kong') || k === 'servers';
        stack.push({ value: child, up: step, token: k, key: k, settings: inSettings });
      }
    }
  }
  return out;
}

/**
 * Whether a value can give a diagnostic when popped: a collection, or a string holding `${{` or
 * a control character (CONTROL_IN_BODY's characters are CONTROL's too). Numbers, booleans, null
 * and clean strings (nearly all) are not pushed at all: a stack entry per value was most of this
 * walk over a 13 MB description (#18). The pops, and so the diagnostics' order, are unchanged.
 */
function worthVisiting(v: unknown): boolean {
  if (typeof v === 'string') return v.includes('${{') || CONTROL.test(v);
  return v !== null && typeof v === 'object';
}

/** The offending text, short and printable (the diagnostic itself must not carry a control character). */
function preview(text: string): string {
  const printable = JSON.stringify(text);
  return printable.length > 60 ? `${printable.slice(0, 57)}..."` : printable;
}
