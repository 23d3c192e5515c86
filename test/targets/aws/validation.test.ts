/**
 * Request validation on API Gateway REST (issue #19): the template carries the validators, the
 * required parameters and a draft-04 model per validated body (the model is the translation of the
 * operation's own schema, which test/targets/aws/models.test.ts holds against ajv), and passes AWS's
 * CloudFormation rules; what API Gateway cannot check is refused at its line. Specs written with
 * API Gateway's own x-amazon-apigateway-request-validators build the same validators.
 */
import { describe, expect, it } from 'vitest';
import { buildTarget } from '../../../src/api.js';
import { toDraft04 } from '../../../src/targets/aws/models.js';
import { writeSpec } from '../../helpers/spec.js';
import { cfnValidate, unexplained } from '../../helpers/checkers.js';
import { template } from './helpers.js';

const ORDER = `    Order:
      type: object
      required: [sku, qty, ship]
      additionalProperties: false
      properties:
        sku: { type: string, pattern: '^[A-Z0-9-]+$' }
        qty: { type: integer, format: int32, minimum: 1 }
        note: { type: string, nullable: true, maxLength: 200 }
        ship: { $ref: '#/components/schemas/Address' }
        pay:
          oneOf:
            - { type: object, required: [card], properties: { card: { type: string } } }
            - { type: object, required: [iban], properties: { iban: { type: string } } }
    Address:
      type: object
      required: [country]
      properties:
        country: { type: string, enum: [DE, FR, NL] }
`;

const spec = (root: string, ops: string, schemas = ORDER) => `openapi: 3.0.3
info: { title: Shop, version: "1" }
servers: [{ url: https://api.example.com }]
x-gateway:
  backends:
    app: { url: https://app.example.com }
  defaults: { public: true }
${root}paths:
${ops}components:
  schemas:
${schemas}`;

const CREATE = `  /orders:
    post:
      operationId: createOrder
      x-gateway: { validate: true }
      parameters:
        - { name: dryRun, in: query, required: true, schema: { type: string } }
        - { name: X-Tenant, in: header, required: true, schema: { type: string, description: the tenant } }
        - { name: trace, in: query, schema: { type: string } }
      requestBody:
        required: true
        content:
          application/json: { schema: { $ref: '#/components/schemas/Order' } }
      responses: { '200': { description: ok } }
  /orders/{id}:
    get:
      operationId: getOrder
      x-gateway: { validate: { parameters: true } }
      parameters:
        - { name: id, in: path, required: true, schema: { type: string } }
        - { name: X-Tenant, in: header, required: true, schema: { type: string } }
      responses: { '200': { description: ok } }
    delete:
      operationId: deleteOrder
      responses: { '200': { description: ok } }
`;

/** 1-based line:column of the nth occurrence of `needle`. */
function pos(text: string, needle: string, nth = 0): string {
  let i = -1;
  for (let k = 0; k <= nth; k++) i = text.indexOf(needle, i + 1);
  if (i < 0) throw new Error(`${needle} not in the case`);
  const before = text.slice(0, i).split('\n');
  return `${before.length}:${before[before.length - 1]!.length + 1}`;
}

async function build(text: string) {
  return buildTarget(writeSpec(text), { target: 'aws' });
}

function body(files: Array<{ path: string; contents: string }>): Record<string, any> {
  const file = files.find((f) => /template\.(json|ya?ml)$/.test(f.path)) ?? files[0]!;
  return template(file.contents).Resources.RestApi.Properties.Body;
}

describe('aws request validation: the template', () => {
  it('carries validators, required parameters and a draft-04 model, and passes the CloudFormation rules', async () => {
    const text = spec('', CREATE);
    const r = await build(text);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const b = body(r.files);
    expect(b['x-amazon-apigateway-request-validators']).toEqual({
      'body-and-parameters': { validateRequestBody: true, validateRequestParameters: true },
      parameters: { validateRequestBody: false, validateRequestParameters: true },
    });
    const create = b.paths['/orders'].post;
    expect(create['x-amazon-apigateway-request-validator']).toBe('body-and-parameters');
    expect(create.parameters).toEqual([
      { name: 'dryRun', in: 'query', required: true, schema: { type: 'string' } },
      { name: 'X-Tenant', in: 'header', required: true, schema: { type: 'string' } },
      { name: 'trace', in: 'query', required: false, schema: { type: 'string' } },
    ]);
    // $default: a JSON body sent under another content type is validated too.
    expect(create.requestBody).toEqual({ required: true, content: { $default: { schema: { $ref: '#/components/schemas/createOrderRequest' } } } });
    const route = r.gateway!.routes.find((x) => x.id === 'createOrder')!;
    const model = toDraft04(route.request!.body!.json!.schema, '3.0.3');
    expect(b.components.schemas.createOrderRequest).toEqual('model' in model ? model.model : undefined);
    expect(b.components.schemas.createOrderRequest.$schema).toBe('http://json-schema.org/draft-04/schema#');
    expect(b.paths['/orders/{id}'].get['x-amazon-apigateway-request-validator']).toBe('parameters');
    expect(b.paths['/orders/{id}'].delete['x-amazon-apigateway-request-validator']).toBeUndefined();
    expect(b['x-amazon-apigateway-gateway-responses'].BAD_REQUEST_BODY).toMatchObject({ statusCode: '400', responseParameters: { 'gatewayresponse.header.Content-Type': "'application/problem+json'" } });
    const file = r.files.find((f) => /template\.(json|ya?ml)$/.test(f.path)) ?? r.files[0]!;
    const findings = unexplained(cfnValidate(file.contents, file.path.endsWith('.json') ? 'json' : 'yaml'));
    expect(findings.filter((d) => d.severity === 'ERROR' || String(d.severity).toUpperCase() === 'ERROR')).toEqual([]);
  });

  it('a validator removed changes the Deployment (the content hash covers the Body)', async () => {
    const on = await build(spec('', CREATE));
    const off = await build(spec('', CREATE.replace('x-gateway: { validate: true }', 'x-gateway: { validate: false }')));
    const ids = (files: typeof on.files) => Object.keys(template((files.find((f) => /template\./.test(f.path)) ?? files[0]!).contents).Resources).filter((k) => k.startsWith('Deployment'));
    expect(ids(on.files)).not.toEqual(ids(off.files));
  });
});

interface Refusal {
  name: string;
  ops: string;
  schemas?: string;
  /** [code, needle, params] */
  want: Array<[string, string, Record<string, unknown>]>;
}

const op = (params: string, body = '') => `  /x:
    post:
      operationId: x
      x-gateway: { validate: true }
${params ? `      parameters:\n${params}` : ''}${body}      responses: { '200': { description: ok } }
`;
const jsonBody = (schema: string, extra = '') => `      requestBody:
        content:
          application/json: { schema: ${schema} }
${extra}`;

const REFUSALS: Refusal[] = [
  { name: 'a typed query parameter', ops: op('        - { name: limit, in: query, schema: { type: integer, maximum: 100 } }\n'), want: [['aws-parameter-unvalidated', 'schema: { type: integer', { route: 'x', parameter: 'limit', in: 'query' }]] },
  { name: 'an enum header', ops: op('        - { name: X-Mode, in: header, required: true, schema: { type: string, enum: [a, b] } }\n'), want: [['aws-parameter-unvalidated', 'schema: { type: string, enum', { parameter: 'X-Mode', what: 'enum' }]] },
  { name: 'a typed path parameter', ops: op('        - { name: id, in: path, required: true, schema: { type: integer } }\n').replace('/x:', '/x/{id}:'), want: [['aws-parameter-unvalidated', 'schema: { type: integer', { parameter: 'id', in: 'path' }]] },
  { name: 'a cookie parameter', ops: op('        - { name: sid, in: cookie, required: true, schema: { type: string } }\n'), want: [['aws-parameter-unvalidated', 'schema: { type: string }', { parameter: 'sid', in: 'cookie' }]] },
  { name: 'a body that also takes a form', ops: op('', jsonBody('{ type: object }', '          application/x-www-form-urlencoded: {}\n')), want: [['aws-body-media-type', 'requestBody', { route: 'x', mediaTypes: 'application/x-www-form-urlencoded' }]] },
  { name: 'a format AWS may not check', ops: op('', jsonBody("{ $ref: '#/components/schemas/Mail' }")), schemas: '    Mail: { type: object, properties: { to: { type: string, format: email } } }\n', want: [['aws-schema-unsupported', 'format: email', { route: 'x', keyword: 'format' }]] },
  { name: 'a recursive schema', ops: op('', jsonBody("{ $ref: '#/components/schemas/Node' }")), schemas: "    Node: { type: object, properties: { next: { $ref: '#/components/schemas/Node' } } }\n", want: [['aws-schema-unsupported', "$ref: '#/components/schemas/Node' } } }", { keyword: '$ref' }]] },
];

describe('aws request validation: what API Gateway cannot check is refused at its line', () => {
  it.each(REFUSALS)('$name', async (c) => {
    const text = spec('', c.ops, c.schemas ?? ORDER);
    const r = await build(text);
    expect(r.files).toEqual([]);
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => `${d.code} ${d.position?.line}:${d.position?.column}`).sort()).toEqual(c.want.map(([code, needle]) => `${code} ${pos(text, needle)}`).sort());
    for (const [code, , params] of c.want) expect(errors.find((d) => d.code === code)?.params).toMatchObject(params);
  });
});

describe('aws request validation: API Gateway validators in an existing spec', () => {
  const root = `x-amazon-apigateway-request-validators:
  all: { validateRequestBody: true, validateRequestParameters: true }
  body-only: { validateRequestBody: true, validateRequestParameters: false }
x-amazon-apigateway-request-validator: all
`;
  const ops = `  /orders:
    post:
      operationId: createOrder
      x-amazon-apigateway-request-validator: body-only
      parameters:
        - { name: limit, in: query, schema: { type: integer } }
      requestBody:
        content:
          application/json: { schema: { $ref: '#/components/schemas/Order' } }
      responses: { '200': { description: ok } }
    get:
      operationId: listOrders
      parameters:
        - { name: X-Tenant, in: header, required: true, schema: { type: string } }
      responses: { '200': { description: ok } }
`;

  it('become the routes\' validate and build the same validators', async () => {
    // PV21: validation counts in the pair checks' one comparison: a POST /orders body's _method=GET
    // would run listOrders without its X-Tenant check (aws-body-method-override); this backend says it never does, nor reads _method's other spellings (aws-query-method-override).
    const text = spec(root, ops).replace('app: { url: https://app.example.com }', 'app: { url: https://app.example.com, methodOverride: none, queryNames: exact }');
    const r = await build(text);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const routes = r.gateway!.routes;
    expect(routes.find((x) => x.id === 'createOrder')!.validate).toMatchObject({ body: true, parameters: false });
    expect(routes.find((x) => x.id === 'listOrders')!.validate).toMatchObject({ body: true, parameters: true });
    const b = body(r.files);
    expect(b.paths['/orders'].post['x-amazon-apigateway-request-validator']).toBe('body');
    expect(b.paths['/orders'].get['x-amazon-apigateway-request-validator']).toBe('parameters');
    expect(b.components.schemas.createOrderRequest).toBeDefined();
  });

  it('a parameter API Gateway never type-checked is refused at the validator the route inherits', async () => {
    const text = spec(root, ops.replace('x-amazon-apigateway-request-validator: body-only', 'x-amazon-apigateway-request-validator: all'));
    const r = await build(text);
    const d = r.diagnostics.find((x) => x.code === 'aws-parameter-unvalidated');
    expect(d?.params).toMatchObject({ route: 'createOrder', parameter: 'limit' });
    expect(`${d?.position?.line}:${d?.position?.column}`).toBe(pos(text, 'schema: { type: integer }'));
  });

  it('x-gateway validate wins over the AWS validator, with a warning at the validator', async () => {
    const text = spec(root, ops.replace('      x-amazon-apigateway-request-validator: body-only\n', '      x-amazon-apigateway-request-validator: body-only\n      x-gateway: { validate: false }\n'));
    const r = await build(text);
    const d = r.diagnostics.find((x) => x.code === 'aws-extension-ignored');
    expect(`${d?.position?.line}:${d?.position?.column}`).toBe(pos(text, 'x-amazon-apigateway-request-validator: body-only'));
    expect(r.gateway!.routes.find((x) => x.id === 'createOrder')!.validate).toBeUndefined();
  });
});

describe('aws request validation: lint says what build refuses, at the same line (DESIGN.md 7.7)', () => {
  it('a format AWS may not check', async () => {
    const { lint } = await import('../../../src/lint/index.js');
    const text = spec('', op('', jsonBody("{ type: object, properties: { to: { type: string, format: email } } }")));
    const file = writeSpec(text);
    const built = await buildTarget(file, { target: 'aws' });
    const refused = built.diagnostics.find((d) => d.code === 'aws-schema-unsupported')!;
    const linted = await lint(file, { target: 'aws' });
    const found = linted.diagnostics.filter((d) => d.severity === 'error');
    expect(found.map((d) => `${d.position?.line}:${d.position?.column}`)).toContain(`${refused.position?.line}:${refused.position?.column}`);
  });
});
