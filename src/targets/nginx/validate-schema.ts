/**
 * An OpenAPI schema (RequestSchema, in the spec's dialect) → the JSON Schema draft-07 ajv compiles
 * into njs code (validate-module.ts), or refusals at the schema node the njs validator cannot run.
 * OpenAPI 3.0 `nullable` and boolean `exclusiveMinimum`/`exclusiveMaximum` are rewritten to their
 * JSON Schema meaning; annotations are dropped (they validate nothing, and they would carry user
 * text into the module for no use). https://spec.openapis.org/oas/v3.0.3#schema-object
 */
import type { Loc } from '../../diagnostics/diagnostic.js';
import type { RequestSchema } from '../../model/types.js';
import { joinPointer } from '../../spec/pointer.js';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

/** Something in a schema the nginx validator cannot check, at the node to edit. */
export interface SchemaProblem {
  keyword: string;
  why: string;
  loc: Loc;
  /** A warning (the keyword is ignored, as JSON Schema allows for an unknown format), not a refusal. */
  warn?: boolean;
}

/** Formats whose ajv-formats check is a regular expression njs 0.7 runs as written (inlined by ajv). */
const REGEX_FORMATS = ['duration', 'uri-reference', 'uri-template', 'email', 'hostname', 'ipv4', 'ipv6', 'uuid', 'json-pointer', 'json-pointer-uri-fragment', 'relative-json-pointer'];
/** Formats checked by the njs runtime's own port of ajv-formats' function (njs/runtime.js AJV_FORMATS). */
export const FUNCTION_FORMATS = ['date', 'time', 'date-time', 'uri', 'byte', 'int32', 'int64', 'float', 'double'];
/** Formats ajv-formats knows that njs cannot run: a Unicode-flag regex (url), or checks that compile regexes at request time. */
const REFUSED_FORMATS: Record<string, string> = {
  url: "ajv-formats checks it with a Unicode (u flag, \\u{...}) regular expression njs 0.7 cannot compile; use format: uri",
  'iso-time': 'not ported to the njs runtime; use format: time',
  'iso-date-time': 'not ported to the njs runtime; use format: date-time',
  regex: 'checking it would compile client text as a regular expression in nginx',
};
/** OpenAPI's annotation-only formats. */
const ANNOTATION_FORMATS = ['password', 'binary'];

const SCHEMA_MAP = ['properties', 'patternProperties', 'definitions'];
const SCHEMA_ONE = ['additionalProperties', 'additionalItems', 'not', 'if', 'then', 'else', 'contains', 'propertyNames'];
const SCHEMA_LIST = ['allOf', 'anyOf', 'oneOf'];
const VALUES = ['type', 'enum', 'const', 'multipleOf', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum', 'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems', 'uniqueItems', 'maxProperties', 'minProperties', 'required', 'format', '$ref'];
/** Annotations (and OpenAPI's own extras): dropped, they validate nothing. `$defs` only holds what `$ref`s reach, already moved to definitions. */
const DROPPED = ['title', 'description', 'default', 'example', 'examples', '$comment', 'deprecated', 'readOnly', 'writeOnly', 'xml', 'externalDocs', 'discriminator', '$defs', '$schema', 'contentMediaType', 'contentEncoding', 'contentSchema'];

/**
 * Regular-expression syntax njs 0.7 cannot compile or runs differently from ECMA-262 (its engine
 * is PCRE, without the u flag): lookbehind, Unicode property and code point escapes.
 */
const NJS_REGEX_REFUSED: Array<[RegExp, string]> = [
  [/\(\?<[=!]/, 'lookbehind'],
  [/\\[pP]\{/, 'a Unicode property escape (\\p{...})'],
  [/\\u\{/, 'a code point escape (\\u{...})'],
];

/** Why njs cannot run the pattern as JSON Schema means it, or undefined when it can. */
export function patternProblem(pattern: string): string | undefined {
  for (const [re, what] of NJS_REGEX_REFUSED) if (re.test(pattern)) return `uses ${what}, which njs 0.7 cannot run`;
  try {
    new RegExp(pattern);
  } catch {
    return 'is not an ECMA-262 regular expression';
  }
  return undefined;
}

/**
 * The draft-07 form of `rs` with its definitions, plus what cannot be checked. `v30`: the spec is
 * OpenAPI 3.0 (nullable and boolean exclusive bounds are its own).
 */
export function toDraft7(rs: RequestSchema, v30: boolean): { schema: Json; problems: SchemaProblem[] } {
  const problems: SchemaProblem[] = [];
  const root = convert(rs.schema as Json, rs.loc, v30, problems);
  const names = Object.keys(rs.definitions).sort();
  if (names.length === 0) return { schema: root, problems };
  const definitions: Obj = {};
  for (const n of names) definitions[n] = convert(rs.definitions[n]!.schema as Json, rs.definitions[n]!.loc, v30, problems);
  // A root that is `true`/`false` or a bare $ref still needs the definitions beside it.
  const base: Obj = typeof root === 'object' && root !== null && !Array.isArray(root) ? root : root === false ? { not: {} } : {};
  return { schema: { ...base, definitions }, problems };
}

function convert(node: Json, loc: Loc, v30: boolean, problems: SchemaProblem[]): Json {
  if (typeof node === 'boolean') return node;
  if (node === null || typeof node !== 'object' || Array.isArray(node)) {
    problems.push({ keyword: 'schema', why: 'is not a schema (an object or a boolean)', loc });
    return false;
  }
  const at = (...k: Array<string | number>): Loc => ({ file: loc.file, pointer: joinPointer(loc.pointer, ...k) });
  const out: Obj = {};
  for (const [k, v] of Object.entries(node)) {
    if (k.startsWith('x-') || DROPPED.includes(k) || (v30 && k === 'nullable')) continue;
    if (SCHEMA_MAP.includes(k) && isObj(v)) {
      const m: Obj = {};
      for (const [name, sub] of Object.entries(v)) {
        if (k === 'patternProperties') checkPattern(name, at(k, name), problems);
        m[name] = convert(sub, at(k, name), v30, problems);
      }
      out[k] = m;
    } else if (SCHEMA_ONE.includes(k)) out[k] = convert(v, at(k), v30, problems);
    else if (SCHEMA_LIST.includes(k) && Array.isArray(v)) out[k] = v.map((s, i) => convert(s, at(k, i), v30, problems));
    else if (k === 'items') out[k] = Array.isArray(v) ? v.map((s, i) => convert(s, at(k, i), v30, problems)) : convert(v, at(k), v30, problems);
    else if (k === 'dependencies' && isObj(v)) {
      out[k] = Object.fromEntries(Object.entries(v).map(([name, d]) => [name, Array.isArray(d) ? d : convert(d, at(k, name), v30, problems)]));
    } else if (k === 'format' && typeof v === 'string') {
      const kept = format(v, at(k), problems);
      if (kept) out[k] = v;
    } else if (k === 'pattern' && typeof v === 'string') {
      checkPattern(v, at(k), problems);
      out[k] = v;
    } else if (VALUES.includes(k)) out[k] = v;
    else problems.push({ keyword: k, why: `is not a keyword the nginx validator (JSON Schema draft-07${v30 ? ', OpenAPI 3.0' : ''}) checks`, loc: at(k) });
  }
  // OpenAPI: a required property marked readOnly is required in responses only; a request need not send it.
  if (Array.isArray(out.required) && isObj(node.properties)) {
    const props = node.properties;
    out.required = out.required.filter((n) => !(typeof n === 'string' && isObj(props[n]) && (props[n] as Obj).readOnly === true));
  }
  if (v30) openapi30(node, out);
  // OpenAPI 3.0 (as JSON Schema draft-07) ignores a $ref's siblings; ajv would apply them.
  if (v30 && typeof out.$ref === 'string') return { $ref: out.$ref };
  return out;
}

/** OpenAPI 3.0's own spellings: `nullable: true` adds null to the type (and enum); boolean exclusive bounds take the bound's value. */
function openapi30(node: Obj, out: Obj): void {
  if (node.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    else if (Array.isArray(out.type) && !out.type.includes('null')) out.type = [...out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  }
  for (const [ex, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
    if (typeof out[ex] !== 'boolean') continue;
    if (out[ex] === true && typeof out[bound] === 'number') {
      out[ex] = out[bound];
      delete out[bound];
    } else delete out[ex];
  }
}

function format(name: string, loc: Loc, problems: SchemaProblem[]): boolean {
  if (REGEX_FORMATS.includes(name) || FUNCTION_FORMATS.includes(name)) return true;
  const refused = REFUSED_FORMATS[name];
  if (refused) problems.push({ keyword: `format: ${name}`, why: refused, loc });
  else if (!ANNOTATION_FORMATS.includes(name)) problems.push({ keyword: `format: ${name}`, why: 'is not a format the nginx validator knows: not checked', loc, warn: true });
  return false;
}

function checkPattern(pattern: string, loc: Loc, problems: SchemaProblem[]): void {
  const why = patternProblem(pattern);
  if (why) problems.push({ keyword: 'pattern', why, loc });
}

function isObj(v: Json | undefined): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
