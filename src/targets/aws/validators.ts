/**
 * Request validation on API Gateway REST (issue #19, feature `validation`): the Body carries
 * `x-amazon-apigateway-request-validators` (one validator per combination of body and parameter
 * checks), each validating method's `x-amazon-apigateway-request-validator`, its required query
 * and header parameters, and its JSON body as a draft-04 model in `components.schemas` (imported as
 * an AWS::ApiGateway::Model; the Body is the RestApi's whole definition, imported with Mode
 * overwrite, so models and validators live in it rather than beside it as resources the next
 * import would drop). https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-method-request-validation.html
 *
 * What API Gateway checks is narrower than what `validate` promises, so the rest is refused at its
 * line (fail closed, never a weaker check):
 * - parameters: API Gateway checks only that a required query string parameter or header is there
 *   and not blank, never its type or format; a parameter whose schema says more (a type other
 *   than string, enum, pattern, limits) or a cookie parameter is `aws-parameter-unvalidated`.
 * - body: a model applies to the content types it is declared for, and a request of another
 *   content type is not validated at all; the model is declared for `$default` (every content
 *   type), so a body whose operation also declares a non-JSON media type is
 *   `aws-body-media-type` (its valid non-JSON bodies would fail the JSON model).
 * - schema keywords draft 4 cannot hold: `aws-schema-unsupported` at the keyword (models.ts).
 */
import type { Route } from '../../model/types.js';
import { isJsonMediaType } from '../../model/policies/request-schema.js';
import type { Cfn, Ctx } from './context.js';
import { toDraft04 } from './models.js';
import { resourcePath } from './paths.js';

/** What one validating route adds to its operation in the Body. */
export interface OperationValidation {
  validator: string;
  /** Query and header parameters with their required flags (path parameters are always there). */
  parameters: Cfn[];
  requestBody?: Cfn;
}

/** Schema keywords that leave a string parameter's value unconstrained. */
const ANNOTATIONS = new Set(['type', 'description', 'example', 'examples', 'default', 'title', 'deprecated', 'nullable']);

export class Validators {
  private readonly validators = new Map<string, { validateRequestBody: boolean; validateRequestParameters: boolean }>();
  private readonly models: Record<string, Cfn> = {};

  constructor(private readonly ctx: Ctx) {}

  /** The route's validation, or undefined when it has none (or it was refused: reported). */
  forRoute(route: Route): OperationValidation | undefined {
    const v = route.validate;
    if (!v || !route.request || !this.ctx.plan.enforced(route.id, 'validation')) return undefined;
    let ok = true;
    const parameters: Cfn[] = [];
    if (v.parameters) {
      for (const p of route.request.params) {
        const constrained = constraints(p.schema?.schema);
        if (p.in === 'cookie' || p.mediaType !== undefined || constrained.length > 0) {
          const what = p.in === 'cookie' ? 'a cookie' : p.mediaType !== undefined ? `content ${p.mediaType}` : constrained.join(', ');
          this.ctx.report('aws-parameter-unvalidated', { route: route.id, parameter: p.name, in: p.in, what }, p.schema?.loc ?? p.loc);
          ok = false;
          continue;
        }
        if (p.in === 'query' || p.in === 'header') parameters.push({ name: p.name, in: p.in, required: p.required, schema: { type: 'string' } });
      }
    }
    let requestBody: Cfn | undefined;
    const body = route.request.body;
    if (v.body && body) {
      const other = body.mediaTypes.filter((m) => !isJsonMediaType(m));
      if (other.length > 0) {
        this.ctx.report('aws-body-media-type', { route: route.id, mediaTypes: other.join(', ') }, body.loc);
        ok = false;
      } else if (body.json) {
        const r = toDraft04(body.json.schema, this.ctx.gateway.openapiVersion);
        if ('refusals' in r) {
          for (const x of r.refusals) this.ctx.report('aws-schema-unsupported', { route: route.id, keyword: x.keyword, detail: x.detail }, x.loc);
          ok = false;
        } else {
          const name = this.modelName(route.id);
          this.models[name] = r.model;
          requestBody = { required: body.required, content: { $default: { schema: { $ref: `#/components/schemas/${name}` } } } };
        }
      }
    }
    if (!ok) return undefined;
    const validateRequestBody = requestBody !== undefined;
    const validateRequestParameters = parameters.some((p) => p.required === true);
    if (!validateRequestBody && !validateRequestParameters) return undefined;
    const validator = validateRequestBody && validateRequestParameters ? 'body-and-parameters' : validateRequestBody ? 'body' : 'parameters';
    this.validators.set(validator, { validateRequestBody, validateRequestParameters });
    return { validator, parameters, ...(requestBody ? { requestBody } : {}) };
  }

  /** The validators and models every validating operation named, for the Body's root and components. */
  extensions(): { validators?: Cfn; schemas?: Record<string, Cfn> } {
    if (this.validators.size === 0) return {};
    const validators: Cfn = {};
    for (const k of [...this.validators.keys()].sort()) validators[k] = this.validators.get(k);
    return { validators, schemas: this.models };
  }

  /** A model name: letters and digits (API Gateway's rule), unique. */
  private modelName(routeId: string): string {
    const base = `${routeId.replace(/[^A-Za-z0-9]/g, '')}Request`.replace(/^[^A-Za-z]+/, '') || 'Request';
    let name = base;
    for (let i = 2; name in this.models; i++) name = `${base}${i}`;
    return name;
  }
}

/** What a parameter's schema checks beyond "a string is there": the keywords, by name. */
function constraints(schema: unknown): string[] {
  if (schema === undefined || schema === true) return [];
  if (schema === null || typeof schema !== 'object') return ['schema'];
  const s = schema as Record<string, unknown>;
  const out = Object.keys(s).filter((k) => !ANNOTATIONS.has(k) && !k.startsWith('x-'));
  const type = s.type;
  if (type !== undefined && type !== 'string' && !(Array.isArray(type) && type.includes('string'))) out.unshift(`type ${JSON.stringify(type)}`);
  return out;
}

/** Adds a route's validation to its Body operation (beside the cache-key parameters already there). */
export function applyOperationValidation(op: Cfn, v: OperationValidation | undefined): void {
  if (!v) return;
  const params = Array.isArray(op.parameters) ? (op.parameters as Cfn[]) : [];
  for (const p of v.parameters) {
    const same = params.find((q) => q.in === p.in && String(q.name).toLowerCase() === String(p.name).toLowerCase());
    if (same) same.required = same.required === true || p.required === true;
    else params.push(p);
  }
  if (params.length > 0) op.parameters = params;
  if (v.requestBody) op.requestBody = v.requestBody;
  op['x-amazon-apigateway-request-validator'] = v.validator;
}

/**
 * The validators and models at the Body's root, and API Gateway's answers to a failed check as an
 * RFC 9457 problem (400, application/problem+json). `$context.error.messageString` is the one
 * error variable API Gateway quotes and escapes for JSON; the detailed validationErrorString is
 * not escaped, so it would break the body. The CORS headers of DEFAULT_4XX are kept.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html
 */
export function applyBodyValidation(body: Cfn, validators: Validators): void {
  const { validators: map, schemas } = validators.extensions();
  if (!map) return;
  body['x-amazon-apigateway-request-validators'] = map;
  if (schemas && Object.keys(schemas).length > 0) {
    const components = (body.components as Cfn | undefined) ?? {};
    components.schemas = schemas;
    body.components = components;
  }
  const responses = (body['x-amazon-apigateway-gateway-responses'] as Record<string, Cfn> | undefined) ?? {};
  const cors = responses.DEFAULT_4XX?.responseParameters as Cfn | undefined;
  for (const type of ['BAD_REQUEST_BODY', 'BAD_REQUEST_PARAMETERS']) {
    responses[type] = {
      statusCode: '400',
      responseParameters: { ...cors, 'gatewayresponse.header.Content-Type': "'application/problem+json'" },
      // Selected by the template key API Gateway answers with; the header above names the type.
      responseTemplates: { 'application/json': '{"type":"about:blank","title":"Bad Request","status":400,"detail":$context.error.messageString}' },
    };
  }
  body['x-amazon-apigateway-gateway-responses'] = responses;
}

/**
 * Request validation over the built Body (template.ts calls it right after buildBody, before the
 * Deployment hash is taken, so a validator added or removed gives a new Deployment): each compiled
 * route's operation gets its validator, parameters and model, the root the validators, models and
 * 400 answers.
 */
export function applyValidation(ctx: Ctx, body: Cfn, routes: readonly Route[]): void {
  const validators = new Validators(ctx);
  const paths = (body.paths ?? {}) as Record<string, Cfn | undefined>;
  for (const route of routes) {
    const op = paths[resourcePath(route)]?.[route.method.toLowerCase()];
    if (op && typeof op === 'object') applyOperationValidation(op as Cfn, validators.forRoute(route));
  }
  applyBodyValidation(body, validators);
}
