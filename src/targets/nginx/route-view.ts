/**
 * The view of one route's internal locations (templates-route.ts, templates-limit.ts): what
 * routes.ts assembles, what each policy's compile (policy-map.ts) fills its part of, and what
 * validate.ts reads. Its own module so the policy map, routes.ts and validate.ts share it without
 * an import cycle.
 */
import type { ValuePart } from './escape.js';
import type { CacheView } from './cache.js';
import type { CorsView, HeaderView, IpView, LimitView } from './policies.js';
import type { UpstreamView } from './upstream-view.js';
import type { ValidateView } from './validate-view.js';

export interface RouteView {
  index: number;
  comment: string;
  uri: string;
  preflightUri: string;
  authUri?: string;
  /** The auth location runs the optional handler (authorizeOptional): no credential passes anonymous. */
  optionalAuth?: boolean;
  cors?: CorsView;
  ip?: IpView;
  bodyLimit?: string;
  /** The body-check location the path location dispatches to first (bodyCheckView). */
  body?: BodyCheckView;
  /** The validate location, dispatched to before any other (validate.ts). */
  validate?: ValidateView;
  limit?: LimitView;
  accessLog: boolean;
  cache?: CacheView;
  hideArgs: boolean;
  refuseOverride: boolean;
  /** A bearer token in Sec-WebSocket-Protocol is refused (400): a route with a bearer scheme (security.ts bearerBodyRoute, ../subprotocol-token.ts). */
  refuseWsToken?: boolean;
  hideCookies?: boolean;
  rewrite?: ValuePart[];
  upstream?: UpstreamView;
  timeout?: string;
  /** x-gateway websocket: Upgrade/Connection passed, idle timeout an hour (templates-route.ts). */
  websocket?: boolean;
  /** An upgrade from a page of another origin than the request's own is refused (403; ../websocket-origin.ts `same`). */
  wsSameOrigin?: boolean;
  tries?: number;
  noRetry?: boolean;
  requestHeaders: HeaderView[];
  responseSet: HeaderView[];
  responseHide: string[];
  hiddenHeaders: string[];
  /**
   * An OR route's credentials kept for the backend that go on only when the alternative that passed
   * verified them (kept-credentials.ts): headers sent from `auth_request_set` variables, the query
   * (`$args`) and the Cookie header as the auth handler answered them.
   */
  kept?: { headers: Array<{ name: string; index: number; variable: string }>; args: boolean; cookies?: string };
  /**
   * Headers a client must never set itself, cleared (`""`) or set from the auth decision
   * (`variable`) on every proxied route: gwc's identity headers, forward-auth response headers,
   * method overrides. Emitted in the route location because a location's own proxy_set_header
   * replaces every inherited one (https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_set_header).
   */
  clearHeaders: Array<{ name: string; variable?: string }>;
  mock?: { status: number; body: string; contentType: string; headers: HeaderView[]; viaNjs: boolean };
  /** For the njs module. */
  njs: Record<string, unknown>;
}

/** Internal location kinds: route, preflight, auth, body check, validation check (policies.ts uses v, f and e; jwks.ts k, kr; x). */
export const internalUri = (kind: 'r' | 'p' | 'a' | 'b' | 'c', index: number): string => `/_gwc_internal/${kind}/${index}`;

/**
 * The largest body the check holds in memory: a form, multipart or JSON body spooled past it to a
 * file cannot be inspected and is refused (413), so it is also the largest such body the route takes.
 */
export const BODY_CHECK_BUFFER = 1024 * 1024;

export interface BodyCheckView {
  uri: string;
  /** Where the request continues once its body is clean: the verify location, else the route's. */
  next: string;
  buffer: string;
  /** `_method` in the body is refused (the operation does not declare it, and its method carries a body). */
  method: boolean;
  /** A form or multipart `access_token` is refused (a route with a bearer scheme: security.ts bearerBodyRoute). */
  token: boolean;
  /** Patterns of the query API keys' names a form, multipart or JSON body field is refused for (security.ts bodyKeyPatterns). */
  keys: string[];
  /** The same names as patterns of JSON keys, where `-` reads as `_` (security.ts bodyKeyPatterns `json`). */
  jsonKeys: string[];
}
