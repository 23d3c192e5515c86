/**
 * Policy unit `ipRule` (the unit contract is ./unit.ts), written as two keys: `ipAllow` (only these
 * client addresses may call) and `ipDeny` (these may not). A level that sets one keeps the other
 * from the farther levels; both empty removes the rule. Feature `ipRule`, traffic: a target that
 * cannot enforce it refuses the build (DESIGN.md section 4).
 */
import { POLICY_FEATURE } from './ids.js';
import { unmapCidr } from './ip-mapped.js';
import type { BundledPolicyUnit } from './unit.js';

export const ipRulePolicy = {
  id: 'ipRule',
  kind: 'bundled',
  feature: POLICY_FEATURE.ipRule,
  schema: {
    properties: {
      ipAllow: { $ref: '#/definitions/cidrList', description: 'Only these client addresses (CIDR) may call.' },
      ipDeny: { $ref: '#/definitions/cidrList', description: 'These client addresses (CIDR) may not call.' },
    },
    definitions: {
      cidrList: {
        description: 'IPv4/IPv6 addresses or CIDR blocks (10.0.0.0/8, 2001:db8::/32).',
        type: 'array',
        items: { type: 'string', pattern: '^[0-9a-fA-F:.]+(/[0-9]{1,3})?$' },
      },
    },
  },
  keys: ['ipAllow', 'ipDeny'] as const,

  apply(w, node, into) {
    const v = node.value as Record<string, unknown>;
    if (v.ipAllow === undefined && v.ipDeny === undefined) return;
    const prev = into.ipRule;
    const allow = Array.isArray(v.ipAllow) ? (v.ipAllow as string[]) : (prev?.allow ?? []);
    const deny = Array.isArray(v.ipDeny) ? (v.ipDeny as string[]) : (prev?.deny ?? []);
    if (allow.length === 0 && deny.length === 0) delete into.ipRule;
    // An IPv4-mapped entry (::ffff:a.b.c.d) is the IPv4 address: every gateway matches IPv4 clients
    // against IPv4 rules only (ip-mapped.ts).
    else into.ipRule = { allow: allow.map(unmapCidr), deny: deny.map(unmapCidr), loc: w.child(node, v.ipAllow !== undefined ? 'ipAllow' : 'ipDeny').loc };
  },

  use: (route) => route.policy.ipRule?.loc,
  describe: (route) => (route.policy.ipRule ? 'ip-rule' : undefined),
} satisfies BundledPolicyUnit<'ipRule'>;
