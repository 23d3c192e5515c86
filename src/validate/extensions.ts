/**
 * Validates every x-gateway object (root, path items, operations, security schemes) against
 * schemas/x-gateway.schema.json with ajv, and turns ajv's errors into diagnostics at the exact
 * key, with a "did you mean" for misspelt keys.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Ajv as AjvClass, ErrorObject, ValidateFunction } from 'ajv';
import { diag, type Diagnostic, type Loc } from '../diagnostics/diagnostic.js';
import type { LoadedSpec, Located } from '../spec/loaded-spec.js';
import { joinPointer, splitPointer } from '../spec/pointer.js';
import { overlaidRoot } from '../model/environments.js';
import { Walker } from '../model/normalise/node.js';
import { precompiled, sha256 } from './precompiled.js';
import { suggest } from './suggest.js';

export const SCHEMA_URL = new URL('../../schemas/x-gateway.schema.json', import.meta.url);

type Schema = { definitions: Record<string, { properties?: Record<string, unknown> }> } & Record<string, unknown>;

let compiled: { schema: Schema; validators: Record<string, ValidateFunction> } | undefined;

export function xGatewaySchema(): Schema {
  return load().schema;
}

function load() {
  if (compiled) return compiled;
  const bytes = readFileSync(SCHEMA_URL);
  const schema = JSON.parse(bytes.toString('utf8')) as Schema;
  // Only validators compiled from these exact bytes: did-you-mean reads `schema` below.
  const built = precompiled('x-gateway', sha256(bytes));
  if (built) return (compiled = { schema, validators: built });
  // Loaded only here: a built gwc uses the precompiled validators and never needs ajv's compiler.
  const { Ajv } = createRequire(import.meta.url)('ajv') as { Ajv: typeof AjvClass };
  const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
  ajv.addSchema(schema, 'gwc');
  const def = (name: string) => ajv.getSchema(`gwc#/definitions/${name}`)!;
  compiled = {
    schema,
    validators: { root: def('root'), routeSettings: def('routeSettings'), securityScheme: def('securityScheme') },
  };
  return compiled;
}

/** Every x-gateway object in the spec, with the definition it must satisfy. */
function extensionsOf(spec: LoadedSpec): Array<{ node: Located; def: string }> {
  const out: Array<{ node: Located; def: string }> = [];
  const child = (n: Located, key: string): Located => ({
    value: (n.value as Record<string, unknown> | null)?.[key],
    loc: { file: n.loc.file, pointer: joinPointer(n.loc.pointer, key) },
  });
  // Through $refs by the one resolver (Walker.follow, src/spec/resolve.ts); an x-gateway object
  // itself is validated as written (the schema refuses a `$ref` in it).
  const w = new Walker(spec);
  const root = spec.root;
  const x = child(root, 'x-gateway');
  if (x.value !== undefined) out.push({ node: x, def: 'root' });
  const paths = w.follow(child(root, 'paths'));
  for (const p of Object.keys((paths?.value as object) ?? {})) {
    const item = w.follow(child(paths, p));
    if (typeof item.value !== 'object' || item.value === null) continue;
    const px = child(item, 'x-gateway');
    if (px.value !== undefined) out.push({ node: px, def: 'routeSettings' });
    for (const m of Object.keys(item.value)) {
      const op = w.follow(child(item, m));
      if (typeof op.value !== 'object' || op.value === null || m.startsWith('x-') || m === 'parameters') continue;
      const ox = child(op, 'x-gateway');
      if (ox.value !== undefined) out.push({ node: ox, def: 'routeSettings' });
    }
  }
  const schemes = w.follow(child(child(root, 'components'), 'securitySchemes'));
  for (const s of Object.keys((schemes?.value as object) ?? {})) {
    const sx = child(w.follow(child(schemes, s)), 'x-gateway');
    if (sx.value !== undefined) out.push({ node: sx, def: 'securityScheme' });
  }
  return out;
}

export function validateExtensions(spec: LoadedSpec): Diagnostic[] {
  const { validators } = load();
  const diagnostics: Diagnostic[] = [];
  for (const { node, def } of extensionsOf(spec)) {
    const validate = validators[def]!;
    if (validate(node.value)) continue;
    diagnostics.push(...toDiagnostics(validate.errors ?? [], (path) => ({ file: node.loc.file, pointer: node.loc.pointer + path })));
  }
  return diagnostics;
}

/**
 * The root x-gateway as `--env env` merges it, against the same schema as the root (red team 16:
 * an overlay was checked only to be an object per key, so `rateLimit: {requests: 0}` - Traefik's
 * `average: 0`, no limit at all -, an accepted gap without a reason, or a misspelt key built).
 * Each error is placed where the offending value is written, in the overlay or the base.
 */
export function validateEnvironment(spec: LoadedSpec, env: string): Diagnostic[] {
  const merged = overlaidRoot(spec, env);
  const validate = load().validators.root!;
  if (!merged || validate(merged.node.value)) return [];
  const { walker, node } = merged;
  const locate = (path: string): Loc => {
    let at = node;
    for (const key of splitPointer(path)) at = walker.child(at, Array.isArray(at.value) ? Number(key) : key);
    return at.loc;
  };
  return toDiagnostics(validate.errors ?? [], locate);
}

function toDiagnostics(errors: ErrorObject[], locate: (instancePath: string) => Loc): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  const specific = errors.filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'if');
  // An anyOf whose branches all failed produces one error per branch; keep the deepest and the first.
  for (const e of specific.length > 0 ? specific : errors) {
    const base = locate(e.instancePath);
    if (e.keyword === 'additionalProperties') {
      const key = String(e.params.additionalProperty);
      const known = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const d = diag('schema-unknown-key', { key, suggestion: suggest(key, known) }, locate(joinPointer(e.instancePath, key)));
      push(d);
      continue;
    }
    if (e.keyword === 'const' && e.params.allowedValue === false) continue; // the `false` branch of "x or false"
    const where = splitPointer(e.instancePath).join('.') || 'x-gateway';
    push(diag('schema-invalid', { detail: `${where} ${e.message ?? 'is invalid'}${allowed(e)}` }, base));
  }
  return out;

  function push(d: Diagnostic) {
    const key = `${d.loc?.pointer}|${d.code}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(d);
  }
}

function allowed(e: ErrorObject): string {
  return e.keyword === 'enum' ? `: ${(e.params.allowedValues as unknown[]).map(String).join(', ')}` : '';
}
