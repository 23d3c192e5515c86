/**
 * The backend-TLS cases every target's diff must pass (each target's `<t>-tls.test.ts` runs them
 * with its own entity names): a build diffed against itself is "no changes", the spec turning
 * verification off against a deployed state that verifies is security (and `--fail-on security`
 * exits 1), the reverse is breaking, and every format shows the change.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { renderJson, renderMarkdown, renderPlan, renderUnified } from '../../src/diff/render.js';
import { diffDeployed } from '../../src/diff/run.js';
import { deployedFile, ensureBuilt, gwc, tlsSpec } from './helpers.js';

export interface TlsSuite {
  target: string;
  /** `kind key` of the entities that carry the catalog backend's TLS. */
  catalogEntities: string[];
  /** The catalog backend's tls block in the spec of the "no changes" case (a CA where the target takes one). */
  freshTls: string;
  /** How the target's default verification reads (nginx names its `trustedCa` file). */
  verified?: string;
}

export function backendTlsSuite(s: TlsSuite): void {
  const VERIFIED = s.verified ?? 'verified against the default trust store';
  describe(`${s.target}: backend TLS`, () => {
    it('a build of a TLS spec diffed against itself gives no change, and its facts are read', async () => {
      const spec = tlsSpec({ catalog: s.freshTls });
      const r = await diffDeployed(spec, { target: s.target, deployed: await deployedFile(spec, s.target) });
      expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(r.plan?.changes).toEqual([]);
      expect(r.plan?.findings).toEqual([]);
      const tls = r.from!.entities.filter((e) => e.facts?.backendTls?.tls).map((e) => `${e.kind} ${e.key}`);
      for (const e of s.catalogEntities) expect(tls).toContain(e);
    });

    it('the spec turning verification off against a deployed state that verifies is security, on the catalog backend only', async () => {
      const r = await diffDeployed(tlsSpec({ catalog: '{ verify: false }' }), { target: s.target, deployed: await deployedFile(tlsSpec(), s.target) });
      const found = r.plan!.findings.filter((f) => f.rule === 'backend-tls-unverified');
      expect(found.map((f) => `${f.kind} ${f.key}`).sort()).toEqual([...s.catalogEntities].sort());
      expect(found.every((f) => f.class === 'security' && f.old === VERIFIED && f.new === 'not verified')).toBe(true);
      expect(r.plan!.findings.filter((f) => f.rule !== 'backend-tls-unverified')).toEqual([]);
      // Every format shows it: the finding in plan, json and markdown, the changed field in unified.
      const plan = renderPlan(r.plan!);
      expect(plan.indexOf('Security')).toBeLessThan(plan.indexOf('Changes:'));
      expect(plan).toContain(`backend certificate not verified: ${s.catalogEntities[0]} (${VERIFIED} -> not verified)`);
      const json = JSON.parse(renderJson(r.plan!, { target: s.target, from: 'd', to: 's' })) as { findings: Array<{ rule: string; class: string }> };
      expect(json.findings.filter((f) => f.rule === 'backend-tls-unverified' && f.class === 'security')).toHaveLength(found.length);
      expect(renderMarkdown(r.plan!, { target: s.target })).toContain(`| backend certificate not verified | ${s.catalogEntities[0]} | ${VERIFIED} | not verified |`);
      const changed = renderUnified(r.from!, r.to!, { from: 'd', to: 's' }).split('\n').filter((l) => /^[-+][^-+]/.test(l));
      expect(changed.some((l) => /verif/i.test(l)), changed.join('\n')).toBe(true);
    });

    it('a deployed state that does not verify, against a spec that does, is breaking (the release turns checking on)', async () => {
      const r = await diffDeployed(tlsSpec(), { target: s.target, deployed: await deployedFile(tlsSpec({ catalog: '{ verify: false }' }), s.target) });
      expect(r.plan!.findings.map((f) => `${f.class} ${f.rule} ${f.kind} ${f.key}`).sort()).toEqual(s.catalogEntities.map((e) => `breaking backend-tls-verified ${e}`).sort());
    });

    describe('the command', () => {
      beforeAll(ensureBuilt);
      it('--fail-on security exits 4 when the spec turns verification off', async () => {
        const deployed = await deployedFile(tlsSpec(), s.target);
        const r = gwc('diff', tlsSpec({ catalog: '{ verify: false }' }), '--target', s.target, '--deployed', deployed, '--fail-on', 'security');
        expect(r.code, r.stderr).toBe(4);
        expect(r.stdout).toContain(`backend certificate not verified: ${s.catalogEntities[0]}`);
        expect(r.stderr).toContain('security change(s) found (--fail-on)');
      });
    });
  });
}

