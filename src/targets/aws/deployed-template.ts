/**
 * A CloudFormation template (gwc's own, a file, or `aws cloudformation get-template` output) into
 * normalised entities. Resources by logical id, except the Deployment, whose logical id carries a
 * content hash: it is matched by type and shows as replaced. The RestApi's OpenAPI Body is split
 * into one entity per path and method, so a change to one route shows as that route.
 */
import { templatePath } from '../../diff/paths.js';
import { parse, type Tags } from 'yaml';
import type { BackendTls, Entity, Facts, Json } from '../../diff/entity.js';
import { fieldsOf, isObject, MASK, omit, sortedStrings, toJson, type JsonObject } from '../../diff/json-util.js';
import { cacheKeyOf, denyRules, domainClientTls, domainsOf, importMode, integrationBackend, integrationPath, lambdaInvokers, methodAuth, ownCredentialHeaders, stageSettings, type StageSettings } from './deployed-facts.js';
import { integrationGuards, integrationHeaders } from './deployed-params.js';
import { methodValidation } from './deployed-validation.js';

export class TemplateShapeError extends Error {}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'x-amazon-apigateway-any-method'];
/**
 * Answer-only methods gwc generates (CORS preflight, 405): not a way in to a backend while their
 * integration is the mock gwc writes (body.ts methodNotAllowed, cors.ts). Any other integration
 * (an `http_proxy` given to ANY by hand: every method the path does not declare reaches the
 * backend, red team 14) is read as a route like any method.
 */
const ANSWER_ONLY = new Set(['options', 'x-amazon-apigateway-any-method']);
const answersOnly = (method: string, op: JsonObject): boolean =>
  ANSWER_ONLY.has(method) && isObject(op['x-amazon-apigateway-integration']) && String(op['x-amazon-apigateway-integration'].type).toLowerCase() === 'mock';

/** CloudFormation's YAML short forms (`!Ref`, `!Sub`...) read as their JSON long forms. */
const INTRINSICS = ['Ref', 'Sub', 'GetAtt', 'Join', 'Select', 'Split', 'FindInMap', 'If', 'Equals', 'Not', 'And', 'Or', 'Base64', 'Cidr', 'ImportValue', 'GetAZs', 'Condition', 'Transform'];
const CFN_TAGS: Tags = INTRINSICS.flatMap((name) => {
  const key = name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
  const wrap = (value: unknown) => ({ [key]: name === 'GetAtt' && typeof value === 'string' ? value.split('.') : value });
  return (['scalar', 'seq', 'map'] as const).map((collection) => ({
    tag: `!${name}`,
    collection: collection === 'scalar' ? undefined : collection,
    resolve: (value: unknown) => wrap(collection === 'scalar' ? value : (value as { toJSON(): unknown }).toJSON()),
  })) as unknown as Tags;
});

export function parseTemplateText(text: string): unknown {
  return toJson(parse(text, { customTags: CFN_TAGS, maxAliasCount: 100 }));
}

/** `{ TemplateBody: string | object }` (get-template) or the template itself. */
export function unwrapTemplate(doc: unknown): unknown {
  if (isObject(doc) && 'TemplateBody' in doc) {
    const body = doc.TemplateBody;
    return typeof body === 'string' ? parseTemplateText(body) : body;
  }
  return doc;
}

/**
 * Where the template asks CloudFormation to rewrite it at deploy time (red team 21): a `Transform`
 * (a macro, AWS::Serverless, AWS::LanguageExtensions) or an `Fn::Transform` (AWS::Include pulls a
 * snippet from S3). What deploys is the processed template, which gwc cannot make from this one:
 * a macro that drops every authorizer read as "No changes". Undefined when there is none.
 */
export function transformIn(doc: unknown): string | undefined {
  if (isObject(doc) && doc.Transform !== undefined) return `Transform ${JSON.stringify(doc.Transform)}`;
  const walk = (v: unknown, at: string): string | undefined => {
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const found = walk(v[i], `${at}/${i}`);
        if (found) return found;
      }
    } else if (isObject(v)) {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'Fn::Transform') return `Fn::Transform at ${at || '/'}`;
        const found = walk(x, `${at}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`);
        if (found) return found;
      }
    }
    return undefined;
  };
  return walk(doc, '');
}

export function foreignShape(doc: unknown): string | undefined {
  if (!isObject(doc)) return Array.isArray(doc) ? 'a list' : `a ${doc === null ? 'null' : typeof doc} value`;
  if ('_format_version' in doc || 'services' in doc) return 'a decK (Kong) file';
  if ('http' in doc || 'tcp' in doc) return 'a Traefik dynamic configuration';
  if ('openapi' in doc || 'swagger' in doc) return 'an OpenAPI document (pass it as SPEC, not --deployed)';
  if (!isObject(doc.Resources)) return `an unknown document (keys: ${Object.keys(doc).slice(0, 5).join(', ') || 'none'})`;
  return undefined;
}

/** JSON pointer segment of a path as MethodSettings write it (`/~1orders`). */
const settingsPath = (path: string) => `/${path.replace(/~/g, '~0').replace(/\//g, '~1')}`;

function ipRules(policy: Json | undefined): Array<{ resource: string; allow: string[] }> {
  if (!isObject(policy)) return [];
  const statements = Array.isArray(policy.Statement) ? policy.Statement.filter(isObject) : [];
  const out: Array<{ resource: string; allow: string[] }> = [];
  for (const s of statements) {
    const cond = isObject(s.Condition) && isObject(s.Condition.NotIpAddress) ? s.Condition.NotIpAddress['aws:SourceIp'] : undefined;
    if (s.Effect !== 'Deny' || cond === undefined) continue;
    const allow = typeof cond === 'string' ? [cond] : sortedStrings(cond);
    const resources = typeof s.Resource === 'string' ? [s.Resource] : sortedStrings(s.Resource);
    for (const resource of resources) out.push({ resource, allow });
  }
  return out;
}

/** `execute-api:/*\/GET/admin/stats` against a method and path; `*` matches anything. */
function policyMatches(resource: string, method: string, path: string): boolean {
  const m = /execute-api:\/([^/]*)\/([^/]*)(\/.*)?$/.exec(resource.replace(/^arn:[^:]*:execute-api:[^:]*:[^:]*:[^/]*/, 'execute-api:'));
  if (!m) return false;
  const glob = (pattern: string, text: string) => new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(text);
  const p = path.replace(/\{[^}]+\}/g, '*');
  return glob(m[2] || '*', method.toUpperCase()) && (glob(m[3] ?? '/*', path) || glob(m[3] ?? '/*', p));
}

function corsOf(pathItem: JsonObject): Facts['cors'] | undefined {
  const options = isObject(pathItem.options) ? pathItem.options : undefined;
  const integration = options && isObject(options['x-amazon-apigateway-integration']) ? options['x-amazon-apigateway-integration'] : undefined;
  const responses = integration && isObject(integration.responses) ? integration.responses : {};
  const response = Object.values(responses).filter(isObject)[0];
  if (!response) return undefined;
  const params = isObject(response.responseParameters) ? response.responseParameters : {};
  // Several origins cannot be one static header: gwc echoes a listed Origin from a VTL template.
  const templates = isObject(response.responseTemplates) ? Object.values(response.responseTemplates).filter((t): t is string => typeof t === 'string') : [];
  const echoed = templates.flatMap((t) => [...t.matchAll(/\$o == '([^']*)'/g)].map((m) => m[1]!));
  const header = (h: string) => {
    const v = params[`method.response.header.Access-Control-Allow-${h}`];
    return typeof v === 'string' ? v.replace(/^'|'$/g, '') : undefined;
  };
  const origin = header('Origin') ?? (echoed.length > 0 ? echoed.join(',') : undefined);
  if (origin === undefined) return undefined;
  const split = (s: string | undefined) => (s ? s.split(',').map((x) => x.trim()).filter((x) => x && x !== 'OPTIONS').sort() : []);
  return { origins: split(origin), methods: split(header('Methods')), headers: split(header('Headers')), credentials: header('Credentials') === 'true' };
}

/**
 * An HTTP integration's TLS to its backend. API Gateway verifies an https endpoint against its
 * list of supported public CAs unless `tlsConfig.insecureSkipVerification` is true; REST APIs take
 * no custom CA (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-extensions-integration-tls-config.html).
 * Undefined for Lambda and mock integrations, and for a URI built by an intrinsic function.
 */
function integrationTls(op: JsonObject): BackendTls | undefined {
  const integration = isObject(op['x-amazon-apigateway-integration']) ? op['x-amazon-apigateway-integration'] : undefined;
  const type = typeof integration?.type === 'string' ? integration.type.toLowerCase() : '';
  if (!integration || (type !== 'http' && type !== 'http_proxy') || typeof integration.uri !== 'string') return undefined;
  if (!/^https:\/\//i.test(integration.uri)) return { tls: false, verify: false };
  const skip = isObject(integration.tlsConfig) && integration.tlsConfig.insecureSkipVerification === true;
  return { tls: true, verify: !skip };
}

interface ApiContext {
  throttles: Map<string, number>;
  stage: StageSettings;
  domains: string[];
}

function routeEntities(restApi: string, body: JsonObject, policy: Json | undefined, api: ApiContext): Entity[] {
  const { throttles } = api;
  const denies = denyRules(policy);
  const out: Entity[] = [];
  const paths = isObject(body.paths) ? body.paths : {};
  const schemes = isObject(body.components) && isObject(body.components.securitySchemes) ? body.components.securitySchemes : {};
  const rules = ipRules(policy);
  for (const [path, item] of Object.entries(paths)) {
    if (!isObject(item)) continue;
    const cors = corsOf(item);
    for (const method of METHODS) {
      const op = item[method];
      if (!isObject(op)) continue;
      const verb = method === 'x-amazon-apigateway-any-method' ? 'ANY' : method.toUpperCase();
      const key = typeof op.operationId === 'string' ? op.operationId : `${verb} ${path}`;
      const fields = fieldsOf({ ...op, method: verb, path, ...(isObject(item.parameters) || Array.isArray(item.parameters) ? { pathParameters: item.parameters } : {}) });
      const entity: Entity = { kind: 'method', key: `${restApi}.${key}`, fields };
      if (!answersOnly(method, op)) {
        const facts: Facts = { route: { match: `${verb} ${path}`, paths: [templatePath(path)], methods: verb === 'ANY' ? [] : [verb] } };
        // Each requirement's schemes, named with their type so a changed mechanism shows, and their scopes.
        Object.assign(facts, methodAuth(op, schemes));
        const at = `${settingsPath(path)} ${verb}`;
        // A stage throttle counts every caller together; a usage-plan throttle counts each API key.
        const rate = throttles.get(at) ?? throttles.get('/* *');
        if (rate !== undefined) facts.rateLimit = { '1': rate };
        if (rate !== undefined) facts.rateLimitKey = 'all callers';
        const burst = api.stage.burst.get(at) ?? api.stage.burst.get('/* *');
        if (burst !== undefined) facts.burst = burst;
        const perKey = api.stage.perKey.get(at);
        if (perKey) {
          facts.rateLimit = { '1': Math.min(perKey.rate, facts.rateLimit?.['1'] ?? Infinity) };
          facts.rateLimitKey = rate !== undefined ? 'all callers, consumer' : 'consumer';
          if (perKey.burst !== undefined) facts.burst = Math.min(perKey.burst, facts.burst ?? Infinity);
        }
        facts.cache = api.stage.cache.get(at) ?? api.stage.cache.get('/* *') ?? api.stage.cache.get(`/* ${verb}`) ?? false;
        if (facts.cache) facts.cacheKey = cacheKeyOf(op, item);
        const denied = denies.filter((r) => policyMatches(r.resource, verb, path)).flatMap((r) => r.deny);
        if (denied.length) facts.ipDeny = sortedStrings(denied);
        facts.hosts = api.domains;
        // API Gateway answers HTTPS only (https://docs.aws.amazon.com/apigateway/latest/developerguide/data-protection-encryption.html).
        facts.protocols = ['https'];
        const upstream = integrationPath(op, verb);
        if (upstream) facts.upstreamPath = upstream;
        const backend = integrationBackend(op);
        if (backend) facts.backend = backend;
        const ip = rules.filter((r) => policyMatches(r.resource, verb, path));
        if (ip.length > 0) facts.ipAllow = ip[0]!.allow;
        if (cors) facts.cors = cors;
        const headers = integrationHeaders(op);
        if (headers) facts.requestHeaders = headers;
        const guards = integrationGuards(op, ownCredentialHeaders(op, schemes));
        if (guards) facts.guards = guards;
        facts.validation = methodValidation(op, item, body);
        const tls = integrationTls(op);
        if (tls) facts.backendTls = tls;
        entity.facts = facts;
      }
      out.push(entity);
    }
  }
  return out;
}

export function templateEntities(template: JsonObject): Entity[] {
  const resources = isObject(template.Resources) ? template.Resources : {};
  const entities: Entity[] = [];
  // The Deployment's logical id changes with its content; references to it compare by type.
  const replaceable = new Map<string, string>();
  for (const [id, r] of Object.entries(resources)) {
    if (isObject(r) && r.Type === 'AWS::ApiGateway::Deployment') replaceable.set(id, `${r.Type}`);
  }
  const unref = (v: Json): Json => {
    if (Array.isArray(v)) return v.map(unref);
    if (!isObject(v)) return v;
    if (typeof v.Ref === 'string' && replaceable.has(v.Ref)) return { Ref: `<${replaceable.get(v.Ref)}>` };
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unref(x)]));
  };
  const throttles = new Map<string, number>();
  for (const r of Object.values(resources)) {
    if (!isObject(r) || r.Type !== 'AWS::ApiGateway::Stage' || !isObject(r.Properties)) continue;
    for (const s of Array.isArray(r.Properties.MethodSettings) ? r.Properties.MethodSettings.filter(isObject) : []) {
      if (typeof s.ThrottlingRateLimit === 'number') throttles.set(`${String(s.ResourcePath ?? '/*')} ${String(s.HttpMethod ?? '*')}`, s.ThrottlingRateLimit);
    }
  }
  for (const [id, r] of Object.entries(resources)) {
    if (!isObject(r) || typeof r.Type !== 'string') throw new TemplateShapeError(`resource ${id} has no Type`);
    let props = isObject(r.Properties) ? r.Properties : {};
    if (r.Type === 'AWS::ApiGateway::RestApi' && isObject(props.Body)) {
      const body = props.Body;
      entities.push(...routeEntities(id, body, props.Policy, { throttles, stage: stageSettings(resources), domains: props.DisableExecuteApiEndpoint === true ? domainsOf(resources) : [...domainsOf(resources), '(execute-api address)'] }));
      props = { ...props, Body: omit(body, ['paths']) };
    }
    // API key values are secrets: compared and shown masked.
    if (r.Type === 'AWS::ApiGateway::ApiKey' && props.Value !== undefined) props = { ...props, Value: MASK };
    const fields = fieldsOf(unref({ ...omit(r, ['Properties', 'Metadata']), Properties: props }));
    const identity = replaceable.get(id);
    const entity: Entity = { kind: r.Type, key: id, ...(identity ? { identity } : {}), fields };
    // Who holds a way in (consumer-added): a key attached to a usage plan, an API key enabled
    // (CloudFormation's default is disabled). The key's value is a NoEcho parameter, never read.
    if (r.Type === 'AWS::ApiGateway::UsagePlanKey') entity.facts = { holds: [`API key ${JSON.stringify(props.KeyId ?? null)} in usage plan ${JSON.stringify(props.UsagePlanId ?? null)}`] };
    if (r.Type === 'AWS::ApiGateway::ApiKey') entity.facts = { holds: props.Enabled === true ? ['enabled API key'] : [] };
    if (r.Type === 'AWS::Lambda::Permission') entity.facts = { holds: lambdaInvokers(props) };
    if (r.Type === 'AWS::ApiGateway::RestApi' && isObject(props.Body)) Object.assign(entity, importMode(id, props));
    if (r.Type === 'AWS::ApiGateway::DomainName') entity.facts = { clientTls: domainClientTls(props.SecurityPolicy) };
    entities.push(entity);
  }
  for (const section of ['Parameters', 'Outputs', 'Conditions'] as const) {
    const s = template[section];
    if (isObject(s)) for (const [k, v] of Object.entries(s)) entities.push({ kind: section.slice(0, -1), key: k, fields: fieldsOf(unref(v)) });
  }
  return entities;
}
