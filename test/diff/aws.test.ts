/**
 * AWS: `aws cloudformation get-template` output of the same build reads back as "no changes"; the
 * Deployment (logical id = content hash) shows as replaced; each route is its own entity.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffDeployed } from '../../src/diff/run.js';
import { awsDeployed } from '../../src/targets/aws/deployed.js';
import { baseSpec, changeClassesFor, deployedFixture, planBetween, rulesOf, variant } from './helpers.js';

const deployed = deployedFixture('aws-get-template.json');
const key = (op: string) => `RestApi.${op}`;
/** API Gateway has a fixed 10 MB body limit: the spec accepts that gap, so no body-limit change exists. */
const EXPRESSIBLE = changeClassesFor('aws').filter((c) => !c.name.startsWith('body limit'));

function tmpFile(name: string, text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'gwc-aws-')), name);
  writeFileSync(file, text);
  return file;
}

describe('aws', () => {
  it('get-template output (TemplateBody as a string) of the same build gives no change', async () => {
    const r = await diffDeployed(baseSpec, { target: 'aws', deployed });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.plan?.changes).toEqual([]);
  });

  it('TemplateBody as an object, and the bare template, read the same', async () => {
    const body = JSON.parse((JSON.parse(readFileSync(deployed, 'utf8')) as { TemplateBody: string }).TemplateBody) as unknown;
    for (const text of [JSON.stringify({ TemplateBody: body }), JSON.stringify(body)]) {
      const r = await diffDeployed(baseSpec, { target: 'aws', deployed: tmpFile('t.json', text) });
      expect(r.plan?.changes).toEqual([]);
    }
  });

  it('reads YAML templates with short-form intrinsics', () => {
    const yaml = 'Resources:\n  Stage:\n    Type: AWS::ApiGateway::Stage\n    Properties:\n      RestApiId: !Ref RestApi\n      Name: !Sub "${AWS::StackName}-v1"\n      Arn: !GetAtt RestApi.RootResourceId\n';
    const r = awsDeployed.normalise([{ path: 't.yaml', contents: yaml }], 't.yaml');
    expect(r.state?.entities[0]?.fields).toEqual({ Properties: { Arn: { 'Fn::GetAtt': ['RestApi', 'RootResourceId'] }, Name: { 'Fn::Sub': '${AWS::StackName}-v1' }, RestApiId: { Ref: 'RestApi' } }, Type: 'AWS::ApiGateway::Stage' });
  });

  for (const c of EXPRESSIBLE) {
    it(`reports, classifies and counts: ${c.name}`, async () => {
      const plan = await planBetween('aws', variant(c.edits));
      const found = plan.findings.filter((f) => rulesOf(c.rule).includes(f.rule));
      expect(found.map((f) => f.key).sort()).toEqual(c.ops.map(key).sort());
      expect(found.every((f) => f.kind === 'method')).toBe(true);
      // A change to the API body gives a new Deployment: replaced, never create + delete (stage
      // throttling applies without one).
      expect(plan.summary.create + plan.summary.delete).toBe(plan.changes.filter((x) => x.kind !== 'AWS::ApiGateway::Deployment' && x.action !== 'update' && x.action !== 'replace').length);
      expect(plan.changes.filter((x) => x.action === 'replace').map((x) => x.kind)).toEqual(c.rule === 'rate-limit-raised' || c.rule === 'rate-limit-lowered' ? [] : ['AWS::ApiGateway::Deployment']);
    });
  }

  it('a route change is that route and the Deployment, not the whole RestApi body', async () => {
    const plan = await planBetween('aws', variant([['ipAllow: [10.0.0.0/8]', 'ipAllow: [10.0.0.0/8, 192.168.0.0/16]']]));
    expect(plan.changes.map((c) => `${c.action} ${c.kind} ${c.key}`)).toEqual(['update AWS::ApiGateway::RestApi RestApi', 'replace AWS::ApiGateway::Deployment Deployment' + plan.changes[1]!.key.slice('Deployment'.length)]);
    expect(plan.changes[0]!.fields.map((f) => f.path)).toEqual(['Properties.Policy.Statement[1].Condition.NotIpAddress["aws:SourceIp"]']);
  });

  it('--stack without the optional AWS SDK is a clear diagnostic', async () => {
    const r = await diffDeployed(baseSpec, { target: 'aws', read: { options: { stack: 'shop-prod' } } });
    expect(r.plan).toBeUndefined();
    expect(r.diagnostics.map((d) => d.code)).toContain('deployed-sdk-missing');
  });

  const foreign: Array<[string, string, string]> = [
    ['a decK file', '_format_version: "3.0"\nservices: []\n', 'deployed-foreign'],
    ['a Traefik file', 'http: { routers: {} }\n', 'deployed-foreign'],
    ['garbage', '{"TemplateBody": "{not json', 'deployed-invalid'],
    ['a resource without Type', '{"Resources": {"A": {}}}', 'deployed-invalid'],
  ];
  for (const [name, text, code] of foreign) {
    it(`refuses ${name} with a diagnostic`, async () => {
      const r = await diffDeployed(baseSpec, { target: 'aws', deployed: tmpFile('t.json', text) });
      expect(r.plan).toBeUndefined();
      expect(r.diagnostics.map((d) => d.code)).toContain(code);
    });
  }
});
