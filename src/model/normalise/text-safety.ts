/**
 * User text that could leave its quoted slot in some output is refused at the spec line, once,
 * for every target (DESIGN.md section 7.6), before any target sees it:
 *
 * - `${{` anywhere it could reach output: decK renders a Kong file as a Go template with these
 *   delimiters before parsing it, so spec text holding them would run at sync time (read the
 *   CI's environment into a public mock body). Documentation-only parts (descriptions, examples,
 *   schemas, responses) never reach output and are skipped, so API docs may mention `${{`.
 * - Control characters (C0, DEL, C1, U+2028/2029) in gateway settings (`x-gateway`, `x-kong-*`)
 *   and server URLs: they split headers (a CR/LF realm injected Set-Cookie into every 401) and
 *   configuration lines. A mock body may hold tabs and line breaks: it is a body, not a header.
 *
 * Every file is walked as written, so a value in a `$ref`'d file is reported in that file.
 */
import { diag, type Diagnostic } from '../../diagnostics/diagnostic.js';
import type { LoadedSpec } from '../../spec/loaded-spec.js';
import { joinPointer } from '../../spec/pointer.js';

/** Keys whose whole subtree is documentation or payload description, never gateway output. */
const DOC_ONLY = new Set(['description', 'example', 'examples', 'externalDocs', 'schema', 'schemas', 'content', 'responses', 'requestBody', 'requestBodies', 'links', 'callbacks', 'webhooks', 'x-examples', 'x-codeSamples', 'x-code-samples']);

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
// eslint-disable-next-line no-control-regex
const CONTROL_IN_BODY = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/;

export function checkUserText(spec: LoadedSpec): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [file, source] of [...spec.files.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const stack: Array<{ value: unknown; pointer: string; key: string; settings: boolean }> = [{ value: source.data, pointer: '', key: '', settings: false }];
    while (stack.length > 0) {
      const { value, pointer, key, settings } = stack.pop()!;
      const loc = { file, pointer };
      if (typeof value === 'string') {
        if (value.includes('${{')) out.push(diag('text-template-syntax', { text: preview(value) }, loc));
        // An operationId is the route's id in every output (names, comments, the njs configuration).
        if ((settings || key === 'operationId') && (key === 'body' ? CONTROL_IN_BODY : CONTROL).test(value)) out.push(diag('text-control-character', { text: preview(value) }, loc));
        continue;
      }
      if (value === null || typeof value !== 'object') continue;
      const entries: Array<[string, unknown]> = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
      for (const [k, v] of entries.reverse()) {
        if (!Array.isArray(value)) {
          if (DOC_ONLY.has(k)) continue;
          const here = { file, pointer: joinPointer(pointer, k) };
          if (k.includes('${{')) out.push(diag('text-template-syntax', { text: preview(k) }, here));
        }
        const inSettings = settings || k === 'x-gateway' || k.startsWith('x-kong') || k === 'servers';
        stack.push({ value: v, pointer: joinPointer(pointer, Array.isArray(value) ? Number(k) : k), key: Array.isArray(value) ? key : k, settings: inSettings });
      }
    }
  }
  return out;
}

/** The offending text, short and printable (the diagnostic itself must not carry a control character). */
function preview(text: string): string {
  const printable = JSON.stringify(text);
  return printable.length > 60 ? `${printable.slice(0, 57)}..."` : printable;
}
