/**
 * A bearer token in `Sec-WebSocket-Protocol` (red team 18): the carrier browsers use for WebSocket
 * auth, since `new WebSocket(url, protocols)` cannot set Authorization. Kubernetes' API server reads
 * `base64url.bearer.authorization.k8s.io.<token>` there; many socket servers read
 * `access_token, <jwt>` or `Bearer, <jwt>`. No verifier gwc configures reads it, so on a route with
 * a bearer scheme (bearer.ts bearerInQuery: the same routes whose `?access_token=` is kept off) a
 * request whose subprotocol list carries one is refused on every target: beside a verified
 * Authorization token it is a second, unverified credential (DESIGN.md 7.3), and on an optional
 * route the anonymous request would pass it on unverified.
 *
 * Read as carrying a token: a JWT-shaped element (`ey`, base64url, `.`, base64url, `.`: a JSON
 * header `{"`/`{ ` base64url-encoded starts `ey`) at the start of the value or after any character
 * no base64url text holds (`access_token.eyJ...` too), the k8s `bearer.authorization.` prefix
 * anywhere, and an element that is itself a bearer marker (`access_token`, `access-token`,
 * `bearer`, any letter case). Plain subprotocols (`graphql-ws`, `chat`, `wamp.2.json`,
 * `v1.chat.example`) pass. Letters are written as classes and the regex uses only classes,
 * groups, alternation, `*` and anchors: RE2 (Traefik), PCRE (nginx, Kong) and JavaScript read it alike.
 */

/** The header, as written in configuration. */
export const SUBPROTOCOL_HEADER = 'Sec-WebSocket-Protocol';

const ci = (word: string) => [...word].map((c) => (/[a-z]/i.test(c) ? `[${c.toUpperCase()}${c.toLowerCase()}]` : c === '.' ? '\\.' : c)).join('');
const B64 = '[A-Za-z0-9_-]';

/** Unanchored: matches a Sec-WebSocket-Protocol value carrying a bearer token. */
export const SUBPROTOCOL_TOKEN_REGEX = [
  `(^|[^A-Za-z0-9_-])ey${B64}*\\.${B64}*\\.`,
  ci('bearer.authorization.'),
  `(^|[ \\t,])(${ci('access')}[_.-]?${ci('token')}|${ci('bearer')})([ \\t,]|$)`,
].join('|');
