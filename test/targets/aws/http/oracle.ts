/**
 * A request oracle for the aws target's HTTP API flavour: given a built template, a request and
 * the claims of the caller's token, what API Gateway does. It reads only the template.
 *
 * - Routes: RouteKey `METHOD /path`; the most specific route wins (a literal segment before a
 *   `{param}`); no route is 404 (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html).
 * - JWT authorizer (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html):
 *   the token is read from the identity source header, alone or after "Bearer "; none is 401. It
 *   must be signed by the issuer's keys (the test says so with `signedByIssuer`), its iss must
 *   equal the authorizer's Issuer, its aud (or client_id when there is no aud) must be one of the
 *   Audience, exp after now, nbf and iat before now; else 401. With AuthorizationScopes, the
 *   token's scope (space-separated) or scp must hold at least one of them; else 403.
 * - CUSTOM: the caller's verdict for the authorizer (Lambda), 401/403 when it refuses.
 */
type J = Record<string, any>;

export interface Claims {
  iss?: string;
  aud?: string | string[];
  client_id?: string;
  exp?: number;
  nbf?: number;
  iat?: number;
  scope?: string;
  scp?: string[];
  /** Whether the signature verifies with the issuer's published keys. */
  signedByIssuer?: boolean;
}

export interface Decision {
  status: number;
  why: string;
  routeKey?: string;
}

export const NOW = 1_800_000_000;
/** The element API Gateway appends to Forwarded (its egress address, the API's host, https). */
export const GATEWAY_FORWARDED = 'for=198.51.100.7;host=abc123.execute-api.eu-west-1.amazonaws.com;proto=https';

export class HttpApiOracle {
  private readonly res: Record<string, J>;
  constructor(template: J, private readonly lambdaVerdict: (authorizer: string, headers: Record<string, string>) => boolean = () => false) {
    this.res = template.Resources;
  }

  /** `tokens` maps a header value to the claims it carries (the oracle never parses tokens). */
  request(method: string, path: string, headers: Record<string, string>, tokens: Map<string, Claims>): Decision {
    const routes = Object.values(this.res).filter((r) => r.Type === 'AWS::ApiGatewayV2::Route').map((r) => r.Properties as J);
    const route = this.match(routes.filter((r) => String(r.RouteKey).startsWith(`${method} `)), path);
    if (!route) return { status: 404, why: 'no route' };
    const routeKey = String(route.RouteKey);
    const type = route.AuthorizationType ?? 'NONE';
    if (type === 'NONE') return { status: 200, why: 'public', routeKey };
    const authorizer = this.res[route.AuthorizerId?.Ref]?.Properties as J | undefined;
    if (!authorizer) return { status: 500, why: 'authorizer missing', routeKey };
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    if (type === 'CUSTOM') return this.lambdaVerdict(authorizer.Name, lower) ? { status: 200, why: 'lambda allow', routeKey } : { status: 403, why: 'lambda deny', routeKey };
    if (type !== 'JWT') return { status: 500, why: `unknown ${type}`, routeKey };
    const source = String(authorizer.IdentitySource?.[0] ?? '').replace(/^\$request\.header\./, '').toLowerCase();
    const raw = lower[source];
    if (raw === undefined) return { status: 401, why: 'no token', routeKey };
    const claims = tokens.get(raw.replace(/^Bearer /, ''));
    if (!claims || !claims.signedByIssuer) return { status: 401, why: 'signature', routeKey };
    const cfg = authorizer.JwtConfiguration ?? {};
    if (claims.iss !== cfg.Issuer) return { status: 401, why: 'issuer', routeKey };
    const auds = claims.aud === undefined ? (claims.client_id !== undefined ? [claims.client_id] : []) : [claims.aud].flat();
    if (!auds.some((a) => (cfg.Audience ?? []).includes(a))) return { status: 401, why: 'audience', routeKey };
    if (claims.exp === undefined || claims.exp <= NOW) return { status: 401, why: 'expired', routeKey };
    if ((claims.nbf ?? 0) > NOW || (claims.iat ?? 0) > NOW) return { status: 401, why: 'not yet valid', routeKey };
    const wanted: string[] = route.AuthorizationScopes ?? [];
    const held = [...(claims.scope ?? '').split(' ').filter(Boolean), ...(claims.scp ?? [])];
    if (wanted.length > 0 && !wanted.some((s) => held.includes(s))) return { status: 403, why: 'scope', routeKey };
    return { status: 200, why: 'jwt', routeKey };
  }

  /**
   * What an HTTP_PROXY integration sends the backend for a route (after the authorizer admitted
   * the request): the client's headers and query with the integration's parameter mappings applied
   * (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-parameter-mapping.html):
   * `remove:header.NAME` (header names are case-insensitive), `remove:querystring.NAME` (the exact
   * name), `overwrite:` and `append:` of a static value, or of `$request.header.NAME` /
   * `$request.querystring.NAME`, or `$context.authorizer.KEY` (the `authorizer` answer given) (what the identity source reads: a repeated query name's values
   * joined by commas, as payload 2.0 gives them). A query value sent twice is a list (`['a','b']`):
   * an HTTP proxy passes the client's query string on as sent, every value.
   * Then the reserved forwarding headers, which no mapping may touch: "HTTP APIs translate incoming
   * X-Forwarded-* headers into a standard Forwarded header and will append the egress IP, host and
   * protocol" (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-known-issues.html):
   * the client's element first, API Gateway's (`GATEWAY_FORWARDED`) after it. Whether the client's
   * X-Forwarded-Host line also passes is not said: it is kept (the worst case). Undefined for another
   * integration type.
   */
  upstream(routeKey: string, headers: Record<string, string>, query: Record<string, string | string[]>, authorizer: Record<string, string> = {}): { headers: Record<string, string>; query: Record<string, string> } | undefined {
    const route = Object.values(this.res).find((r) => r.Type === 'AWS::ApiGatewayV2::Route' && r.Properties.RouteKey === routeKey)?.Properties as J | undefined;
    const parts: unknown[] = route?.Target?.['Fn::Join']?.[1] ?? [];
    const id = (parts.find((x) => typeof x === 'object' && x !== null && 'Ref' in x) as J | undefined)?.Ref;
    const integration = this.res[id]?.Properties as J | undefined;
    if (integration?.IntegrationType !== 'HTTP_PROXY') return undefined;
    const outHeaders: Record<string, string> = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    const outQuery: Record<string, string | string[]> = { ...query };
    const inHeaders = { ...outHeaders };
    for (const [key, raw] of Object.entries<string>(integration.RequestParameters ?? {})) {
      const [, action, where, name] = /^(remove|overwrite|append):(header|querystring)\.(.+)$/.exec(key) ?? [];
      if (!action || !name) continue;
      const from = /^\$request\.(header|querystring)\.(.+)$/.exec(raw);
      // `$context.authorizer.KEY`: the Lambda authorizer's answer (`authorizer`); a key it lacks maps nothing.
      const context = /^\$context\.authorizer\.([A-Za-z0-9_]+)$/.exec(raw);
      const read = from ? (from[1] === 'header' ? inHeaders[from[2]!.toLowerCase()] : [query[from[2]!]].flat().join(',') || undefined) : context ? authorizer[context[1]!] : raw;
      if (read === undefined) continue;
      const value = read;
      if (where === 'header') {
        const h = name.toLowerCase();
        if (action === 'remove') delete outHeaders[h];
        else outHeaders[h] = action === 'append' && outHeaders[h] !== undefined ? `${outHeaders[h]},${value}` : value;
      } else if (action === 'remove') delete outQuery[name];
      else outQuery[name] = value;
    }
    const sent = (['for', 'host', 'proto'] as const).flatMap((k) => (inHeaders[`x-forwarded-${k}`] === undefined ? [] : [`${k}=${inHeaders[`x-forwarded-${k}`]}`]));
    outHeaders.forwarded = [inHeaders.forwarded, sent.length > 0 ? sent.join(';') : undefined, GATEWAY_FORWARDED].filter((x) => x !== undefined).join(', ');
    return { headers: outHeaders, query: outQuery as Record<string, string> };
  }

  private match(routes: J[], path: string): J | undefined {
    const segs = path.split('/').slice(1);
    const parts = (r: J) => String(r.RouteKey).split(' ')[1]!.split('/').slice(1);
    const fit = routes.filter((r) => parts(r).length === segs.length && parts(r).every((p, i) => /^\{.+\}$/.test(p) ? segs[i] !== '' : p === segs[i]));
    // Most specific: compare segment by segment, a literal before a parameter.
    return fit.sort((a, b) => {
      for (let i = 0; i < segs.length; i += 1) {
        const la = /^\{/.test(parts(a)[i]!) ? 1 : 0;
        const lb = /^\{/.test(parts(b)[i]!) ? 1 : 0;
        if (la !== lb) return la - lb;
      }
      return 0;
    })[0];
  }
}
