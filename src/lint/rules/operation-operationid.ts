import { derivedId } from '../../model/normalise/routes.js';
import { defineRule } from '../rule.js';
import { operationEntries } from '../walk.js';

/** Names and ids in every target (Kong route names, AWS resource ids) derive from the operationId. */
export default defineRule({
  meta: { id: 'operation-operationId', messageIds: ['missing'] },
  check(ctx, report) {
    for (const e of operationEntries(ctx.spec)) {
      const id = (e.op.value as { operationId?: unknown }).operationId;
      if (typeof id === 'string' && id.trim() !== '') continue;
      const method = e.method.toUpperCase();
      report('missing', { method, path: e.path, derived: derivedId(method, e.path) }, e.op.loc);
    }
  },
});
