import { defineRule } from '../rule.js';
import { pathEntries } from '../walk.js';

export default defineRule({
  meta: {
    id: 'path-keys-no-trailing-slash',
    category: 'oas',
    severity: 'warn',
    doc: 'Paths do not end with a slash (gateways disagree on folding it; Spectral oas id).',
    messages: { slash: 'path {{path}} ends with a slash' },
  },
  check(ctx, report) {
    for (const e of pathEntries(ctx.spec)) if (e.path.length > 1 && e.path.endsWith('/')) report('slash', { path: e.path }, e.keyLoc);
  },
});
