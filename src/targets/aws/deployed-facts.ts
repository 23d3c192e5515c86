/**
 * The security facts of an API Gateway REST API method beyond auth alternatives and limits
 * (deployed-template.ts): the scopes a requirement names, each scheme's settings (Cognito user
 * pools as the JWT issuer, where the API key is read, whether the credential is blanked toward the
 * backend), the stage's burst and cache per method, resource-policy deny lists, the custom domains
 * the API answers on, and the integration's path.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions.html
 */
import { authAtom, type ClientTls, type Entity, type Facts, type Json, type Mechanism } from '../../diff/entity.js';
import { isObject, omit, prune, sortedStrings, type JsonObject } from '../../diff/json-util.js';
import { headerBlanked } from './deployed-params.js';

/**
 * The burst a throttle without its own burst limit gets: the account's, 5,000 requests by default
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html).
 */
export const ACCOUNT_BURST = 5000;

/** Stage method settings (throttle, burst, cache) by `ResourcePath HttpMethod`. */
export interface StageSettings {
  burst: Map<string, number>;
  cache: Map<string, boolean>;
  /** Usage-plan throttles (each API key counted on its own), by `ResourcePath HttpMethod` as the stage writes it. */
  perKey: Map<string, { rate: number; burst?: number }>;
}

export function stageSettings(resources: JsonObject): StageSettings {
  const out: StageSettings = { burst: new Map(), cache: new Map(), perKey: new Map() };
  for (const r of Object.values(resources)) {
    if (!isObject(r) || r.Type !== 'AWS::ApiGateway::Stage' || !isObject(r.Properties)) continue;
    for (const s of Array.isArray(r.Properties.MethodSettings) ? r.Properties.MethodSettings.filter(isObject) : []) {
      const at = `${String(s.ResourcePath ?? '/*')} ${String(s.HttpMethod ?? '*')}`;
      if (typeof s.ThrottlingBurstLimit === 'number') out.burst.set(at, s.ThrottlingBurstLimit);
      // A rate without its burst takes the account's burst (5,000 by default).
      else if (typeof s.ThrottlingRateLimit === 'number') out.burst.set(at, ACCOUNT_BURST);
      if (typeof s.CachingEnabled === 'boolean') out.cache.set(at, s.CachingEnabled);
    }
    // "When you enable caching for a stage, only GET methods have caching enabled by default"
    // (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-caching.html):
    // gwc writes `/*` `*` CachingEnabled false; a cache cluster without it caches every GET.
    if (r.Properties.CacheClusterEnabled === true && !out.cache.has('/* *')) out.cache.set('/* GET', true);
  }
  for (const r of Object.values(resources)) {
    if (!isObject(r) || r.Type !== 'AWS::ApiGateway::UsagePlan' || !isObject(r.Properties)) continue;
    for (const stage of Array.isArray(r.Properties.ApiStages) ? r.Properties.ApiStages.filter(isObject) : []) {
      for (const [where, t] of Object.entries(isObject(stage.Throttle) ? stage.Throttle : {})) {
        // "/keys/GET" (resource path, then method) -> the stage's "/~1keys GET".
        const m = /^(.*)\/([A-Z*]+)$/.exec(where);
        if (!m || !isObject(t) || typeof t.RateLimit !== 'number') continue;
        const at = `/${m[1]!.replace(/~/g, '~0').replace(/\//g, '~1')} ${m[2]}`;
        out.perKey.set(at, { rate: t.RateLimit, burst: typeof t.BurstLimit === 'number' ? t.BurstLimit : ACCOUNT_BURST });
      }
    }
  }
  return out;
}

/** Custom domain names the API is mapped to; `[]` when it answers only on its execute-api address. */
export function domainsOf(resources: JsonObject): string[] {
  const names: string[] = [];
  for (const r of Object.values(resources)) {
    if (isObject(r) && r.Type === 'AWS::ApiGateway::DomainName' && isObject(r.Properties) && typeof r.Properties.DomainName === 'string') names.push(r.Properties.DomainName.toLowerCase());
  }
  return names.sort();
}

/**
 * The TLS a REST custom domain answers clients with (its `SecurityPolicy`): TLS_1_0 accepts TLS 1.0
 * and up, TLS_1_2 refuses below 1.2 (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-custom-domain-tls-version.html);
 * the enhanced policies (`SecurityPolicy_TLS13_1_3_...`, `SecurityPolicy_TLS13_1_2_...`,
 * `SecurityPolicy_TLS12_...`) by the minimum their name states. Without one, read as TLS 1.0 (what
 * API Gateway's own edge and regional endpoints accept): never stronger than what was written. A
 * policy of another name compares by name (`unread`).
 */
export function domainClientTls(policy: Json | undefined): ClientTls {
  if (policy === undefined || policy === null) return { minVersion: 1.0 };
  const p = String(policy).toUpperCase();
  if (p === 'TLS_1_0') return { minVersion: 1.0 };
  if (p === 'TLS_1_2') return { minVersion: 1.2 };
  const m = /^SECURITYPOLICY_TLS1(\d)(?:_1_(\d))?_/.exec(p);
  if (m) return { minVersion: Number(`1.${m[2] ?? m[1]}`) };
  return { unread: String(policy) };
}

/**
 * What a RestApi's import `Mode` leaves deployed besides its Body: `overwrite` replaces the API with
 * the Body; `merge` keeps every resource and method an earlier deployment defined that the Body no
 * longer lists, and so does no Mode on an API created since 2021-03-29 (the Body takes precedence
 * where it speaks; https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigateway-restapi.html):
 * a route a release removes stays callable as it was. Read as a route of the RestApi that answers
 * any path unless the mode is overwrite (route-widened); `matchBy` keeps two APIs of different
 * logical ids from pairing on it.
 */
export function importMode(id: string, props: JsonObject): Pick<Entity, 'matchBy' | 'facts'> {
  const overwrite = typeof props.Mode === 'string' && props.Mode.toLowerCase() === 'overwrite';
  const match = 'routes an earlier deployment defined that the Body does not list (kept unless Mode is overwrite)';
  return { matchBy: `REST API ${id}`, facts: { route: { match, paths: overwrite ? [] : ['^/.*$'], methods: [] } } };
}

/** The credential headers (lower-cased) the method's own schemes read: their blank is the mechanism's hideCredentials. */
export function ownCredentialHeaders(op: JsonObject, schemes: JsonObject): Set<string> {
  const security = Array.isArray(op.security) ? op.security.filter(isObject) : [];
  return new Set(
    security.flatMap((req) => Object.keys(req)).flatMap((n) => {
      const s = schemes[n];
      return isObject(s) && s.in === 'header' && typeof s.name === 'string' ? [s.name.toLowerCase()] : [];
    }),
  );
}

/** Resource-policy statements that deny listed source addresses (ipDeny). */
export function denyRules(policy: Json | undefined): Array<{ resource: string; deny: string[] }> {
  if (!isObject(policy)) return [];
  const out: Array<{ resource: string; deny: string[] }> = [];
  for (const s of Array.isArray(policy.Statement) ? policy.Statement.filter(isObject) : []) {
    const cond = isObject(s.Condition) && isObject(s.Condition.IpAddress) ? s.Condition.IpAddress['aws:SourceIp'] : undefined;
    if (s.Effect !== 'Deny' || cond === undefined) continue;
    const deny = typeof cond === 'string' ? [cond] : sortedStrings(cond);
    for (const resource of typeof s.Resource === 'string' ? [s.Resource] : sortedStrings(s.Resource)) out.push({ resource, deny });
  }
  return out;
}

const mechanismName = (name: string, scheme: Json | undefined) => {
  const type = isObject(scheme) ? String(scheme['x-amazon-apigateway-authtype'] ?? scheme.type ?? '') : '';
  return type ? `${name} (${type})` : name;
};

/** A method's security as alternatives with scopes, and what each scheme accepts. */
export function methodAuth(op: JsonObject, schemes: JsonObject): Pick<Facts, 'auth' | 'mechanisms'> {
  const security = Array.isArray(op.security) ? op.security.filter(isObject) : [];
  const mechanisms: Record<string, Mechanism> = {};
  const auth = security.map((req) =>
    Object.entries(req)
      .flatMap(([name, scopes]) => {
        const scheme = schemes[name];
        const m = mechanismName(name, scheme);
        const s = isObject(scheme) ? scheme : {};
        const authorizer = isObject(s['x-amazon-apigateway-authorizer']) ? s['x-amazon-apigateway-authorizer'] : undefined;
        const mech: Mechanism = { kind: authorizer ? String(authorizer.type ?? 'authorizer') : String(s.type ?? '') };
        if (s.type === 'apiKey' && !authorizer) mech.in = [String(s.in ?? 'header')];
        if (typeof s.name === 'string' && s.in === 'header') mech.hideCredentials = headerBlanked(op, s.name);
        // The authorizer's type (token, request, cognito_user_pools; API Gateway reads it case-blind)
        // is which check runs and what it is given: another type under the same scheme is another
        // verifier (a function written for a request event handed a token, a pool swapped for a function).
        const type = authorizer ? String(authorizer.type ?? '').toLowerCase() : '';
        // A Cognito user pool authorizer: the pool is the issuer (and its keys); algorithms and skew
        // are AWS's own. The header its token is read from (identitySource) is part of the check.
        if (authorizer && type === 'cognito_user_pools') {
          mech.jwt = { issuer: JSON.stringify(authorizer.providerARNs ?? null) };
          mech.verifier = JSON.stringify(prune({ ...omit(authorizer, ['providerARNs']), type }) ?? null);
        }
        // A Lambda authorizer decides for the gateway: its function, the identity sources it is
        // given and keyed on, and how long its answer is reused are the check itself.
        else if (authorizer) mech.verifier = JSON.stringify(prune({ ...authorizer, type }) ?? null);
        mechanisms[m] = mech;
        return [m, ...sortedStrings(scopes).map((x) => authAtom(m, 'scope', x))];
      })
      .sort(),
  );
  return { auth, ...(Object.keys(mechanisms).length ? { mechanisms } : {}) };
}

/**
 * The server an integration sends to: an http(s) URI's origin (through its VPC link), or the whole
 * URI of a Lambda (aws/aws_proxy: the function's ARN inside it) as written. Undefined for a mock.
 */
export function integrationBackend(op: JsonObject): string | undefined {
  const integration = isObject(op['x-amazon-apigateway-integration']) ? op['x-amazon-apigateway-integration'] : undefined;
  if (!integration || String(integration.type ?? '').toLowerCase() === 'mock' || integration.uri === undefined) return undefined;
  const link = integration.connectionType === 'VPC_LINK' ? ` via VPC link ${JSON.stringify(integration.connectionId ?? null)}` : '';
  const uri = integration.uri;
  const origin = typeof uri === 'string' ? (/^[a-z]+:\/\/[^/]*/i.exec(uri)?.[0] ?? uri).toLowerCase() : JSON.stringify(uri);
  return `${origin}${link}`;
}

/**
 * What the stage cache keys a method's responses on besides the method and resource: the
 * integration's cacheKeyParameters (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-caching.html),
 * header names lower-cased (API Gateway reads them case-blind).
 */
export function cacheKeyOf(op: JsonObject, pathItem: JsonObject = {}): string[] {
  const integration = isObject(op['x-amazon-apigateway-integration']) ? op['x-amazon-apigateway-integration'] : {};
  // A cache key parameter must be a declared request parameter of the method (API Gateway refuses
  // the import otherwise): one whose declaration is gone keys nothing.
  const declared = new Set(
    [op.parameters, pathItem.parameters].flatMap((ps) => (Array.isArray(ps) ? ps.filter(isObject) : [])).map((p) => `${String(p.in)} ${String(p.name)}`.toLowerCase()),
  );
  const isDeclared = (p: string) => {
    const m = /^method\.request\.(header|querystring|path|multivalueheader|multivaluequerystring)\.(.*)$/.exec(p);
    if (!m) return true;
    const place = m[1]!.replace(/^multivalue/, '').replace('querystring', 'query');
    return declared.has(`${place} ${m[2]!}`.toLowerCase());
  };
  return sortedStrings(integration.cacheKeyParameters).filter(isDeclared).map((p) => {
    const m = /^method\.request\.(header|querystring|path|multivalueheader|multivaluequerystring)\.(.*)$/.exec(p);
    if (!m) return p;
    const kind = m[1]!.replace(/^multivalue/, '');
    return kind === 'header' ? `header ${m[2]!.toLowerCase()}` : `${kind === 'querystring' ? 'query' : kind} ${m[2]}`;
  }).sort();
}

/**
 * The path part of an http/http_proxy integration's URI (the backend path the method is sent to),
 * preceded by the method the backend is sent (`httpMethod`) when it is not the route's own `verb`:
 * a GET route whose integration sends DELETE runs another backend operation for the same callers.
 * `ANY` sends the client's method; without httpMethod the import fails.
 */
export function integrationPath(op: JsonObject, verb?: string): string | undefined {
  const integration = isObject(op['x-amazon-apigateway-integration']) ? op['x-amazon-apigateway-integration'] : undefined;
  const uri = typeof integration?.uri === 'string' ? integration.uri : undefined;
  const path = uri ? /^[a-z]+:\/\/[^/]*(\/.*)?$/i.exec(uri)?.[1] ?? '/' : undefined;
  const type = String(integration?.type ?? '').toLowerCase();
  const sent = typeof integration?.httpMethod === 'string' ? integration.httpMethod.toUpperCase() : undefined;
  if (path !== undefined && verb && (type === 'http' || type === 'http_proxy') && sent && sent !== 'ANY' && sent !== verb) return `${sent} ${path}`;
  return path;
}

/**
 * Who may invoke a Lambda function through an `AWS::Lambda::Permission` (an authorizer's or a
 * backend's): the function, the principal and the source it is limited to. Without a SourceArn
 * (or with a wider one) any API of any account may call the function that decides who gets in
 * (https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html): another way
 * in, so a change is read as a holder added (consumer-added).
 */
export function lambdaInvokers(props: JsonObject): string[] {
  const text = (v: Json | undefined) => JSON.stringify(v ?? null);
  return [`invoke ${text(props.FunctionName)} by ${text(props.Principal)} from ${text(props.SourceArn)} account ${text(props.SourceAccount)} action ${text(props.Action)}`];
}
