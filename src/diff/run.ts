/**
 * `gwc diff` as a library call: compile the spec, read the deployed state through the target's
 * reader, normalise both with the same normaliser, and plan. Returns values and diagnostics; the
 * command renders them and sets the exit code.
 */
import { runPipeline, type SpecOptions } from '../pipeline.js';
import { diag, hasErrors, sortDiagnostics, type Diagnostic } from '../diagnostics/diagnostic.js';
import { findTarget, TARGET_NAMES } from '../targets/index.js';
import type { DeployedReader, ReadOptions, State } from './entity.js';
import { GitBaseError, withSpecAtRef } from './git-base.js';
import { trustEntities, withoutTrust } from './trust.js';
import { consumerEntities } from './consumers.js';
import { diffStates, type Plan } from './plan.js';
import { environmentRequired, withEnvironments, type EnvironmentPlan } from './environments.js';
import type { LoadedSpec } from '../spec/loaded-spec.js';
import { environmentNames, inEnvironment } from '../model/environments.js';
import { compareText } from '../diagnostics/collate.js';

export interface DiffResult {
  plan?: Plan;
  /** What runs now (deployed, or the spec at the base ref). */
  from?: State;
  /** What the spec would make it. */
  to?: State;
  /** `--base` without `--env`: each x-gateway environment's two builds and its own plan (its items are in `plan` too, named). */
  environments?: Array<EnvironmentPlan & { from: State; to: State }>;
  diagnostics: Diagnostic[];
}

export function readerOf(targetName: string): { reader?: DeployedReader; diagnostics: Diagnostic[] } {
  const target = findTarget(targetName);
  if (!target) return { diagnostics: [diag('unknown-target', { name: targetName, known: TARGET_NAMES.join(', ') })] };
  if (!target.deployed) return { diagnostics: [diag('deployed-unsupported', { target: target.name })] };
  return { reader: target.deployed, diagnostics: [] };
}

/** The spec compiled for the target and normalised as deployed state would be. */
export async function compiledState(
  spec: string,
  targetName: string,
  options: SpecOptions & { options?: Record<string, string> },
): Promise<{ state?: State; diagnostics: Diagnostic[]; environments?: string[]; spec?: LoadedSpec }> {
  const { reader, diagnostics } = readerOf(targetName);
  if (!reader) return { diagnostics };
  const { options: chosen = {}, ...specOptions } = options;
  const run = await runPipeline(spec, { ...specOptions, targets: [targetName], options: { [targetName]: chosen } });
  const built = run.builds[0];
  const environments = run.spec ? environmentNames(run.spec) : [];
  const loaded = run.spec ? { spec: run.spec } : {};
  if (!run.gateway || !built) return { diagnostics: run.diagnostics, environments, ...loaded };
  const all = sortDiagnostics([...run.diagnostics, ...built.diagnostics]);
  if (hasErrors(all)) return { diagnostics: all, environments, ...loaded };
  const read = reader.normalise(built.files, `gwc build --target ${targetName}`);
  if (!read.state) return { diagnostics: [...all, ...read.diagnostics], environments, ...loaded };
  // What the build takes on the spec's word, and who holds a credential, are no part of its files
  // on every target (trust.ts, consumers.ts).
  // A reader whose entities say what consumers hold (Kong's consumers) needs no second copy.
  const readerHolds = read.state.entities.some((e) => e.facts?.holds !== undefined);
  const entities = [...read.state.entities, ...trustEntities(run.gateway, targetName), ...(readerHolds ? [] : consumerEntities(run.gateway))];
  return { state: { ...read.state, entities, files: built.files }, diagnostics: [...all, ...read.diagnostics], environments, ...loaded };
}

/**
 * Deployed state (a file, a URL, or a named deployment) against the spec. A spec with
 * x-gateway.environments needs `env` (the overlay the gateway was built with) or `withoutEnv`
 * (built without one): else `diff-env-required` and nothing is read (environments.ts).
 */
export async function diffDeployed(
  spec: string,
  options: SpecOptions & { target: string; deployed?: string; options?: Record<string, string>; read?: ReadOptions; withoutEnv?: boolean },
): Promise<DiffResult> {
  const { reader, diagnostics } = readerOf(options.target);
  if (!reader) return { diagnostics };
  const { withoutEnv, ...specOptions } = options;
  const to = await compiledState(spec, options.target, specOptions);
  const required = options.env === undefined && !withoutEnv && to.spec ? environmentRequired(to.spec, options.target, options.deployed ?? 'the deployed gateway') : undefined;
  if (required) return { diagnostics: [...to.diagnostics, required] };
  if (!to.state) return { diagnostics: to.diagnostics };
  const from = await reader.read(options.deployed, options.read ?? {});
  // Deployed-state diagnostics point at the deployed file (or URL) they are about.
  const source = options.deployed;
  const located = from.diagnostics.map((d) => (d.loc || !source ? d : { ...d, loc: { file: source, pointer: '' } }));
  const all = [...to.diagnostics, ...located];
  if (!from.state || hasErrors(all)) return { diagnostics: all };
  const layout = from.state.layout && to.state.layout && from.state.layout !== to.state.layout;
  if (layout) {
    const fix = `build and diff with the same layout (--option mode=${from.state.layout})`;
    const d = diag('deployed-layout-differs', { target: options.target, source: source ?? 'deployed', deployed: from.state.layout!, compiled: to.state.layout!, fix });
    return { diagnostics: [...all, source ? { ...d, loc: { file: source, pointer: '' } } : d] };
  }
  // What the deployed side could not show is left out of the compiled side too (the reader warned).
  const lacks = from.state.lacks;
  const compiled = lacks && to.state.files ? reader.normalise(to.state.files.filter((f) => !lacks.some((x) => f.path.endsWith(x))), `gwc build --target ${options.target}`) : undefined;
  // Deployed state cannot show what the build took on trust: compared by --base only (trust.ts).
  const toState = compiled?.state ? { ...compiled.state, files: to.state.files! } : { ...to.state, entities: withoutTrust(to.state.entities) };
  return { plan: diffStates(from.state, toState), from: from.state, to: toState, diagnostics: all };
}

/**
 * The spec at a git ref against the working copy: a pull request's gateway-level effect. Without
 * `--env`, each x-gateway environment's build is compared too (environments.ts): an environment
 * one side lacks is that side's base build there (the release of a new environment against what
 * the ref builds without one; of a removed one against the working copy's base build).
 */
export async function diffBase(
  spec: string,
  options: SpecOptions & { target: string; base: string; options?: Record<string, string> },
): Promise<DiffResult> {
  const to = await compiledState(spec, options.target, options);
  if (!to.state) return { diagnostics: to.diagnostics };
  const every = options.env === undefined;
  type Side = { state?: State; diagnostics: Diagnostic[]; environments?: string[] };
  let from: Side;
  const fromEnvs = new Map<string, Side>();
  let names: string[] = [];
  try {
    from = await withSpecAtRef(spec, options.base, async (old, name) => {
      // Only what stops the diff: the base's warnings are the running gateway's, not this change's
      // (the working copy's are shown), and were printed under the temporary checkout's path.
      const errorsOf = (r: Side, env?: string): Side => ({
        ...r,
        diagnostics: r.diagnostics.filter((d) => d.severity === 'error').map((d) => named(d.loc ? { ...d, loc: { ...d.loc, file: name(d.loc.file) } } : d, env)),
      });
      const r = errorsOf(await compiledState(old, options.target, options));
      if (!every || !r.state) return r;
      names = [...new Set([...(r.environments ?? []), ...(to.environments ?? [])])].sort(compareText);
      for (const env of names) {
        fromEnvs.set(env, r.environments?.includes(env) ? errorsOf(await compiledState(old, options.target, { ...options, env }), env) : r);
      }
      return r;
    });
  } catch (e) {
    if (!(e instanceof GitBaseError)) throw e;
    return { diagnostics: [...to.diagnostics, diag('diff-base-failed', { ref: options.base, detail: e.message })] };
  }
  const all = [...to.diagnostics, ...from.diagnostics];
  if (!from.state || hasErrors(all)) return { diagnostics: all };
  const base = diffStates(from.state, to.state);
  const environments: NonNullable<DiffResult['environments']> = [];
  for (const env of names) {
    const fromEnv = fromEnvs.get(env)!;
    // The working copy's build of the environment: its errors stop the diff as the release's build
    // would stop; its warnings are the base build's, already shown.
    const toEnv = to.environments?.includes(env) ? await compiledState(spec, options.target, { ...options, env }) : to;
    all.push(...[...fromEnv.diagnostics, ...toEnv.diagnostics].filter((d) => d.severity === 'error').map((d) => (toEnv === to || d.params?.environment !== undefined ? d : named(d, env))));
    if (!fromEnv.state || !toEnv.state) continue;
    environments.push({ name: env, from: fromEnv.state, to: toEnv.state, plan: diffStates(fromEnv.state, toEnv.state) });
  }
  if (hasErrors(all)) return { diagnostics: all };
  const plan = environments.length > 0 ? withEnvironments(base, environments) : base;
  return { plan, from: from.state, to: to.state, ...(environments.length > 0 ? { environments } : {}), diagnostics: all };
}

/** An error of environment `env`'s build, named as lint names it. */
function named(d: Diagnostic, env: string | undefined): Diagnostic {
  return env === undefined ? d : inEnvironment(d, env);
}
