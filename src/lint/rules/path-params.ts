import type { Loc } from '../../diagnostics/diagnostic.js';
import { parsedPath } from '../../model/paths.js';
import type { Located } from '../../spec/loaded-spec.js';
import { defineRule } from '../rule.js';
import { isObj, operationEntries, walker } from '../walk.js';

/**
 * Every {param} of a path template is declared `in: path` (on the path item or the operation),
 * every declared path parameter appears in the template, and is `required: true`.
 */
export default defineRule({
  meta: { id: 'path-params', messageIds: ['undeclared', 'unused', 'notRequired'] },
  check(ctx, report) {
    const w = walker(ctx.spec);
    const reported = new Set<string>();
    const once = (loc: Loc, fn: () => void) => {
      const key = `${loc.file}#${loc.pointer}`;
      if (!reported.has(key)) {
        reported.add(key);
        fn();
      }
    };
    for (const e of operationEntries(ctx.spec)) {
      // Parsed once per path text for the whole run (the model and the targets ask too, #18).
      const { params, error } = parsedPath(e.path);
      if (error) continue; // the model reports path-param-invalid
      const declared = new Map<string, Located>();
      for (const level of [e.item, e.op]) {
        // No parameters, or none listed: nothing to locate (#18: two located children per
        // operation, 20,000 pointers built for nothing on the synthetic 10k spec).
        const raw = (level.value as { parameters?: unknown }).parameters;
        if (raw === undefined || (Array.isArray(raw) && raw.length === 0)) continue;
        for (const p of w.items(w.child(level, 'parameters'))) {
          if (isObj(p.value) && p.value.in === 'path' && typeof p.value.name === 'string') declared.set(p.value.name, p);
        }
      }
      for (const name of params) {
        if (!declared.has(name)) report('undeclared', { method: e.method.toUpperCase(), path: e.path, name }, e.op.loc);
      }
      for (const [name, p] of declared) {
        const nameLoc = w.child(p, 'name').loc;
        if (!params.includes(name)) once(nameLoc, () => report('unused', { name, path: e.path }, nameLoc));
        else if ((p.value as { required?: unknown }).required !== true) once(p.loc, () => report('notRequired', { name }, p.loc));
      }
    }
  },
});
