/**
 * API Gateway's own input (issue #19, existing specs): every x-amazon-apigateway-* key gwc does not
 * carry over is a diagnostic at its own line: an error where dropping it changes who can call what
 * or where a request goes, a warning otherwise. Positions are found in each case's own text.
 */
import { describe, expect, it } from 'vitest';
import { gatewayOf } from '../helpers/spec.js';

const LAMBDA = 'arn:aws:lambda:eu-west-1:123456789012:function:orders';
const spec = (root: string, paths: string, components = '') =>
  `openapi: 3.0.3\ninfo: { title: Imported, version: "1" }\nservers:\n  - url: https://app.internal/api\n${root}paths:\n${paths}${components}`;
const op = (extra = '', method = 'get', path = '/a') =>
  `  ${path}:\n    ${method}:\n      x-gateway: { public: true }\n${extra}      responses: { "200": { description: ok } }\n`;
const lambdaRoot = `x-gateway:\n  backends:\n    fn: { lambda: { arn: "${LAMBDA}" } }\n`;

/** 1-based line and column of the nth occurrence of `needle` in `text`. */
function pos(text: string, needle: string, nth = 0): string {
  let i = -1;
  for (let k = 0; k <= nth; k++) i = text.indexOf(needle, i + 1);
  if (i < 0) throw new Error(`${needle} not in the case`);
  const before = text.slice(0, i).split('\n');
  return `${before.length}:${before[before.length - 1]!.length + 1}`;
}

interface Case {
  name: string;
  text: string;
  /** [code, needle in the text (its position is expected), params to match] */
  diags?: Array<[string, string, Record<string, unknown>?]>;
}

const integ = (body: string) => `      x-amazon-apigateway-integration: ${body}\n`;

const CASES: Case[] = [
  { name: 'a resource policy is refused', text: spec('x-amazon-apigateway-policy: { Version: "2012-10-17", Statement: [] }\n', op()), diags: [['aws-extension-unmapped', 'x-amazon-apigateway-policy', { extension: 'x-amazon-apigateway-policy' }]] },
  { name: 'api-key-source HEADER is what gwc writes: nothing to say', text: spec('x-amazon-apigateway-api-key-source: HEADER\n', op()) },
  { name: 'api-key-source AUTHORIZER is refused', text: spec('x-amazon-apigateway-api-key-source: AUTHORIZER\n', op()), diags: [['aws-extension-unmapped', 'x-amazon-apigateway-api-key-source']] },
  { name: 'a PRIVATE endpoint is refused', text: spec('x-amazon-apigateway-endpoint-configuration: { types: [PRIVATE] }\n', op()), diags: [['aws-extension-unmapped', 'x-amazon-apigateway-endpoint-configuration']] },
  { name: 'VPC endpoint ids are refused', text: spec('x-amazon-apigateway-endpoint-configuration: { types: [REGIONAL], vpcEndpointIds: [vpce-1] }\n', op()), diags: [['aws-extension-unmapped', 'x-amazon-apigateway-endpoint-configuration']] },
  { name: 'a disabled execute-api endpoint is refused', text: spec('x-amazon-apigateway-endpoint-configuration: { disableExecuteApiEndpoint: true }\n', op()), diags: [['aws-extension-unmapped', 'x-amazon-apigateway-endpoint-configuration']] },
  { name: 'a REGIONAL endpoint warns (the target option)', text: spec('x-amazon-apigateway-endpoint-configuration: { types: [REGIONAL] }\n', op()), diags: [['aws-extension-ignored', 'x-amazon-apigateway-endpoint-configuration']] },
  { name: 'a TLS security policy is refused', text: spec('x-amazon-apigateway-security-policy: SecurityPolicy_TLS13_1_3_2025_09\n', op()), diags: [['aws-extension-unmapped', 'x-amazon-apigateway-security-policy']] },
  { name: 'endpoint access mode STRICT is refused, BASIC warns', text: spec('x-amazon-apigateway-endpoint-access-mode: STRICT\n', op()), diags: [['aws-extension-unmapped', 'x-amazon-apigateway-endpoint-access-mode']] },
  {
    name: 'run-time settings warn',
    text: spec('x-amazon-apigateway-binary-media-types: [image/png]\nx-amazon-apigateway-minimum-compression-size: 1024\nx-amazon-apigateway-documentation: { version: "1" }\nx-amazon-apigateway-importexport-version: "1.0"\nx-amazon-apigateway-cors: { allowOrigins: ["*"] }\n', op()),
    diags: [
      ['aws-extension-ignored', 'x-amazon-apigateway-binary-media-types'],
      ['aws-extension-ignored', 'x-amazon-apigateway-minimum-compression-size'],
      ['aws-extension-ignored', 'x-amazon-apigateway-documentation'],
      ['aws-extension-ignored', 'x-amazon-apigateway-importexport-version'],
      ['aws-extension-ignored', 'x-amazon-apigateway-cors'],
    ],
  },
  {
    name: 'a gateway response changing an auth status is refused, others warn',
    text: spec('x-amazon-apigateway-gateway-responses:\n  UNAUTHORIZED: { statusCode: 404 }\n  BAD_REQUEST_BODY: { responseTemplates: { application/json: "{}" } }\n  MISSING_AUTHENTICATION_TOKEN: { statusCode: 404 }\n', op()),
    diags: [
      ['aws-extension-unmapped', 'UNAUTHORIZED', { extension: 'x-amazon-apigateway-gateway-responses.UNAUTHORIZED' }],
      ['aws-extension-ignored', 'BAD_REQUEST_BODY'],
      ['aws-extension-ignored', 'MISSING_AUTHENTICATION_TOKEN'],
    ],
  },
  {
    name: 'an integration to Step Functions is refused at the integration (was: a proxy to the servers)',
    text: spec('', op(integ('{ type: aws, httpMethod: POST, uri: "arn:aws:apigateway:eu-west-1:states:action/StartExecution" }'), 'post', '/orders')),
    diags: [['aws-integration-unmapped', 'x-amazon-apigateway-integration', { route: 'post_orders', type: 'aws' }]],
  },
  { name: 'a non-proxy http integration is refused', text: spec('', op(integ('{ type: http, httpMethod: GET, uri: "https://app.internal/api/a", requestTemplates: { application/json: "{}" } }'))), diags: [['aws-integration-unmapped', 'x-amazon-apigateway-integration', { type: 'http' }]] },
  { name: 'a mock integration on a URL backend is refused', text: spec('', op(integ('{ type: mock }'))), diags: [['aws-integration-unmapped', 'x-amazon-apigateway-integration', { type: 'mock' }]] },
  { name: 'an http_proxy to the route\'s own backend URL builds', text: spec('', op(integ('{ type: http_proxy, httpMethod: ANY, uri: "https://app.internal/api/a" }'))) },
  { name: 'an http_proxy with extra fields warns', text: spec('', op(integ('{ type: HTTP_PROXY, httpMethod: GET, uri: "https://app.internal:443/api/a", timeoutInMillis: 5000 }'))), diags: [['aws-extension-ignored', 'x-amazon-apigateway-integration']] },
  { name: 'an http_proxy elsewhere is refused', text: spec('', op(integ('{ type: http_proxy, httpMethod: ANY, uri: "https://other.internal/a" }'))), diags: [['aws-integration-unmapped', 'x-amazon-apigateway-integration', { type: 'http_proxy' }]] },
  { name: 'an http_proxy with another method is refused', text: spec('', op(integ('{ type: http_proxy, httpMethod: POST, uri: "https://app.internal/api/a" }'))), diags: [['aws-integration-unmapped', 'x-amazon-apigateway-integration']] },
  { name: 'an http_proxy rewriting parameters is refused', text: spec('', op(integ('{ type: http_proxy, httpMethod: ANY, uri: "https://app.internal/api/a", requestParameters: { integration.request.header.X-Tenant: "\'a\'" } }'))), diags: [['aws-integration-unmapped', 'x-amazon-apigateway-integration']] },
  { name: 'an http_proxy over a VPC link is refused', text: spec('', op(integ('{ type: http_proxy, httpMethod: ANY, uri: "https://app.internal/api/a", connectionType: VPC_LINK, connectionId: abc }'))), diags: [['aws-integration-unmapped', 'x-amazon-apigateway-integration']] },
  { name: 'an http_proxy skipping TLS verification is refused', text: spec('', op(integ('{ type: http_proxy, httpMethod: ANY, uri: "https://app.internal/api/a", tlsConfig: { insecureSkipVerification: true } }'))), diags: [['aws-integration-unmapped', 'x-amazon-apigateway-integration']] },
  { name: 'a Fn::Sub uri is refused', text: spec('', op(integ('{ type: aws_proxy, httpMethod: POST, uri: { Fn::Sub: "arn:${AWS::Partition}:apigateway" } }'))), diags: [['aws-integration-unmapped', 'x-amazon-apigateway-integration']] },
  { name: 'an aws_proxy to the backend\'s own function builds', text: spec(lambdaRoot, op(integ(`{ type: aws_proxy, httpMethod: POST, uri: "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/${LAMBDA}/invocations" }`))) },
  { name: 'an aws_proxy to another function is refused', text: spec(lambdaRoot, op(integ(`{ type: aws_proxy, httpMethod: POST, uri: "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/${LAMBDA}-v2/invocations" }`))), diags: [['aws-integration-unmapped', 'x-amazon-apigateway-integration', { type: 'aws_proxy' }]] },
  { name: 'an ANY method is refused at its key', text: spec('', `  /a:\n    x-amazon-apigateway-any-method:\n      responses: {}\n    get:\n      x-gateway: { public: true }\n      responses: { "200": { description: ok } }\n`), diags: [['aws-extension-unmapped', 'x-amazon-apigateway-any-method']] },
  { name: 'IAM auth on an operation is refused', text: spec('', op('      x-amazon-apigateway-auth: { type: AWS_IAM }\n')), diags: [['aws-extension-unmapped', 'x-amazon-apigateway-auth']] },
  {
    name: 'an authorizer without authtype is refused at the authorizer',
    text: spec('', op(), 'components:\n  securitySchemes:\n    tok:\n      type: apiKey\n      in: header\n      name: Authorization\n      x-amazon-apigateway-authorizer: { type: token }\n'),
    diags: [['aws-extension-unmapped', 'x-amazon-apigateway-authorizer']],
  },
  { name: 'tag values and reusable integrations warn', text: spec('tags:\n  - name: Owner\n    x-amazon-apigateway-tag-value: Admin\n', op(), 'components:\n  x-amazon-apigateway-integrations:\n    one: { type: http_proxy }\n'), diags: [['aws-extension-ignored', 'x-amazon-apigateway-tag-value'], ['aws-extension-ignored', 'x-amazon-apigateway-integrations']] },
  { name: 'an extension at a level API Gateway does not read warns', text: spec('', op('      x-amazon-apigateway-policy: {}\n      x-amazon-apigateway-made-up: 1\n')), diags: [['aws-extension-ignored', 'x-amazon-apigateway-policy'], ['aws-extension-ignored', 'x-amazon-apigateway-made-up']] },
  {
    name: 'a request validator that is not defined is refused',
    text: spec('x-amazon-apigateway-request-validators: { all: { validateRequestBody: true, validateRequestParameters: true } }\n', op('      x-amazon-apigateway-request-validator: full\n')),
    diags: [['aws-validator-unknown', 'x-amazon-apigateway-request-validator: full', { name: 'full', known: 'all' }]],
  },
  { name: 'a validator that checks nothing is nothing to carry', text: spec('x-amazon-apigateway-request-validators: { none: { validateRequestBody: false } }\nx-amazon-apigateway-request-validator: none\n', op()) },
];

describe('aws input: x-amazon-apigateway-* extensions', () => {
  it.each(CASES)('$name', async (c) => {
    const loaded = await gatewayOf(c.text);
    const mine = loaded.diagnostics.filter((d) => d.code.startsWith('aws-'));
    const got = mine.map((d) => `${d.code} ${d.position?.line}:${d.position?.column}`).sort();
    const want = (c.diags ?? []).map(([code, needle]) => `${code} ${pos(c.text, needle)}`).sort();
    expect(got).toEqual(want);
    for (const [code, needle, params] of c.diags ?? []) {
      if (!params) continue;
      const d = mine.find((x) => x.code === code && `${x.position?.line}:${x.position?.column}` === pos(c.text, needle));
      expect(d?.params).toMatchObject(params);
    }
    const others = loaded.diagnostics.filter((d) => !d.code.startsWith('aws-') && d.severity === 'error');
    expect(others).toEqual([]);
  });
});
