/**
 * API Gateway's own extensions on an OpenAPI document (issue #19, "existing specs"): a spec that
 * was imported into API Gateway, or exported from it, keeps meaning what it meant there. Each
 * `x-amazon-apigateway-*` key gwc does not carry over is a diagnostic at its own line, as the
 * `x-kong-*` input is (src/input/kong/): an error (`aws-extension-unmapped`,
 * `aws-integration-unmapped`) when dropping it changes where a request goes or who may make it,
 * a warning (`aws-extension-ignored`) otherwise. Keys gwc reads elsewhere: the security scheme's
 * `authtype` (src/model/normalise/security.ts) and the request validators (validators.ts).
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions.html
 */
import { diag, type Diagnostic } from '../../diagnostics/diagnostic.js';
import type { Located } from '../../spec/loaded-spec.js';
import { isObj, type Walker } from '../../model/normalise/node.js';
import { HTTP_METHODS, type Gateway, type Route } from '../../model/types.js';
import { documentVerdict, gatewayResponseVerdict, type Verdict } from './document.js';
import { integrationVerdict } from './integration.js';
import { AWS_EXTENSIONS, AWS_PREFIX, type AwsInput } from './types.js';
import { namedValidators, validatorFor, type AwsValidation } from './validators.js';
import { requestShape } from '../../model/policies/request-schema.js';
import { firstRoutes } from '../../model/paths.js';

type Level = keyof typeof AWS_EXTENSIONS;

export function applyAwsInput(w: Walker, root: Located, gateway: Gateway, out: Diagnostic[]): void {
  const seen = new Set<string>();
  const ctx: AwsInput = {
    w,
    gateway,
    root,
    report: (d) => {
      const key = `${d.code}|${d.loc?.file}|${d.loc?.pointer}|${JSON.stringify(d.params)}`;
      if (!seen.has(key)) out.push(d), seen.add(key);
    },
  };
  for (const [key, node] of awsKeys(ctx, root, 'doc')) {
    if (key === 'gateway-responses') gatewayResponses(ctx, node);
    else if (key !== 'request-validators' && key !== 'request-validator') say(ctx, key, node, documentVerdict(key, node.value));
  }
  for (const [key, node] of awsKeys(ctx, w.child(root, 'components'), 'components')) {
    say(ctx, key, node, { severity: 'warn', detail: `reusable ${key} are read where an operation uses them` });
  }
  for (const [, scheme] of w.entries(w.child(w.child(root, 'components'), 'securitySchemes'))) schemeKeys(ctx, scheme);
  for (const tag of w.items(w.child(root, 'tags'))) {
    for (const [key, node] of awsKeys(ctx, tag, 'tag')) say(ctx, key, node, { severity: 'warn', detail: 'AWS tags are not part of the gateway gwc writes' });
  }
  operations(ctx, root);
}

function operations(ctx: AwsInput, root: Located): void {
  const { w } = ctx;
  const paths = w.child(root, 'paths');
  const named = namedValidators(ctx, root);
  const first = firstRoutes(ctx.gateway.routes);
  // Indexed loops, no pair destructured per path and method (#18, as the Kong input's).
  const items = w.entries(paths);
  for (let p = 0; p < items.length; p++) {
    const [path, item] = items[p]!;
    if (!isObj(item.value) || path.startsWith('x-')) continue;
    for (const [key, node] of awsKeys(ctx, item, 'path')) {
      // https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-any-method.html
      say(ctx, key, node, { severity: 'error', detail: `an ANY method answers every method on ${path}, with its own integration and security; write one operation per method` });
    }
    const byMethod = first.get(path);
    for (let m = 0; m < HTTP_METHODS.length; m++) {
      const lower = LOWER_METHODS[m]!;
      if (item.value[lower] === undefined) continue; // no operation: no location built for it (#18)
      const op = w.child(item, lower);
      if (!isObj(op.value)) continue;
      const route = byMethod?.get(HTTP_METHODS[m]!);
      for (const [key, node] of awsKeys(ctx, op, 'op')) {
        if (key === 'integration') integration(ctx, node, route);
        else if (key === 'auth') say(ctx, key, node, authVerdict(node.value));
        // request-validator: read as x-gateway validate, below
      }
      const validation = validatorFor(ctx, named, root, op);
      if (route && validation && (validation.body || validation.parameters)) applyValidation(ctx, route, validation, item, op);
    }
  }
}

/** Each method's key in a path item (HTTP_METHODS lowered, in its order), made once (#18: 8 per path item). */
const LOWER_METHODS = HTTP_METHODS.map((m) => m.toLowerCase());

/**
 * `x-amazon-apigateway-auth` (HTTP APIs): AWS_IAM makes the route require SigV4.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-auth.html
 */
function authVerdict(value: unknown): Verdict {
  const type = String(isObj(value) ? value.type : '').toUpperCase();
  if (type === 'NONE') return { severity: 'warn', detail: 'type NONE adds no check; the route is decided by its security' };
  return { severity: 'error', detail: `type ${type || '(none)'} makes the route require a signed (IAM) request; write the route's security with an awsSigv4 scheme` };
}

/**
 * The validator in force is the route's `validate` (issue #19): the same flags, said at the
 * validator's line (so a target that cannot validate refuses it there). API Gateway's parameter
 * check is presence only; gwc's is the parameter's whole schema, which the AWS target then refuses
 * where API Gateway cannot check it (aws-parameter-unvalidated) rather than checking less.
 * x-gateway validate on the route wins, with a warning.
 */
function applyValidation(ctx: AwsInput, route: Route, v: AwsValidation, item: Located, op: Located): void {
  const { w } = ctx;
  const said = [w.child(w.child(ctx.root, 'x-gateway'), 'defaults'), w.child(item, 'x-gateway'), w.child(op, 'x-gateway')].some((x) => isObj(x.value) && x.value.validate !== undefined);
  if (route.validate || said) {
    ctx.report(diag('aws-extension-ignored', { extension: `${AWS_PREFIX}request-validator`, detail: `x-gateway validate also decides ${route.id}'s validation, and wins` }, v.loc));
    return;
  }
  route.validate = { body: v.body, parameters: v.parameters, loc: v.loc };
  route.request = requestShape(ctx.w, item, op);
}

function integration(ctx: AwsInput, node: Located, route: Route | undefined): void {
  if (!route) return; // an operation the model refused or did not route is said elsewhere
  const backend = ctx.gateway.backends.find((b) => b.name === route.backend);
  const v = integrationVerdict(node.value, route, backend);
  if (v.kind === 'unmapped') ctx.report(diag('aws-integration-unmapped', { route: route.id, type: v.type, detail: v.detail }, node.loc));
  else if (v.kind === 'partial' && v.fields.length > 0) {
    ctx.report(diag('aws-extension-ignored', { extension: `${AWS_PREFIX}integration`, detail: `${v.fields.join(', ')} of ${route.id}'s integration are not carried; gwc writes its own` }, node.loc));
  }
}

function gatewayResponses(ctx: AwsInput, node: Located): void {
  const entries = ctx.w.entries(node);
  if (entries.length === 0) say(ctx, 'gateway-responses', node, { severity: 'warn', detail: 'an empty map changes nothing' });
  for (const [type, r] of entries) say(ctx, `gateway-responses.${type}`, r, gatewayResponseVerdict(type, r.value));
}

/**
 * A scheme's `x-amazon-apigateway-authorizer` without `authtype`: API Gateway runs the Lambda or
 * Cognito authorizer it names; gwc would read the scheme as what OpenAPI says (often an API key
 * in Authorization). With `authtype`, security.ts maps or refuses the scheme already.
 */
function schemeKeys(ctx: AwsInput, scheme: Located): void {
  const keys = awsKeys(ctx, scheme, 'scheme');
  const hasType = keys.some(([k]) => k === 'authtype');
  for (const [key, node] of keys) {
    if (key !== 'authorizer' || hasType) continue;
    say(ctx, key, node, { severity: 'error', detail: 'the authorizer it names is the check API Gateway runs for this scheme, and gwc does not run it; write it as x-gateway.lambdaAuthorizer or a jwt issuer' });
  }
}

/**
 * The `x-amazon-apigateway-*` keys of a node, without the prefix; keys API Gateway does not read
 * at this level are said here, once, as ignored.
 */
function awsKeys(ctx: AwsInput, node: Located, level: Level): Array<[string, Located]> {
  const out: Array<[string, Located]> = [];
  if (!isObj(node.value)) return out;
  // Own keys in Object.keys' order (the spec's data is plain objects), no list made per node (#18).
  for (const raw in node.value) {
    // Only a key starting with x or X lowers to one starting with the prefix: the others (nearly
    // every key of every operation) are not lowered at all (#18).
    const c = raw.charCodeAt(0);
    if ((c !== 0x78 && c !== 0x58) || !raw.toLowerCase().startsWith(AWS_PREFIX)) continue;
    const key = raw.slice(AWS_PREFIX.length).toLowerCase();
    const child = ctx.w.child(node, raw);
    if ((AWS_EXTENSIONS[level] as readonly string[]).includes(key)) out.push([key, child]);
    else say(ctx, key, child, { severity: 'warn', detail: `API Gateway does not read it ${level === 'doc' ? 'at the document level' : `on ${LEVEL_NAME[level]}`} either` });
  }
  return out;
}

const LEVEL_NAME: Record<Level, string> = { doc: 'the document', path: 'a path item', op: 'an operation', scheme: 'a security scheme', components: 'components', tag: 'a tag' };

function say(ctx: AwsInput, key: string, node: Located, verdict: Verdict): void {
  if (!verdict) return;
  const extension = `${AWS_PREFIX}${key}`;
  ctx.report(diag(verdict.severity === 'error' ? 'aws-extension-unmapped' : 'aws-extension-ignored', { extension, detail: verdict.detail }, node.loc));
}
