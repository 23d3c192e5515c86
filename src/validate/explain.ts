/**
 * ajv's errors against the OpenAPI schema, as sentences a person acts on, at the key they edit.
 *
 * ajv reports every branch of a `oneOf` it tried ("must have required property '$ref'" for the
 * Reference branch of a schema that was never meant to be one) and then the `oneOf` itself ("must
 * match exactly one schema in oneOf"). Redocly reads an object as the one thing it was meant to be
 * and reports that thing's problems; so does this file:
 * - an object holding `$ref` was meant as a Reference; one without it never was, so the
 *   Reference branch's "required $ref" is dropped;
 * - a branch whose discriminating key (`type`, `in`) does not match the object was not meant
 *   either, when another branch's key does;
 * - the summary errors (oneOf, anyOf, if) go when a branch says what is wrong.
 * What is left is said by kind: a key not expected (at that key's line, with the OpenAPI 3 home
 * of a Swagger 2.0 key), a key missing, a wrong type, a value not allowed.
 */
import { diag, type Diagnostic, type Loc } from '../diagnostics/diagnostic.js';
import type { LoadedSpec } from '../spec/loaded-spec.js';
import { getAt, joinPointer, splitPointer } from '../spec/pointer.js';
import { slotKind, type Expanded } from './expand.js';

export interface AjvError {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
  /** With ajv's `verbose`: the subschema holding the keyword that failed. */
  parentSchema?: unknown;
}

/** A hostile document can fail every node; past this many, the first ones say enough. */
const MAX = 500;
const SUMMARY = new Set(['oneOf', 'anyOf', 'if', 'not', 'then', 'else']);
const DISCRIMINATORS = new Set(['type', 'in']);

/** Where OpenAPI 3 keeps what Swagger 2.0 wrote under these top-level keys. */
const SWAGGER2: Record<string, string> = {
  swagger: 'this is Swagger 2.0\'s version key: write "openapi: 3.0.3" (convert the document, e.g. with swagger2openapi)',
  securityDefinitions: 'Swagger 2.0 key: OpenAPI 3 defines security schemes under components.securitySchemes',
  definitions: 'Swagger 2.0 key: OpenAPI 3 keeps schemas under components.schemas',
  parameters: 'Swagger 2.0 key: OpenAPI 3 keeps shared parameters under components.parameters',
  responses: 'Swagger 2.0 key: OpenAPI 3 keeps shared responses under components.responses',
  host: 'Swagger 2.0 key: OpenAPI 3 writes the address as servers: [{ url: https://HOST/BASEPATH }]',
  basePath: 'Swagger 2.0 key: OpenAPI 3 writes the address as servers: [{ url: https://HOST/BASEPATH }]',
  schemes: 'Swagger 2.0 key: OpenAPI 3 writes the scheme in servers[].url',
  consumes: 'Swagger 2.0 key: OpenAPI 3 names media types under requestBody.content',
  produces: 'Swagger 2.0 key: OpenAPI 3 names media types under responses.*.content',
};

export function explainErrors(
  errors: readonly AjvError[],
  expanded: Expanded,
  spec: LoadedSpec,
  definitionOf: (schema: unknown) => string = () => '',
): Diagnostic[] {
  const branchOf = (e: AjvError) => definitionOf(e.parentSchema) || /.*\/(?:definitions|\$defs)\/([^/]+)/.exec(e.schemaPath)?.[1] || e.schemaPath;
  const valueAt = (p: string) => getAt(expanded.doc, splitPointer(p)).value;
  const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  const parentOf = (p: string) => p.slice(0, p.lastIndexOf('/'));
  const lastOf = (p: string) => splitPointer(p).at(-1) ?? '';

  const holdsRef = (p: string) => {
    const v = valueAt(p);
    return isObject(v) && typeof v.$ref === 'string';
  };
  // Without a $ref the object was never meant as a Reference.
  let list = errors.filter((e) => !(e.keyword === 'required' && e.params.missingProperty === '$ref' && !holdsRef(e.instancePath)));

  // A branch whose discriminating key names another kind of object was not the one meant.
  const wrongBranch = new Set<string>();
  const rightBranch = new Set<string>();
  for (const e of list) {
    if (!DISCRIMINATORS.has(lastOf(e.instancePath))) continue;
    const key = `${parentOf(e.instancePath)} ${branchOf(e)}`;
    if (e.keyword === 'enum' || e.keyword === 'const') wrongBranch.add(key);
  }
  for (const e of list) {
    const holder = DISCRIMINATORS.has(lastOf(e.instancePath)) ? parentOf(e.instancePath) : e.instancePath;
    const key = `${holder} ${branchOf(e)}`;
    if (!wrongBranch.has(key)) rightBranch.add(holder);
  }
  list = list.filter((e) => {
    const holder = DISCRIMINATORS.has(lastOf(e.instancePath)) ? parentOf(e.instancePath) : e.instancePath;
    return !(wrongBranch.has(`${holder} ${branchOf(e)}`) && rightBranch.has(holder));
  });

  // Summaries go when something under them says more.
  const said = (p: string) => list.some((e) => !SUMMARY.has(e.keyword) && (e.instancePath === p || e.instancePath.startsWith(`${p}/`)));
  list = list.filter((e) => !SUMMARY.has(e.keyword) || !said(e.instancePath));

  // An object with no `type` at all (a security scheme) says nothing of which kind it was meant to
  // be: every branch's own required keys ("needs flows", "needs openIdConnectUrl") and every key a
  // branch does not expect ("in is not expected here" on an apiKey scheme) are guesses. Only the
  // missing `type` is said; problems deeper down stay (#16.3).
  const untyped = new Set(
    list.filter((e) => e.keyword === 'required' && e.params.missingProperty === 'type' && isObject(valueAt(e.instancePath)) && !('type' in (valueAt(e.instancePath) as object))).map((e) => e.instancePath),
  );
  // 3.1 checks unknown keys with unevaluatedProperties, which counts only the keys of subschemas
  // that passed: in an object whose branch lacks a required key, the branch's own keys ("in" of
  // an apiKey scheme without name) read as unexpected. The missing key is the problem to say.
  const missing = new Set(list.filter((e) => e.keyword === 'required').map((e) => e.instancePath));
  list = list.filter((e) => {
    if (e.keyword === 'unevaluatedProperties' && missing.has(e.instancePath)) return false;
    if (!untyped.has(e.instancePath)) return true;
    if (e.keyword === 'required') return e.params.missingProperty === 'type';
    return e.keyword !== 'additionalProperties' && e.keyword !== 'unevaluatedProperties';
  });

  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  const push = (d: Diagnostic) => {
    const key = `${d.code} ${d.loc?.file}#${d.loc?.pointer} ${d.message}`;
    if (seen.has(key) || out.length >= MAX) return;
    seen.add(key);
    out.push(d);
  };
  const loc = (p: string): Loc => expanded.locOf(p);

  // Alternatives of one oneOf/anyOf that each require a key: one line naming them all.
  const alternatives = new Map<string, string[]>();
  for (const e of list) {
    const m = /^(.*\/(?:oneOf|anyOf))\/\d+\/required$/.exec(e.schemaPath);
    if (e.keyword === 'required' && m) {
      const key = `${e.instancePath} ${m[1]}`;
      alternatives.set(key, [...(alternatives.get(key) ?? []), String(e.params.missingProperty)]);
    }
  }

  for (const e of list) {
    const value = valueAt(e.instancePath);
    const object = objectName(splitPointer(e.instancePath), definitionOf(e.parentSchema));
    const viaRef = expanded.refAt(e.instancePath);
    if (holdsRef(e.instancePath) && isObject(value)) {
      push(diag('openapi-ref-not-allowed', { ref: String(value.$ref), object }, loc(joinPointer(e.instancePath, '$ref'))));
      continue;
    }
    switch (e.keyword) {
      case 'additionalProperties':
      case 'unevaluatedProperties': {
        const key = String(e.params.additionalProperty ?? e.params.unevaluatedProperty);
        const hint = e.instancePath === '' ? (SWAGGER2[key] ?? '') : '';
        push(diag('openapi-unexpected-key', { key, object, hint }, loc(joinPointer(e.instancePath, key))));
        break;
      }
      case 'required': {
        const m = /^(.*\/(?:oneOf|anyOf))\/\d+\/required$/.exec(e.schemaPath);
        const keys = m ? alternatives.get(`${e.instancePath} ${m[1]}`) ?? [] : [];
        // At the $ref when the object was written elsewhere: that line says what it was taken for.
        const at = viaRef?.loc ?? loc(e.instancePath);
        const d = diag('openapi-missing-key', { key: keys.length > 1 ? keys.join(' or ') : String(e.params.missingProperty), object, ref: viaRef?.ref ?? '' }, at);
        push(untyped.has(e.instancePath) && object === 'security scheme' ? { ...d, hint: schemeTypeHint(lastOf(e.instancePath)) } : d);
        break;
      }
      case 'type':
        push(diag('openapi-wrong-type', { key: lastOf(e.instancePath), expected: String(e.params.type), actual: typeName(value) }, loc(e.instancePath)));
        break;
      case 'enum':
      case 'const': {
        const allowed = (e.params.allowedValues as unknown[] | undefined) ?? [e.params.allowedValue];
        push(diag('openapi-value-not-allowed', { key: lastOf(e.instancePath), value: JSON.stringify(value) ?? '', allowed: allowed.map((a) => JSON.stringify(a)).join(', ') }, loc(e.instancePath)));
        break;
      }
      case 'pattern':
        push(diag('openapi-value-not-allowed', { key: lastOf(e.instancePath), value: JSON.stringify(value) ?? '', allowed: `text matching ${String(e.params.pattern)}` }, loc(e.instancePath)));
        break;
      default: {
        const at = e.instancePath ? `${object === 'document' ? '' : `${object} `}"${lastOf(e.instancePath)}"` : 'the document';
        push(diag('openapi-invalid', { detail: `${at} ${e.message ?? 'is not valid'}` }, loc(e.instancePath)));
      }
    }
  }
  return out; // positions: once, at the pipeline's exit (src/pipeline.ts)
}

/**
 * What to write for a security scheme with no `type`. A key such as `x-gateway` right under
 * components.securitySchemes is read as a scheme of that name: said so, since that is the fix.
 */
function schemeTypeHint(name: string): string {
  if (name.startsWith('x-')) return `"${name}" sits where a scheme name goes, so it is read as a security scheme: move it inside the scheme it belongs to, beside that scheme's type`;
  return 'type: apiKey, http, oauth2 or openIdConnect (mutualTLS in 3.1)';
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
const BY_PARENT: Record<string, string> = { content: 'media type', servers: 'server', tags: 'tag', encoding: 'encoding', flows: 'OAuth flow', variables: 'server variable' };
const BY_KEY: Record<string, string> = { info: 'info object', components: 'components object', flows: 'OAuth flows object', license: 'license', contact: 'contact', externalDocs: 'external docs object', xml: 'xml object', discriminator: 'discriminator', paths: 'paths object' };
const BY_SLOT: Record<string, string> = { requestBody: 'request body', securityScheme: 'security scheme', pathItem: 'path item' };

/** What the object at `tokens` is, in OpenAPI's words: "operation", "response", "security scheme". */
function objectName(tokens: string[], definition: string): string {
  if (tokens.length === 0) return 'document';
  const last = tokens.at(-1)!;
  const parent = tokens.at(-2);
  if (METHODS.has(last) && (tokens.at(-3) === 'paths' || tokens.at(-3) === 'webhooks' || tokens.at(-4) === 'callbacks')) return 'operation';
  const slot = slotKind(tokens);
  if (slot !== 'other') return BY_SLOT[slot] ?? slot;
  if (parent !== undefined && BY_PARENT[parent]) return BY_PARENT[parent]!;
  if (BY_KEY[last]) return BY_KEY[last]!;
  return definition ? words(definition) : 'object';
}

/** "Operation", "security-scheme", "APIKeySecurityScheme" as words. */
function words(name: string): string {
  return name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/-/g, ' ')
    .toLowerCase();
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}
