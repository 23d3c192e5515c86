/**
 * `gwc diff` coverage for aws (DESIGN.md 7.8), both API flavours: a security-rich build of a REST
 * API (usage-plan keys with a per-key throttle, a request Lambda authorizer on a header and one on a
 * query key, a Cognito scope ANDed with the key, a stage cache keyed on a header, IP allow and deny
 * lists in the resource policy, CORS with credentials, request validation, a set request header,
 * a verified TLS backend, a Lambda backend, a custom domain) and of an HTTP API (a JWT authorizer
 * with scopes, a Lambda authorizer, route throttles with bursts, CORS, a request header set and one
 * removed, a hidden credential header, a Lambda backend, a custom domain). Every leaf of the
 * CloudFormation template is weakened (test/helpers/diff-mutations.ts: removed, flipped, raised,
 * changed, emptied, widened, an item dropped), plus the hand edits gwc never writes (HAND_EDITS:
 * AuthorizationType NONE, a Deny statement made Allow, an allow list widened to every address,
 * ApiKeyRequired turned off). The check: ./diff-coverage.ts; the runs: diff-coverage-aws.test.ts (REST)
 * and diff-coverage-aws-http.test.ts (HTTP API), one file each so vitest spreads them over its workers.
 */
import { parse } from 'yaml';
import { compiledState, readerOf } from '../../../src/diff/run.js';
import type { OutputFile } from '../../../src/targets/output-file.js';
import { documentMutations, type Mutation } from '../../helpers/diff-mutations.js';
import { writeSpec } from '../../helpers/spec.js';
import { CLOSED, DEFAULT, NAMES, NOT_A_VALUE, NOT_ACCESS, type Allowed, type KnownGap } from './diff-coverage.js';

const ok = "{ '200': { description: ok } }";
const id = "[{ name: id, in: path, required: true, schema: { type: string } }]";
const LAMBDA = 'arn:aws:lambda:eu-west-1:123456789012:function';
const head = (backends: string, cors: string) => `openapi: 3.1.0
info: { title: Coverage API, version: "1" }
servers: [{ url: https://api.cov.example.com/v1 }]
x-gateway:
  name: cov
  backends:
${backends}    fn: { lambda: { arn: '${LAMBDA}:fn' }, headerNames: exact }
  policies:
    web:
      cors: { origins: [https://web.cov.example.com], methods: [GET, POST], headers: [${cors}], exposeHeaders: [X-Request-Id], credentials: true, maxAge: 600 }
  defaults: { backend: app, policies: [web] }
`;

/** The REST API: what API Gateway REST can enforce, each once. */
export const REST = `${head(
  "    app: { url: https://app.cov.example.com, timeout: 5s, queryNames: exact }\n    secure: { url: 'https://secure.cov.example.com:8443', timeout: 5s, tls: { verify: true } }\n",
  'Content-Type, X-Api-Key',
)}  consumers:
    alice: { credentials: { apiKey: '\${env:ALICE_KEY}' } }
    bob: { credentials: { apiKey: '\${env:BOB_KEY}' } }
paths:
  /keys:
    get: { operationId: getKeys, security: [{ apiKey: [] }], x-gateway: { rateLimit: { requests: 100, per: second, by: consumer, burst: 10 } }, responses: ${ok} }
  /mine:
    get: { operationId: getMine, security: [{ apiKey: [] }], x-gateway: { cache: { ttl: 60s, keyHeaders: [X-Tenant] } }, responses: ${ok} }
  /admin:
    get: { operationId: getAdmin, security: [{ apiKey: [] }], x-gateway: { ipAllow: [10.0.0.0/8], ipDeny: [10.9.0.0/16] }, responses: ${ok} }
  /lam:
    get: { operationId: getLam, security: [{ lam: [] }], x-gateway: { rateLimit: { requests: 5, per: second, by: ip, burst: 2 } }, responses: ${ok} }
  /orders/{id}:
    delete: { operationId: cancelOrder, parameters: ${id}, security: [{ apiKey: [], cognito: [orders/write] }], x-gateway: { upstreamPath: '/orders/{id}/cancel' }, responses: ${ok} }
  /secure/{id}:
    get: { operationId: getSecure, parameters: ${id}, security: [{ apiKey: [] }], x-gateway: { backend: secure, upstreamPath: '/records/{id}' }, responses: ${ok} }
  /upload:
    post:
      operationId: upload
      security: [{ apiKey: [] }]
      parameters: [{ name: X-Tenant, in: header, required: true, schema: { type: string } }]
      requestBody: { required: true, content: { application/json: { schema: { type: object, required: [name], properties: { name: { type: string } } } } } }
      x-gateway: { validate: { body: true, parameters: true }, requestHeaders: { set: { X-Gateway: cov } } }
      responses: ${ok}
  /q:
    get: { operationId: getQ, security: [{ qkey: [] }], responses: ${ok} }
  /fn:
    get: { operationId: getFn, security: [{ lam: [] }], x-gateway: { backend: fn }, responses: ${ok} }
  /public:
    get: { operationId: getPublic, security: [], x-gateway: { public: true, rateLimit: { requests: 5, per: second }, cache: { ttl: 30s } }, responses: ${ok} }
components:
  securitySchemes:
    apiKey: { type: apiKey, in: header, name: x-api-key, x-gateway: { hideCredentials: true } }
    qkey: { type: apiKey, in: query, name: api_key, x-gateway: { lambdaAuthorizer: { arn: '${LAMBDA}:qauth', type: request, ttlSeconds: 0, identitySource: [method.request.querystring.api_key] } } }
    lam: { type: apiKey, in: header, name: X-Token, x-gateway: { lambdaAuthorizer: { arn: '${LAMBDA}:authz', type: request, ttlSeconds: 300, identitySource: [method.request.header.X-Token] } } }
    cognito: { type: http, scheme: bearer, bearerFormat: JWT, x-gateway: { issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123', anyAudience: true } }
`;

/** The HTTP API: what API Gateway HTTP APIs can enforce, each once. */
export const HTTP = `${head('    app: { url: https://app.cov.example.com, timeout: 5s }\n', 'Content-Type, Authorization, X-Token')}paths:
  /jwt:
    get: { operationId: getJwt, security: [{ oidc: [read] }, { oidc: [admin] }], x-gateway: { rateLimit: { requests: 100, per: second, burst: 10 } }, responses: ${ok} }
  /lam:
    get: { operationId: getLam, security: [{ lam: [] }], x-gateway: { rateLimit: { requests: 5, per: second, by: ip, burst: 2 } }, responses: ${ok} }
  /orders/{id}:
    delete: { operationId: cancelOrder, parameters: ${id}, security: [{ oidc: [orders/write] }], x-gateway: { upstreamPath: '/orders/{id}/cancel', requestHeaders: { set: { X-Gateway: cov }, remove: [X-Debug] } }, responses: ${ok} }
  /fn:
    get: { operationId: getFn, security: [{ oidc: [read] }], x-gateway: { backend: fn }, responses: ${ok} }
  /public:
    get: { operationId: getPublic, security: [], x-gateway: { public: true, rateLimit: { requests: 5, per: second } }, responses: ${ok} }
components:
  securitySchemes:
    oidc: { type: openIdConnect, openIdConnectUrl: 'https://id.cov.example.com/.well-known/openid-configuration', x-gateway: { issuer: 'https://id.cov.example.com/', audiences: [cov], hideCredentials: false } }
    lam: { type: apiKey, in: header, name: X-Token, x-gateway: { hideCredentials: true, lambdaAuthorizer: { arn: '${LAMBDA}:authz', type: request, ttlSeconds: 300, identitySource: [method.request.header.X-Token] } } }
`;

type Doc = { Resources: Record<string, { Type: string; Properties: Record<string, any> }> } & Record<string, any>;

export async function build(spec: string, options: Record<string, string>) {
  const r = await compiledState(writeSpec(spec), 'aws', { options: { customDomain: 'auto', ...options } });
  if (!r.state) throw new Error(r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`).join('\n'));
  const files = r.state.files!;
  const built = readerOf('aws').reader!.normalise(files, 'built').state!;
  return { files, built };
}

/** A mutation of the template `edit` makes in a copy of it (a hand edit gwc never writes). */
function handEdit(file: OutputFile, what: string, sig: string, at: string, edit: (doc: Doc) => void): Mutation {
  const doc = JSON.parse(file.contents) as Doc;
  edit(doc);
  return { at, sig, what, files: [{ ...file, contents: JSON.stringify(doc) }] };
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head'];

/** What a hand edit in the console does that no single leaf mutation spells. */
function handEdits(file: OutputFile): Mutation[] {
  const doc = JSON.parse(file.contents) as Doc;
  const out: Mutation[] = [];
  for (const [rid, r] of Object.entries(doc.Resources)) {
    if (r.Type === 'AWS::ApiGatewayV2::Route' && r.Properties.AuthorizationType !== 'NONE') {
      out.push(handEdit(file, 'none', 'route: AuthorizationType NONE', rid, (d) => {
        d.Resources[rid]!.Properties.AuthorizationType = 'NONE';
      }));
    }
    if (r.Type === 'AWS::ApiGateway::RestApi') {
      const body = r.Properties.Body as { paths: Record<string, Record<string, any>>; components: { securitySchemes: Record<string, any> } };
      for (const [p, item] of Object.entries(body.paths)) {
        for (const m of METHODS) {
          const security = item[m]?.security as Array<Record<string, string[]>> | undefined;
          if (!security?.length) continue;
          out.push(handEdit(file, 'none', 'method: security []', `${m} ${p}`, (d) => {
            d.Resources[rid]!.Properties.Body.paths[p][m].security = [];
          }));
          // ApiKeyRequired false: the API-key requirement alone removed from the method.
          const keyed = Object.keys(security[0]!).filter((n) => !body.components.securitySchemes[n]['x-amazon-apigateway-authtype']);
          if (keyed.length > 0 && Object.keys(security[0]!).length > keyed.length) {
            out.push(handEdit(file, 'drop', 'method: API key no longer required', `${m} ${p}`, (d) => {
              for (const k of keyed) delete d.Resources[rid]!.Properties.Body.paths[p][m].security[0][k];
            }));
          }
        }
      }
      const statements = (r.Properties.Policy?.Statement ?? []) as Array<Record<string, any>>;
      statements.forEach((s, i) => {
        if (s.Effect === 'Deny') {
          out.push(handEdit(file, 'widen', 'policy: a Deny statement made Allow', `Policy.Statement[${i}]`, (d) => {
            d.Resources[rid]!.Properties.Policy.Statement[i].Effect = 'Allow';
          }));
        }
        if (s.Condition?.NotIpAddress) {
          out.push(handEdit(file, 'widen', 'policy: NotIpAddress widened to every address', `Policy.Statement[${i}]`, (d) => {
            d.Resources[rid]!.Properties.Policy.Statement[i].Condition.NotIpAddress['aws:SourceIp'] = ['0.0.0.0/0', '::/0'];
          }));
        }
        if (s.Condition?.IpAddress) {
          out.push(handEdit(file, 'drop', 'policy: IpAddress deny list narrowed to a host', `Policy.Statement[${i}]`, (d) => {
            d.Resources[rid]!.Properties.Policy.Statement[i].Condition.IpAddress['aws:SourceIp'] = ['192.0.2.1/32'];
          }));
        }
      });
    }
  }
  return out;
}

/**
 * Every weakening of every leaf of the template, with resources folded to their type (logical ids
 * are per route), the Body's paths, the stage's route settings and the usage plan's throttle keys
 * folded to `*`.
 */
export function mutationsOf(files: OutputFile[]): Mutation[] {
  const file = files.find((f) => f.path.endsWith('.json'))!;
  const doc = parse(file.contents) as Doc;
  const fold = (p: Array<string | number>, k: string) => {
    if (p.length === 1 && p[0] === 'Resources') return `<${doc.Resources[k]?.Type ?? k}>`;
    if (p.length === 1 && (p[0] === 'Parameters' || p[0] === 'Outputs')) return '*';
    const parent = p.at(-1);
    return parent === 'paths' || parent === 'RouteSettings' || parent === 'Throttle' ? '*' : k;
  };
  return [...documentMutations(file, () => false, fold), ...handEdits(file)].map((m) => ({ ...m, files: files.map((f) => (f === file ? m.files[0]! : f)) }));
}

const METHOD_SETTINGS_NOT_ACCESS = 'not access control: tracing, the cache size and lifetime, how the import treats warnings';
const ANSWER_ONLY = 'the ANY mock of a path (405 with Allow) or an OPTIONS preflight mock: no backend, answers only';

/** Mutations that do not weaken access control, each with its reason. */
export const ALLOWED: readonly Allowed[] = [
  // Both flavours.
  [/^(Parameters|Outputs)(\.|$)/, /./, 'template parameters (the API keys\' values, a NoEcho input, and the certificate) and outputs: read by people and scripts, not by API Gateway'],
  [/\.(Description|Name|UsagePlanName(\.Fn::Sub)?|OperationName)$|\.operationId$/, /./, `${NAMES}; a description is text`],
  [/^Resources\.<[^>]+>\.(Type|DependsOn)$|\.(ApiId|RestApiId|DeploymentId)(\.Ref)?$/, /./, `${CLOSED}: CloudFormation refuses a resource without its type or API, or one naming a resource that is not there`],
  [/\.(CacheTtlInSeconds|CacheClusterSize|TracingEnabled|FailOnWarnings|TimeoutInMillis|MaxAge|PayloadFormatVersion)$/, /./, METHOD_SETTINGS_NOT_ACCESS],
  [/<AWS::ApiGatewayV?2?::DomainName>\.Properties\.(EndpointConfiguration|RegionalCertificateArn|DomainNameConfigurations(\[\*\])?(\.EndpointType|\.CertificateArn(\.Ref)?)?$)/, /./, 'the custom domain\'s certificate and endpoint type: which certificate clients see and where the name resolves; a missing one fails the deployment'],
  [/<AWS::ApiGateway(V2)?::(BasePathMapping|ApiMapping)>/, /./, 'the custom domain\'s mapping to the stage: without it (or under another base path) the domain no longer serves the API: callers refused'],
  [/\.StageName$|<AWS::ApiGatewayV2::Stage>\.Properties\.AutoDeploy$/, /./, 'the stage\'s name (the execute-api path prefix; the domain maps the stage by reference) or its automatic deployment (a stage with no deployment serves nothing): callers refused'],
  [/<AWS::ApiGateway::ApiKey>\.Properties\.Value$/, /remove/, 'API Gateway generates the key\'s value: the consumer\'s own key is refused'],
  [/<AWS::ApiGateway::UsagePlanKey>\.Properties\.KeyType$|<AWS::ApiGateway::UsagePlan>\.Properties\.ApiStages\[\*\]\.(Stage|ApiId)(\.Ref)?$/, /./, `${CLOSED}: a usage plan not attached to the stage, or a key of no valid type, lets no key pass "API key required"`],
  // REST.
  [/\.Body\.paths\.\*(\.(get|post|delete))?$/, /remove/, 'a route removed answers 403/404 (no resource), or a remaining route answers its path (fallThrough compares it)'],
  [/\.Body\.paths\.\*\.[a-z]+\.(responses|parameters\[\*\]\.(in|name)$|parameters$)/, /./, 'the documented responses (http_proxy passes the backend\'s own), or a request parameter\'s declaration: what it keys in the cache is read from the declared parameters (cache-key-narrowed), a validated one fails the import when undeclared'],
  [/\.Body\.paths\.\*\.x-amazon-apigateway-any-method/, /./, ANSWER_ONLY],
  [/\.x-amazon-apigateway-integration\.type$/, /./, `${NOT_A_VALUE}; without it the import fails`],
  // Another httpMethod is read (the method the backend runs: upstream-path-changed); none fails the import.
  [/\.x-amazon-apigateway-integration\.httpMethod$/, /remove/, `${CLOSED}: an http_proxy integration without its httpMethod fails the import`],
  [/\.x-amazon-apigateway-integration\.httpMethod$/, /./, `${CLOSED}: API Gateway invokes a Lambda function (aws_proxy) with POST only; another method fails every call`, /paths\.\/fn\./],
  [/<AWS::ApiGateway::RestApi>\.Properties\.Policy\.Version$/, /./, `${CLOSED}: IAM refuses a policy of another version`],
  [/<AWS::ApiGateway::RestApi>\.Properties\.Policy\.Statement\[\*\]/, /./, 'the base Allow statement (every caller, every method): without it, or narrower, the resource policy admits fewer callers (an explicit Allow is needed once a policy exists); the IP rules are the Deny statements', /Statement\[0\]/],
  // Mode is read (merge, or none, keeps routes an earlier deployment defined: route-widened).
  [/<AWS::ApiGateway::RestApi>\.Properties\.EndpointConfiguration(\.Types)?$/, /./, 'the endpoint type (edge or regional: both public; PRIVATE narrows); `*` is not a value'],
  [/<AWS::ApiGateway::Stage>\.Properties\.CacheClusterEnabled$/, /./, 'no cache cluster: nothing is cached, every request reaches the backend'],
  [/\.Body\.(openapi|info(\..*)?|paths\.\*\.[a-z]+\.summary)$/, /./, 'the document\'s version and titles: text (an unknown OpenAPI version fails the import)'],
  [/\.Body\.x-amazon-apigateway-gateway-responses/, /./, 'the answers API Gateway gives when it refuses (status, text, and the CORS headers that let the allowed origin read them): never a backend answer, never a way in'],
  [/\.x-amazon-apigateway-integration\.(passthroughBehavior|requestTemplates(\..*)?|responses\..*|timeoutInMillis)$/, /./, 'how a mock answers (preflights, 405) and how long an integration may take: http_proxy passes the request and answer through whatever passthroughBehavior says'],
  [/\.x-amazon-apigateway-integration\.connectionType$/, /./, `${DEFAULT} (INTERNET); ${NOT_A_VALUE}`],
  [/\.x-amazon-apigateway-integration\.requestParameters\.integration\.request\.path\.[^.]+$/, /./, `${CLOSED}: a URI variable without its mapping, or mapped from an expression that is not one, fails the import`],
  [/\.Body\.paths\.\*\.parameters(\[\*\](\.(in|name))?)?$/, /./, `${CLOSED}: a path parameter the integration maps must be declared (the import fails)`],
  // Request validation is read (validation-weakened): the validator in force, each required query parameter and header, each body model.
  [/\.Body\.paths\.\*(\.[a-z]+)?\.parameters\[\*\]\.schema(\.type)?$/, /./, 'API Gateway\'s request validation checks only that a required query parameter or header is there, never its schema (validators.ts refuses a constrained one); a cache key reads the name'],
  [/\.Body\.paths\.\*(\.[a-z]+)?\.parameters\[\*\]\.required$/, /./, 'a path parameter is always there (the resource matches only with it), and a method that names no validator checks no parameter (a validated one: validation-weakened)', /parameters\[id\]|paths\.\/mine\.get\./],
  [/\.Body\.x-amazon-apigateway-api-key-source$/, /./, `${DEFAULT} (HEADER, x-api-key); ${NOT_A_VALUE}`],
  // An authorizer's type (token, request, cognito_user_pools) is read as part of its check (auth-verifier-changed).
  [/\.Body\.components\.securitySchemes\.[^.]+\.(type|in|name|x-amazon-apigateway-authorizer)$/, /./, 'a scheme\'s OpenAPI shape: the usage-plan key is read from x-api-key whatever name/in say (api-key-source HEADER), an authorizer reads its identitySource (a token authorizer its header), and a scheme without its authorizer or type fails the import; a Cognito token read from another header is a carrier change read with the name in the mechanism'],
  [/<AWS::ApiGateway::Stage>\.Properties\.MethodSettings\[\*\]\.(ResourcePath|HttpMethod)$/, /remove/, `${CLOSED}: CloudFormation refuses a method setting without its path and method`],
  [/<AWS::ApiGateway::Deployment>(\.Properties)?$/, /remove/, `${CLOSED}: the stage names a deployment that is not there`],
  // HTTP API.
  [/<AWS::ApiGatewayV2::Route>$/, /remove/, 'a route removed answers 404, or a remaining route answers its path (fallThrough compares it)'],
  [/<AWS::ApiGatewayV2::Route>\.Properties\.(RouteKey|Target(\.Fn::Join.*)?)$/, /./, `${NOT_A_VALUE}; ${CLOSED}: a route without its key or integration is refused, or answers 404/500`],
  [/<AWS::ApiGatewayV2::Route>\.Properties\.AuthorizationType$/, /remove/, DEFAULT, /RouteGetPublic/],
  [/<AWS::ApiGatewayV2::Integration>(\.Properties)?$/, /remove/, `${CLOSED}: the route's target names an integration that is not there`],
  [/<AWS::ApiGatewayV2::Integration>\.Properties\.(IntegrationType|IntegrationMethod)$/, /./, `${NOT_A_VALUE}; ${CLOSED}`],
  [/<AWS::ApiGatewayV2::Integration>\.Properties\.IntegrationUri$/, /./, 'an HTTP proxy\'s path is overwrite:path\'s (the URI\'s own path is not sent), its origin is read (backend-changed); an integration without its URI is refused', /IntegrationGet(Jwt|Lam|Public)|IntegrationCancelOrder/],
  [/<AWS::ApiGatewayV2::Integration>\.Properties\.IntegrationUri$/, /remove/, `${CLOSED}: an AWS_PROXY integration without its function is refused`],
  [/RequestParameters\.overwrite:header\./, /change/, 'still a value the gateway sets: the client\'s never reaches the backend'],
  // An authorizer's own AuthorizerType is read (another type than its route's calls for: another mechanism).
  [/<AWS::ApiGatewayV2::Authorizer>\.Properties\.IdentitySource$/, /./, `${NOT_A_VALUE}; ${CLOSED}: a JWT authorizer reads exactly one header and is refused without it; a token read from another header is another carrier (credential-carrier-added)`, /AuthorizerOidc/],
];

/** Holes the suite finds that are not fixed (it.fails): [flavour, sig, mutation, mechanism]. None left (request validation: validation-weakened). */
export const KNOWN_GAPS: readonly KnownGap[] = [];
