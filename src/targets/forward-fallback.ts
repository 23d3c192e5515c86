/**
 * `x-gateway.forwardAuth` on a scheme a target verifies itself (red team 10). The schema calls the
 * service "the scheme itself, or the fallback for targets that cannot verify it". What each target
 * does with it is one decision, made here for all of them, never a silent drop:
 *
 * - A service sent nothing but the scheme's own credential and answering no headers is a second
 *   verifier of that credential: a target that verifies the scheme itself does not call it, and
 *   says so (forward-auth-not-called, a warning: a refusal only the service would give, a revoked
 *   key, is not asked there).
 * - A service the spec relies on for more (`responseHeaders`, copied from its answer to the
 *   backend, which reads them as the caller; `requestHeaders` beyond the credential, which it
 *   verifies) does what the target's own check cannot: a target that can call a service asks it
 *   too, after its own check, both must pass (nginx: security.ts schemeView; Traefik: a basic
 *   scheme's forwardAuth middleware after basicAuth); a target that cannot (Kong OSS, API Gateway)
 *   refuses the build (forward-auth-not-callable): its backend would read those headers unverified,
 *   or never get them.
 * - The escape (DESIGN.md 4: a gap accepted per target, explicitly, shown by lint): the spec accepts
 *   `auth.forward` for that target (`x-gateway.accept: { kong: [{ feature: auth.forward, reason }] }`,
 *   the feature the target cannot give). Then, where the service is relied on for its answer headers
 *   only, the build goes on with a warning at them (forward-auth-answer-unset): the headers are
 *   removed from every client request in every spelling, as on every route already, and never set;
 *   a refusal only the service gives is not asked. Only on a target that removes every spelling of
 *   them on every route ({@link ForwardFallbackTarget.answersUnset}): the backend then gets no
 *   identity, never a forged one (fail closed). Request headers the service verifies beside the
 *   credential stay refused even so: the backend would read them unverified, as if verified.
 *
 * Each target's compile calls {@link forwardFallback} with its own answers, so lint (which relays
 * the target's compile) reports the same thing at the same line.
 */
import { diag, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { Gateway, SecurityScheme } from '../model/types.js';

export interface ForwardFallbackTarget {
  target: string;
  /** Whether the target asks a scheme's service beside its own check when the spec relies on the service ({@link serviceNeeded}). */
  callsBeside: boolean;
  /** How the target verifies `s` without its service (a few words), or undefined when the service is what verifies it. */
  verifiedBy: (s: SecurityScheme) => string | undefined;
  /** Request headers (lowercased) the target's own verifier of `s` reads besides the credential (an AWS Lambda authorizer's identity sources): no service is needed to verify them. */
  reads?: (s: SecurityScheme) => string[];
  /**
   * For a target that cannot call a service: why it cannot honour an accepted `auth.forward` gap for
   * `s` (a route where a client's spelling of an answer header would still reach the backend), or
   * undefined when it removes every spelling of the answer headers on every route, so the headers
   * can be left unset. Absent: never.
   */
  answersUnset?: (s: SecurityScheme) => string | undefined;
}

/** The headers a scheme's own credential travels in, lowercased (what its service is sent as the credential). */
export function ownCredentialHeaders(s: SecurityScheme): string[] {
  switch (s.kind) {
    case 'apiKey':
      return s.apiKey?.in === 'header' ? [s.apiKey.name.toLowerCase()] : s.apiKey?.in === 'cookie' ? ['cookie'] : [];
    case 'basic':
      return ['authorization', 'proxy-authorization'];
    case 'jwt':
      return [(s.jwt?.header ?? 'authorization').toLowerCase()];
    default:
      return ['authorization'];
  }
}

/**
 * What the spec relies on a scheme's service for beyond verifying its credential: its answer
 * headers, and the request headers it reads besides the credential (lowercased, answer headers
 * first). Empty: the service is a fallback verifier of the credential alone.
 */
export function serviceNeeded(s: SecurityScheme, alsoRead: readonly string[] = []): { responseHeaders: string[]; requestHeaders: string[] } {
  const fa = s.forwardAuth;
  if (!fa) return { responseHeaders: [], requestHeaders: [] };
  const own = new Set([...ownCredentialHeaders(s), ...alsoRead]);
  return { responseHeaders: [...new Set(fa.responseHeaders)], requestHeaders: [...new Set(fa.requestHeaders.filter((h) => !own.has(h)))] };
}

/** Whether a target that verifies `s` itself must still ask its service (answer headers, or other request headers). */
export function needsService(s: SecurityScheme): boolean {
  const n = serviceNeeded(s);
  return n.responseHeaders.length > 0 || n.requestHeaders.length > 0;
}

/** Key-table condition (key-table.ts): a forwardAuth service sent only the credential and answering no headers. */
export const PURE_FALLBACK = {
  test: (v: unknown) => {
    const fa = (v ?? {}) as { requestHeaders?: unknown[]; responseHeaders?: unknown[] };
    return !fa.requestHeaders?.length && !fa.responseHeaders?.length;
  },
  says: 'when the service is sent only the credential and answers no headers',
};

/** Key-table condition: a header list that names any header. */
export const NON_EMPTY = { test: (v: unknown) => Array.isArray(v) && v.length > 0, says: 'when it names any header' };

/**
 * Key-table condition for `requestHeaders` on a target that cannot call a service: refused only for a
 * header besides the scheme's own credential ({@link serviceNeeded}: a service sent only the
 * credential is a fallback, warned). The test reads the list alone (a key condition sees the
 * forwardAuth object, not its scheme): it answers for a list naming any header, which the samples of
 * test/targets/key-coverage never fill with the credential; the compile decides per scheme.
 */
export const BEYOND_CREDENTIAL = {
  test: NON_EMPTY.test,
  says: "when it names a header besides the scheme's own credential (the key's header, Cookie for a cookie key, Authorization for basic, bearer and OAuth2, an AWS Lambda authorizer's identity sources): never with an accepted auth.forward gap either",
};

/** One diagnostic per scheme some route requires that has a forwardAuth service the target verifies without. */
export function forwardFallback(gateway: Gateway, t: ForwardFallbackTarget): Diagnostic[] {
  const used = new Set<string>();
  for (const r of gateway.routes) for (const alt of r.security) for (const item of alt) used.add(item.scheme);
  const out: Diagnostic[] = [];
  for (const s of gateway.securitySchemes) {
    const fa = s.forwardAuth;
    if (!fa || !used.has(s.name)) continue;
    const by = t.verifiedBy(s);
    if (by === undefined) continue;
    const n = serviceNeeded(s, t.reads?.(s));
    if (n.responseHeaders.length === 0 && n.requestHeaders.length === 0) {
      out.push(diag('forward-auth-not-called', { target: t.target, scheme: s.name, by }, fa.loc, { target: t.target }));
      continue;
    }
    if (t.callsBeside) continue;
    const at = (part: string) => ({ file: fa.loc.file, pointer: `${fa.loc.pointer}/${part}` });
    const accepted = gateway.accepted.find((a) => a.target === t.target && a.feature === 'auth.forward');
    // An accepted gap, where the service is relied on for its answer headers only and the target removes every spelling of them.
    const cannot = !accepted ? undefined : n.requestHeaders.length > 0 ? 'the service verifies request headers beside the credential, which no accepted gap may leave unverified' : t.answersUnset ? t.answersUnset(s) : `${t.target} cannot leave them unset`;
    if (accepted && cannot === undefined) {
      out.push(diag('forward-auth-answer-unset', { target: t.target, scheme: s.name, by, headers: n.responseHeaders.join(', '), reason: accepted.reason }, at('responseHeaders'), { target: t.target }));
      continue;
    }
    const part = n.responseHeaders.length > 0 ? 'responseHeaders' : 'requestHeaders';
    const headers = [...n.responseHeaders.map((h) => `${h} (its answer)`), ...n.requestHeaders.map((h) => `${h} (verified by it)`)].join(', ');
    out.push(diag('forward-auth-not-callable', { target: t.target, scheme: s.name, by, headers, ...(cannot ? { notAccepted: cannot } : {}) }, at(part), { target: t.target }));
  }
  return out;
}
