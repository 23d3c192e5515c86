/**
 * Security requirements (OpenAPI: a list of alternatives, OR; each a set of schemes, AND) are
 * decided by one njs handler behind `auth_request`
 * (https://nginx.org/en/docs/http/ngx_http_auth_request_module.html): nginx has no native way to
 * express OR-of-AND across API key, basic, JWT and forward auth, and credentials are secret
 * references (`${env:NAME}`, `${file:PATH}`) that only code running inside nginx can read.
 *
 * - API keys and basic passwords: exact, case-sensitive, constant-time comparison in njs
 *   (never `map`, whose string keys compare case-insensitively).
 * - JWT: njs WebCrypto/HMAC with the algorithm pinned per scheme; `exp` (required), `nbf`,
 *   `iss`, `aud`, scopes; keys from publicKeys, else from the issuer's JWKS (jwks.ts).
 * - A scheme verified here whose forwardAuth service answers headers or verifies other request
 *   headers asks the service as well, after its own check: both must pass (schemeView; red team 10).
 * - Forward auth: an njs subrequest to an internal location that proxies to the service.
 *
 * The handler answers 204 (allowed), 401 or 403; auth_request passes those on.
 */
import type { Route, SecretRef, SecurityScheme } from '../../model/types.js';
import { needsService } from '../forward-fallback.js';
import { audienceUnchecked } from '../jwt-audience.js';
import { issuerUnchecked } from '../jwt-issuer.js';
import type { Ctx } from './context.js';
import type { TlsView } from './backends.js';
import { filePath, headerName, headerVar, hostName, pathText, Refused } from './escape.js';
import { jwksView, type JwksView } from './jwks.js';
import { IDENTITY_HEADERS } from './security-route.js';

export interface ForwardView {
  index: number;
  uri: string;
  /** The service URL; the host is validated, the path checked as URL path text. */
  url: string;
  requestHeaders: Array<{ name: string; variable: string }>;
  /** An https service is verified against `trustedCa` under its own host name (see proxy-ssl.ts). */
  tls?: TlsView;
}

export type NjsSecret = { env: string } | { file: string };

export interface SecurityBuild {
  /** njs configuration (serialised into the module). */
  schemes: Record<string, unknown>;
  consumers: unknown[];
  forwards: ForwardView[];
  /** Key-set locations of JWT schemes verified against a JWKS (jwks.ts). */
  jwks: JwksView[];
  /** Response headers of forward-auth services copied onto upstream requests. */
  forwardHeaders: string[];
  /** Some route needs a credential: gwc's identity headers exist (and are cleared on every route). */
  anyAuth: boolean;
}

const BUILT = new WeakMap<Ctx, SecurityBuild>();

/** What {@link buildSecurity} found for this compile (the route views read the gateway-wide header lists). */
export function securityOf(ctx: Ctx): SecurityBuild {
  const b = BUILT.get(ctx);
  if (!b) throw new Error('internal: buildSecurity has not run');
  return b;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SUPPORTED_ALGS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'HS256', 'HS384', 'HS512'];

export function secretRef(ctx: Ctx, ref: SecretRef, what: string): NjsSecret | undefined {
  if (ref.kind === 'env') {
    if (!ENV_NAME.test(ref.name)) throw new Refused(what, ref.raw, 'names an environment variable that is not a plain identifier');
    ctx.envNames.add(ref.name);
    return { env: ref.name };
  }
  if (ref.kind === 'file') return { file: filePath(ref.path, what) };
  throw new Refused(what, ref.raw, 'is a vault reference', { code: 'nginx-secret-source', params: { what, ref: ref.raw } });
}

/** Builds the njs view of every scheme a route uses and of the consumers' credentials. */
export function buildSecurity(ctx: Ctx, routes: Route[]): SecurityBuild {
  const used = new Set(routes.flatMap((r) => r.security.flatMap((alt) => alt.map((i) => i.scheme))));
  const out: SecurityBuild = { schemes: {}, consumers: [], forwards: [], jwks: [], forwardHeaders: [], anyAuth: used.size > 0 };
  BUILT.set(ctx, out);
  const schemes = ctx.gateway.securitySchemes.filter((s) => used.has(s.name)).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const scheme of schemes) {
    const view = ctx.safe(scheme.loc, () => schemeView(ctx, scheme, out));
    if (view) out.schemes[scheme.name] = view;
  }
  for (const consumer of [...ctx.gateway.consumers].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const creds: unknown[] = [];
    for (const c of consumer.credentials) {
      if (!used.has(c.scheme)) continue;
      const v = ctx.safe(c.loc, () =>
        c.kind === 'apiKey'
          ? { scheme: c.scheme, kind: 'apiKey', key: secretRef(ctx, c.key, `API key of consumer ${consumer.name}`) }
          : { scheme: c.scheme, kind: 'basic', username: c.username, password: secretRef(ctx, c.password, `password of consumer ${consumer.name}`) },
      );
      if (v) creds.push(v);
    }
    if (creds.length > 0) out.consumers.push({ name: consumer.name, groups: [...consumer.groups].sort(), credentials: creds });
  }
  // a scheme no consumer holds is said once for every target by the core (scheme-no-consumers)
  out.forwardHeaders = [...new Set(out.forwardHeaders)].sort();
  return out;
}

function schemeView(ctx: Ctx, scheme: SecurityScheme, out: SecurityBuild): Record<string, unknown> | undefined {
  const own = nativeView(ctx, scheme, out);
  // A scheme nginx verifies itself whose forwardAuth service the spec relies on for more than the
  // credential (its answer headers, the backend's X-User-Id; request headers it verifies besides,
  // X-Session) asks the service too, after its own check (runtime.js check; both must pass). Never
  // called, a client's own X-User-Id reached the backend and the service's refusal was never asked
  // (red team 10). A service sent the credential alone is a fallback for targets that cannot
  // verify it: not called, and said (forward-fallback.ts, forward-auth-not-called).
  if (!own || own.kind === 'forward' || !scheme.forwardAuth || !needsService(scheme)) return own;
  return { ...own, forward: forwardView(ctx, scheme, out, sentToService(scheme)) };
}

/** How nginx verifies a scheme without its forwardAuth service (forward-fallback.ts); undefined when the service verifies it. */
export function nginxVerifiedBy(s: SecurityScheme): string | undefined {
  if (s.kind === 'apiKey') return "in njs, against the consumers' keys";
  if (s.kind === 'basic') return "in njs, against the consumers' passwords";
  if (s.kind === 'jwt' && s.jwt && (s.jwt.publicKeys.length > 0 || s.jwt.jwksUri)) return 'in njs, against its publicKeys or jwksUri';
  return undefined;
}

/**
 * The credential headers a service of a scheme nginx verifies itself is sent besides its
 * requestHeaders: the key's header, the Cookie header of a cookie key (the service reads its
 * cookie there), the Authorization of basic, the token's header. A query key travels in the
 * X-Forwarded-Uri the service is always sent.
 */
function sentToService(s: SecurityScheme): string[] {
  if (s.kind === 'apiKey' && s.apiKey) return s.apiKey.in === 'header' ? [s.apiKey.name.toLowerCase()] : s.apiKey.in === 'cookie' ? ['cookie'] : [];
  if (s.kind === 'basic') return ['authorization'];
  if (s.kind === 'jwt' && s.jwt) return [s.jwt.header.toLowerCase()];
  return ['authorization'];
}

function nativeView(ctx: Ctx, scheme: SecurityScheme, out: SecurityBuild): Record<string, unknown> | undefined {
  // No `hide` flag: runtime.js never read one; what strips a credential is the route's clears
  // (hiddenHeaders) and its CFG hideQuery/hideCookies (hiddenParams), which gwc diff reads.
  const base = { kind: scheme.kind };
  if (scheme.kind === 'apiKey' && scheme.apiKey) {
    const { name } = scheme.apiKey;
    if (scheme.apiKey.in === 'header') headerName(name);
    else if (!/^[A-Za-z0-9_.~-]+$/.test(name)) throw new Refused(`API key ${scheme.apiKey.in} name of scheme ${scheme.name}`, name, 'must be letters, digits, "_", ".", "~" or "-"');
    return { ...base, in: scheme.apiKey.in, name };
  }
  if (scheme.kind === 'basic') return { ...base, realm: scheme.basic?.realm ?? scheme.name };
  if (scheme.kind === 'jwt' && scheme.jwt) {
    const jwt = scheme.jwt;
    // No static key: the issuer's JWKS, fetched and cached by nginx (jwks.ts), else the spec's forwardAuth.
    if (jwt.publicKeys.length === 0 && !jwt.jwksUri) {
      if (scheme.forwardAuth) return { kind: 'forward', forward: forwardView(ctx, scheme, out) };
      throw new Refused(`JWT scheme ${scheme.name}`, scheme.name, 'gives no publicKeys, no jwksUri and no forwardAuth', { code: 'nginx-jwt-no-keys', params: { scheme: scheme.name } });
    }
    const fromJwks = jwt.publicKeys.length === 0;
    const supported = fromJwks ? SUPPORTED_ALGS.filter((a) => !a.startsWith('HS')) : SUPPORTED_ALGS;
    const algs = jwt.algorithms.filter((a) => supported.includes(a));
    if (algs.length !== jwt.algorithms.length || algs.length === 0) {
      const params = { scheme: scheme.name, algorithms: jwt.algorithms.join(','), supported: supported.join(', ') };
      throw new Refused(`algorithms of JWT scheme ${scheme.name}`, params.algorithms, `must be among ${params.supported}`, { code: 'nginx-jwt-algorithm', params });
    }
    if (!keyFamiliesClear(ctx, scheme, algs)) return undefined;
    const jwks = fromJwks ? jwksView(ctx, scheme, jwt.jwksUri!, out.jwks) : undefined;
    const unchecked = audienceUnchecked(scheme);
    if (unchecked) ctx.report('jwt-audience-missing', { scheme: scheme.name, keys: unchecked }, scheme.loc);
    const anyIssuer = issuerUnchecked(scheme);
    if (anyIssuer) ctx.report('jwt-issuer-missing', { scheme: scheme.name, keys: anyIssuer }, scheme.loc);
    return {
      ...base,
      header: headerName(jwt.header),
      algorithms: algs,
      keys: jwt.publicKeys.map((k) => secretRef(ctx, k, `key of JWT scheme ${scheme.name}`)),
      ...(jwks ? { jwks } : {}),
      issuer: jwt.issuer ?? null,
      audiences: jwt.audiences,
      skew: jwt.clockSkewSeconds,
    };
  }
  if (scheme.kind === 'forward' && scheme.forwardAuth) return { kind: 'forward', forward: forwardView(ctx, scheme, out) };
  throw new Refused(`security scheme ${scheme.name}`, scheme.kind, 'has nothing nginx can verify', { code: 'nginx-scheme-unverifiable', params: { scheme: scheme.name, kind: scheme.kind } });
}

/**
 * The service's internal location and what njs reads of it. `own`: the scheme's credential headers
 * it is sent besides requestHeaders (a forward scheme's: Authorization). On an optional route a
 * request carrying any header the service reads counts as a credential (verified, never anonymous):
 * all of them for a scheme the service alone verifies, the requestHeaders for one nginx verifies
 * itself (its own credential is present() already; a cookie key's whole Cookie header is not).
 */
function forwardView(ctx: Ctx, scheme: SecurityScheme, out: SecurityBuild, own: string[] = ['authorization']): { uri: string; presence: string[]; responseHeaders: string[] } {
  const fa = scheme.forwardAuth!;
  const index = out.forwards.length;
  const uri = `/_gwc_internal/f/${index}`;
  const requestHeaders = [...new Set([...own, ...fa.requestHeaders.map((h) => h.toLowerCase())])]
    .sort()
    .map((h) => ({ name: headerName(h), variable: headerVar(h) }));
  const onlyVerifier = scheme.kind === 'forward' || (scheme.kind === 'jwt' && scheme.jwt?.publicKeys.length === 0 && !scheme.jwt.jwksUri);
  const presence = onlyVerifier ? requestHeaders.map((h) => h.name) : [...new Set(fa.requestHeaders.map((h) => headerName(h.toLowerCase())))].sort();
  const host = hostName(fa.url.host, `forwardAuth host of ${scheme.name}`);
  const forward: ForwardView = {
    index,
    uri,
    url: `${fa.url.scheme}://${host}:${fa.url.port}${pathText(fa.url.path || '/', `forwardAuth path of ${scheme.name}`)}`,
    requestHeaders,
  };
  if (fa.url.scheme === 'https') forward.tls = { verify: true, serverName: host, trusted: filePath(ctx.options.trustedCa, 'trustedCa option') };
  out.forwards.push(forward);
  const responseHeaders = fa.responseHeaders.map((h) => headerName(h).toLowerCase());
  const reserved = responseHeaders.filter((h) => IDENTITY_HEADERS.some((i) => i.name.toLowerCase() === h) || h.startsWith('x-gwc-'));
  for (const h of reserved) {
    const at = fa.responseHeaders.findIndex((x) => x.toLowerCase() === h);
    ctx.report('forward-header-reserved', { scheme: scheme.name, header: h }, { file: fa.loc.file, pointer: `${fa.loc.pointer}/responseHeaders/${at}` });
  }
  out.forwardHeaders.push(...responseHeaders.filter((h) => !reserved.includes(h)));
  ctx.needsNjs = true;
  // Any of the headers the service is sent counts as a credential on an optional route (verified, never ignored).
  return { uri, presence, responseHeaders };
}

/**
 * Keys are secret references, so gwc cannot see at build time whether one is an HMAC secret or a
 * public key. A scheme that lists both HS* and RS/ES algorithms would leave each key usable either
 * way, and an RSA public key used as an HMAC secret lets anyone sign tokens (algorithm confusion,
 * https://datatracker.ietf.org/doc/html/rfc8725#section-3.1). Such a scheme is refused; two schemes
 * (one per family) ORed on the route say the same safely. The runtime also never uses PEM/JWK text
 * as an HMAC secret, nor an HMAC secret as a public key.
 */
function keyFamiliesClear(ctx: Ctx, scheme: SecurityScheme, algs: string[]): boolean {
  const hmac = algs.filter((a) => a.startsWith('HS'));
  if (hmac.length === 0 || hmac.length === algs.length) return true;
  ctx.report(
    'jwt-key-family-ambiguous',
    { scheme: scheme.name, hmac: hmac.join(','), publicKey: algs.filter((a) => !a.startsWith('HS')).join(',') },
    { file: scheme.loc.file, pointer: `${scheme.loc.pointer}/x-gateway/algorithms` },
  );
  return false;
}

// What a route reads of its requirement (security-route.ts), exported here too for the modules that import it from here.
export { IDENTITY_HEADERS, njsForwardVars, routeSecurity, hiddenHeaders, BEARER_QUERY, bearerBodyRoute, bearerScheme, bodyKeyPatterns, bodyKeyPattern, hiddenParams } from './security-route.js';
