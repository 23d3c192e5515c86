import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import type { FeatureUse } from '../../model/route-features.js';
import { checkedCapabilities as checked, featuresOf } from '../capabilities.js';
import { defineRule, type LintContext, type Report } from '../rule.js';

/**
 * Portability, read from the targets' capability tables through the core's own capability check
 * (the one `gwc build` runs), so lint and build can never disagree. One rule per outcome, so a
 * team can tune each: unsupported (fail closed), dropped (observability), accepted, emulated.
 */
/** The check's per-route diagnostics, one per target, feature and place, naming the routes (`routes` counts them). */
function relay(code: string, refusal = false) {
  return (ctx: LintContext, report: Report<'gap'>) => {
    if (!ctx.gateway) return;
    for (const target of ctx.targets) {
      const groups = new Map<string, Diagnostic[]>();
      for (const d of checked(ctx, ctx.gateway, target).diagnostics) {
        if (d.code !== code || !d.loc) continue;
        const key = `${d.params.feature}|${d.loc.file}#${d.loc.pointer}`;
        const list = groups.get(key);
        if (list) list.push(d);
        else groups.set(key, [d]);
      }
      for (const list of groups.values()) {
        const first = list[0]!;
        // One line per problem (#16.4): the first routes and a count, not Stripe's 452 names.
        const names = list.map((d) => String(d.params.route));
        const route = names.length <= 5 ? names.join(', ') : `${names.slice(0, 5).join(', ')} and ${names.length - 5} more`;
        report('gap', { ...first.params, route, routes: names.length }, first.loc!, { target: target.name, refusal });
      }
    }
  };
}

export const capabilityUnsupported = defineRule({
  meta: { id: 'capability-unsupported', needsModel: true, refuses: true, messageIds: ['gap'] },
  check: relay('capability-unsupported', true),
});

export const capabilityDropped = defineRule({
  meta: { id: 'capability-dropped', needsModel: true, messageIds: ['gap'] },
  check: relay('capability-dropped'),
});

/**
 * An accepted security gap that would compile a route open: the build refuses it anyway
 * (capability-check.ts, fail closed), so lint must say so too (DESIGN.md 7.7) instead of
 * passing the spec with only the relayed compile's "gap accepted" warning.
 */
export const acceptOpensRoute = defineRule({
  meta: { id: 'accept-opens-route', needsModel: true, refuses: true, messageIds: ['gap'] },
  check: relay('accept-opens-route', true),
});

export const capabilityAccepted = defineRule({
  meta: { id: 'capability-accepted', needsModel: true, messageIds: ['gap'] },
  check: relay('capability-accepted'),
});

/**
 * Emulation is how a target is built to work (nginx checks API keys in njs), so it is `info` by
 * default: a warning would fire on every realistic spec. Raise it in the config to review them.
 */
export const capabilityEmulated = defineRule({
  meta: { id: 'capability-emulated', needsModel: true, messageIds: ['emulated'] },
  check(ctx, report) {
    const gateway = ctx.gateway;
    if (!gateway) return;
    // A route's features are the model's, the same for every target: read once per run (#18).
    const features = featuresOf(ctx, gateway);
    // Each use's place key, made once for all targets.
    const keys = new Map<FeatureUse, string>();
    for (const target of ctx.targets) {
      const seen = new Set<string>();
      const { plan } = checked(ctx, gateway, target);
      for (const route of gateway.routes) {
        // Indexed: the array iterator's results were 10 MB of lint's allocation at 10,000 routes (#18).
        const uses = features(route);
        for (let i = 0; i < uses.length; i++) {
          const use = uses[i]!;
          const cap = target.capabilities[use.feature];
          // The table first: a target emulating nothing the spec uses asks its plan nothing.
          if (cap.support !== 'emulated' || plan.mode(route.id, use.feature) !== 'emulated') continue;
          let key = keys.get(use);
          if (key === undefined) keys.set(use, (key = `${use.feature}|${use.loc.file}#${use.loc.pointer}`));
          if (seen.has(key)) continue;
          seen.add(key);
          report('emulated', { target: target.name, feature: use.feature, route: route.id, how: cap.how }, use.loc, { target: target.name });
        }
      }
    }
  },
});
