import { joinPointer } from '../../spec/pointer.js';
import { defineRule } from '../rule.js';
import { operationEntries } from '../walk.js';

/** Spectral's rule: target resource names built from the id must survive a URL unescaped. */
export default defineRule({
  meta: { id: 'operation-operationId-valid-in-url', messageIds: ['invalid'] },
  check(ctx, report) {
    for (const e of operationEntries(ctx.spec)) {
      const id = (e.op.value as { operationId?: unknown }).operationId;
      if (typeof id !== 'string' || /^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]*$/.test(id)) continue;
      report('invalid', { id }, { file: e.op.loc.file, pointer: joinPointer(e.op.loc.pointer, 'operationId') });
    }
  },
});
