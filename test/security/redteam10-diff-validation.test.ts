/**
 * `gwc diff` and request validation (red team 10, closing13 "Still open" 4): what API Gateway REST
 * refuses before the backend (x-gateway validate: a request validator, a required query parameter
 * or header, a JSON body against its draft-04 model) weakened by hand in the deployed template, or
 * by a release, was no finding at all: no fact, no rule (the one AWS known gap of
 * diff-coverage-aws). Each case mutates gwc's own template: the release deploying the mutation
 * (built -> mutated) must hold a security finding (`validation-weakened`), the release repairing
 * it (mutated -> built, drift) a finding.
 */
import { describe, expect, it } from 'vitest';
import { compiledState, readerOf } from '../../src/diff/run.js';
import { diffStates } from '../../src/diff/plan.js';
import type { State } from '../../src/diff/entity.js';
import type { OutputFile } from '../../src/targets/output-file.js';
import { HEAD, writeSpec } from '../helpers/spec.js';

const ok = "{ '200': { description: ok } }";
const SPEC = `${HEAD}servers: [{ url: https://api.rd.example.com/v1 }]
x-gateway:
  name: rd
  backends:
    app: { url: https://app.example.com }
  defaults: { backend: app }
  consumers:
    app: { credentials: { key: '\${env:APP_KEY}' } }
paths:
  /orders:
    post:
      operationId: createOrder
      security: [{ key: [] }]
      parameters: [{ name: X-Tenant, in: header, required: true, schema: { type: string } }, { name: dry, in: query, required: true, schema: { type: string } }]
      requestBody: { required: true, content: { application/json: { schema: { type: object, required: [sku], additionalProperties: false, properties: { sku: { type: string, maxLength: 20 } } } } } }
      x-gateway: { validate: { body: true, parameters: true } }
      responses: ${ok}
  /notes:
    post:
      operationId: createNote
      security: [{ key: [] }]
      requestBody: { required: true, content: { application/json: { schema: { type: object, required: [text], properties: { text: { type: string } } } } } }
      x-gateway: { validate: { body: true } }
      responses: ${ok}
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: x-api-key }
`;

type Doc = { Resources: Record<string, { Type: string; Properties: Record<string, any> }> };

async function build(spec: string) {
  const r = await compiledState(writeSpec(spec), 'aws', { options: { customDomain: 'auto' } });
  if (!r.state) throw new Error(r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`).join('\n'));
  const files = r.state.files!;
  const file = files.find((f) => f.path.endsWith('.json'))!;
  const read = (edit: (d: Doc) => void): State => {
    const doc = JSON.parse(file.contents) as Doc;
    edit(doc);
    const out: OutputFile[] = files.map((f) => (f === file ? { ...f, contents: JSON.stringify(doc) } : f));
    return readerOf('aws').reader!.normalise(out, 'deployed').state!;
  };
  return { built: read(() => {}), read };
}

const body = (d: Doc) => Object.values(d.Resources).find((r) => r.Type === 'AWS::ApiGateway::RestApi')!.Properties.Body;
const op = (d: Doc, path: string) => body(d).paths[path].post;
const model = (d: Doc, path: string) => body(d).components.schemas[(op(d, path).requestBody.content.$default.schema.$ref as string).split('/').pop()!];

/** The security findings of built -> mutated, and every finding of mutated -> built, as `rule key`. */
function both(built: State, mutated: State) {
  const weaker = diffStates(built, mutated).findings.filter((f) => f.class === 'security').map((f) => `${f.rule} ${f.key}`);
  const back = diffStates(mutated, built).findings.map((f) => `${f.rule}${f.undoes ? ` (undoes ${f.undoes})` : ''} ${f.key}`);
  return { weaker, back };
}

describe('gwc diff, AWS REST: request validation weakened is security', async () => {
  const { built, read } = await build(SPEC);
  const ORDER = 'RestApi.createOrder';
  const NOTE = 'RestApi.createNote';

  it('the build reads as itself (no change)', () => {
    expect(diffStates(built, read(() => {})).changes).toEqual([]);
  });

  const cases: Array<[string, (d: Doc) => void, string]> = [
    ["the method's request validator removed", (d) => { delete op(d, '/orders')['x-amazon-apigateway-request-validator']; }, ORDER],
    ['every validator removed from the API', (d) => { delete body(d)['x-amazon-apigateway-request-validators']; }, ORDER],
    ['validateRequestBody false', (d) => { body(d)['x-amazon-apigateway-request-validators']['body-and-parameters'].validateRequestBody = false; }, ORDER],
    ['validateRequestParameters false', (d) => { body(d)['x-amazon-apigateway-request-validators']['body-and-parameters'].validateRequestParameters = false; }, ORDER],
    ['the method pointed at a validator checking the body only', (d) => { op(d, '/orders')['x-amazon-apigateway-request-validator'] = 'body'; }, ORDER],
    ['the body model removed from the method', (d) => { delete op(d, '/orders').requestBody; }, ORDER],
    ['the body model applied to application/json only (a text/plain body passes unchecked)', (d) => {
      const rb = op(d, '/notes').requestBody;
      rb.content = { 'application/json': rb.content.$default };
    }, NOTE],
    ['the model lost a required property', (d) => { model(d, '/notes').required = []; }, NOTE],
    ['the model lost additionalProperties false', (d) => { delete model(d, '/orders').additionalProperties; }, ORDER],
    ['the model lost a maxLength', (d) => { delete model(d, '/orders').properties.sku.maxLength; }, ORDER],
    ['the model emptied to {}', (d) => { const m = model(d, '/notes'); for (const k of Object.keys(m)) delete m[k]; }, NOTE],
    ['a required header parameter made optional', (d) => { op(d, '/orders').parameters.find((p: any) => p.in === 'header').required = false; }, ORDER],
    ['a required query parameter dropped', (d) => { const o = op(d, '/orders'); o.parameters = o.parameters.filter((p: any) => p.in !== 'query'); }, ORDER],
  ];

  it.each(cases)('%s: validation-weakened, and the repair is a finding', (_what, edit, key) => {
    const { weaker, back } = both(built, read(edit));
    expect(weaker).toContain(`validation-weakened ${key}`);
    expect(back.some((f) => f.endsWith(` ${key}`))).toBe(true);
  });

  it('a root default validator for methods that name none is no weakening (control)', () => {
    const { weaker } = both(built, read((d) => { body(d)['x-amazon-apigateway-request-validator'] = 'body'; }));
    expect(weaker).toEqual([]);
  });

  it("a method that names no validator, validated by the API's default one: the default removed is validation-weakened", () => {
    const withDefault = read((d) => { delete op(d, '/notes')['x-amazon-apigateway-request-validator']; body(d)['x-amazon-apigateway-request-validator'] = 'body'; });
    expect(diffStates(built, withDefault).findings.filter((f) => f.class === 'security')).toEqual([]);
    const { weaker } = both(withDefault, read((d) => { delete op(d, '/notes')['x-amazon-apigateway-request-validator']; }));
    expect(weaker).toContain(`validation-weakened ${NOTE}`);
  });

  it('a validator name the API does not define reads as no validation (fail closed)', () => {
    const { weaker } = both(built, read((d) => { op(d, '/notes')['x-amazon-apigateway-request-validator'] = 'nonesuch'; }));
    expect(weaker).toContain(`validation-weakened ${NOTE}`);
  });
});
