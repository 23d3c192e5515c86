import { defineRule } from '../rule.js';

/**
 * `anyAudience: true` lets a scheme verified with public keys or a JWKS check no audience
 * (src/targets/jwt-audience.ts refuses it otherwise, on every target): right for an issuer that
 * mints tokens for this API alone, a hole for a shared identity provider's keys. A warning at the
 * line, so a pull request that adds it shows it to the reviewer.
 */
export default defineRule({
  meta: { id: 'jwt-any-audience', needsModel: true, messageIds: ['any'] },
  check(ctx, report) {
    for (const s of ctx.gateway?.securitySchemes ?? []) {
      const at = s.jwt?.anyAudience;
      if (at) report('any', { scheme: s.name }, at.loc);
    }
  },
});
