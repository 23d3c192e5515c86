/**
 * The pipeline, written once (#17 item 1): load → validate → model → capability check → target
 * compile, up to the emit-ready result (each target's files; src/cli/write.ts writes them). Every
 * command, the library API (src/api.ts) and the test helpers come in through `runPipeline`; no
 * other file runs the loader, the validators and the normaliser in a row, and the only call of a
 * target's compile is src/targets/compile.ts's.
 *
 * Diagnostics carry a Loc (file + JSON pointer) through every phase; line:col are resolved once,
 * where a run leaves the pipeline (`finish`), from the loaded spec's source maps in one pass
 * (src/spec/positions.ts), as Redocly's getLineColLocation does at its edge.
 *
 * Imports no target compiler: the targets a run compiles are loaded on demand
 * (src/targets/names.ts), so `gwc validate` and `gwc routes` load none.
 */
import { diag, hasErrors, sortDiagnostics, type Diagnostic } from './diagnostics/diagnostic.js';
import { normalise } from './model/normalise/index.js';
import type { Gateway } from './model/types.js';
import type { LoadedSpec } from './spec/loaded-spec.js';
import { loadSpec, type LoadOptions } from './spec/loader.js';
import { locateAll } from './spec/positions.js';
import { compileWith, type BuildResult } from './targets/compile.js';
import { loadTarget, TARGET_NAMES } from './targets/names.js';
import type { Target } from './targets/target.js';
import { validateEnvironment, validateExtensions } from './validate/extensions.js';
import { validateOpenApi } from './validate/openapi.js';
import { addSchemeHints } from './validate/scheme-hint.js';

export type { BuildResult } from './targets/compile.js';

export interface SpecOptions extends LoadOptions {
  env?: string;
}

/** What load → validate → model made of a spec. */
export interface Validated {
  spec?: LoadedSpec;
  /** The model; absent when any diagnostic is an error (unless the request keeps it). */
  gateway?: Gateway;
  diagnostics: Diagnostic[];
}

/** Each target's options by target name, with what was wrong with them (`gwc build --option`). */
export interface TargetOptions {
  byTarget: ReadonlyMap<string, Record<string, string>>;
  diagnostics: Diagnostic[];
}

export interface PipelineRequest extends SpecOptions {
  /**
   * Compile these from the one model: names or Target values (tests pass fakes); `all` is the
   * spec's `x-gateway.targets` when it names them, else every target. None: load to the model only.
   */
  targets?: readonly (string | Target)[] | 'all';
  /** Each target's options by name, or a parser of `--option` against the targets compiled (src/cli/target-options.ts). */
  options?: Readonly<Record<string, Record<string, string>>> | ((targets: readonly Target[]) => TargetOptions);
  /** Keep the model when the model phase reported errors (lint's rules still have things to say). */
  keepModel?: boolean;
  /**
   * Reads the loaded spec and the model after the model phase and returns the run's diagnostics
   * (lint: its rules' findings added, the user's config applied). Runs whenever the spec loaded.
   */
  review?: (loaded: Validated & { spec: LoadedSpec }) => Promise<Diagnostic[]> | Diagnostic[];
}

/** One target's emit-ready result. */
export interface Compiled extends BuildResult {
  /** The target compiled; absent for an unknown name (then `unknown-target` says so). */
  compiler?: Target;
  options: Record<string, string>;
}

export interface PipelineResult extends Validated {
  /** One per target compiled, in the order asked; each one's diagnostics sorted on their own. */
  builds: Compiled[];
  /** A target option was wrong (`options`' diagnostics, after the spec's): nothing was compiled. */
  usage: boolean;
}

/** The one entry: load, validate and model once, then compile each target asked for from that one model. */
export async function runPipeline(file: string, request: PipelineRequest = {}): Promise<PipelineResult> {
  const front = await loadModel(file, request);
  const spec = front.spec;
  if (!spec) return { diagnostics: sortDiagnostics(front.diagnostics), builds: [], usage: false };
  const diagnostics = request.review ? await request.review({ ...front, spec }) : front.diagnostics;
  const gateway = front.gateway && (request.keepModel || !hasErrors(diagnostics)) ? front.gateway : undefined;
  const done = (builds: Compiled[], more: Diagnostic[] = [], usage = false): PipelineResult => ({
    ...finish(spec, diagnostics, builds, more),
    ...(gateway ? { gateway } : {}),
    usage,
  });
  if (!gateway || request.targets === undefined) return done([]);
  const names = request.targets === 'all' ? (gateway.targets?.names ?? TARGET_NAMES) : request.targets;
  const targets = await Promise.all(names.map((t) => (typeof t === 'string' ? loadTarget(t) : t)));
  const known = targets.filter((t): t is Target => t !== undefined);
  const options = typeof request.options === 'function' ? request.options(known) : { byTarget: new Map(Object.entries(request.options ?? {})), diagnostics: [] };
  if (hasErrors(options.diagnostics)) return done([], options.diagnostics, true);
  const builds = names.map((name, i): Compiled => {
    const target = targets[i];
    if (!target) return { target: String(name), files: [], diagnostics: [diag('unknown-target', { name: String(name), known: TARGET_NAMES.join(', ') })], options: {} };
    const opts = options.byTarget.get(target.name) ?? {};
    return { ...compileWith(target, gateway, opts, spec), compiler: target, options: opts };
  });
  return done(builds, options.diagnostics);
}

/**
 * One target from a model already in hand (the API's `compileGateway`; tests build models in
 * memory): capability check and compile, positions resolved when the spec is given.
 */
export function compileModel(target: Target, gateway: Gateway, options: Record<string, string> = {}, spec?: LoadedSpec): BuildResult {
  const built = compileWith(target, gateway, options, spec);
  return { ...built, diagnostics: sortDiagnostics(spec ? locateAll(spec, built.diagnostics) : built.diagnostics) };
}

/** The model under an x-gateway environment overlay: the model phase as every run calls it. */
export function modelOf(spec: LoadedSpec, env?: string): { gateway?: Gateway; diagnostics: Diagnostic[] } {
  // The overlay merged is held to the root's schema first, as the root is (no model of an invalid one).
  const invalid = env !== undefined ? validateEnvironment(spec, env) : [];
  if (hasErrors(invalid)) return { diagnostics: invalid };
  return normalise(spec, { ...(env !== undefined ? { env } : {}), targets: TARGET_NAMES });
}

/**
 * Parse, OpenAPI structure, x-gateway schema, then the model; the model phase is skipped when
 * the structure has errors. The gateway is returned whenever the model phase ran; positions are not
 * resolved here (`finish` does, once).
 */
async function loadModel(file: string, options: SpecOptions): Promise<Validated> {
  const loaded = await loadSpec(file, options);
  const spec = loaded.spec;
  // Without a spec there are no source maps to carry to the edge: the loader placed its own.
  if (!spec) return { diagnostics: loaded.diagnostics };
  const diagnostics = [...loaded.diagnostics];
  diagnostics.push(...(await validateOpenApi(spec)));
  diagnostics.push(...validateExtensions(spec));
  if (hasErrors(diagnostics)) return { spec, diagnostics };
  const model = modelOf(spec, options.env);
  diagnostics.push(...model.diagnostics);
  await addSchemeHints(diagnostics, spec); // the x-gateway to paste, as validate, build and lint show it
  return { spec, ...(model.gateway ? { gateway: model.gateway } : {}), diagnostics };
}

/**
 * The edge: every diagnostic of the run located in one pass over the spec's files (one scan of a
 * 13 MB JSON description, not one per phase), then each list sorted. `more` (option problems,
 * which have no place in the spec) follow the spec's, as the command prints them.
 */
function finish(spec: LoadedSpec, diagnostics: Diagnostic[], builds: Compiled[], more: Diagnostic[]): { spec: LoadedSpec; diagnostics: Diagnostic[]; builds: Compiled[] } {
  locateAll(spec, [...diagnostics, ...builds.flatMap((b) => b.diagnostics)]);
  return {
    spec,
    diagnostics: [...sortDiagnostics(diagnostics), ...more],
    builds: builds.map((b) => ({ ...b, diagnostics: sortDiagnostics(b.diagnostics) })),
  };
}

/** load → validate → model, for the callers that compile nothing (`gwc validate`, `gwc routes`, the API's `loadGateway`). */
export async function loadGateway(file: string, options: SpecOptions = {}): Promise<Validated> {
  const { spec, gateway, diagnostics } = await runPipeline(file, options);
  return { ...(spec ? { spec } : {}), ...(gateway ? { gateway } : {}), diagnostics };
}
