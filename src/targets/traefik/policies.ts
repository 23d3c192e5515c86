/**
 * Policies as Traefik middlewares (https://doc.traefik.io/traefik/middlewares/http/overview/):
 * headers (CORS and custom headers), ipAllowList, rateLimit, buffering.
 */
import type { Cors, HeaderOps, Route } from '../../model/types.js';
import { allowMinusDeny } from './cidr.js';
import type { Ctx } from './context.js';
import type { HeadersMiddleware, SourceCriterion } from './types.js';
import { limitHeaderVerified } from './credentials.js';
import { compareText } from '../../diagnostics/collate.js';

/** RFC 9110 token: the only header names gwc writes. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const PERIOD = { second: '1s', minute: '1m', hour: '1h', day: '24h' } as const;

export function headerNameOk(ctx: Ctx, name: string, where: string, route: Route): boolean {
  if (TOKEN.test(name)) return true;
  ctx.report('traefik-header-name', { route: route.id, where, name }, route.loc);
  return false;
}

/**
 * The CORS headers middleware. On a preflight (OPTIONS with Origin and
 * Access-Control-Request-Method) it answers by itself and never calls the service
 * (pkg/middlewares/headers/header.go, processCorsHeaders); on other requests it adds the
 * response headers.
 */
export function corsMiddleware(ctx: Ctx, route: Route, cors: Cors): string | undefined {
  for (const h of [...cors.headers, ...cors.exposeHeaders]) if (!headerNameOk(ctx, h, 'CORS header', route)) return undefined;
  if (cors.origins.length === 0 || cors.origins.some((o) => o.trim() === '')) {
    ctx.report('traefik-cors-origins-empty', { route: route.id }, cors.loc);
    return undefined;
  }
  // `null` is the Origin every sandboxed iframe and data: page of any site sends: with credentials
  // it opens the route to every site (red team 3). `*` Traefik answers itself beside
  // Access-Control-Allow-Credentials: true, which browsers refuse: a policy that works for no
  // site, refused as Kong, AWS and nginx refuse it (NGX6).
  const open = cors.credentials ? cors.origins.find((o) => o === '*' || o.trim().toLowerCase() === 'null') : undefined;
  if (open !== undefined) {
    ctx.report('cors-credentials-origin-open', { target: 'traefik', route: route.id, origin: open }, cors.loc);
    return undefined;
  }
  return ctx.addMiddleware([route.id, 'cors'], {
    headers: {
      accessControlAllowOriginList: cors.origins,
      ...(cors.methods.length > 0 ? { accessControlAllowMethods: cors.methods } : {}),
      ...(cors.headers.length > 0 ? { accessControlAllowHeaders: cors.headers } : {}),
      ...(cors.exposeHeaders.length > 0 ? { accessControlExposeHeaders: cors.exposeHeaders } : {}),
      ...(cors.credentials ? { accessControlAllowCredentials: true } : {}),
      ...(cors.maxAgeSeconds !== undefined ? { accessControlMaxAge: cors.maxAgeSeconds } : {}),
      addVaryHeader: true,
    },
  });
}

export function ipMiddleware(ctx: Ctx, route: Route): string | undefined {
  const rule = route.policy.ipRule;
  if (!rule) return undefined;
  const ranges = allowMinusDeny(rule.allow, rule.deny);
  if ('bad' in ranges) {
    ctx.report('traefik-ip-range', { route: route.id, range: ranges.bad }, rule.loc);
    return undefined;
  }
  if (ranges.length === 0) {
    // Every address is denied. ipAllowList refuses an empty sourceRange, so admit only the
    // limited-broadcast address, which cannot open a TCP connection.
    ctx.report('traefik-ip-rule-empty', { route: route.id }, rule.loc);
    ranges.push('255.255.255.255/32');
  }
  return ctx.addMiddleware([route.id, 'ip'], {
    ipAllowList: { sourceRange: ranges, ...(ctx.options.clientIpDepth > 0 ? { ipStrategy: { depth: ctx.options.clientIpDepth } } : {}) },
  });
}

const SECONDS = { second: 1, minute: 60, hour: 3600, day: 86400 } as const;

/**
 * `requests` per `per`, as average/period (https://doc.traefik.io/traefik/middlewares/http/ratelimit/).
 * Traefik's in-memory buckets belong to each router using the middleware (every router builds its
 * own limiter, pkg/middlewares/ratelimiter/rate_limiter.go), so a route split into `routers`
 * routers (one per security alternative) gives each 1/routers of the rate, a period that many
 * times longer: a caller switching alternatives never gets more than the limit in all.
 *
 * `consumer.header` is the header holding the route alternative's verified identity (a limit on
 * it runs after auth). A `by: {header}` limit keys on its header only when it is that one;
 * any other header is a value the caller writes (a fresh bucket per value, or a victim's value
 * to drain the victim's): it counts per client address instead, said at the rateLimit node
 * (DESIGN.md 7.4).
 */
export function rateLimitMiddleware(
  ctx: Ctx,
  route: Route,
  consumer: { header?: string; scheme?: string },
  suffix: string,
  routers = 1,
): string | undefined {
  const rl = route.policy.rateLimit;
  if (!rl) return undefined;
  // rateLimit counts the upgrade request; the connection then stays open uncounted: refused, once
  // per route (test/security/websocket-limit.test.ts).
  if (route.websocket) {
    if (ctx.once(`ws-limit:${route.id}`)) ctx.report('websocket-limit-connections', { route: route.id, target: 'traefik' }, rl.loc);
    return undefined;
  }
  // The identity header holds one credential, so a limit on it is one bucket per credential: a
  // consumer holding several of the scheme (a rotation lists old and new) gets the limit once per
  // each (nginx and Kong count the consumer). Refused, as AWS does (aws-limit-consumer-keys), for
  // by: consumer and for by: {header} on the verified credential's header alike (RL19).
  const multiplied = (): boolean => {
    const several = multiCredentialConsumers(ctx, consumer.scheme);
    if (several.length === 0) return false;
    if (ctx.once(`limit-keys:${route.id}`)) ctx.report('traefik-limit-consumer-keys', { route: route.id, scheme: consumer.scheme ?? '(none)', consumers: several.join(', ') }, rl.loc);
    return true;
  };
  let sourceCriterion: SourceCriterion;
  if (rl.by === 'ip') sourceCriterion = clientAddress(ctx, route);
  else if (rl.by === 'consumer') {
    if (consumer.header) {
      if (multiplied()) return undefined;
      sourceCriterion = { requestHeaderName: consumer.header };
    } else {
      // No header holds exactly the verified credential (cookie or query API key, forward auth),
      // or nobody is identified (a public route): a key the client can vary would hand it a fresh
      // bucket per request.
      if (route.security.length === 0) {
        if (ctx.once(`limit-public:${route.id}`)) ctx.report('limit-consumer-public', { route: route.id, target: 'traefik' }, rl.loc);
      } else ctx.report('traefik-limit-key-unverified', { route: route.id, scheme: consumer.scheme ?? '(none)' }, rl.loc);
      sourceCriterion = clientAddress(ctx, route);
    }
  } else {
    if (!headerNameOk(ctx, rl.by.header, 'rate-limit header', route)) return undefined;
    if (consumer.header && limitHeaderVerified(consumer.header, rl.by.header)) {
      if (multiplied()) return undefined;
      sourceCriterion = { requestHeaderName: consumer.header };
    } else {
      ctx.report('limit-key-unverified', { route: route.id, header: rl.by.header, target: 'traefik' }, rl.loc);
      sourceCriterion = clientAddress(ctx, route);
    }
  }
  const period = routers > 1 ? `${SECONDS[rl.per] * routers}s` : PERIOD[rl.per];
  return ctx.addMiddleware([route.id, 'ratelimit', ...(suffix ? [suffix] : [])], {
    rateLimit: { average: rl.requests, period, burst: Math.max(1, rl.burst), sourceCriterion },
  });
}

/** The consumers holding more than one credential of `scheme` (each its own bucket when a limit keys on the credential). */
function multiCredentialConsumers(ctx: Ctx, scheme: string | undefined): string[] {
  return ctx.gateway.consumers
    .filter((c) => c.credentials.filter((cred) => cred.scheme === scheme).length > 1)
    .map((c) => c.name)
    .sort(compareText);
}

/**
 * A limit per client address. Traefik keys it on the address ipStrategy picks, a bucket per
 * address; an IPv6 client usually holds a whole /64 and would rotate source addresses for a fresh
 * bucket per request. ipStrategy.ipv6Subnet (Traefik 3.2, pkg/ip/strategy.go getIPv6SubnetIP;
 * https://doc.traefik.io/traefik/middlewares/http/ratelimit/#sourcecriterionipstrategyipv6subnet)
 * keys an IPv6 address on its /64 (IPv4 stays per address), with or without depth. A line older than
 * 3.2 cannot: said once per route (traefik-limit-ipv6-per-address).
 */
function clientAddress(ctx: Ctx, route: Route): SourceCriterion {
  const depth = ctx.options.clientIpDepth;
  // From the connection Go prints an IPv4-mapped peer as IPv4 (net.IP.String); from X-Forwarded-For
  // the proxy's spelling is keyed as written (::ffff:a.b.c.d masked to :: by ipv6Subnet), and no
  // ipStrategy field unmaps it: said once per route (test/security/traefik-limit-mapped.test.ts).
  if (depth > 0 && ctx.once(`mapped-limit:${route.id}`)) {
    ctx.report('traefik-limit-mapped-address', { route: route.id, depth }, route.policy.rateLimit!.loc);
  }
  if (ctx.allows('ipStrategy.ipv6Subnet')) return { ipStrategy: { depth, ipv6Subnet: 64 } };
  if (ctx.once(`ipv6-limit:${route.id}`)) {
    ctx.report('traefik-limit-ipv6-per-address', { route: route.id, version: String(ctx.options.version) }, route.policy.rateLimit!.loc);
  }
  return { ipStrategy: { depth } };
}

export function bodyLimitMiddleware(ctx: Ctx, route: Route): string | undefined {
  const bl = route.policy.bodyLimit;
  if (!bl) return undefined;
  // https://doc.traefik.io/traefik/middlewares/http/buffering/#maxrequestbodybytes: 413 above it.
  return ctx.addMiddleware([route.id, 'bodylimit'], { buffering: { maxRequestBodyBytes: bl.bytes } });
}

/** The headers middleware fields the request and response header policies write. */
export type HeaderOpsPart = Pick<HeadersMiddleware, 'customRequestHeaders' | 'customResponseHeaders'>;

/**
 * Header set/remove as a map for the headers middleware: "" removes a header there
 * (https://doc.traefik.io/traefik/middlewares/http/headers/#adding-and-removing-headers), so a
 * set to "" is refused. False when refused, undefined when there is nothing to write.
 */
function headerOpsMap(ctx: Ctx, route: Route, ops: HeaderOps | undefined, where: string): Record<string, string> | undefined | false {
  if (!ops) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(ops.set)) {
    if (!headerNameOk(ctx, k, where, route)) return false;
    if (v === '') {
      ctx.report('traefik-header-empty-value', { route: route.id, where, header: k }, ops.loc);
      return false;
    }
    out[k] = v;
  }
  for (const k of ops.remove) {
    if (!headerNameOk(ctx, k, where, route)) return false;
    out[k] = '';
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** `requestHeaders`: its part of the route's one headers middleware (headerOpsMiddleware). */
export function requestHeadersPart(ctx: Ctx, route: Route): HeaderOpsPart | undefined | false {
  const map = headerOpsMap(ctx, route, route.policy.requestHeaders, 'request header');
  return map ? { customRequestHeaders: map } : map;
}

/** `responseHeaders`: its part of the route's one headers middleware (headerOpsMiddleware). */
export function responseHeadersPart(ctx: Ctx, route: Route): HeaderOpsPart | undefined | false {
  const map = headerOpsMap(ctx, route, route.policy.responseHeaders, 'response header');
  return map ? { customResponseHeaders: map } : map;
}

/**
 * Request and response header set/remove share one headers middleware per route, from the parts
 * in the order given; none when a part was refused (reported) or nothing is to be written.
 */
export function headerOpsMiddleware(ctx: Ctx, route: Route, parts: ReadonlyArray<HeaderOpsPart | false>): string | undefined {
  if (parts.length === 0 || parts.includes(false)) return undefined;
  return ctx.addMiddleware([route.id, 'headers'], { headers: Object.assign({}, ...parts) as HeaderOpsPart });
}
