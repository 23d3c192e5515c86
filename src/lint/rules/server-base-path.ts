import { defineRule } from '../rule.js';
import { isObj, walker } from '../walk.js';

/**
 * The first server's URL is the public host and base path every target serves (DESIGN.md section
 * 3 rule 1): it must resolve to a plain path. Later servers that disagree are not served.
 */
export default defineRule({
  meta: { id: 'server-base-path', messageIds: ['variable', 'query', 'differs'] },
  check(ctx, report) {
    const w = walker(ctx.spec);
    // With x-gateway backends the servers are the public side and the model says which base path
    // is not served (server-base-path-ignored, in the build too); here only plain OpenAPI's.
    const x = (ctx.spec.root.value as Record<string, unknown>)['x-gateway'];
    const publicSide = isObj(x) && isObj(x.backends) && Object.keys(x.backends).length > 0;
    let first: string | undefined;
    for (const s of w.items(w.child(ctx.spec.root, 'servers'))) {
      if (!isObj(s.value) || typeof s.value.url !== 'string') continue;
      const url = s.value.url;
      const urlLoc = w.child(s, 'url').loc;
      const vars = isObj(s.value.variables) ? s.value.variables : {};
      let resolved = url;
      let broken = false;
      for (const m of url.matchAll(/\{([^{}]*)\}/g)) {
        const v = vars[m[1]!];
        if (isObj(v) && typeof v.default === 'string') resolved = resolved.replace(m[0], v.default);
        else {
          report('variable', { url, name: m[1]! }, urlLoc);
          broken = true;
        }
      }
      if (/[?#]/.test(resolved)) {
        report('query', { url }, urlLoc);
        broken = true;
      }
      if (broken) continue;
      let basePath: string;
      try {
        basePath = decodeURIComponent(new URL(resolved, 'http://relative.invalid').pathname).replace(/\/+$/, '');
      } catch {
        continue; // the model reports bad-url
      }
      if (first === undefined) first = basePath;
      else if (basePath !== first && !publicSide) report('differs', { url, basePath: basePath || '/', first: first || '/' }, urlLoc, { severity: 'warn' });
    }
  },
});
