import { validatePolicy } from '../../model/policies/validate.js';
import { defineRule } from '../rule.js';

/**
 * An operation with a request body that the gateway does not validate: the validate policy unit's
 * lint hint (src/model/policies/validate.ts), reported at the operation's requestBody.
 */
export default defineRule({
  meta: { id: validatePolicy.hint!.rule, needsModel: true, messageIds: ['none'] },
  check(ctx, report) {
    for (const { route, loc } of validatePolicy.hint!.find(ctx.spec, ctx.gateway?.routes ?? [])) report('none', { route: route.id }, loc);
  },
});
