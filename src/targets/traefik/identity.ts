/**
 * What X-Consumer tells the backend on Traefik (DESIGN.md 7.1, 7.3; README "what the backend may
 * trust"): basicAuth's verified user name (headerField, auth-middlewares.ts) or what an API-key forwardAuth
 * service answers (the spec consumer it found). Neither is qualified by its scheme, and Traefik
 * copies both as sent, so the namespace is held here instead (nginx writes a token's identity as
 * `<scheme>:<sub>`, Kong names a token by its issuer's consumer):
 * - a bearer scheme's service (kind forward, or a JWT/OAuth2 scheme verified through forwardAuth)
 *   answers for a token, whose subject is no spec consumer: copying its X-Consumer (any case, or the
 *   `_` spelling a CGI backend reads alike) would let a token for "alice" reach the backend as the
 *   consumer alice. Refused at that responseHeaders entry (forward-header-reserved).
 * - two consumers whose basic user names fold to one name (case) in two basic schemes reach the
 *   backend as one X-Consumer for a case-folding backend (one scheme's pair, and a user name that is
 *   another consumer's name, are refused for every target in model/normalise/security.ts).
 * https://doc.traefik.io/traefik/middlewares/http/basicauth/#headerfield
 * https://doc.traefik.io/traefik/middlewares/http/forwardauth/#authresponseheaders
 */
import type { Ctx } from './context.js';
import { VERIFIED_USER_HEADER } from './credentials.js';

const asRead = (h: string) => h.replace(/_/g, '-').toLowerCase();

/** Reports each identity X-Consumer could carry for two callers (see the file comment). */
export function checkIdentityNamespace(ctx: Ctx): void {
  for (const s of ctx.gateway.securitySchemes) {
    const fa = s.forwardAuth;
    if (!fa || (s.kind !== 'forward' && s.kind !== 'jwt')) continue;
    fa.responseHeaders.forEach((h, i) => {
      if (asRead(h) !== asRead(VERIFIED_USER_HEADER)) return;
      ctx.report('forward-header-reserved', { scheme: s.name, header: h }, { file: fa.loc.file, pointer: `${fa.loc.pointer}/responseHeaders/${i}` });
    });
  }
  const users = new Map<string, { consumer: string; scheme: string }>();
  for (const c of ctx.gateway.consumers) {
    for (const k of c.credentials) {
      if (k.kind !== 'basic') continue;
      const name = k.username.toLowerCase();
      const other = users.get(name);
      if (other && other.consumer !== c.name && other.scheme !== k.scheme) {
        ctx.report('consumer-credential-shared', { consumer: c.name, other: other.consumer, scheme: k.scheme, what: 'basic user name (Traefik names the caller by it in X-Consumer, across schemes)' }, k.loc);
      } else if (!other) users.set(name, { consumer: c.name, scheme: k.scheme });
    }
  }
}
