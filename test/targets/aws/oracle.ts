/**
 * A request oracle for the aws target: given a built CloudFormation template and a request, what
 * API Gateway (REST, as its developer guide describes it) does with it. It reads only the
 * template, never the spec or the model, so it checks what gwc wrote, not what gwc meant.
 *
 * - Resources: the Body's paths as API Gateway's resource tree; the most specific resource wins
 *   (a literal child before a `{param}` sibling); no resource is 404 (gwc maps
 *   MISSING_AUTHENTICATION_TOKEN to 404), a method the resource lacks hits the ANY mock (405).
 *   https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-method-settings-method-request.html
 * - Authorizers (cognito_user_pools, custom) run first; the caller supplies their verdict (the
 *   token header absent is 401, a verdict of undefined is 401/403). A Cognito method with scopes
 *   admits a token carrying ANY ONE of them (Method.AuthorizationScopes: "authorized if any method
 *   scopes matches a claimed scope in the access token"), else 403. A custom authorizer with
 *   authorizerResultTtlInSeconds > 0 caches its verdict keyed on the identity source values only:
 *   a later request with the same values is not sent to the function (a Lambda authorizer's cache,
 *   https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-lambda-authorizer-input.html).
 *   Header names in identity sources are case-insensitive, query parameter names are not.
 *   Then "API key required": the
 *   x-api-key header must be the value of an enabled ApiKey attached by a UsagePlanKey to a
 *   UsagePlan whose ApiStages holds this stage; any such key passes, whatever the spec's scheme.
 *   https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html
 * - Cache: after authorization; on when the stage's MethodSettings for the method (else `/*`
 *   `*`) say CachingEnabled; the key is the method, the resource and the values of the
 *   integration's cacheKeyParameters. https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-caching.html
 * - http_proxy: the URI with path parameters substituted (decoded, the worst case), the client's
 *   headers and query with integration requestParameters replacing same-named ones (every value of
 *   a repeated name: the mapping is the parameter's one value).
 * - A name sent twice (a query parameter, a header line) is a list, in order. What API Gateway reads
 *   as the parameter (an identity source, a cache key, `method.request.*` in a mapping) is the LAST
 *   value: a REST proxy event's queryStringParameters "contains the last value"
 *   (multiValueQueryStringParameters all; https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html,
 *   aws/aws-lambda-go#42), and an http_proxy passes every value on unless a mapping replaces it.
 * - `context.authorizer.principalId` / `.KEY` in a mapping: the custom authorizer's verdict (its
 *   identity, its `context`); a key the answer lacks maps nothing (the client's line stays).
 * - aws_proxy: the Lambda event holds the client's headers and query as sent (`lambdaEvent`).
 */

type J = Record<string, any>;

export interface Request {
  method: string;
  /** The path below the stage (the OpenAPI path), raw: percent-encoding is kept. */
  path: string;
  headers?: Record<string, string | string[]>;
  query?: Record<string, string | string[]>;
}

/** A header or query value the request sent as a list stays a list (typed as the usual single value). */
export interface Upstream {
  method: string;
  url: string;
  headers: Record<string, string>;
  query: Record<string, string>;
}

export interface Decision {
  status: number;
  why: string;
  /** The Body path and method that matched. */
  resource?: string;
  operationId?: string;
  upstream?: Upstream;
  /**
   * aws_proxy: what the Lambda function is given (the event's headers and query string
   * parameters): the request as the client sent it, since a Lambda proxy integration takes no
   * integration request parameters (nothing can be blanked on the way).
   */
  lambdaEvent?: { headers: Record<string, string>; query: Record<string, string> };
  /** Served from the stage cache: the request whose answer it is. */
  cachedFrom?: Request;
}

/**
 * Authorizer verdict for a scheme: the caller's identity (with the token's scopes, for Cognito),
 * or undefined when it is refused. `credential` is the identity source values joined by commas;
 * a request authorizer's function is also given the whole request, as Lambda is.
 */
export type Verify = (
  scheme: string,
  credential: string,
  request: { headers: Record<string, string>; query: Record<string, string> },
) => string | { identity: string; scopes: string[]; context?: Record<string, string> } | undefined;

// A list stays a list: typed as the single value, as every caller but the repeated-name tests sends.
const lower = (h: Record<string, string | string[]> = {}) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v])) as Record<string, string>;
/** What API Gateway reads as a parameter sent more than once: its last value. */
export const lastOf = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[v.length - 1] : v);

export class AwsOracle {
  private readonly body: J;
  private readonly cache = new Map<string, { decision: Decision; request: Request }>();
  /** Custom authorizers' cached verdicts by scheme and identity source values. */
  private readonly authorizerCache = new Map<string, ReturnType<Verify>>();
  /** Values given to the NoEcho key parameters: `key-<ParameterId>`. */
  readonly paramValue = (id: string) => `key-${id}-0123456789`;

  constructor(
    private readonly template: J,
    private readonly verify: Verify = () => undefined,
  ) {
    this.body = template.Resources.RestApi.Properties.Body;
  }

  /** The API key values of a consumer (from the ApiKey descriptions gwc writes). */
  keysOf(consumer: string): string[] {
    return Object.values<J>(this.template.Resources)
      .filter((r) => r.Type === 'AWS::ApiGateway::ApiKey' && String(r.Properties.Description).startsWith(`consumer ${consumer} `))
      .map((r) => this.paramValue(r.Properties.Value.Ref));
  }

  /** Every key that passes "API key required" on the stage. */
  private stageKeys(): Set<string> {
    const res = this.template.Resources as Record<string, J>;
    const plans = Object.entries(res)
      .filter(([, r]) => r.Type === 'AWS::ApiGateway::UsagePlan' && (r.Properties.ApiStages ?? []).some((s: J) => s.ApiId?.Ref === 'RestApi' && s.Stage?.Ref === 'Stage'))
      .map(([id]) => id);
    const keys = new Set<string>();
    for (const r of Object.values(res)) {
      if (r.Type !== 'AWS::ApiGateway::UsagePlanKey' || !plans.includes(r.Properties.UsagePlanId?.Ref)) continue;
      const key = res[r.Properties.KeyId.Ref];
      if (key?.Properties.Enabled !== false) keys.add(this.paramValue(key!.Properties.Value.Ref));
    }
    return keys;
  }

  /** Most specific resource: literal before parameter at each segment, backtracking on a dead end. */
  private match(segments: string[]): { path: string; params: Record<string, string> } | undefined {
    const paths = Object.keys(this.body.paths).map((p) => ({ p, parts: p.split('/').filter(Boolean) }));
    const walk = (i: number, candidates: typeof paths, params: Record<string, string>): { path: string; params: Record<string, string> } | undefined => {
      const live = candidates.filter((c) => c.parts.length > i || (c.parts.length === i && i === segments.length));
      if (i === segments.length) {
        const done = live.find((c) => c.parts.length === i);
        return done && { path: done.p, params };
      }
      const seg = decodeURIComponent(segments[i] as string);
      const literal = live.filter((c) => c.parts[i] === seg);
      if (literal.length > 0) {
        const r = walk(i + 1, literal, params);
        if (r) return r;
      }
      const templated = live.filter((c) => /^\{.+\}$/.test(c.parts[i] ?? ''));
      for (const name of new Set(templated.map((c) => (c.parts[i] as string).slice(1, -1)))) {
        const r = walk(i + 1, templated.filter((c) => c.parts[i] === `{${name}}`), { ...params, [name]: seg });
        if (r) return r;
      }
      return undefined;
    };
    return walk(0, paths, {});
  }

  private methodSetting(resource: string, method: string): J | undefined {
    const settings: J[] = this.template.Resources.Stage?.Properties.MethodSettings ?? [];
    const path = resource === '/' ? '/' : `/${resource.replace(/\//g, '~1')}`;
    return settings.find((s) => s.ResourcePath === path && s.HttpMethod === method) ?? settings.find((s) => s.ResourcePath === '/*' && s.HttpMethod === '*');
  }

  request(req: Request): Decision {
    const headers = lower(req.headers);
    const query = (req.query ?? {}) as Record<string, string>;
    const segments = req.path.split('/').filter(Boolean);
    const m = this.match(segments);
    if (!m) return { status: 404, why: 'no resource' };
    const item = this.body.paths[m.path] as J;
    const op = item[req.method.toLowerCase()] as J | undefined;
    if (!op) return { status: item['x-amazon-apigateway-any-method'] ? 405 : 403, why: 'method not declared', resource: m.path };
    const base = { resource: `${req.method} ${m.path}`, ...(op.operationId ? { operationId: op.operationId } : {}) };

    let authorizer: Record<string, string> = {};
    for (const name of Object.keys(op.security?.[0] ?? {})) {
      const scheme = this.body.components.securitySchemes[name] as J;
      const authtype = scheme['x-amazon-apigateway-authtype'];
      if (!authtype) continue; // API key: checked below
      const source: string = authtype === 'custom' ? (scheme['x-amazon-apigateway-authorizer'].identitySource ?? '') : `method.request.header.${scheme.name}`;
      const values = source.split(',').map((s) => s.trim()).filter(Boolean).map((s) => {
        const [, where, key] = /^method\.request\.(header|querystring)\.(.+)$/.exec(s) ?? [];
        return lastOf(where === 'header' ? headers[String(key).toLowerCase()] : where === 'querystring' ? query[String(key)] : undefined);
      });
      if (values.some((v) => v === undefined)) return { status: 401, why: `${name}: identity source missing`, ...base };
      const ttl = Number(scheme['x-amazon-apigateway-authorizer']?.authorizerResultTtlInSeconds ?? (authtype === 'custom' ? 300 : 0));
      const cacheKey = JSON.stringify([name, values]);
      const cached = authtype === 'custom' && ttl > 0 && this.authorizerCache.has(cacheKey);
      const verdict = cached ? this.authorizerCache.get(cacheKey) : this.verify(name, values.join(','), { headers, query });
      if (authtype === 'custom' && ttl > 0 && !cached) this.authorizerCache.set(cacheKey, verdict);
      if (verdict === undefined) return { status: 403, why: `${name}: authorizer denied`, ...base };
      // What `context.authorizer.*` reads in a mapping: the principal and the answer's context.
      if (authtype === 'custom') authorizer = { principalId: typeof verdict === 'string' ? verdict : verdict.identity, ...(typeof verdict === 'string' ? {} : verdict.context) };
      const wanted: string[] = op.security[0][name] ?? [];
      if (authtype === 'cognito_user_pools' && wanted.length > 0) {
        const has = typeof verdict === 'string' ? [] : verdict.scopes;
        if (!wanted.some((s) => has.includes(s))) return { status: 403, why: `${name}: the token carries none of the method's scopes`, ...base };
      }
    }
    const keyRequired = Object.keys(op.security?.[0] ?? {}).some((n) => !this.body.components.securitySchemes[n]['x-amazon-apigateway-authtype']);
    if (keyRequired) {
      const key = lastOf(headers['x-api-key']);
      if (key === undefined || !this.stageKeys().has(key)) return { status: 403, why: 'API key missing or not in a usage plan of the stage', ...base };
    }

    const integration = op['x-amazon-apigateway-integration'] as J;
    const setting = this.methodSetting(m.path, req.method);
    let cacheKey: string | undefined;
    if (setting?.CachingEnabled) {
      const parts = (integration.cacheKeyParameters ?? []).map((p: string) => {
        const [, where, key] = /^method\.request\.(path|header|querystring)\.(.+)$/.exec(p) ?? [];
        return where === 'path' ? m.params[String(key)] : lastOf(where === 'header' ? headers[String(key).toLowerCase()] : query[String(key)]);
      });
      cacheKey = JSON.stringify([req.method, m.path, parts]);
      const hit = this.cache.get(cacheKey);
      if (hit) return { ...hit.decision, cachedFrom: hit.request };
    }
    const decision = { status: 200, why: 'integration', ...base, ...this.integrate(integration, m.params, headers, query, authorizer) };
    if (cacheKey) this.cache.set(cacheKey, { decision, request: req });
    return decision;
  }

  private integrate(integration: J, params: Record<string, string>, headers: Record<string, string>, query: Record<string, string>, authorizer: Record<string, string>): Pick<Decision, 'upstream' | 'lambdaEvent'> {
    if (integration.type === 'aws_proxy') return { lambdaEvent: { headers: { ...headers }, query: { ...query } } };
    if (integration.type !== 'http_proxy') return {};
    const outHeaders = { ...headers };
    const outQuery = { ...query };
    let url = String(integration.uri);
    for (const [to, from] of Object.entries<string>(integration.requestParameters ?? {})) {
      const source = /^method\.request\.(path|header|querystring)\.(.+)$/.exec(from);
      const read = source && (source[1] === 'path' ? params[source[2]!] : lastOf(source[1] === 'header' ? headers[source[2]!.toLowerCase()] : query[source[2]!]));
      // context.authorizer.KEY the answer lacks: no value, so the client's line stays (the worst case; README).
      const fromAuthorizer = /^context\.authorizer\.([A-Za-z0-9_]+)$/.exec(from);
      const value = /^'(.*)'$/.exec(from)?.[1] ?? read ?? (fromAuthorizer ? authorizer[fromAuthorizer[1]!] : undefined);
      const [, where, name] = /^integration\.request\.(path|header|querystring)\.(.+)$/.exec(to) ?? [];
      if (value === undefined || !name) continue;
      if (where === 'path') url = url.replace(`{${name}}`, value);
      else if (where === 'header') outHeaders[name.toLowerCase()] = value;
      else outQuery[name] = value;
    }
    return { upstream: { method: integration.httpMethod, url, headers: outHeaders, query: outQuery } };
  }
}

/**
 * How a common Java backend (Tomcat, Spring) reads a request path: `;parameters` dropped from
 * each segment, then `.` and `..` segments resolved, a trailing slash ignored. https://tomcat.apache.org/tomcat-9.0-doc/config/http.html
 */
export function backendReads(url: string): string {
  const path = new URL(url.replace(/[{}]/g, '_')).pathname;
  const out: string[] = [];
  for (const raw of path.split('/').slice(1)) {
    const seg = decodeURIComponent(raw).split(';')[0] as string;
    if (seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  // A trailing slash reaches the same handler (Spring MVC's default before 6.0).
  return `/${out.filter((s, i) => s !== '' || i < out.length - 1).join('/')}`;
}
