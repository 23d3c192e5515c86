/**
 * IP rules as the RestApi resource policy: allow everyone, then deny a route's method and path
 * unless (allow list) or when (deny list) aws:SourceIp matches. A resource policy needs an
 * explicit Allow, or every request is denied.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-resource-policies-examples.html
 */
import type { Route } from '../../model/types.js';
import { type Cfn, type Ctx } from './context.js';
import { policyResourcePath } from './paths.js';

/** IPv4 or IPv6 address with an optional prefix length; nothing else reaches the policy. */
const CIDR = /^(\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?|[0-9A-Fa-f:]+(\/\d{1,3})?)$/;

/** The `restApi` hook of `ipRule` (policies.ts): the RestApi's `Policy`, when a route has an IP rule. */
export function ipRuleResourcePolicy(ctx: Ctx, routes: readonly Route[], api: Cfn): void {
  const policy = buildPolicy(ctx, routes);
  if (policy) api.Policy = policy;
}

export function buildPolicy(ctx: Ctx, routes: readonly Route[]): Cfn | undefined {
  const statements: Cfn[] = [];
  const patterns: Array<{ route: Route; resource: string; rule: string }> = [];
  for (const route of routes) {
    const ip = route.policy.ipRule;
    if (!ip || !ctx.plan.enforced(route.id, 'ipRule')) continue;
    const bad = [...ip.allow, ...ip.deny].filter((c) => !CIDR.test(c));
    if (bad.length > 0) {
      for (const value of bad) ctx.report('aws-ip-rule-invalid', { route: route.id, value }, ip.loc);
      continue;
    }
    const resource = `execute-api:/*/${route.method}${policyResourcePath(route)}`;
    patterns.push({ route, resource, rule: JSON.stringify([ip.allow, ip.deny]) });
    if (ip.allow.length > 0) {
      statements.push(deny(resource, { NotIpAddress: { 'aws:SourceIp': [...ip.allow] } }));
    }
    if (ip.deny.length > 0) {
      statements.push(deny(resource, { IpAddress: { 'aws:SourceIp': [...ip.deny] } }));
    }
  }
  if (statements.length === 0) return undefined;
  overlaps(ctx, routes, patterns);
  return {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*' }, ...statements],
  };
}

function deny(resource: string, condition: Cfn): Cfn {
  return { Effect: 'Deny', Principal: '*', Action: 'execute-api:Invoke', Resource: resource, Condition: condition };
}

/**
 * IAM's `*` also spans `/`, so the rule of GET /users/{id} (`/users/*`) covers GET /users/me and
 * GET /users/1/orders too. That only ever restricts more, never less; say so when it happens.
 */
function overlaps(ctx: Ctx, routes: readonly Route[], patterns: Array<{ route: Route; resource: string; rule: string }>): void {
  for (const p of patterns) {
    const re = new RegExp(`^${p.resource.split('*').map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
    for (const other of routes) {
      if (other === p.route) continue;
      const own = patterns.find((q) => q.route === other);
      if (own?.rule === p.rule) continue;
      const concrete = `execute-api:/stage/${other.method}${policyResourcePath(other).replace(/\*/g, 'x')}`;
      if (re.test(concrete)) {
        ctx.report('aws-ip-rule-wildcard', { route: other.id, ruleRoute: p.route.id }, p.route.policy.ipRule?.loc);
      }
    }
  }
}
