/**
 * What API Gateway REST checks a request against before its integration (request validation,
 * validators.ts writes it), as `gwc diff` reads a deployed Body: one text per check (Facts.validation),
 * so a check turned off, removed or changed by hand shows as `validation-weakened`.
 *
 * A method is validated by the validator its `x-amazon-apigateway-request-validator` names, else by
 * the API's root one; a name the API does not define validates nothing here (the import fails: read
 * as no check, fail closed). `validateRequestParameters` checks that each required query parameter
 * and header (path and operation level, the operation's winning) is present; `validateRequestBody`
 * checks the body against the model of its content type (`$default`: every content type; another
 * media type leaves a body of any other type unchecked). A model is read with the schemas it refers
 * to, as canonical JSON: another model is another check (the diff cannot rank two schemas). What
 * cannot be read (a `$ref` parameter or request body, a missing model) is no check.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-method-request-validation.html
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-request-validators.html
 */
import type { Json } from '../../diff/entity.js';
import { isObject, prune, type JsonObject } from '../../diff/json-util.js';

const VALIDATOR = 'x-amazon-apigateway-request-validator';
const VALIDATORS = 'x-amazon-apigateway-request-validators';

/** The validator in force on `op`: its own, else the API's root one; undefined when none is defined. */
function validatorOf(op: JsonObject, body: JsonObject): { body: boolean; parameters: boolean } | undefined {
  const name = op[VALIDATOR] ?? body[VALIDATOR];
  const all = isObject(body[VALIDATORS]) ? body[VALIDATORS] : {};
  const v = typeof name === 'string' && Object.hasOwn(all, name) ? all[name] : undefined;
  return isObject(v) ? { body: v.validateRequestBody === true, parameters: v.validateRequestParameters === true } : undefined;
}

/** The required query parameters and headers, path level overridden by operation level (OpenAPI). */
function requiredParameters(op: JsonObject, item: JsonObject): string[] {
  const byKey = new Map<string, boolean>();
  for (const list of [item.parameters, op.parameters]) {
    for (const p of Array.isArray(list) ? list.filter(isObject) : []) {
      if (typeof p.name !== 'string' || (p.in !== 'query' && p.in !== 'header')) continue;
      // API Gateway header names are case-blind; query names exact.
      byKey.set(`${p.in} ${p.in === 'header' ? p.name.toLowerCase() : p.name}`, p.required === true);
    }
  }
  return [...byKey].filter(([, required]) => required).map(([k]) => `${k} required`);
}

/** `schema` with every `#/components/schemas/NAME` reference replaced by its schema, canonical. */
function resolve(schema: Json, schemas: JsonObject, seen: readonly string[]): Json | undefined {
  if (Array.isArray(schema)) {
    const items = schema.map((x) => resolve(x, schemas, seen));
    return items.some((x) => x === undefined) ? undefined : (items as Json[]);
  }
  if (!isObject(schema)) return schema;
  if (typeof schema.$ref === 'string') {
    const m = /^#\/components\/schemas\/([^/]+)$/.exec(schema.$ref);
    if (!m || !Object.hasOwn(schemas, m[1]!)) return undefined;
    // A model referring to itself: the reference text stands for the rest (same text on both sides).
    if (seen.includes(m[1]!)) return { $ref: schema.$ref };
    return resolve(schemas[m[1]!]!, schemas, [...seen, m[1]!]);
  }
  const out: JsonObject = {};
  for (const k of Object.keys(schema).sort()) {
    const r = resolve(schema[k]!, schemas, seen);
    if (r === undefined) return undefined;
    out[k] = r;
  }
  return out;
}

/** Each content type's body check: `body MEDIA matches MODEL`, `body required`. */
function bodyChecks(op: JsonObject, body: JsonObject): string[] {
  const rb = op.requestBody;
  if (!isObject(rb) || !isObject(rb.content)) return [];
  const schemas = isObject(body.components) && isObject(body.components.schemas) ? body.components.schemas : {};
  const out: string[] = [];
  for (const media of Object.keys(rb.content).sort()) {
    const c = rb.content[media];
    const model = isObject(c) && c.schema !== undefined ? resolve(c.schema, schemas, []) : undefined;
    if (model === undefined) continue;
    out.push(`body ${media === '$default' ? '(any content type)' : media} matches ${JSON.stringify(prune(model) ?? {})}`);
  }
  if (out.length > 0 && rb.required === true) out.push('body required');
  return out;
}

/** The checks API Gateway makes on `op` (of path item `item`) before its integration; `[]`: none. */
export function methodValidation(op: JsonObject, item: JsonObject, body: JsonObject): string[] {
  const v = validatorOf(op, body);
  if (!v) return [];
  return [...(v.parameters ? requiredParameters(op, item) : []), ...(v.body ? bodyChecks(op, body) : [])].sort();
}
