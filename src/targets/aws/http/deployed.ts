/**
 * `gwc diff` for the HTTP API flavour: a CloudFormation template holding AWS::ApiGatewayV2::*
 * resources (gwc's own, a file, or `aws cloudformation get-template` output) into normalised
 * entities. Every resource is an entity by logical id; each Route also carries what decides who
 * reaches it (Facts), read from the template the way API Gateway applies it:
 * - AuthorizationType NONE is public; JWT is the authorizer's issuer and audience with the
 *   route's AuthorizationScopes as alternatives (a token with ANY one of them passes,
 *   https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html);
 *   CUSTOM is the Lambda authorizer.
 * - The stage's RouteSettings throttle for the route key (one bucket for all callers), the API's
 *   CorsConfiguration, its custom domains, the integration's overwrite:path and backend TLS.
 * The REST reader (deployed-template.ts) hands a template to this one when it has an HTTP API.
 */
import { authAtom, type ClientTls, type Entity, type Facts, type Json, type Mechanism } from '../../../diff/entity.js';
import { fieldsOf, isObject, prune, sortedStrings, type JsonObject } from '../../../diff/json-util.js';
import { METHOD_OVERRIDE_QUERY } from '../../../model/overrides.js';
import { ACCOUNT_BURST, domainClientTls, lambdaInvokers } from '../deployed-facts.js';
import { clearedOnEveryRoute } from '../deployed-params.js';

/** True for a template whose API is an HTTP API (AWS::ApiGatewayV2::Api with ProtocolType HTTP). */
export function isHttpApiTemplate(doc: unknown): boolean {
  if (!isObject(doc) || !isObject(doc.Resources)) return false;
  return Object.values(doc.Resources).some((r) => isObject(r) && r.Type === 'AWS::ApiGatewayV2::Api' && isObject(r.Properties) && r.Properties.ProtocolType === 'HTTP');
}

const SECONDS_WINDOW = '1';

export function httpTemplateEntities(template: JsonObject): Entity[] {
  const resources = isObject(template.Resources) ? template.Resources : {};
  const props = (id: string | undefined): JsonObject => {
    const r = id ? resources[id] : undefined;
    return isObject(r) && isObject(r.Properties) ? r.Properties : {};
  };
  const refOf = (v: Json | undefined): string | undefined => (isObject(v) && typeof v.Ref === 'string' ? v.Ref : undefined);
  const byType = (type: string) => Object.entries(resources).filter(([, r]) => isObject(r) && r.Type === type).map(([id]) => id);
  const api = byType('AWS::ApiGatewayV2::Api')[0];
  const apiProps = props(api);
  const stage = props(byType('AWS::ApiGatewayV2::Stage')[0]);
  const routeSettings = isObject(stage.RouteSettings) ? stage.RouteSettings : {};
  const domains = byType('AWS::ApiGatewayV2::DomainName').map((id) => String(props(id).DomainName ?? id)).sort();
  const hosts = apiProps.DisableExecuteApiEndpoint === true ? domains : [...domains, '(execute-api address)'];
  const cors = corsOf(apiProps.CorsConfiguration);
  const entities: Entity[] = [];
  for (const [id, r] of Object.entries(resources)) {
    if (!isObject(r) || typeof r.Type !== 'string') continue;
    const entity: Entity = { kind: r.Type, key: id, fields: fieldsOf({ ...r, Properties: isObject(r.Properties) ? r.Properties : {} }) };
    // Who may invoke an authorizer's or a backend's function (consumer-added when it widens).
    if (r.Type === 'AWS::Lambda::Permission') entity.facts = { holds: lambdaInvokers(isObject(r.Properties) ? r.Properties : {}) };
    if (r.Type === 'AWS::ApiGatewayV2::DomainName') entity.facts = { clientTls: domainTls(props(id).DomainNameConfigurations) };
    if (r.Type === 'AWS::ApiGatewayV2::Route') {
      const p = props(id);
      const routeKey = String(p.RouteKey ?? id);
      const facts: Facts = { route: { match: routeKey }, protocols: ['https'], hosts };
      Object.assign(facts, routeAuth(p, props(refOf(p.AuthorizerId))));
      const throttle = routeSettings[routeKey];
      if (isObject(throttle) && typeof throttle.ThrottlingRateLimit === 'number') {
        facts.rateLimit = { [SECONDS_WINDOW]: throttle.ThrottlingRateLimit };
        facts.rateLimitKey = 'all callers';
        facts.burst = typeof throttle.ThrottlingBurstLimit === 'number' ? throttle.ThrottlingBurstLimit : ACCOUNT_BURST;
      }
      if (cors) facts.cors = cors;
      const integration = props(integrationOf(p.Target));
      const params = isObject(integration.RequestParameters) ? integration.RequestParameters : {};
      if (typeof params['overwrite:path'] === 'string') facts.upstreamPath = params['overwrite:path'];
      const mapped = mappingsOf(params);
      const own = new Set(Object.values(facts.mechanisms ?? {}).flatMap((m) => m.names ?? []));
      if (integration.IntegrationType === 'HTTP_PROXY') Object.assign(facts, mappedRequest(mapped, own));
      // A credential header the integration removes (and no mapping hands on again) is hidden from the backend.
      for (const mech of Object.values(facts.mechanisms ?? {})) {
        if (mech.names) mech.hideCredentials = mech.names.every((n) => { const e = mapped.header.get(n); return holds(e) && e!.removed; });
      }
      // The server the route sends to: an HTTP backend's origin (through its VPC link), a Lambda's URI as written.
      if (integration.IntegrationUri !== undefined) {
        const uri = integration.IntegrationUri;
        const link = integration.ConnectionType === 'VPC_LINK' ? ` via VPC link ${JSON.stringify(integration.ConnectionId ?? null)}` : '';
        facts.backend = `${typeof uri === 'string' ? (/^[a-z]+:\/\/[^/]*/i.exec(uri)?.[0] ?? uri).toLowerCase() : JSON.stringify(uri)}${link}`;
      }
      if (integration.IntegrationType === 'HTTP_PROXY' && typeof integration.IntegrationUri === 'string') {
        // HTTP APIs verify an https backend against public CAs and have no way to skip it.
        facts.backendTls = /^https:/i.test(integration.IntegrationUri) ? { tls: true, verify: true } : { tls: false, verify: false };
      }
      entity.facts = facts;
    }
    entities.push(entity);
  }
  for (const section of ['Parameters', 'Outputs', 'Conditions'] as const) {
    const s = template[section];
    if (isObject(s)) for (const [k, v] of Object.entries(s)) entities.push({ kind: section.slice(0, -1), key: k, fields: fieldsOf(v) });
  }
  return entities;
}

/**
 * The TLS a custom domain answers clients with: each configuration's SecurityPolicy
 * (domainClientTls), the weakest when there are several; a policy read by name only compares by name.
 */
function domainTls(configs: Json | undefined): ClientTls {
  const each = (Array.isArray(configs) ? configs.filter(isObject) : []).map((c) => domainClientTls(c.SecurityPolicy));
  if (each.length === 0) return domainClientTls(undefined);
  const unread = each.filter((t) => t.unread !== undefined).map((t) => t.unread!);
  if (unread.length > 0) return { unread: unread.join(', ') };
  return { minVersion: Math.min(...each.map((t) => t.minVersion ?? 0)) };
}

/** `{"Fn::Join": ["/", ["integrations", {"Ref": id}]]}` or `integrations/ID` -> the integration's logical id. */
function integrationOf(target: Json | undefined): string | undefined {
  if (isObject(target) && Array.isArray(target['Fn::Join'])) {
    const parts = target['Fn::Join'][1];
    if (Array.isArray(parts)) for (const part of parts) if (isObject(part) && typeof part.Ref === 'string') return part.Ref;
  }
  return undefined;
}

/** What the mappings of one header (any case) or query parameter do, all of them together. */
interface Mapped {
  /** A mapping removes it (`remove:`) or sets a static or `$context` value (`overwrite:`). */
  removed: boolean;
  set: boolean;
  /** A mapping hands the backend the client's text (`append:`, a `$request.*` value) or cannot be read. */
  undone: boolean;
}

/**
 * Every mapping of the integration, by header (lower-cased: API Gateway header names are
 * case-blind, so `remove:header.X-Key` and `append:header.x-key` map one header) and by query
 * parameter (its exact name). A header the gateway removes or sets holds only when no mapping of it
 * undoes that: an `append:` (the client's value goes on, and the order of a removal and an append
 * is not documented), a value from the request, or a value that is not text.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-parameter-mapping.html
 */
function mappingsOf(params: JsonObject): { header: Map<string, Mapped>; querystring: Map<string, Mapped> } {
  const out = { header: new Map<string, Mapped>(), querystring: new Map<string, Mapped>() };
  for (const [k, v] of Object.entries(params)) {
    const m = /^(remove|overwrite|append):(header|querystring)\.(.+)$/i.exec(k);
    if (!m) continue;
    const where = m[2]!.toLowerCase() as 'header' | 'querystring';
    const name = where === 'header' ? m[3]!.toLowerCase() : m[3]!;
    const e = out[where].get(name) ?? { removed: false, set: false, undone: false };
    const action = m[1]!.toLowerCase();
    if (typeof v !== 'string' || action === 'append' || /\$request\.|\$\{request\./.test(v)) e.undone = true;
    else if (action === 'remove') (v === '' || v === "''" ? (e.removed = true) : (e.undone = true));
    else e.set = true;
    out[where].set(name, e);
  }
  return out;
}

const holds = (e: Mapped | undefined) => e !== undefined && (e.removed || e.set) && !e.undone;

/**
 * What an HTTP proxy integration's parameter mapping does to the request
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-parameter-mapping.html):
 * the headers the gateway removes (`remove:header.NAME`) or sets to a value the client does not
 * choose (`overwrite:header.NAME` of a static text or `$context.*`): requestHeaders; each removed
 * header besides those gwc clears on every route and the route's own credential headers (`own`,
 * hideCredentials) is also a guard, as a REST blank is (deployed-params.ts): a query key's name as
 * a header, an unverified carrier. The query parameters it removes: `_method` (a method override),
 * any other (a credential's name: `access_token`, a hidden query key).
 */
function mappedRequest(mapped: ReturnType<typeof mappingsOf>, own: ReadonlySet<string>): Pick<Facts, 'requestHeaders' | 'guards'> {
  const headers = [...mapped.header].filter(([, e]) => holds(e)).map(([n]) => n).sort();
  const blanked = [...mapped.header].filter(([n, e]) => holds(e) && e.removed && !clearedOnEveryRoute(n) && !own.has(n)).map(([n]) => n).sort();
  const query = [...mapped.querystring].filter(([, e]) => holds(e) && e.removed).map(([n]) => n).sort();
  const text = (place: string) => (n: string) => `${place} ${n}: removed before the backend (integration parameter mapping)`;
  return {
    requestHeaders: headers,
    guards: {
      credential: [...query.filter((n) => n !== METHOD_OVERRIDE_QUERY).map(text('query')), ...blanked.map(text('header'))],
      method: query.filter((n) => n === METHOD_OVERRIDE_QUERY).map(text('query')),
    },
  };
}

function routeAuth(route: JsonObject, authorizer: JsonObject): Pick<Facts, 'auth' | 'mechanisms'> {
  const type = String(route.AuthorizationType ?? 'NONE').toUpperCase();
  if (type === 'NONE') return { auth: [] };
  // The authorizer's own type, when it is not the one the route's type calls for, is another check
  // (a JWT route on a REQUEST authorizer: API Gateway's pick is not documented): another mechanism.
  const expected = type === 'JWT' ? 'JWT' : type === 'CUSTOM' ? 'REQUEST' : undefined;
  const actual = typeof authorizer.AuthorizerType === 'string' ? authorizer.AuthorizerType.toUpperCase() : 'none';
  const odd = actual === expected ? '' : ` (authorizer type ${actual})`;
  const name = `${type === 'JWT' ? 'jwt' : type === 'CUSTOM' ? 'lambda' : type.toLowerCase()}${odd} ${String(authorizer.Name ?? refName(route.AuthorizerId))}`;
  const mech: Mechanism = { kind: type === 'JWT' ? 'jwt' : type === 'CUSTOM' ? 'lambda' : type.toLowerCase() };
  // The headers the credential is read from (identity sources): another one is another carrier.
  const sources = (Array.isArray(authorizer.IdentitySource) ? authorizer.IdentitySource : typeof authorizer.IdentitySource === 'string' ? authorizer.IdentitySource.split(',') : []).map((x) => String(x).trim());
  const headers = sources.flatMap((x) => /^\$request\.header\.(.+)$/i.exec(x)?.[1]?.toLowerCase() ?? []);
  if (headers.length > 0) mech.names = [...new Set(headers)].sort();
  if (type === 'JWT') {
    const c = isObject(authorizer.JwtConfiguration) ? authorizer.JwtConfiguration : {};
    mech.jwt = { issuer: typeof c.Issuer === 'string' ? c.Issuer : null, audiences: sortedStrings(c.Audience) };
  }
  // A Lambda authorizer decides for the gateway: its function, identity sources and cache are the check.
  if (type === 'CUSTOM') {
    const { Name: _name, ApiId: _api, ...check } = authorizer;
    mech.verifier = JSON.stringify(prune(check) ?? null);
  }
  const scopes = sortedStrings(route.AuthorizationScopes);
  // Any one scope admits the token: each is an alternative of its own.
  const auth = scopes.length === 0 ? [[name]] : scopes.map((s) => [name, authAtom(name, 'scope', s)]);
  return { auth, mechanisms: { [name]: mech } };
}

function refName(v: Json | undefined): string {
  return isObject(v) && typeof v.Ref === 'string' ? v.Ref : 'authorizer';
}

function corsOf(c: Json | undefined): Facts['cors'] | undefined {
  if (!isObject(c)) return undefined;
  return {
    origins: sortedStrings(c.AllowOrigins),
    methods: sortedStrings(c.AllowMethods),
    headers: sortedStrings(c.AllowHeaders),
    credentials: c.AllowCredentials === true,
    // The response headers an allowed origin's scripts may read (Access-Control-Expose-Headers).
    expose: sortedStrings(c.ExposeHeaders),
  };
}
