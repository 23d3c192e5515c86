/**
 * AWS: backend TLS is a fact of each method with an HTTP integration
 * (`tlsConfig.insecureSkipVerification`); REST APIs take no custom CA.
 */
import { describe, expect, it } from 'vitest';
import { diffDeployed } from '../../src/diff/run.js';
import { baseSpec, deployedFile, OPS_OF, tlsSpec } from './helpers.js';
import { backendTlsSuite } from './tls-suite.js';

backendTlsSuite({ target: 'aws', catalogEntities: OPS_OF.catalog.map((op) => `method RestApi.${op}`), freshTls: '{ verify: false }' });

describe('aws: backend TLS in a deployed template', () => {
  it('insecureSkipVerification added to one integration by hand reads as not verified; Lambda integrations carry no TLS fact', async () => {
    const deployed = await deployedFile(tlsSpec(), 'aws', (text) => {
      const doc = JSON.parse(text) as { Resources: { RestApi: { Properties: { Body: { paths: Record<string, Record<string, Record<string, Record<string, unknown>>>> } } } } };
      doc.Resources.RestApi.Properties.Body.paths['/orders']!.post!['x-amazon-apigateway-integration']!.tlsConfig = { insecureSkipVerification: true };
      return JSON.stringify(doc);
    });
    const r = await diffDeployed(tlsSpec(), { target: 'aws', deployed });
    expect(r.plan!.findings.map((f) => `${f.class} ${f.rule} ${f.key}`)).toEqual(['breaking backend-tls-verified RestApi.createOrder']);
    expect(r.from!.entities.find((e) => e.key === 'RestApi.listProducts')?.facts?.backendTls).toBeUndefined();
  });

  it('a verified https backend moved to plain HTTP is security', async () => {
    const r = await diffDeployed(baseSpec, { target: 'aws', deployed: await deployedFile(tlsSpec(), 'aws') });
    const found = r.plan!.findings.filter((f) => f.rule === 'backend-tls-unverified');
    expect(found.map((f) => f.key).sort()).toEqual([...OPS_OF.catalog, ...OPS_OF.orders].map((op) => `RestApi.${op}`).sort());
    expect(found.every((f) => f.new === 'plain HTTP')).toBe(true);
  });
});
