/**
 * Inline ignores: `x-gwc-ignore: [{ rule: ID, reason: "why" }]` on any OpenAPI object (an
 * operation, a path item, the root, a schema, a security scheme). It silences that rule for the
 * object and everything below it, in that file. The reason is required: an ignore without one is
 * an error and silences nothing; an ignore that silences nothing is reported (info) so stale
 * ones get cleaned up. It sits beside `x-gateway`, not inside it (the x-gateway schema is closed).
 */
import { diag, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { LoadedSpec } from '../spec/loaded-spec.js';
import { joinPointer } from '../spec/pointer.js';

export const IGNORE_KEY = 'x-gwc-ignore';

interface Ignore {
  file: string;
  /** The node the ignore sits on. */
  pointer: string;
  rule: string;
  at: string;
  used: boolean;
  /** It named a diagnostic the build refuses on, which it cannot hide. */
  refused: boolean;
}

/**
 * `refusal` says which diagnostics the build refuses on (src/lint/index.ts): an ignore never hides
 * one, and an ignore that tried is itself an error, so lint green stays build green (DESIGN.md 7.7).
 */
export function applyIgnores(spec: LoadedSpec, diagnostics: Diagnostic[], refusal: (d: Diagnostic) => boolean = () => false): Diagnostic[] {
  const problems: Diagnostic[] = [];
  const ignores: Ignore[] = [];
  for (const [file, source] of spec.files) {
    if (!source.text.includes(IGNORE_KEY)) continue; // a 13 MB spec without ignores costs one search
    collect(source.data, '', (pointer, value) => {
      const at = joinPointer(pointer, IGNORE_KEY);
      const list = Array.isArray(value) ? value : [value];
      list.forEach((item, i) => {
        const itemAt = Array.isArray(value) ? joinPointer(at, i) : at;
        const v = item as { rule?: unknown; reason?: unknown } | null;
        if (v === null || typeof v !== 'object' || typeof v.rule !== 'string') {
          problems.push(diag('lint-ignore-invalid', { detail: 'each entry needs rule: <rule id> and reason: "<why>"' }, { file, pointer: itemAt }));
        } else if (typeof v.reason !== 'string' || v.reason.trim() === '') {
          problems.push(diag('lint-ignore-invalid', { detail: `ignoring ${v.rule} needs a reason` }, { file, pointer: itemAt }));
        } else ignores.push({ file, pointer, rule: v.rule, at: itemAt, used: false, refused: false });
      });
    });
  }
  if (ignores.length === 0) return [...diagnostics, ...problems];
  const kept = diagnostics.filter((d) => {
    if (!d.loc) return true;
    const hit = ignores.find((ig) => ig.rule === d.code && ig.file === d.loc!.file && (d.loc!.pointer === ig.pointer || d.loc!.pointer.startsWith(`${ig.pointer}/`)));
    if (hit && refusal(d)) {
      hit.refused = true;
      return true;
    }
    if (hit) hit.used = true;
    return !hit;
  });
  for (const ig of ignores) {
    const place = { file: ig.file, pointer: ig.at };
    if (ig.refused) problems.push(diag('lint-ignore-invalid', { detail: `${ig.rule} here is a refusal of gwc build, which an ignore cannot lift: change the spec, or accept a target's gap in x-gateway.accept` }, place));
    else if (!ig.used) problems.push(diag('lint-ignore-unused', { rule: ig.rule }, place));
  }
  return [...kept, ...problems];
}

function collect(v: unknown, pointer: string, found: (pointer: string, value: unknown) => void): void {
  if (v === null || typeof v !== 'object') return;
  if (Array.isArray(v)) {
    v.forEach((x, i) => collect(x, `${pointer}/${i}`, found));
    return;
  }
  for (const k of Object.keys(v)) {
    const child = (v as Record<string, unknown>)[k];
    if (k === IGNORE_KEY) found(pointer, child);
    else collect(child, joinPointer(pointer, k), found);
  }
}
