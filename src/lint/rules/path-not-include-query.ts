import { defineRule } from '../rule.js';
import { pathEntries } from '../walk.js';

export default defineRule({
  meta: {
    id: 'path-not-include-query',
    category: 'oas',
    severity: 'warn',
    doc: 'Paths carry no query string (no gateway routes on it; Spectral oas id).',
    messages: { query: 'path {{path}} includes a query string' },
  },
  check(ctx, report) {
    for (const e of pathEntries(ctx.spec)) if (e.path.includes('?')) report('query', { path: e.path }, e.keyLoc);
  },
});
