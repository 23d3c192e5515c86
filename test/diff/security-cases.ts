/**
 * The security changes of issue #15 as spec edits of fixtures/diff-security, each with the rule it
 * must raise and the operations it must name, and the targets that can express it (the others
 * refuse the spec or have no such setting: listed in `cannot` with the reason, so a gap is a
 * decision in this table, never a silent skip).
 */
import { readFileSync, mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { compiledState } from '../../src/diff/run.js';
import { diffStates, type Plan } from '../../src/diff/plan.js';
import { repo } from './helpers.js';

export const securityBase = path.join(repo, 'fixtures/diff-security/gateway.yaml');
type Edit = readonly [string, string];

export interface SecurityCase {
  name: string;
  edits: readonly Edit[];
  /** The rule it must raise; several when targets express the setting differently (all security). */
  rule: string | readonly string[];
  ops: readonly string[];
  /** A target's own spelling of the change, where its base differs. */
  editsOn?: Partial<Record<Target, readonly Edit[]>>;
  /** Targets that cannot express the change, and why. */
  cannot?: Partial<Record<Target, string>>;
  /**
   * Per target, the warning code the edited spec must build with: where a `cannot` target builds the
   * change as another output (by: consumer compiled as by: ip), the warning is what tells the user.
   */
  warns?: Partial<Record<Target, string>>;
}
export type Target = 'nginx' | 'kong' | 'traefik' | 'aws';

const KONG_JWT = "Kong OSS's jwt plugin is refused unless the gap is accepted, takes no key file and one algorithm per issuer, and checks no audience, scope or skew";

const TRAEFIK_JWT = 'open-source Traefik verifies JWTs only through the scheme\'s forwardAuth service, whose own configuration holds these settings';

const AWS_JWT = "a Cognito user pool authorizer takes no algorithms, skew or keys of the spec's (the pool's own)";

const sec = (op: string, from: string, to: string): Edit => [`operationId: ${op}\n      security: ${from}`, `operationId: ${op}\n      security: ${to}`];

export const SECURITY_CASES: readonly SecurityCase[] = [
  { name: 'JWT: a required scope removed', edits: [sec('getTokens', '[{ bearer: [tokens:read] }]', '[{ bearer: [] }]')], rule: 'auth-scope-removed', ops: ['getTokens'], cannot: { kong: KONG_JWT } },
  { name: 'JWT: audiences removed', edits: [['        audiences: [vault]\n', '        anyAudience: true\n']], rule: 'jwt-audience-widened', ops: ['getTokens'], cannot: { kong: KONG_JWT, traefik: TRAEFIK_JWT, aws: 'a Cognito user pool authorizer checks no audience: the spec is refused' } },
  {
    name: 'JWT: issuer changed',
    edits: [['issuer: https://id.vault.example.com/', 'issuer: https://login.example.net/']],
    editsOn: { aws: [['eu-west-1_AbCdEf', 'eu-west-1_ZyXwVu']] }, rule: 'jwt-issuer-changed',
    ops: ['getTokens'],
    cannot: { kong: KONG_JWT, traefik: TRAEFIK_JWT },
  },
  { name: 'JWT: algorithms widened', edits: [['algorithms: [RS256]', 'algorithms: [RS256, RS384]']], rule: 'jwt-algorithms-widened', ops: ['getTokens'], cannot: { kong: KONG_JWT, traefik: TRAEFIK_JWT, aws: AWS_JWT } },
  { name: 'JWT: clock skew raised', edits: [['clockSkew: 30s', 'clockSkew: 300s']], rule: 'jwt-clock-skew-raised', ops: ['getTokens'], cannot: { kong: KONG_JWT, traefik: TRAEFIK_JWT, aws: AWS_JWT } },
  { name: 'JWT: keys changed', edits: [['keys/jwt-public.pem', 'keys/other-public.pem']], rule: 'jwt-keys-changed', ops: ['getTokens'], cannot: { kong: KONG_JWT, traefik: TRAEFIK_JWT, aws: AWS_JWT } },
  { name: 'a second way in', edits: [sec('getKeys', '[{ apiKey: [] }]', '[{ apiKey: [] }, { basic: [] }]')], rule: 'auth-weakened', ops: ['getKeys'], cannot: { aws: 'a REST API method has one authorizer: an OR of requirements is refused (auth.or)' } },
  {
    name: 'a scheme swapped',
    edits: [sec('getKeys', '[{ apiKey: [] }]', '[{ basic: [] }]')],
    editsOn: { aws: [sec('getKeys', '[{ apiKey: [] }]', '[{ bearer: [] }]')] },
    rule: 'auth-weakened',
    ops: ['getKeys'],
  },
  { name: 'roles removed from a requirement', edits: [sec('getAdmin', '[{ apiKey: [admin] }]', '[{ apiKey: [] }]')], editsOn: { traefik: [sec('getAdmin', '[{ basic: [admin] }]', '[{ basic: [] }]')] }, rule: 'auth-roles-removed', ops: ['getAdmin'], cannot: { aws: 'API keys carry no roles on AWS: the spec is refused' } },
  { name: 'optional auth added', edits: [sec('getKeys', '[{ apiKey: [] }]', '[{ apiKey: [] }, {}]')], rule: 'auth-optional', ops: ['getKeys'], cannot: { kong: 'auth.optional is unsupported on kong (test/diff/optional-refused.test.ts)', traefik: 'auth.optional is unsupported on traefik: the spec is refused', aws: 'auth.optional is unsupported on aws: the spec is refused' } },
  { name: 'IP deny entry removed', edits: [['x-gateway: { ipDeny: [203.0.113.0/24] }', 'x-gateway: {}']], rule: ['ip-deny-narrowed', 'ip-widened'], ops: ['getAdmin'] },
  { name: 'IP deny entry narrowed', edits: [['ipDeny: [203.0.113.0/24]', 'ipDeny: [203.0.113.0/28]']], rule: ['ip-deny-narrowed', 'ip-widened'], ops: ['getAdmin'] },
  { name: 'rate-limit key: ip -> consumer', edits: [['by: ip', 'by: consumer']], rule: 'rate-limit-key-changed', ops: ['getKeys'], cannot: { traefik: 'a header API key is counted per client address (traefik-limit-key-unverified, a248f2d: the limiter reads the first line, the service may verify the last): the output is by: ip\'s' }, warns: { traefik: 'traefik-limit-key-unverified' } },
  { name: 'rate-limit key: ip -> a client-chosen header', edits: [['by: ip', 'by: { header: X-Client-Id }']], rule: 'rate-limit-key-changed', ops: ['getKeys'], cannot: { nginx: 'a header nginx does not verify as the route\'s API key is counted per client address (limit-key-unverified): the output is by: ip\'s', aws: 'API Gateway throttles a stage method for all callers or per API key (usage plan): a header other than x-api-key is refused (aws-limit-key-unsupported)', kong: 'a header Kong never verifies is counted per client address (limit-key-unverified): the output is by: ip\'s', traefik: 'a header no middleware verifies is counted per client address (limit-key-unverified): the output is by: ip\'s' } },
  { name: 'burst raised at the same rate', edits: [['burst: 10', 'burst: 50']], rule: 'burst-raised', ops: ['getKeys'], cannot: { kong: 'Kong OSS rate-limiting has no burst (fixed windows)' } },
  { name: 'cache added to an authenticated route', edits: [['x-gateway: { policies: [limited] }', 'x-gateway: { policies: [limited], cache: { ttl: 60s } }']], rule: 'cache-on-authenticated', ops: ['getKeys'], cannot: { traefik: 'open-source Traefik has no response cache: the spec is refused' } },
  { name: 'hideCredentials turned off', edits: [['hideCredentials: true', 'hideCredentials: false']], rule: 'credentials-forwarded', ops: ['getKeys', 'getAdmin', 'getSecure'], cannot: { traefik: 'a kept header credential is refused on Traefik (traefik-kept-header-credential, red team 12: its verifier reads one line, Traefik passes every line): the spec is refused' } },
  { name: 'API key moved from a header to the query string', edits: [['      in: header\n      name: x-api-key', '      in: query\n      name: x-api-key']], rule: 'credential-in-query', ops: ['getKeys', 'getAdmin', 'getSecure'], cannot: { aws: 'API Gateway reads API keys from the x-api-key header only: the spec is refused', traefik: 'a forwardAuth service always sees the URI: where it reads the key is its own configuration (the lost header strip shows as credentials-forwarded)' } },
  { name: 'backend TLS server name changed', edits: [['serverName: secure.internal', 'serverName: other.internal']], rule: 'backend-server-name-changed', ops: ['getSecure'], cannot: { kong: 'a Kong service has no TLS server name setting: Kong sends the upstream host', aws: 'REST API HTTP integrations verify the URL host; serverName cannot be set: the spec is refused' } },
  { name: 'upstreamPath re-pointed on an authenticated route', edits: [["upstreamPath: '/records/{id}'", "upstreamPath: '/admin/records/{id}'"]], rule: 'upstream-path-changed', ops: ['getSecure'] },
  { name: 'a server host removed (any Host)', edits: [['  - url: https://api.vault.example.com/v1', '  - url: /v1']], rule: 'host-widened', ops: ['getTokens', 'getKeys', 'getAdmin', 'getSecure'] },
  {
    name: 'HTTPS server -> HTTP',
    edits: [['  - url: https://api.vault.example.com/v1', '  - url: http://api.vault.example.com/v1']],
    rule: 'protocol-widened',
    ops: ['getTokens', 'getKeys', 'getAdmin', 'getSecure'],
    cannot: { aws: 'API Gateway answers HTTPS only', nginx: 'gwc writes plain listeners for every server (TLS is terminated in front, nginx README): the scheme changes nothing nginx serves' },
  },
];

/** Applies edits to a text; every edit must apply exactly once. */
export function edit(text: string, edits: readonly Edit[]): string {
  for (const [from, to] of edits) {
    const at = text.indexOf(from);
    if (at < 0 || text.indexOf(from, at + 1) >= 0) throw new Error(`edit does not apply exactly once: ${from}`);
    text = text.slice(0, at) + to + text.slice(at + from.length);
  }
  return text;
}

/** A copy of the security base (after a target's base edits) with more edits, in its own folder. */
export function securitySpec(baseEdits: readonly Edit[], edits: readonly Edit[] = []): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'gwc-diff-sec-'));
  mkdirSync(path.join(dir, 'keys'));
  const file = path.join(dir, 'gateway.yaml');
  writeFileSync(file, edit(edit(readFileSync(securityBase, 'utf8'), baseEdits), edits));
  return file;
}

export async function securityPlan(target: Target, baseEdits: readonly Edit[], c: SecurityCase): Promise<Plan> {
  const edits = c.editsOn?.[target] ?? c.edits;
  const state = async (spec: string) => {
    const r = await compiledState(spec, target, {});
    if (!r.state) throw new Error(`${target}: ${r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`).join('\n')}`);
    return r.state;
  };
  return diffStates(await state(securitySpec(baseEdits)), await state(securitySpec(baseEdits, edits)));
}

/**
 * The table test of one target: every case it can express raises the case's rule, as security, on
 * each named operation; a case it cannot express is refused by the build (fail closed) or has no
 * such setting on the target (the reason in `cannot` says which).
 */
export function securitySuite(target: Target, baseEdits: readonly Edit[], names: (op: string, key: string) => boolean): void {
  describe(`${target}: every security change of issue #15 it can express is flagged as security`, () => {
    for (const c of SECURITY_CASES) {
      const why = c.cannot?.[target];
      const rules: readonly string[] = typeof c.rule === 'string' ? [c.rule] : c.rule;
      it(`${c.name}${why ? ` (cannot: ${why})` : ''}`, async () => {
        if (why) {
          let spec: string;
          try {
            spec = securitySpec(baseEdits, c.editsOn?.[target] ?? c.edits);
          } catch {
            return; // the base has no such route or setting on this target
          }
          const r = await compiledState(spec, target, {});
          // A change built as another output must say so: the case's warning, on a spec that builds.
          const warning = c.warns?.[target];
          if (warning) expect(r.state ? r.diagnostics.filter((d) => d.severity === 'warn').map((d) => d.code) : ['(refused)']).toContain(warning);
          if (!r.state) return expect(r.diagnostics.some((d) => d.severity === 'error')).toBe(true);
          // Built: the target has no such setting (the reason says so), or it learnt to express the
          // change since (then a finding, if any, is security like every rule here).
          const plan = diffStates((await compiledState(securitySpec(baseEdits), target, {})).state!, r.state);
          return expect(plan.findings.filter((f) => rules.includes(f.rule)).every((f) => f.class === 'security')).toBe(true);
        }
        const plan = await securityPlan(target, baseEdits, c);
        const found = plan.findings.filter((f) => rules.includes(f.rule));
        expect(found.every((f) => f.class === 'security')).toBe(true);
        const base = readFileSync(securitySpec(baseEdits), 'utf8');
        const ops = c.ops.filter((op) => base.includes(`operationId: ${op}\n`));
        expect(ops.length).toBeGreaterThan(0);
        for (const op of ops) expect(found.some((f) => names(op, f.key)), `${op} in ${JSON.stringify(plan.findings)}`).toBe(true);
      });
    }
  });
}
