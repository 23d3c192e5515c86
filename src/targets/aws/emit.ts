/**
 * Serialising the template, and the size and count limits CloudFormation checks on it
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html).
 */
import { stringify } from 'yaml';
import type { Cfn, Ctx } from './context.js';

/** Largest template CloudFormation takes inline (`--template-body`); larger needs S3. */
export const INLINE_TEMPLATE_BYTES = 51_200;
/** Largest template CloudFormation takes at all (from S3). */
export const MAX_TEMPLATE_BYTES = 1_048_576;
export const MAX_RESOURCES = 500;
/** API Gateway's default quota of resources (path nodes) per REST API; adjustable. */
export const MAX_API_RESOURCES = 300;

export function serialise(template: Cfn, format: 'json' | 'yaml'): string {
  if (format === 'json') return `${JSON.stringify(template, null, 2)}\n`;
  // Long form intrinsics (Fn::Sub:) keep the YAML plain data; no tags, no anchors, no folding.
  return stringify(template, { lineWidth: 0, aliasDuplicateObjects: false });
}

/**
 * The UTF-8 byte length of `serialise(template, format)`. For JSON it is counted, not written,
 * where the template is plain data (lint, findingsOnly, #18: the 7 MB text of synthetic-10000 was
 * built only to be measured): jsonBytes walks the value as JSON.stringify(value, null, 2) does.
 * Anything else (YAML, a value jsonBytes does not count) is serialised and measured.
 */
export function serialisedBytes(template: Cfn, format: 'json' | 'yaml'): number {
  const counted = format === 'json' ? jsonBytes(template, 0) : undefined;
  return counted === undefined ? Buffer.byteLength(serialise(template, format), 'utf8') : counted + 1;
}

// A string JSON.stringify writes as itself between quotes, one byte a character: printable ASCII
// but `"` and `\`. Any other string is written and measured (escapes, lone surrogates, UTF-8).
const PLAIN_JSON = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
const stringBytes = (s: string): number => (PLAIN_JSON.test(s) ? s.length + 2 : Buffer.byteLength(JSON.stringify(s), 'utf8'));

/**
 * The UTF-8 length of JSON.stringify(value, null, 2) for `value` at nesting `depth`, or undefined
 * where that is not plain data this counts exactly (a toJSON method, a non-plain object, a bigint):
 * the caller then writes the text. As JSON.stringify (ECMA-262 SerializeJSONProperty, -Object,
 * -Array): an object member whose value is undefined, a function or a symbol is left out, an array
 * element of those is `null`, a number not finite is `null`, an object or array with nothing
 * written is `{}`/`[]`, else each member on its own line indented two spaces a level, `key: value`,
 * separated by commas. Each piece is whole JSON text (a string's escapes included), so the sum of
 * their byte lengths is the text's.
 */
export function jsonBytes(value: unknown, depth: number): number | undefined {
  switch (typeof value) {
    case 'string':
      return stringBytes(value);
    case 'number':
      return Number.isFinite(value) ? String(value).length : 4;
    case 'boolean':
      return value ? 4 : 5;
    case 'object':
      break;
    default:
      return undefined;
  }
  if (value === null) return 4;
  // Deeper than any template: written instead (a cycle then fails as JSON.stringify fails).
  if (depth > 256) return undefined;
  // Each member: newline, indentation, the member; commas between; newline, indentation, bracket.
  const inner = 2 * (depth + 1) + 1;
  let members = 0;
  let bytes = 0;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype || typeof (value as { toJSON?: unknown }).toJSON === 'function') return undefined;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      const b = v === undefined || typeof v === 'function' || typeof v === 'symbol' ? 4 : jsonBytes(v, depth + 1);
      if (b === undefined) return undefined;
      bytes += inner + b;
      members++;
    }
  } else {
    const proto = Object.getPrototypeOf(value) as unknown;
    if ((proto !== Object.prototype && proto !== null) || typeof (value as { toJSON?: unknown }).toJSON === 'function') return undefined;
    for (const k of Object.keys(value)) {
      const v = (value as Record<string, unknown>)[k];
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
      const b = jsonBytes(v, depth + 1);
      if (b === undefined) return undefined;
      bytes += inner + stringBytes(k) + 2 + b;
      members++;
    }
  }
  return members === 0 ? 2 : 1 + bytes + (members - 1) + 1 + 2 * depth + 1;
}

export function checkLimits(ctx: Ctx, template: Cfn, bytes: number): void {
  const resources = Object.keys((template.Resources as Cfn | undefined) ?? {}).length;
  if (bytes > MAX_TEMPLATE_BYTES) {
    const routes = ctx.gateway.routes.length;
    ctx.report('aws-template-too-large', { bytes, limit: MAX_TEMPLATE_BYTES, fits: fitting(bytes, routes), routes }, ctx.gateway.loc);
  } else if (bytes > INLINE_TEMPLATE_BYTES) {
    ctx.report('aws-template-not-inline', { bytes, limit: INLINE_TEMPLATE_BYTES }, ctx.gateway.loc);
  }
  if (resources > MAX_RESOURCES) {
    ctx.report('aws-too-many-resources', { resources, limit: MAX_RESOURCES }, ctx.gateway.loc);
  }
  const paths = Object.keys(((template.Resources as Cfn)?.RestApi as Cfn | undefined)?.Properties ? bodyPaths(template) : {});
  const nodes = new Set<string>();
  for (const p of paths) {
    const parts = p.split('/').filter(Boolean);
    for (let i = 1; i <= parts.length; i += 1) nodes.add(parts.slice(0, i).join('/'));
  }
  if (nodes.size + 1 > MAX_API_RESOURCES) {
    ctx.report('aws-api-resource-quota', { resources: nodes.size + 1, limit: MAX_API_RESOURCES }, ctx.gateway.loc);
  }
}

/** Routes of average size that fit in one template, leaving a tenth for the rest of the stack. */
function fitting(bytes: number, routes: number): number {
  return Math.floor((MAX_TEMPLATE_BYTES * 0.9) / (bytes / Math.max(routes, 1)));
}

function bodyPaths(template: Cfn): Record<string, unknown> {
  const api = (template.Resources as Cfn).RestApi as Cfn;
  const body = (api.Properties as Cfn).Body as Cfn;
  return (body.paths as Record<string, unknown>) ?? {};
}
