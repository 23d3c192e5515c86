import { defineRule } from '../rule.js';

/**
 * A JWT scheme whose one key list serves HMAC (HS*) and public-key (RS/ES/PS) algorithms: keys are
 * secret references, so no gateway can tell which key is which, and an RSA public key used as an
 * HMAC secret lets anyone sign tokens (algorithm confusion, RFC 8725 section 3.1). `gwc build
 * --target nginx` refuses it with the same code; one scheme per family, ORed, says the same safely.
 */
export default defineRule({
  meta: { id: 'jwt-key-family-ambiguous', needsModel: true, messageIds: ['mixed'] },
  check(ctx, report) {
    for (const s of ctx.gateway?.securitySchemes ?? []) {
      const jwt = s.jwt;
      if (!jwt || jwt.publicKeys.length === 0) continue;
      const hmac = jwt.algorithms.filter((a) => a.startsWith('HS'));
      const publicKey = jwt.algorithms.filter((a) => !a.startsWith('HS'));
      if (hmac.length === 0 || publicKey.length === 0) continue;
      report('mixed', { scheme: s.name, hmac: hmac.join(','), publicKey: publicKey.join(',') }, { file: s.loc.file, pointer: `${s.loc.pointer}/x-gateway/algorithms` });
    }
  },
});
