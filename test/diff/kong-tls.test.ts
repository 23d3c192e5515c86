/**
 * Kong: backend TLS is a fact of the service (`tls_verify`, `ca_certificates`); `tls_verify: null`
 * reads as not verified (Kong then keeps nginx's default, off).
 */
import { readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { diffDeployed } from '../../src/diff/run.js';
import { baseSpec, deployedFile, tlsSpec } from './helpers.js';
import { backendTlsSuite } from './tls-suite.js';

backendTlsSuite({ target: 'kong', catalogEntities: ['service storefront.catalog'], freshTls: '{ verify: false }' });

type Dump = { services: Array<{ name: string; tls_verify?: boolean | null; ca_certificates?: string[] }> };
const editService = (name: string, edit: (s: Dump['services'][number]) => void) => (text: string) => {
  const doc = parse(text) as Dump;
  edit(doc.services.find((s) => s.name === name)!);
  return stringify(doc);
};

describe('kong: backend TLS in a deployed dump', () => {
  it('tls_verify null (or absent) is not verified: the spec that verifies turns checking on', async () => {
    for (const unset of [null, undefined]) {
      const deployed = await deployedFile(tlsSpec(), 'kong', editService('storefront.catalog', (s) => (unset === null ? (s.tls_verify = null) : delete s.tls_verify)));
      expect(readFileSync(deployed, 'utf8')).toContain('tls_verify: true');
      const r = await diffDeployed(tlsSpec(), { target: 'kong', deployed });
      expect(r.plan!.findings.map((f) => [f.rule, f.key, f.old, f.new])).toEqual([['backend-tls-verified', 'storefront.catalog', 'not verified', 'verified against the default trust store']]);
      expect(r.plan!.changes.map((c) => c.fields)).toEqual([[{ path: 'tls_verify', new: true }]]);
    }
  });

  it('a service verified against its own CA certificates, which the spec drops, is a changed trust root', async () => {
    const deployed = await deployedFile(tlsSpec(), 'kong', editService('storefront.catalog', (s) => (s.ca_certificates = ['9b3b6b61-2f7c-4a4e-9d0e-1a2b3c4d5e6f'])));
    const r = await diffDeployed(tlsSpec(), { target: 'kong', deployed });
    expect(r.plan!.findings.map((f) => [f.class, f.rule, f.key, f.old, f.new])).toEqual([
      ['security', 'backend-ca-changed', 'storefront.catalog', 'verified against ca_certificates 9b3b6b61-2f7c-4a4e-9d0e-1a2b3c4d5e6f', 'verified against the default trust store'],
    ]);
  });

  it('a verified https backend moved to plain HTTP is security', async () => {
    const r = await diffDeployed(baseSpec, { target: 'kong', deployed: await deployedFile(tlsSpec(), 'kong') });
    expect(r.plan!.findings.filter((f) => f.rule.startsWith('backend-tls')).map((f) => [f.rule, f.key, f.new])).toEqual([
      ['backend-tls-unverified', 'storefront.catalog', 'plain HTTP'],
      ['backend-tls-unverified', 'storefront.orders', 'plain HTTP'],
    ]);
    // Port 8443 -> 8080 is another endpoint: each route on those services is backend-changed too.
    const moved = r.plan!.findings.filter((f) => f.rule === 'backend-changed');
    expect(moved.length).toBe(6);
    expect(moved.every((f) => f.kind === 'route' && /:8443$/.test(f.old ?? '') && /:8080$/.test(f.new ?? ''))).toBe(true);
  });
});
