/**
 * Request inputs a backend may read as "the real method" or "the real path", so a caller allowed
 * on one route could make the backend run another (DESIGN.md section 7.5). Every target strips
 * the headers (or empties them) and refuses or strips the query parameter, unless the operation
 * declares the input itself (Route.declaredOverrides). One list, read by the model and all targets.
 */

/** Method-override headers (Google APIs, Rails/Rack, Laravel, Symfony, ASP.NET). */
export const METHOD_OVERRIDE_HEADERS = ['X-HTTP-Method-Override', 'X-HTTP-Method', 'X-Method-Override'] as const;

/** The form/query parameter Rails, Laravel and Symfony read as the method. */
export const METHOD_OVERRIDE_QUERY = '_method';

/**
 * Spellings PHP turns into `_method` when it parses a query (`.` and space become `_`, a leading
 * `[` too) and the array form; a target that refuses `_method` refuses these as well.
 */
export const METHOD_OVERRIDE_QUERY_FORMS = ['_method', '.method', ' method', '[method', '_method[]'] as const;

/** URL overrides (IIS URL Rewrite, Symfony, Zend read them as the request path). Never declarable. */
export const URL_OVERRIDE_HEADERS = ['X-Original-URL', 'X-Rewrite-URL'] as const;

/**
 * Identity headers gwc's gateways set for the backend after verification (nginx sets both);
 * cleared on every route of every target so a client can never send them itself.
 */
export const GATEWAY_IDENTITY_HEADERS = ['X-Consumer', 'X-Authenticated-Scheme'] as const;

/**
 * Identity headers the other gateways gwc targets set after verification (Kong: consumer,
 * credential, authenticated and anonymous headers). A backend written for gwc may be deployed
 * behind any target and trust them, so every target clears the ones it does not set itself.
 * https://docs.konghq.com/hub/kong-inc/key-auth/#upstream-headers
 */
export const FOREIGN_IDENTITY_HEADERS = [
  'X-Consumer-ID', 'X-Consumer-Custom-ID', 'X-Consumer-Username', 'X-Consumer-Groups',
  'X-Credential-Identifier', 'X-Credential-Username',
  'X-Authenticated-Userid', 'X-Authenticated-Groups', 'X-Authenticated-Scope',
  'X-Anonymous-Consumer', 'X-Anonymous-Groups',
] as const;

/**
 * Scheme headers a backend reads as "the client came over TLS" (redirect to https, Secure cookies,
 * HSTS, force_ssl). Rack's Request#scheme takes HTTPS, then X-Forwarded-Ssl: on, then
 * X-Forwarded-Scheme, before X-Forwarded-Proto (rack/lib/rack/request.rb), so a client's
 * X-Forwarded-Ssl makes a plain-HTTP request https to Rails whatever the gateway's -Proto says;
 * Tornado (xheaders) and oauth2-proxy's examples use X-Scheme; X-Forwarded-Protocol and
 * X-Url-Scheme are the older spellings (Rack's x_forwarded_proto list, Werkzeug); Front-End-Https: on
 * is Microsoft's (IIS/OWA, ASP.NET behind ISA/TMG).
 */
export const CLIENT_SCHEME_HEADERS = [
  'X-Forwarded-Scheme', 'X-Forwarded-Ssl', 'X-Forwarded-Protocol', 'X-Url-Scheme', 'X-Scheme', 'Front-End-Https',
] as const;

/**
 * Identity headers an authenticating proxy sets after its login, trusted by the apps written
 * for it (a client sending them names itself and its groups): oauth2-proxy's
 * --pass-user-headers (X-Forwarded-User/-Email/-Groups/-Preferred-Username) and
 * --pass-access-token (X-Forwarded-Access-Token), its --set-xauthrequest answers
 * (X-Auth-Request-*, copied to the backend by nginx auth_request setups;
 * https://oauth2-proxy.github.io/oauth2-proxy/configuration/overview), Authelia's Remote-User /
 * -Groups / -Email / -Name (https://www.authelia.com/integration/trusted-header-sso/introduction/),
 * Apache mod_auth / Django's RemoteUserMiddleware style X-Remote-User, and authentik's
 * X-Authentik-* (https://docs.goauthentik.io/add-secure-apps/providers/proxy).
 */
export const PROXY_AUTH_IDENTITY_HEADERS = [
  'X-Forwarded-User', 'X-Forwarded-Email', 'X-Forwarded-Groups', 'X-Forwarded-Preferred-Username', 'X-Forwarded-Access-Token',
  'X-Auth-Request-User', 'X-Auth-Request-Email', 'X-Auth-Request-Groups', 'X-Auth-Request-Preferred-Username', 'X-Auth-Request-Access-Token',
  'Remote-User', 'Remote-Groups', 'Remote-Email', 'Remote-Name', 'X-Remote-User',
  'X-Authentik-Username', 'X-Authentik-Groups', 'X-Authentik-Email', 'X-Authentik-Uid',
] as const;

/**
 * Client-certificate headers a TLS-terminating proxy sets after checking the certificate: Envoy's
 * XFCC (X-Forwarded-Client-Cert, read by Istio-aware apps and Spring Cloud Gateway), Traefik's
 * passTLSClientCert (X-Forwarded-Tls-Client-Cert(-Info)), ALB/HAProxy/nginx setups
 * (X-Client-Cert, X-SSL-Client-Cert, Ssl-Client-Cert, X-Tls-Client-Cert with X-SSL-Client-Verify
 * and -DN). A gwc gateway checks no client certificate, so any such header is the client's own
 * word for a certificate nobody verified.
 */
export const CLIENT_CERT_HEADERS = [
  'X-Forwarded-Client-Cert', 'X-Forwarded-Tls-Client-Cert', 'X-Forwarded-Tls-Client-Cert-Info',
  'X-Tls-Client-Cert', 'X-Client-Cert', 'X-SSL-Client-Cert', 'Ssl-Client-Cert', 'X-SSL-Client-Verify', 'X-SSL-Client-DN',
] as const;

/**
 * "Original request" headers a forward-auth service or a backend reads as the method or path that
 * was called (Traefik forwardAuth and Authelia read X-Forwarded-Method/-Uri, ingress-nginx and
 * nginx auth_request setups X-Original-URI/-Method, Kong's template X-Forwarded-Path): a client's
 * value names another route than the one authorised (DESIGN.md 7.5). nginx sends its own
 * X-Forwarded-Method/-Uri to a forward-auth service only (templates.ts forwards).
 */
export const ORIGINAL_REQUEST_HEADERS = [
  'X-Forwarded-Uri', 'X-Forwarded-Method', 'X-Forwarded-Path', 'X-Original-URI', 'X-Original-Method',
] as const;

/**
 * Client-address headers a CDN or load balancer sets and frameworks read for IP allow lists and
 * per-address limits: Rails' RemoteIp and Rack read Client-Ip (HTTP_CLIENT_IP), Express/
 * request-ip and Go chi's RealIP read X-Client-IP / True-Client-IP (Akamai, Cloudflare
 * Enterprise), X-Cluster-Client-IP (Rackspace, Riverbed), CF-Connecting-IP (Cloudflare),
 * Fastly-Client-IP (Fastly), X-Original-Forwarded-For (ingress-nginx behind another proxy).
 */
export const CLIENT_ADDRESS_HEADERS = [
  'Client-IP', 'X-Client-IP', 'True-Client-IP', 'X-Cluster-Client-IP', 'CF-Connecting-IP', 'Fastly-Client-IP', 'X-Original-Forwarded-For',
] as const;

/**
 * Forwarding headers a gateway writes itself, in this (dash) spelling: X-Forwarded-For/-Proto/-Host
 * on every target, X-Real-IP, X-Forwarded-Port/-Prefix/-Path on Kong (kong/templates/nginx_kong.lua
 * proxy_set_header), X-Real-Ip, X-Forwarded-Port/-Server on Traefik's entry point. The dash spelling
 * reaching the backend is the gateway's value; every other `-`/`_` spelling is the client's own
 * (Kong runs `underscores_in_headers on`; Traefik before 3.6.14 deleted only canonical names), and
 * PHP, Rack and CGI/WSGI read `X_Forwarded_Host` as HTTP_X_FORWARDED_HOST, beside or after the
 * gateway's value (red team 4: redteam4-kong-forwarding, redteam4-traefik-forwarding).
 */
export const GATEWAY_FORWARDING_HEADERS = [
  'X-Forwarded-For', 'X-Forwarded-Proto', 'X-Forwarded-Host', 'X-Forwarded-Port', 'X-Forwarded-Prefix', 'X-Forwarded-Path', 'X-Forwarded-Server', 'X-Real-IP',
] as const;

/** A name of the family in its dash spelling (a target keeping the dash names only, as AWS does for the family's size). */
export const DASH_NAME = (h: string): boolean => !h.includes('_');

/** Every spelling of a dash-separated name with `_` at one or more of its dashes (X_Forwarded_For, X-Forwarded_For, ...). */
export function underscoreForms(name: string): string[] {
  const parts = name.split('-');
  const out: string[] = [];
  for (let mask = 1; mask < 1 << (parts.length - 1); mask++) {
    out.push(parts.reduce((acc, p, i) => (i === 0 ? p : `${acc}${mask & (1 << (i - 1)) ? '_' : '-'}${p}`), ''));
  }
  return out;
}

/**
 * Forwarding headers a backend reads as where the request came from, how it was addressed or who
 * a proxy before it authenticated (password-reset links, redirects, IP allow lists, trusted-header
 * SSO); the gateway sets X-Forwarded-For/-Proto/-Host itself and clears these so a client's values
 * never pass. Every target clears every name here on every route, except the ones it sets itself
 * (Traefik's entry point: traefik/clears.ts ENTRY_POINT_SETS; Kong's nginx template). The `_`
 * spellings of the headers gateways set themselves (GATEWAY_FORWARDING_HEADERS) are listed as names
 * of their own: a client's, never the gateway's (a target that reads names with `-` and `_` as one,
 * like Kong's header-family chunk, clears the client's dash copy too, before the gateway writes its own).
 */
export const CLIENT_FORWARDING_HEADERS = [
  'Forwarded', 'X-Real-IP', 'X-Forwarded-Prefix', 'X-Forwarded-Port', 'X-Forwarded-Server',
  ...CLIENT_SCHEME_HEADERS, ...PROXY_AUTH_IDENTITY_HEADERS, ...CLIENT_CERT_HEADERS, ...ORIGINAL_REQUEST_HEADERS, ...CLIENT_ADDRESS_HEADERS,
  ...GATEWAY_FORWARDING_HEADERS.flatMap(underscoreForms),
];

/** True when `name` (any case) is one of the method-override headers. */
export const isMethodOverrideHeader = (name: string): boolean =>
  METHOD_OVERRIDE_HEADERS.some((h) => h.toLowerCase() === name.toLowerCase());

/**
 * Every request header the gateway clears or sets itself, lowercased: gwc never gives one a
 * literal value or passes the client's (the deployed readers' `unread`: `X-Consumer "admin"` set
 * by hand is a caller named by the configuration, red team 14).
 */
export const GATEWAY_DECIDED_HEADERS: ReadonlySet<string> = new Set(
  [...GATEWAY_IDENTITY_HEADERS, ...FOREIGN_IDENTITY_HEADERS, ...METHOD_OVERRIDE_HEADERS, ...URL_OVERRIDE_HEADERS, ...GATEWAY_FORWARDING_HEADERS, ...CLIENT_FORWARDING_HEADERS].map((h) => h.toLowerCase()),
);
