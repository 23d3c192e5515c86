/**
 * Explanations for the Traefik target's own refusals and warnings (src/targets/traefik), coded in
 * issue #17.3 (they were free text under a catch-all code). The earlier traefik-* codes are in targets.ts.
 */
import { ex, type Explanations } from './explanation.js';

export const TRAEFIK: Explanations = {
  'traefik-matcher-empty': ex(
    'A host, path segment or header gwc would put in a Traefik router rule is empty; Traefik refuses an empty matcher argument.',
    'The whole dynamic configuration would fail to load, taking every route of the file down.',
    'Give the host, path or header a value.',
    "x-gateway: { hosts: [\"\"] }",
  ),
  'traefik-matcher-control-character': ex(
    'Text gwc would put in a Traefik router rule (a host, path or header) holds a control character, a lone surrogate or a Unicode line separator.',
    'Such text could end the rule\'s string early and add matchers of the caller\'s choosing, or make Traefik refuse the file.',
    'Remove the character from the spec.',
    "paths:\n  \"/a\\u0000b\": { get: {...} }",
  ),
  'traefik-value-control-character': ex(
    'A value gwc would write into the Traefik configuration (the message gives where) holds a control character or a lone surrogate.',
    'Written out it could split a YAML line or a header, changing what Traefik loads.',
    'Remove the character from the spec value that feeds it.',
    "x-gateway:\n  responseHeaders: { set: { X-Note: \"a\\nb\" } }",
  ),
  'traefik-no-routers': ex(
    'Nothing is left to write a Traefik router for.',
    'An empty dynamic configuration would load and route nothing, which looks like success.',
    'Make sure the spec has operations the target can serve (see the other diagnostics).',
    'gwc build gateway.yaml --target traefik',
  ),
  'traefik-tls-key-source': ex(
    'The gateway\'s TLS key is not a ${file:...} reference; Traefik reads keyFile from disk.',
    'An environment or vault reference would be written where Traefik expects a path, and the certificate would not load.',
    'Give the key as ${file:/path/on/the/traefik/host}.',
    "x-gateway:\n  tls: { certificate: /etc/tls/cert.pem, key: ${env:TLS_KEY} }   # fix: ${file:/etc/tls/key.pem}",
  ),
  'traefik-host-not-ascii': ex(
    'An operation\'s host is not an ASCII host name; Traefik\'s Host matcher takes ASCII names only.',
    'The router would never match (or the file would not load): the operation would be unreachable.',
    'Write the host in its ASCII (punycode) form, xn--...',
    "x-gateway: { hosts: [bücher.example] }   # fix: xn--bcher-kva.example",
  ),
  'traefik-websocket-origin-unknown': ex(
    'A websocket route that is not public and lets no other site call it with the user\'s credentials (no cors, or a cors list without credentials on a cookie, basic or IP-allow-list route) has no declared host, so gwc cannot write its own origin into the Traefik rule (other such routes are guarded the same way, without the warning: every Traefik router upgrades).',
    'Traefik upgrades a WebSocket on every router and browsers apply no CORS to the handshake: any page could open one with the user\'s cookies or cached basic credentials and read every frame. A rule cannot compare Origin with the Host header, so every upgrade carrying an Origin is refused, the route\'s own pages\' too; clients that send no Origin (non-browser) still upgrade.',
    'Declare the public host in servers (an absolute URL); the route\'s own origin (scheme, host and declared port) may then upgrade.',
    "servers: [{ url: /v1 }]   # fix: [{ url: https://api.example.com/v1 }]",
  ),
  'traefik-websocket-origin-scheme': ex(
    'A websocket route that only its own pages may call with the user\'s credentials is served by an http server, while an https document server makes every Traefik router answer TLS only: its pages are https pages.',
    'The own origin written into the rule follows the scheme the routers serve: https://host (the server\'s port kept). Taking the server as written would refuse the route\'s https pages and let an http:// page upgrade, an origin a network attacker can forge on any plain-HTTP answer.',
    'Write the server as https (or serve the gateway over http only, with no https server).',
    "paths:\n  /room:\n    servers: [{ url: http://ws.example.com/v1 }]   # fix: https://ws.example.com/v1",
  ),
  'traefik-limit-split': ex(
    'An operation with several security alternatives is one Traefik router per alternative, and each router has its own rate-limit buckets.',
    'A caller who can present credentials for several alternatives gets the rate once per router; each router is given 1/N of the rate so the total stays within it.',
    'Nothing to do if that is acceptable; otherwise use one security alternative, or a target that limits per operation.',
    "security: [{ key: [] }, { basic: [] }]\nx-gateway: { rateLimit: { requests: 100, per: minute } }",
  ),
  'traefik-alternative-dropped': ex(
    'One of an operation\'s security alternatives cannot be enforced on Traefik (its gap was accepted in the spec), so its router is left out.',
    'The route stays as strict as the alternatives Traefik enforces; callers who could only use the dropped one are refused.',
    'Tell those callers to use another alternative, or secure the alternative with a forwardAuth scheme.',
    "security: [{ key: [] }, { iam: [] }]\nx-gateway: { accept: [traefik/auth.iam] }",
  ),
  'traefik-security-open': ex(
    'No security alternative of the operation can be enforced on Traefik, and the gap was accepted in the spec, so the route is built open.',
    'Anyone can call it through Traefik; the spec said that is acceptable (x-gateway.accept).',
    'Remove the accept to refuse the build, or add a forwardAuth scheme Traefik can enforce.',
    "security: [{ iam: [] }]\nx-gateway: { accept: [traefik/auth.iam] }",
  ),
  'traefik-alternatives-indistinguishable': ex(
    'Two security alternatives of an operation would need routers Traefik cannot tell apart: they present the same credential, or one has no header, cookie or query credential a rule could test.',
    'Traefik chains middlewares as AND and picks a router by its rule; the wrong router could be chosen, holding a caller to the wrong alternative or letting the second one never be reached.',
    'Verify the alternatives with one forwardAuth scheme, or give each a distinct credential location.',
    "security: [{ sso: [] }, { otherSso: [] }]   # both forwardAuth, no declared credential",
  ),
  'traefik-forward-auth-missing': ex(
    'A security scheme Traefik has no middleware for (JWT, OAuth2, OpenID Connect, Lambda) has no x-gateway.forwardAuth service to verify it.',
    'Open-source Traefik cannot verify such a credential itself; without a verifier the route would be open.',
    'Add x-gateway.forwardAuth (the URL of a service that checks the credential) to the scheme.',
    "securitySchemes:\n  bearer: { type: http, scheme: bearer, x-gateway: { forwardAuth: { url: http://auth:8080/verify } } }",
  ),
  'traefik-users-file-collision': ex(
    'Two basic-auth schemes whose names fold to one Traefik users file name (Basic and basic, basic_admin and basic-admin).',
    'The operator fills each htpasswd file with the users the output names for it. Numbered by order, the files would change hands when one scheme is removed or the two are reordered: one scheme\'s routes would then admit the other scheme\'s users.',
    'Rename one scheme so the two names differ after folding to lower case and [a-z0-9-].',
    "securitySchemes:\n  basic_admin: { type: http, scheme: basic }\n  basic-admin: { type: http, scheme: basic }",
  ),
  'traefik-or-kept-credential': ex(
    'A router of an operation that does not verify a query or cookie credential the backend reads: the router of another security alternative, or the anonymous router of optional auth (`{}`), beside a scheme that keeps its query or cookie API key for the backend (hideCredentials: false) or whose forwardAuth service is sent the Cookie header (requestHeaders: [Cookie]).',
    'That router passes the request on as sent: a forged key, in its exact name or a spelling a backend reads as it (API_KEY on ASP.NET, api.key on PHP, sid+key on PHP before 8.0.24, `theme=x sid_key=forged` to Python\'s SimpleCookie), reaches the backend as if verified. Open-source Traefik cannot remove one query parameter or one cookie, and a rule cannot list every spelling.',
    'Hide the key (hideCredentials: true), make every alternative of the operation read the same key (or the auth required), send the key in a header, or build the route on nginx, Kong or AWS, which remove it.',
    "security: [{ basic: [] }, { qk: [] }]   # qk: { type: apiKey, in: query, name: api_key, x-gateway: { hideCredentials: false } }\nsecurity: [{}, { ck: [] }]              # ck: { type: apiKey, in: cookie, name: sid, x-gateway: { hideCredentials: false } }",
  ),
  'traefik-kept-header-credential': ex(
    'A security scheme whose credential travels in a header (an API key header, Authorization for basic or a bearer token, a JWT header such as X-Token) and is kept for the backend (`hideCredentials: false`), on Traefik (at the scheme).',
    "Its verifier reads one line of the header (basicAuth, Go's Request.BasicAuth: the first; a forwardAuth service: the one it likes) while Traefik passes every line on, and no Traefik rule counts a header's lines: a second line (another user, a forged token) reaches a backend reading the last (PHP-FPM) unverified. nginx refuses a credential header sent twice.",
    'Set `hideCredentials: true` on the scheme (the default): Traefik removes every line and every `-`/`_` spelling of the header before the backend, which reads the verified caller from X-Consumer (basic) or the forwardAuth service\'s answer headers (responseHeaders); or build the route on nginx.',
    "securitySchemes:\n  key: { type: apiKey, in: header, name: X-Api-Key, x-gateway: { hideCredentials: false, forwardAuth: { url: http://auth:8080/verify } } }   # fix: drop hideCredentials: false, answer X-User-Id from the service (responseHeaders: [X-User-Id])",
  ),
  'traefik-kept-cookie-credential': ex(
    'A cookie API key kept for the backend (`hideCredentials: false`) and verified by a forwardAuth service, on Traefik (at the scheme).',
    "The service reads one cookie of that name (Go's Request.Cookie: the first) while Traefik passes every Cookie line on; HeaderRegexp sees each line alone and no middleware removes one cookie, so `sid=<alice's>; sid=<forged>` reaches a backend reading the last (Django) unverified.",
    'Send the key in a header and let Traefik remove it (hideCredentials: true, the backend reads the caller from the service\'s answer headers); for a hidden cookie key whose routes read no cookie, `backendCookies: none`; or build the route on nginx or Kong, which refuse a key sent twice.',
    "securitySchemes:\n  session: { type: apiKey, in: cookie, name: sid, x-gateway: { hideCredentials: false, forwardAuth: { url: http://auth:8080/verify } } }   # fix: drop hideCredentials: false and add backendCookies: none, or send the key in a header",
  ),
  'traefik-request-headers-answered': ex(
    'A forwardAuth service sent other request headers beside the credential (`requestHeaders`, e.g. X-Tenant), on Traefik (at the scheme; a warning).',
    "The service reads one line of each (Go's Header.Get: the first) while Traefik would pass every line and `_` spelling (X_Tenant, HTTP_X_TENANT to CGI backends) on. So each is in authResponseHeaders in every spelling: Traefik deletes the client's lines and copies the service's answer.",
    'Have the service answer each requestHeaders header with the value it verified (echo it) if the backend reads it; or read it from the service\'s answer under another name (responseHeaders).',
    "securitySchemes:\n  key: { type: apiKey, in: header, name: X-Api-Key, x-gateway: { forwardAuth: { url: http://auth:8080/verify, requestHeaders: [X-Tenant] } } }   # the service answers X-Tenant: <the tenant it verified>",
  ),
  'traefik-credential-not-hidden': ex(
    'A hidden API key (hideCredentials at its default, true) Traefik cannot remove (it deletes whole headers only): a query key, or a cookie key whose scheme does not state `backendCookies: none` (both at the scheme), or a cookie key on an operation whose Cookie header carries another cookie for the backend: a cookie parameter, a kept cookie key, requestHeaders: [Cookie] (at its security).',
    'Built, the verified key would reach the backend and its logs (DESIGN.md 7.3); deleting the whole Cookie header would silently take the cookies the spec does not declare with it, a session or CSRF cookie (a double-submit check comparing a missing cookie with a missing header may even pass). No open-source middleware edits a query or one cookie; nginx, Kong and AWS remove the one key.',
    'Send the key in a header (Traefik removes it); for a cookie key whose routes\' backend reads no cookie at all, state `backendCookies: none` on the scheme (Traefik then removes the whole Cookie header, warned: traefik-cookie-header-removed); or set `hideCredentials: false` on the scheme to declare that the backend sees the key.',
    "securitySchemes:\n  key: { type: apiKey, in: query, name: api_key }   # fix: x-gateway: { hideCredentials: false, forwardAuth: { url: http://auth:8080/verify } }\n  session: { type: apiKey, in: cookie, name: sid }  # fix, when the backend reads no cookie: x-gateway: { backendCookies: none, forwardAuth: ... }",
  ),
  'traefik-cookie-header-removed': ex(
    'A cookie API key hidden from the backend (hideCredentials at its default, true) on Traefik, which cannot remove one cookie, whose scheme states that the backend reads no cookie (`backendCookies: none`): the routers of the scheme\'s routes (and of their other security alternatives) remove the whole Cookie header instead.',
    'The key never reaches the backend, as the spec asks; but neither does any other cookie the client sent on those routes (an operation declaring a cookie parameter is refused instead: traefik-credential-not-hidden).',
    'Nothing to do when the backend reads no cookie there. Otherwise set `hideCredentials: false` on the scheme: the cookies, the key with them, reach the backend.',
    "securitySchemes:\n  session: { type: apiKey, in: cookie, name: sid, x-gateway: { backendCookies: none, forwardAuth: { url: http://session:7000/check } } }",
  ),
  'traefik-backend-unknown': ex(
    'An operation names a backend the gateway does not declare (normally caught earlier as unknown-backend).',
    'The router would have no service to send requests to.',
    'Name a backend declared under x-gateway.backends.',
    "x-gateway: { backend: ordres }   # fix: orders",
  ),
  'traefik-backend-noop': ex(
    'An operation\'s backend (a mock, or a Lambda function without URL) cannot be served by Traefik, and the gap was accepted, so the router answers 418 from noop@internal.',
    'Callers get an error instead of the mock answer or the function; nothing is routed elsewhere.',
    'Give the backend an HTTP target, or build the operation for a target that serves it.',
    "backends:\n  docs: { mock: { status: 200, body: ok } }",
  ),
  'traefik-backend-host': ex(
    'A backend target\'s host is not a host name or IP address Traefik can put in a server URL.',
    'Traefik would refuse the service, or send traffic somewhere the spec does not name.',
    'Fix the target URL\'s host.',
    "backends:\n  api: { url: \"http://api internal:8080\" }",
  ),
  'traefik-limit-mapped-address': ex(
    'A rate limit counts per client address taken from X-Forwarded-For (--option client-ip-depth), and Traefik keys that entry as the proxy wrote it.',
    'A dual-stack proxy (HAProxy v4v6, nginx ipv6only=off) writes an IPv4 client as ::ffff:a.b.c.d; Traefik reads it as IPv6, ipv6Subnet masks it to ::, one bucket for every such client, and one client in both spellings has two buckets. No ipStrategy field unmaps it.',
    'Make the proxy in front write IPv4 clients as IPv4 (listen on IPv4 and IPv6 sockets apart), or count on a verified identity (by: consumer on an authenticated route).',
    'gwc build gateway.yaml --target traefik --option client-ip-depth=1   # the proxy at depth 1 must write 192.0.2.1, not ::ffff:192.0.2.1',
  ),
  'traefik-auth-and-consumers': ex(
    'An AND of an API key (checked by its forwardAuth service) and a basic user on Traefik, where the keys are the spec consumers\'.',
    "basicAuth and the key service each check their own credential against any consumer: alice's key with bob's password passes, and the backend is told alice (the service's X-Consumer replaces basicAuth's). nginx refuses an AND met by two consumers; Traefik has no step comparing them.",
    'Require one of the schemes, or build the route on nginx.',
    "security: [{ key: [], basic: [] }]   # fix: [{ basic: [] }]",
  ),
  'traefik-limit-consumer-keys': ex(
    'A route limits by consumer on Traefik, and a consumer lists several credentials (API keys, basic users) of the scheme the limit is keyed on.',
    'Traefik keys a rate limit on a whole request header (sourceCriterion.requestHeaderName): the API key header, or the verified basic user. A consumer with two keys is two buckets, twice the limit (nginx and Kong count the consumer; AWS refuses the same: aws-limit-consumer-keys).',
    'Give each consumer one credential of the scheme (drop the old key after a rotation), or build the route on another target.',
    "consumers:\n  alice:\n    credentials: { key: ['${env:ALICE_OLD}', '${env:ALICE_NEW}'] }   # fix: one key",
  ),
  'traefik-limit-ipv6-per-address': ex(
    'A rate limit counts per client address, and the chosen Traefik line (before 3.2) has no ipStrategy.ipv6Subnet, so every IPv6 address is its own bucket.',
    'An IPv6 client usually holds a /64 (2^64 addresses): rotating the source address gives it a fresh bucket per request.',
    'Build for Traefik 3.2 or later (--option traefik-version=3.2, or auto): gwc then sets ipv6Subnet: 64 (one bucket per /64, IPv4 per address).',
    'gwc build gateway.yaml --target traefik --option traefik-version=3.1   # fix: 3.2 or auto',
  ),
  'traefik-server-paths': ex(
    'A backend\'s targets have different paths, and the chosen Traefik line drops server paths; servers[].preservePath needs Traefik 3.2.',
    'Requests would reach the backends without their paths: the wrong resources.',
    'Build for Traefik 3.2 or later (--option traefik-version=3.2, or auto), or give the targets one path.',
    'gwc build gateway.yaml --target traefik --option traefik-version=3.0   # fix: 3.2 or auto',
  ),
  'traefik-upstream-path-param': ex(
    'x-gateway.upstreamPath uses a {parameter} the operation\'s path does not have.',
    'The rewrite would have nothing to put there and send another path than the spec means.',
    'Use only parameters of the operation\'s path in upstreamPath.',
    "/orders/{id}:\n  get: { x-gateway: { upstreamPath: /o/{orderId} } }   # fix: /o/{id}",
  ),
  'traefik-header-name': ex(
    'A header name gwc would write (CORS headers, a rate-limit header, a header to set or remove) is not an HTTP header name (RFC 9110 token).',
    'Traefik would refuse the middleware, or the text could reach a place that is not a header name.',
    'Use a valid header name.',
    "x-gateway:\n  requestHeaders: { set: { \"X Bad\": v } }",
  ),
  'traefik-cors-origins-empty': ex(
    'CORS is on, but its origins list is empty or holds an empty origin.',
    'Traefik\'s headers middleware would allow no origin: every browser call from another origin would fail although the spec turned CORS on.',
    'List the allowed origins.',
    "x-gateway: { cors: { origins: [] } }",
  ),
  'traefik-ip-range': ex(
    'An ipRule entry is not an IP address or CIDR range.',
    'Traefik would refuse the ipAllowList middleware, or admit other addresses than the spec means.',
    'Fix the entry (a.b.c.d, a.b.c.d/n, or IPv6).',
    "x-gateway: { ipRule: { allow: [10.0.0.0/33] } }",
  ),
  'traefik-ip-rule-empty': ex(
    'The ipRule\'s deny list covers every allowed address, so no address is admitted; gwc admits only 255.255.255.255, which cannot connect.',
    'Every request to the operation gets 403; that may be intended (a closed operation) or a mistake in the lists.',
    'Check allow and deny.',
    "x-gateway: { ipRule: { allow: [10.0.0.0/8], deny: [0.0.0.0/0] } }",
  ),
  'traefik-header-empty-value': ex(
    'x-gateway.requestHeaders or responseHeaders sets a header to the empty string, which Traefik\'s headers middleware reads as "remove the header".',
    'The header would be removed instead of sent empty: the opposite of what the spec says.',
    'Use remove: [NAME] to remove it, or give it a value.',
    "x-gateway:\n  requestHeaders: { set: { X-Flag: \"\" } }   # fix: remove: [X-Flag]",
  ),
};
