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
import type { Route, SecurityScheme } from '../../model/types.js';
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

/**
 * An AND of a basic scheme and an API-key scheme whose keys are the spec's consumers' (RL19): the
 * router chains basicAuth (X-Consumer: the basic user) and the key's forwardAuth (its answer replaces
 * X-Consumer), each checking its own credential against any consumer, so alice's key with bob's
 * password passed, told as alice. Traefik has no step comparing the two (nginx refuses such a
 * request; Kong refuses the AND, kong-auth-and-consumers): refused at the requirement. A key scheme
 * no consumer holds keys of is the key service's own (an app key beside a user), not a spec consumer.
 * test/security/rl19-traefik-and-consumers.test.ts.
 */
export function refuseAndConsumers(ctx: Ctx, route: Route, schemes: ReadonlyMap<string, SecurityScheme>): boolean {
  const held = (scheme: string) => ctx.gateway.consumers.some((c) => c.credentials.some((x) => x.scheme === scheme));
  for (const alt of route.security) {
    const basic = alt.find((i) => schemes.get(i.scheme)?.kind === 'basic');
    const key = alt.find((i) => schemes.get(i.scheme)?.kind === 'apiKey' && held(i.scheme));
    if (!basic || !key) continue;
    ctx.report('traefik-auth-and-consumers', { route: route.id, key: key.scheme, basic: basic.scheme }, route.securityLoc);
    return true;
  }
  return false;
}
