/**
 * The Sec-WebSocket-Protocol values a route with a bearer scheme refuses as carrying a token, and
 * the plain subprotocol lists it passes (src/targets/subprotocol-token.ts, REV18). One table for
 * every target: nginx (PCRE map), Traefik (RE2 HeaderRegexp), Kong (Lua patterns, ported by KWS)
 * and the JavaScript regex itself (test/targets/subprotocol-token.test.ts). A port that reads any
 * row differently is a hole (refused row passed) or a broken client (passed row refused).
 */

/** A JWT as test material: header.payload.signature, base64url. */
const b64 = (s: string) => Buffer.from(s).toString('base64url');
export const CASE_JWT = `${b64('{"alg":"HS256","typ":"JWT"}')}.${b64('{"sub":"admin"}')}.c2lnbmF0dXJl`;
/** A JWT whose JSON header starts with a newline: `{\n` encodes to `ew`, not `ey`. */
export const CASE_JWT_EW = `${b64('{\n"alg":"HS256"}')}.${b64('{"sub":"admin"}')}.c2lnbmF0dXJl`;
/** The shortest JSON header a JWS has: 19 base64url characters. */
export const CASE_JWT_NONE = `${b64('{"alg":"none"}')}.${b64('{"sub":"admin"}')}.`;
/** A JWT written in base64 with padding (`==`), which lenient readers (PyJWT, Node's Buffer) decode alike (REV19). */
const std = (s: string) => Buffer.from(s).toString('base64');
export const CASE_JWT_PADDED = `${std('{"alg":"HS256","typ":"JWT"} ')}.${std('{"sub":"admin","x":1}')}.c2lnbmF0dXJl`;

/** AWS AppSync's real-time handshake: its auth headers as base64url JSON in a `header-` element (NGX8). */
export const CASE_APPSYNC = `header-${b64(JSON.stringify({ host: 'example1234567890000.appsync-api.us-east-1.amazonaws.com', Authorization: 'opaque-token-123' }))}`;

/** Refused (400 nginx, 405 Traefik, 400/401 Kong): each carries a bearer token or names one. */
export const SUBPROTOCOL_REFUSED: readonly string[] = [
  CASE_JWT,
  `access_token, ${CASE_JWT}`,
  `Bearer, ${CASE_JWT}`,
  `bearer,${CASE_JWT}`,
  `chat, ${CASE_JWT}`,
  `chat,${CASE_JWT}`,
  CASE_JWT_EW,
  `chat, ${CASE_JWT_EW}`,
  CASE_JWT_NONE,
  `jwt_${CASE_JWT}`,
  `token-${CASE_JWT}`,
  `jwt.${CASE_JWT}`,
  `x${CASE_JWT}`,
  CASE_JWT_PADDED,
  `chat, ${CASE_JWT_PADDED}`,
  `access-tkn, ${std('{"alg":"none"}')}.${std('{"sub":"admin"}')}.`,
  `${CASE_JWT.split('.')[0]}..c2lnbmF0dXJl`, // detached payload (RFC 7515 appendix F)
  `base64url.bearer.authorization.k8s.io.${b64(CASE_JWT)}`,
  `base64url.Bearer.Authorization.k8s.io.${b64('opaque')}`,
  'access_token, opaque-token-1',
  'access_token',
  'ACCESS-TOKEN, x',
  'Access.Token, x',
  'accesstoken, x',
  'access_token.opaque123',
  'access_token|opaque123',
  'x_access_token, opaque',
  'chat, access_token',
  'bearer',
  'Bearer, opaque',
  'BEARER|opaque',
  'bearer.opaque',
  'chat,bearer',
  // NGX8: an opaque token after a marker element (`new WebSocket(url, ['Authorization', tok])`),
  // the marker alone too (a second header line, read apart by Traefik and Kong, may hold the token).
  'Authorization, opaque-token-123',
  'authorization,opaque-token-123',
  'token, opaque-token-123',
  'Token,opaque123',
  'jwt, opaque123',
  'JWT , opaque123',
  'auth, opaque123',
  'auth\t, opaque123',
  'chat, token, opaque123',
  'graphql-ws, Authorization',
  'token',
  'Auth',
  // AppSync: the headers (Authorization among them) as base64url JSON; k8s-style base64url carriers.
  `aws-appsync-event-ws, ${CASE_APPSYNC}`,
  `graphql-ws,${CASE_APPSYNC}`,
  CASE_APPSYNC,
  `Header-${b64('{"Authorization":"x"}')}`,
  `base64url-${b64('opaque-token-123')}`,
  `chat, base64url.${b64('opaque-token-123')}`,
  // KN21: the other credential words (WORD_MARKERS), each spelling, as a word.
  `id_token, ${CASE_JWT.replace(/\./g, '')}`,
  'id_token, opaque-token-123',
  'ID-Token,opaque123',
  'idtoken.opaque123',
  'id.token|opaque123',
  'apikey, opaque-key-123',
  'api_key, opaque-key-123',
  'API-Key|opaque123',
  'api.key, opaque123',
  'x-api-key, opaque-key-123',
  'X_API_KEY,opaque123',
  'chat, apikey',
  'refresh_token, opaque123',
  'auth-token, opaque123',
  'x-auth-token, opaque123',
  'AuthToken, opaque123',
  'api_token, opaque123',
  'session.token, opaque123',
  'sessiontoken|opaque123',
];

/** Passed untouched: plain subprotocol lists (IANA registry names and common ones). */
export const SUBPROTOCOL_PASSED: readonly string[] = [
  'graphql-ws',
  'graphql-transport-ws',
  'graphql-transport-ws, graphql-ws',
  'chat',
  'chat, superchat',
  'wamp.2.json',
  'wamp.2.msgpack',
  'v1.chat.example',
  'v10.stomp, v11.stomp, v12.stomp',
  'mqtt',
  'mqttv3.1',
  'ocpp1.6, ocpp2.0.1',
  'soap',
  'xmpp',
  'msrp',
  'sip',
  'actioncable-v1-json',
  'com.microsoft.rdp',
  'json.webpubsub.azure.v1',
  'protobuf.webpubsub.azure.v1',
  'tokenizer',
  'bearertalk',
  'accesstokens-demo',
  'my-access-tokenizer',
  'ey.short.x',
  // NGX8: near the marker rule and the base64url carriers, still plain protocols.
  'tokens',
  'oauth',
  'auth.v1',
  'x-auth, chat',
  'token-ring.v2',
  'jwt.chat.v1',
  'authorization-v2',
  'header.v1',
  'x-header-v1',
  'headers',
  'base64.channel.k8s.io, v4.channel.k8s.io',
  'aws-appsync-event-ws',
  // KN21: near the credential words, still plain protocols (a letter or digit beside the word).
  'apikeys-demo',
  'rapid-tokens',
  'idtokens',
  'api-keyboard',
  'paid-token.v1',
  'keyed-sessions',
];
