/**
 * AWS's CloudFormation rules (@aws/cloudformation-validate) on HTTP API templates beyond
 * fixtures/oidc: a Lambda authorizer with its permission, an access log, no custom domain, YAML.
 */
import { describe, expect, it } from 'vitest';
import { cfnValidate, unexplained } from '../../../helpers/checkers.js';
import { buildHttp, spec } from './helpers.js';

const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:auth';
/** W9013 on the spec's own Lambda ARNs (authorizer URI, integration, permission): explained in build.test.ts. */
const lambdaArn = (d: { ruleId?: string; entity?: { resourceType?: string } }) => d.ruleId === 'W9013';

const LAMBDA_AUTH = spec(`  /a:\n    get:\n      security: [{ partner: [] }]\n      x-gateway: { accessLog: { format: json } }\n      responses: { '200': { description: ok } }\n  /r:\n    get:\n      security: [{ oidc: [read] }]\n      x-gateway: { backend: fn, accessLog: { format: json } }\n      responses: { '200': { description: ok } }`).replace(
  '  securitySchemes:',
  `  securitySchemes:\n    partner:\n      type: apiKey\n      in: header\n      name: x-partner-key\n      x-gateway: { lambdaAuthorizer: { arn: '${ARN}', type: request, ttlSeconds: 300 } }`,
);

describe('aws api=http: templates pass the CloudFormation validator', () => {
  it.each([
    ['json, execute-api endpoint', {}],
    ['yaml', { format: 'yaml' }],
  ])('a Lambda authorizer, a Lambda backend and an access log (%s)', async (_n, options) => {
    const r = await buildHttp(LAMBDA_AUTH, options as Record<string, string>);
    expect(r.errors).toEqual([]);
    const f = r.files[0]!;
    const findings = cfnValidate(f.contents, f.path.endsWith('.yaml') ? 'yaml' : 'json');
    expect(findings.filter((d) => d.severity === 'ERROR')).toEqual([]);
    expect(unexplained(findings).filter((d) => !lambdaArn(d))).toEqual([]);
  });
});
