import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import type { Gateway } from '../../model/types.js';
import { compileFindings } from '../../targets/compile.js';
import { checkedCapabilities } from '../capabilities.js';
import type { Target } from '../../targets/target.js';
import { defineRule, extend, type LintContext, type Report, type Rule } from '../rule.js';
import { environmentNames, errorKey, inEnvironment } from '../environments.js';

/**
 * DESIGN.md 7.7: `gwc lint` reports what `gwc build --target T` refuses. Refusals a target finds
 * only while compiling (not from its capability table) are relayed from the target's own compile,
 * run here with the build's options (`--option`), so lint and build share one implementation. One rule per
 * diagnostic code, named like it, so each can be tuned; a target the lint run does not check
 * (`--target`, `x-gateway.targets`) is not compiled.
 */
// Per lint run (its context), not per model: the model outlives the rules, the findings of four
// compiles need not (#18: lint's memory at 10,000 routes).
const compiled = new WeakMap<LintContext, Map<string, Diagnostic[]>>();
function diagnosticsOf(ctx: LintContext, gateway: Gateway, target: Target): Diagnostic[] {
  let m = compiled.get(ctx);
  if (!m) compiled.set(ctx, (m = new Map()));
  let list = m.get(target.name);
  if (!list) {
    const own = compileOne(ctx, gateway, target);
    list = [...own, ...environmentRefusals(ctx, own, target)];
    m.set(target.name, list);
  }
  return list;
}

// The build's own compile, with the options the build would take (`--option`; the target checks
// them, target-option-invalid); a crash is the build's to report (internal-error), not lint's.
function compileOne(ctx: LintContext, gateway: Gateway, target: Target): Diagnostic[] {
  return compileFindings(target, gateway, ctx.targetOptions?.[target.name] ?? {}, ctx.spec, checkedCapabilities(ctx, gateway, target).plan);
}

/**
 * Lint without `--env` speaks for `gwc build --env E` of every environment of the spec too (a pull
 * request's lint is green only if each release build is): the refusals each overlay's compile makes
 * that the base's does not, at the same place, the environment named. A spec without environments
 * compiles once.
 */
function environmentRefusals(ctx: LintContext, base: readonly Diagnostic[], target: Target): Diagnostic[] {
  const names = ctx.env === undefined ? environmentNames(ctx.spec) : [];
  if (names.length === 0) return [];
  const key = errorKey;
  const baseChecked = ctx.gateway ? checkedCapabilities(ctx, ctx.gateway, target).diagnostics : [];
  const seen = new Set([...base, ...baseChecked].filter((d) => d.severity === 'error').map(key));
  const out: Diagnostic[] = [];
  for (const env of names) {
    const gateway = ctx.gatewayFor(env);
    if (!gateway) continue; // an unknown environment: none of environmentNames
    // The capability table's refusals too: the portability rules read the base model's only.
    const checked = checkedCapabilities(ctx, gateway, target);
    const plan = checked.plan;
    for (const d of [...checked.diagnostics, ...compileFindings(target, gateway, ctx.targetOptions?.[target.name] ?? {}, ctx.spec, plan)]) {
      if (d.severity !== 'error' || seen.has(key(d))) continue;
      seen.add(key(d));
      out.push(inEnvironment(d, env));
    }
  }
  return out;
}

/** A rule relaying one code of `target`'s compile; its severity, doc line and text are rules/gwc.yaml's. */
function relay(target: string, code: string): Rule<'refused'> {
  return defineRule({
    meta: { id: code, needsModel: true, refuses: true, messageIds: ['refused'] },
    check(ctx: LintContext, report: Report<'refused'>) {
      const t = ctx.targets.find((x) => x.name === target);
      if (!ctx.gateway || !t) return;
      for (const d of diagnosticsOf(ctx, ctx.gateway, t)) {
        if (d.code === code && d.loc) report('refused', extend(d.params, { detail: d.message }), d.loc, { target, severity: d.severity, refusal: d.severity === 'error' });
      }
    },
  });
}

/** The aws target's compile-time refusals and warnings (src/targets/aws). */
export const AWS_REFUSALS: readonly Rule[] = [
  relay('aws', 'aws-api-key-schemes-merged'),
  relay('aws', 'aws-cache-identity-unkeyed'),
  relay('aws', 'aws-authorizer-cache-unkeyed'),
  relay('aws', 'aws-path-param-confusable'),
  relay('aws', 'aws-backend-private-host'),
  relay('aws', 'aws-connect-timeout-ignored'),
] as Rule[];

const RELAYED = new Set(AWS_REFUSALS.map((r) => r.meta.id));

/**
 * Everything else a checked target's own compile refuses or warns about (Kong's file secrets and
 * shared-consumer caches, nginx's JWKS-only JWT, Traefik's unverifiable limit keys, ...), under
 * the build's code and at the build's position: the class fix for DESIGN.md 7.7, so a new
 * compile-time refusal reaches lint without a rule of its own. Capability-table findings are the
 * portability rules' (the target compile does not repeat them).
 */
export const targetCompile = defineRule({
  meta: { id: 'target-compile', needsModel: true, refuses: true, messageIds: ['refused'] },
  check(ctx: LintContext, report: Report<'refused'>) {
    if (!ctx.gateway) return;
    for (const t of ctx.targets) {
      for (const d of diagnosticsOf(ctx, ctx.gateway, t)) {
        if (RELAYED.has(d.code) || d.severity === 'info') continue;
        report('refused', extend(d.params, { code: d.code, target: t.name, detail: d.message }), d.loc ?? ctx.gateway.loc, { target: t.name, severity: d.severity, refusal: d.severity === 'error' });
      }
    }
  },
});
