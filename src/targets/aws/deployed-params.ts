/**
 * What an HTTP integration's request parameters do to the request on its way to the backend, as
 * `gwc diff` reads a deployed REST template: the headers the gateway sets (requestHeaders) and the
 * parameters it sends empty whatever the client sent (guards). A REST integration request
 * parameter can only map a value, never remove one, so every removal gwc makes is a mapping to
 * `''` (https://docs.aws.amazon.com/apigateway/latest/developerguide/request-response-data-mappings.html).
 * Undefined for a Lambda proxy or mock integration (a proxy function gets the request as sent).
 */
import type { Guards, Json } from '../../diff/entity.js';
import { isObject, type JsonObject } from '../../diff/json-util.js';
import {
  CLIENT_FORWARDING_HEADERS,
  FOREIGN_IDENTITY_HEADERS,
  GATEWAY_IDENTITY_HEADERS,
  METHOD_OVERRIDE_HEADERS,
  METHOD_OVERRIDE_QUERY,
  URL_OVERRIDE_HEADERS,
} from '../../model/overrides.js';

/** Body framing: the `_` spellings are cleared (Transfer_Encoding on REST, both on HTTP APIs). */
const FRAMING_HEADERS = ['Transfer-Encoding', 'Content-Length'];
const HEADER = 'integration.request.header.';
const QUERY = 'integration.request.querystring.';
const EMPTY = "''";

/**
 * The headers gwc empties on every route for the backend's sake (identity, forwarding, method and
 * URL overrides, how the client addressed the gateway, neutralise.ts neutraliseOverrides): read as requestHeaders, whose loss is
 * request-header-passed already, never also as a guard.
 */
const CLEARED: ReadonlySet<string> = new Set(
  ['X-Forwarded-Host', 'X-Forwarded-Proto', ...METHOD_OVERRIDE_HEADERS, ...URL_OVERRIDE_HEADERS, ...GATEWAY_IDENTITY_HEADERS, ...FOREIGN_IDENTITY_HEADERS, ...CLIENT_FORWARDING_HEADERS, ...FRAMING_HEADERS].map((h) => h.toLowerCase()),
);

/**
 * Whether header `name` (any case, any `-`/`_` spelling: both flavours clear each spelling of the
 * override and identity headers, and the framing headers' `_` ones) is one gwc clears on every
 * route for the backend's sake: a request header, not a guard. The `_` names of the forwarding
 * family (X_Forwarded_For) are listed as names of their own (their dash name is the gateway's).
 */
export const clearedOnEveryRoute = (name: string): boolean => {
  const n = name.toLowerCase();
  return CLEARED.has(n) || CLEARED.has(n.replace(/_/g, '-'));
};

/** The integration's request parameters when it sends to an HTTP backend (http, http_proxy). */
function httpParams(op: JsonObject): JsonObject | undefined {
  const integration = isObject(op['x-amazon-apigateway-integration']) ? op['x-amazon-apigateway-integration'] : undefined;
  const type = typeof integration?.type === 'string' ? integration.type.toLowerCase() : '';
  if (!integration || (type !== 'http' && type !== 'http_proxy')) return undefined;
  return isObject(integration.requestParameters) ? integration.requestParameters : {};
}

/**
 * Every mapped header (lower-cased: API Gateway header names are case-blind, so `X-Key` and `x-key`
 * map one header) and query parameter (its exact name) with the values mapped to it. Two mappings
 * of one header in two spellings are both read: a guard holds only when every one of them does
 * (API Gateway's pick among them is not documented).
 */
function mappings(params: JsonObject): { headers: Map<string, Json[]>; query: Map<string, Json[]> } {
  const headers = new Map<string, Json[]>();
  const query = new Map<string, Json[]>();
  for (const [k, v] of Object.entries(params)) {
    const [map, name] = k.startsWith(HEADER) ? [headers, k.slice(HEADER.length).toLowerCase()] : k.startsWith(QUERY) ? [query, k.slice(QUERY.length)] : [undefined, ''];
    if (map) map.set(name, [...(map.get(name) ?? []), v]);
  }
  return { headers, query };
}

/**
 * The request headers an HTTP integration sends whatever the client sent: each
 * `integration.request.header.NAME` every mapping of which is a static value (`'...'`, '' that
 * empties it) or what API Gateway itself knows (`context.*`, `stageVariables.*`). A mapping from
 * the request (`method.request.header.NAME`, any `method.request.*`) hands the backend the client's
 * own text: not a header the gateway sets.
 */
export function integrationHeaders(op: JsonObject): string[] | undefined {
  const params = httpParams(op);
  if (!params) return undefined;
  const gatewaySet = (v: Json) => typeof v === 'string' && (/^'[^']*'$/.test(v) || /^(context|stageVariables)\./.test(v));
  return [...mappings(params).headers].filter(([, vs]) => vs.every(gatewaySet)).map(([n]) => n).sort();
}

/**
 * What an HTTP integration sends empty whatever the client sent (a mapping to `''`, every mapping of
 * that name): each is a guard, whatever its name, so a deployed template without it, or with a value
 * mapped there instead, shows what now reaches the backend. A query parameter: `_method` (method),
 * any other a credential's name (a hidden key, a bearer `access_token`, a header key's name:
 * credential-elsewhere.ts; the other alternative's query key on an OR route). A header: a carrier
 * of a credential the gateway did not verify (the other alternatives' headers on an OR route,
 * backends.ts hideUnenforced, in each spelling; a query key's name as a header; a Cookie) or the
 * Content-Type that keeps a cached GET's form-body token inert (cache.ts inertFormBody): credential.
 * Not the headers CLEARED on every route (requestHeaders reads those), nor `own`: the method's own
 * schemes' credential headers, whose blank is the mechanism's hideCredentials.
 */
export function integrationGuards(op: JsonObject, own: ReadonlySet<string>): Guards | undefined {
  const params = httpParams(op);
  if (!params) return undefined;
  const { headers, query } = mappings(params);
  const blanked = (m: Map<string, Json[]>) => [...m].filter(([, vs]) => vs.every((v) => v === EMPTY)).map(([n]) => n).sort();
  const text = (place: string) => (n: string) => `${place} ${n}: sent to the backend empty (integration request parameter)`;
  const q = blanked(query);
  const h = blanked(headers).filter((n) => !clearedOnEveryRoute(n) && !own.has(n));
  return {
    credential: [...q.filter((n) => n !== METHOD_OVERRIDE_QUERY).map(text('query')), ...h.map(text('header'))],
    method: q.filter((n) => n === METHOD_OVERRIDE_QUERY).map(text('query')),
  };
}

/**
 * Whether every mapping of header `name` (case-blind) sends it empty: a credential the method's
 * scheme reads is hidden from the backend (Mechanism.hideCredentials).
 */
export function headerBlanked(op: JsonObject, name: string): boolean {
  const integration = isObject(op['x-amazon-apigateway-integration']) ? op['x-amazon-apigateway-integration'] : {};
  const vs = mappings(isObject(integration.requestParameters) ? integration.requestParameters : {}).headers.get(name.toLowerCase());
  return vs !== undefined && vs.every((v) => v === EMPTY);
}
