/**
 * `x-amazon-apigateway-request-validators` (a map of named validators) and
 * `x-amazon-apigateway-request-validator` (the one in force: document level, overridden per
 * operation) are request validation, gwc's `x-gateway.validate` (issue #19).
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-request-validators.html
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-request-validator.html
 */
import { diag } from '../../diagnostics/diagnostic.js';
import type { Loc } from '../../diagnostics/diagnostic.js';
import type { Located } from '../../spec/loaded-spec.js';
import { isObj } from '../../model/normalise/node.js';
import { AWS_PREFIX, type AwsInput } from './types.js';

/** What an operation's validator in force checks, and where it was chosen. */
export interface AwsValidation {
  body: boolean;
  parameters: boolean;
  loc: Loc;
}

/** The named validators of the document; a malformed entry is said and left out. */
export function namedValidators(ctx: AwsInput, root: Located): Map<string, { body: boolean; parameters: boolean }> {
  const out = new Map<string, { body: boolean; parameters: boolean }>();
  const map = ctx.w.child(root, `${AWS_PREFIX}request-validators`);
  for (const [name, node] of ctx.w.entries(map)) {
    const v = isObj(node.value) ? node.value : {};
    const body = v.validateRequestBody;
    const parameters = v.validateRequestParameters;
    if ((body !== undefined && typeof body !== 'boolean') || (parameters !== undefined && typeof parameters !== 'boolean')) {
      ctx.report(diag('aws-extension-unmapped', { extension: `${AWS_PREFIX}request-validators.${name}`, detail: 'validateRequestBody and validateRequestParameters are true or false' }, node.loc));
      continue;
    }
    out.set(name, { body: body === true, parameters: parameters === true });
  }
  return out;
}

const VALIDATOR = `${AWS_PREFIX}request-validator`;

/** `node`'s value holds `key` (what the walker's child would find there before following a $ref). */
function has(node: Located, key: string): boolean {
  const v = node.value;
  return v !== null && typeof v === 'object' && (v as Record<string, unknown>)[key] !== undefined;
}

/**
 * The validator in force for one operation (its own `request-validator`, else the document's),
 * or undefined when none is. A name the map does not hold is refused: API Gateway refuses the
 * import, and guessing would validate less or more than the author meant.
 */
export function validatorFor(ctx: AwsInput, named: ReadonlyMap<string, { body: boolean; parameters: boolean }>, root: Located, op: Located): AwsValidation | undefined {
  // Asked of the values before a location is built for either (#18: nearly no operation, and
  // once per operation the document, names a validator).
  const own = has(op, VALIDATOR) ? ctx.w.child(op, VALIDATOR) : undefined;
  const node = own?.value !== undefined ? own : has(root, VALIDATOR) ? ctx.w.child(root, VALIDATOR) : undefined;
  if (node?.value === undefined) return undefined;
  const v = named.get(String(node.value));
  if (typeof node.value !== 'string' || !v) {
    ctx.report(diag('aws-validator-unknown', { name: String(node.value), known: [...named.keys()].join(', ') }, node.loc));
    return undefined;
  }
  return { ...v, loc: node.loc };
}
