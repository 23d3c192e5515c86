import { corsPolicy } from '../../model/policies/cors.js';
import { defineRule } from '../rule.js';

/**
 * Browsers refuse `Access-Control-Allow-Origin: *` with credentials, and a gateway that "fixes"
 * it by echoing the Origin opens every user's session to every site: the cors policy unit's lint
 * hint (src/model/policies/cors.ts), reported once per cors setting.
 */
export default defineRule({
  meta: { id: corsPolicy.hint.rule, needsModel: true, messageIds: ['wildcard'] },
  check(ctx, report) {
    for (const { route, loc } of corsPolicy.hint.find(ctx.spec, ctx.gateway?.routes ?? [])) report('wildcard', { route: route.id }, loc);
  },
});
