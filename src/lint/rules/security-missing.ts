import type { Loc } from '../../diagnostics/diagnostic.js';
import type { LoadedSpec } from '../../spec/loaded-spec.js';
import { getAt, splitPointer } from '../../spec/pointer.js';
import { defineRule } from '../rule.js';

/**
 * A route nobody decided to make public is a mistake waiting to ship: require either a security
 * requirement or an explicit `x-gateway.public: true`. A requirement whose only alternative is
 * empty (`[{}]`) is public too, so it needs the same explicit word; `{}` beside a scheme is optional
 * auth (a present credential is still verified) and needs nothing more.
 */
export default defineRule({
  // Exactly the routes the build refuses as security-undecided (capability-check.ts gatewayRefusals).
  meta: { id: 'security-missing', needsModel: true, refuses: true, messageIds: ['none', 'anonymous'] },
  check(ctx, report) {
    for (const r of ctx.gateway?.routes ?? []) {
      if (r.security.length > 0 || r.declaredPublic) continue;
      if (r.securityLoc && hasEmptyAlternative(ctx.spec, r.securityLoc)) report('anonymous', { route: r.id }, r.securityLoc, { refusal: true });
      // Where the build's security-undecided refusal points too (src/targets/capability-check.ts).
      else report('none', { route: r.id }, r.securityLoc ?? r.loc, { refusal: true });
    }
  },
});

function hasEmptyAlternative(spec: LoadedSpec, loc: Loc): boolean {
  const got = getAt(spec.files.get(loc.file)?.data, splitPointer(loc.pointer));
  return Array.isArray(got.value) && got.value.some((a) => a !== null && typeof a === 'object' && Object.keys(a as object).length === 0);
}
