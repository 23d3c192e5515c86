/**
 * `gwc lint`: validation, the gwc ruleset, gateway-semantic checks and any Spectral rulesets the
 * config extends, all as gwc diagnostics with file:line:col. Returns values; prints nothing.
 * Load, validate and model are the pipeline's (src/pipeline.ts), as for every command; the rules
 * are its review step, reading the same loaded spec and model.
 */
import { diag, type Diagnostic, type Severity } from '../diagnostics/diagnostic.js';
import type { Gateway } from '../model/types.js';
import { modelOf, runPipeline, type SpecOptions } from '../pipeline.js';
import type { LoadedSpec } from '../spec/loaded-spec.js';
import { resolveFlavour } from '../targets/flavour.js';
import { loadTarget, TARGET_NAMES } from '../targets/names.js';
import type { Target } from '../targets/target.js';
import { emptyConfig, settingFor, type LintConfig } from './config.js';
import { environmentModelErrors, type ModelFor } from './environments.js';
import { CORE_RULES } from './core-rules.js';
import { applyIgnores } from './ignore.js';
import { extend, render, type LintContext, type Rule } from './rule.js';
import { RULES } from './rules/index.js';
import { inRuleset } from './ruleset.js';
import { compareText } from '../diagnostics/collate.js';

export interface LintOptions extends SpecOptions {
  /** Check portability against this target only (default: the spec's `x-gateway.targets`, else every registered target). */
  target?: string;
  config?: LintConfig;
  /** The rules to run; the registry by default (tests pass one rule). */
  rules?: readonly Rule[];
  /** Targets to check against instead of the registry (tests pass fakes). */
  targets?: readonly Target[];
  /**
   * `--option` per target name, as `gwc build` takes them: an option that selects a flavour
   * (`aws.api=http`) makes lint check that flavour's table and compile, so lint green means build green.
   */
  targetOptions?: Readonly<Record<string, Record<string, string>>>;
}

export interface LintResult {
  spec?: LoadedSpec;
  gateway?: Gateway;
  diagnostics: Diagnostic[];
}

export async function lint(file: string, options: LintOptions = {}): Promise<LintResult> {
  // `targets` here are the targets to check against, not to build: the pipeline compiles none.
  const { target, config = emptyConfig(), rules, targets: fakes, targetOptions, ...specOptions } = options;
  let unknownTarget = false;
  const run = await runPipeline(file, {
    ...specOptions,
    // Unlike the build, lint keeps the model when it has errors: the rules still have things to say.
    keepModel: true,
    review: async ({ spec, gateway, diagnostics }) => {
      let targets: readonly Target[];
      if (target !== undefined) {
        const t = fakes?.find((x) => x.name === target) ?? (await loadTarget(target));
        if (!t) {
          unknownTarget = true;
          return [diag('unknown-target', { name: target, known: TARGET_NAMES.join(', ') })];
        }
        targets = [t];
      } else {
        // A spec that names its targets is checked against those (a team on nginx is not told what AWS lacks).
        const declared = gateway?.targets?.names;
        const checked = (name: string) => !declared || declared.includes(name);
        // Only the targets checked are imported (#18: the four compilers and their template engines
        // are about a third of a small lint's CPU), in the registry's order as before.
        targets = fakes ? fakes.filter((t) => checked(t.name)) : await loadTargets(TARGET_NAMES.filter(checked));
      }
      targets = targets.map((t) => resolveFlavour(t, targetOptions?.[t.name]));
      // The pipeline's errors stop the build too: no setting or ignore lowers them (DESIGN.md 7.7).
      for (const d of diagnostics) if (d.severity === 'error') refusals.add(d);
      const models = cachedModels(spec);
      // Without --env, each overlay's own model errors are the build's too (environments.ts).
      const envErrors = gateway && specOptions.env === undefined ? environmentModelErrors(spec, diagnostics, models) : [];
      for (const d of envErrors) refusals.add(d);
      const gatewayFor = (env: string) => models(env).gateway;
      const found = [...diagnostics, ...envErrors, ...runRules({ spec, ...(gateway ? { gateway } : {}), targets, gatewayFor, ...(specOptions.env !== undefined ? { env: specOptions.env } : {}), ...(targetOptions ? { targetOptions } : {}) }, rules ?? RULES, config)];
      if (config.spectral.length > 0) {
        // Loaded only for a config that extends a Spectral ruleset: Spectral's modules are about
        // 280 ms of CPU at start-up, a tenth of linting GitHub's description (#18).
        const { runSpectral } = await import('./spectral.js');
        found.push(...dropDuplicates(await runSpectral(spec, config.spectral), found));
      }
      return applyIgnores(spec, applyConfig(config, dedupe(found)), (d) => refusals.has(d));
    },
  });
  const gateway = unknownTarget ? undefined : run.gateway;
  return { ...(run.spec ? { spec: run.spec } : {}), ...(gateway ? { gateway } : {}), diagnostics: run.diagnostics };
}

/** The registry's targets of these names, in the order given. */
export async function loadTargets(names: readonly string[]): Promise<Target[]> {
  return (await Promise.all(names.map(loadTarget))).filter((t): t is Target => t !== undefined);
}

/** The model phase under each x-gateway environment lint asks about, run once each. */
function cachedModels(spec: LoadedSpec): ModelFor {
  const cache = new Map<string, ReturnType<ModelFor>>();
  return (env) => {
    let model = cache.get(env);
    if (!model) cache.set(env, (model = modelOf(spec, env)));
    return model;
  };
}

/**
 * Diagnostics that say what `gwc build` refuses (the pipeline's errors, reports a rule marks
 * `refusal`): applyConfig and applyIgnores leave them as they are, so lint green means build green
 * whatever a config or an `x-gwc-ignore` says (DESIGN.md 7.7).
 */
const refusals = new WeakSet<Diagnostic>();

/** Each rule the config runs, its reports as diagnostics (a rule that throws is an internal-error, the others still run). */
function runRules(ctx: LintContext, rules: readonly Rule[], config: LintConfig): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const rule of rules) {
    // Whether it runs by default (recommended) is the ruleset's data, rules/gwc.yaml, as its metadata
    // is; a rule reporting the build's refusals runs always (its other reports follow the config).
    const refuses = rule.meta.refuses === true;
    const on = inRuleset(rule.meta.id, config) && !(config.rules[rule.meta.id] === 'off' && !config.overrides.some((o) => o.rules[rule.meta.id] && o.rules[rule.meta.id] !== 'off'));
    if (!on && !refuses) continue;
    if (rule.meta.needsModel && !ctx.gateway) continue;
    try {
      rule.check(ctx, (messageId, params, loc, extra = {}) => {
        const refusal = refuses && extra.refusal === true;
        if (!on && !refusal) return;
        const d: Diagnostic = {
          code: rule.meta.id,
          severity: refusal ? 'error' : (extra.severity ?? rule.meta.severity),
          message: render(rule.meta.messages[messageId] ?? messageId, params),
          params: extend(params, { messageId }),
          loc,
        };
        if (extra.target) d.target = extra.target;
        if (refusal) refusals.add(d);
        diagnostics.push(d);
      });
    } catch (e) {
      diagnostics.push(diag('internal-error', { detail: `rule ${rule.meta.id}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}` }));
    }
  }
  return diagnostics;
}

/** Severity overrides and `off`, per rule and per file or pointer. */
function applyConfig(config: LintConfig, list: Diagnostic[]): Diagnostic[] {
  if (Object.keys(config.rules).length === 0 && config.overrides.length === 0) return list;
  const out: Diagnostic[] = [];
  for (const d of list) {
    const setting = refusals.has(d) ? undefined : settingFor(config, String(d.code), d.loc?.file, d.loc?.pointer);
    if (setting === 'off') continue;
    out.push(setting ? { ...d, severity: setting as Severity } : d);
  }
  return out;
}

/**
 * The model already reports a literal in a secret field (bad-secret); secret-literal says the same
 * about the same node, so only one stays. Also drops exact repeats.
 */
function dedupe(list: Diagnostic[]): Diagnostic[] {
  const placeOf = (d: Diagnostic) => (d.loc ? `${d.loc.file}#${d.loc.pointer}` : '');
  const badSecret = new Set(list.filter((d) => d.code === 'bad-secret' && d.loc).map(placeOf));
  // A repeat is one whose `code|place|target|message` text was seen. When no code, place or
  // target holds a '|', that text is the four parts themselves, so the key leaves the message out
  // and messages are compared as they are (#18: each was copied into a key, 41,000 at 10k routes).
  // When no file holds a '#' either, a place (`file#pointer`) is its file and pointer, so the parts
  // are keyed one by one in nested maps and no place or key text is made (#18: two per diagnostic).
  const plain = list.every((d) => !String(d.code).includes('|') && !(d.loc && (d.loc.file.includes('|') || d.loc.pointer.includes('|'))) && !(d.target ?? '').includes('|'));
  const parts = plain && list.every((d) => !d.loc?.file.includes('#'));
  const seen = new Map<string, string | Set<string>>();
  const byParts = new Map<unknown, Map<unknown, Map<unknown, Map<unknown, string | Set<string>>>>>();
  return list.filter((d) => {
    if (d.code === 'secret-literal' && badSecret.has(placeOf(d))) return false;
    let had: string | Set<string> | undefined;
    let set: (v: string | Set<string>) => void;
    const message = plain ? d.message : '';
    if (parts) {
      const byTarget = at(at(at(byParts, String(d.code)), d.loc?.file), d.loc?.pointer);
      const target = d.target ?? '';
      had = byTarget.get(target);
      set = (v) => byTarget.set(target, v);
    } else {
      const place = placeOf(d);
      const key = plain ? `${d.code}|${place}|${d.target ?? ''}` : `${d.code}|${place}|${d.target ?? ''}|${d.message}`;
      had = seen.get(key);
      set = (v) => seen.set(key, v);
    }
    if (had === undefined) set(message);
    else if (had === message || (typeof had !== 'string' && had.has(message))) return false;
    else if (typeof had === 'string') set(new Set([had, message]));
    else had.add(message);
    return true;
  });
}

/** `map`'s map at `key`, made when absent. */
function at<V>(map: Map<unknown, Map<unknown, V>>, key: unknown): Map<unknown, V> {
  let next = map.get(key);
  if (!next) map.set(key, (next = new Map()));
  return next;
}

/** A Spectral rule gwc also runs natively (same id, same place) is reported once. */
function dropDuplicates(spectral: Diagnostic[], ours: Diagnostic[]): Diagnostic[] {
  const have = new Set(ours.map((d) => `${d.code}|${d.loc?.file}#${d.loc?.pointer}`));
  return spectral.filter((d) => !have.has(`${d.code}|${d.loc?.file}#${d.loc?.pointer}`));
}

export interface RuleInfo {
  id: string;
  category: string;
  severity: Severity;
  doc: string;
  /** 'gwc' for the rules in src/lint/rules, 'core' for the model's own checks. */
  kind: 'gwc' | 'core';
}

/** Every rule gwc runs, for `--list-rules` and the SARIF rule table, sorted by id. */
export function listRules(): RuleInfo[] {
  return [
    ...RULES.map((r) => ({ id: r.meta.id, category: r.meta.category, severity: r.meta.severity, doc: r.meta.doc, kind: 'gwc' as const })),
    ...CORE_RULES.map((r) => ({ ...r, kind: 'core' as const })),
  ].sort((a, b) => compareText(a.id, b.id));
}
