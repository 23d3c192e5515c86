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
 * Read as carrying a token (REV18, test/helpers/subprotocol-cases.ts holds the example table):
 * - a JWT-shaped element anywhere in the value: a run of at least 16 base64 characters (base64url,
 *   and `=`, `+`, `/`: a segment written with padding, `hdr==.payload.sig`, decodes in lenient
 *   readers such as PyJWT and Node's Buffer, REV19), `.`, base64, `.` (the shortest JSON header, `{"alg":"none"}`, base64url-encodes to 19; a header
 *   need not start `ey`: `{\n` encodes to `ew`; no lead-in, so `jwt_eyJ...`, `token-eyJ...` and a
 *   JWS with a detached (empty) payload count too);
 * - the k8s `bearer.authorization.` prefix anywhere;
 * - a credential word (WORD_MARKERS: `access_token`, `id_token`, `refresh_token`, `auth_token`,
 *   `api_token`, `session_token`, `api_key`, each also joined by `-`, `.` or nothing, and `bearer`;
 *   any letter case) as a word: not between letters or digits (`access_token.<opaque>`,
 *   `bearer|<opaque>`, `x_access_token`, `x-api-key, <key>`, `id_token, <jwt>`; KN21 added all but
 *   access token and bearer).
 * - a marker element (`authorization`, `auth`, `token`, `jwt`, any letter case) as a whole element
 *   of the list (between `,`, space, tab or the ends: NGX8, `Authorization, <opaque>`);
 * - an element starting `header-` (AWS AppSync's real-time handshake: its Authorization and host
 *   headers as base64url JSON) or `base64url.` / `base64url-` (a base64url-encoded carrier, k8s).
 * Plain subprotocols (`graphql-ws`, `graphql-transport-ws`, `chat`, `wamp.2.json`,
 * `v1.chat.example`, `v12.stomp`, `mqtt`) pass. The price: a dotted name whose first 16 characters
 * before a second dot hold no `.` (`my-long-app-protocol.v1.json`) reads as a token and is refused
 * on a bearer route (README "WebSocket subprotocols"). Letters are written as classes; the regex
 * uses only classes, groups, alternation, `*` and anchors (the 16 characters are 16 classes, no
 * counted repetition): RE2 (Traefik), PCRE (nginx, Kong) and JavaScript read it alike.
 */

/** The header, as written in configuration. */
export const SUBPROTOCOL_HEADER = 'Sec-WebSocket-Protocol';

const ci = (word: string) => [...word].map((c) => (/[a-z]/i.test(c) ? `[${c.toUpperCase()}${c.toLowerCase()}]` : c === '.' ? '\\.' : c)).join('');
/** base64url, and base64's own `=` padding, `+` and `/` (REV19: `hdr==.payload.sig` decodes in PyJWT and Node alike). */
const B64 = '[A-Za-z0-9_=+/-]';

/** What parts the elements of a Sec-WebSocket-Protocol list: `,` and optional whitespace (RFC 6455 4.1, RFC 9110 5.6.1). */
const SEP = '[, \\t]';
/**
 * Elements that name the next one as a credential (NGX8: `new WebSocket(url, ['Authorization', tok])`,
 * `['token', tok]`, `['jwt', tok]`, `['auth', tok]`), refused as a whole element, followed by another
 * or not: Traefik and Kong read each header line apart, and the token may be on the next line.
 */
export const ELEMENT_MARKERS: readonly string[] = ['authorization', 'auth', 'token', 'jwt'];

/**
 * Words that name a credential (KN21: one list for every target), each a sequence of parts joined
 * by nothing or one of `_`, `.`, `-` (`access_token`, `access-token`, `access.token`,
 * `accesstoken`), read as a word: not between letters or digits (`x-api-key` holds `api-key`,
 * `apikeys` and `rapid-tokens` do not).
 */
export const WORD_MARKERS: ReadonlyArray<readonly string[]> = [
  ['access', 'token'], ['id', 'token'], ['refresh', 'token'], ['auth', 'token'], ['api', 'token'], ['session', 'token'],
  ['api', 'key'], ['bearer'],
];
/** Every spelling of a WORD_MARKERS entry (its parts joined by nothing, `_`, `.` or `-`), lower case: for a reader without alternation (Kong's Lua). */
export function wordMarkerSpellings(parts: readonly string[]): string[] {
  return parts.slice(1).reduce<string[]>((acc, p) => acc.flatMap((a) => ['', '_', '.', '-'].map((j) => `${a}${j}${p}`)), [parts[0]!]);
}

/** Unanchored: matches a Sec-WebSocket-Protocol value carrying a bearer token. */
export const SUBPROTOCOL_TOKEN_REGEX = [
  // 16 base64url characters spelt out, not `{16,}`: Traefik's file provider renders braces as Go
  // template text (emit.ts escapeTemplate) and Lua patterns have no counted repetition.
  `${B64.repeat(16)}${B64}*\\.${B64}*\\.`,
  ci('bearer.authorization.'),
  `(^|[^A-Za-z0-9])(${WORD_MARKERS.map((w) => w.map(ci).join('[_.-]?')).join('|')})([^A-Za-z0-9]|$)`,
  `(^|${SEP})(${ELEMENT_MARKERS.map(ci).join('|')})(${SEP}|$)`,
  `(^|${SEP})(${ci('header')}-|${ci('base64url')}[.-])`,
].join('|');
