import { HEAD, testRule } from './helper.js';

const op = (extra = '') => `${HEAD}paths:\n  /a:\n    get:\n${extra}      responses: { '200': { description: ok } }\n`;

testRule('operation-operationId', {
  valid: [{ name: 'has an id', files: op('      operationId: getA\n') }],
  invalid: [
    { name: 'no id', files: op(), errors: [{ line: 5, column: 5, messageId: 'missing' }] },
    { name: 'empty id', files: op("      operationId: ''\n"), errors: [{ line: 5, column: 5, messageId: 'missing' }] },
  ],
});

testRule('operation-operationId-valid-in-url', {
  valid: [{ name: 'url-safe', files: op('      operationId: repos/get-thing_1\n') }],
  invalid: [{ name: 'spaces and quotes', files: op('      operationId: "get a<b>"\n'), errors: [{ line: 6, column: 7, messageId: 'invalid' }] }],
});

const params = (path: string, p: string) =>
  `${HEAD}paths:\n  ${path}:\n    get:\n      operationId: x\n      parameters:\n${p}      responses: { '200': { description: ok } }\n`;

testRule('path-params', {
  valid: [
    { name: 'declared on the operation', files: params('/a/{id}', '        - { name: id, in: path, required: true, schema: { type: string } }\n') },
    {
      name: 'declared on the path item through a $ref',
      files: {
        'gateway.yaml': `${HEAD}paths:\n  /a/{id}:\n    parameters: [{ $ref: 'params.yaml#/id' }]\n    get:\n      operationId: x\n      responses: { '200': { description: ok } }\n`,
        'params.yaml': 'id: { name: id, in: path, required: true, schema: { type: string } }\n',
      },
    },
  ],
  invalid: [
    { name: 'undeclared', files: params('/a/{id}', '        - { name: q, in: query, schema: { type: string } }\n'), errors: [{ line: 5, column: 5, messageId: 'undeclared' }] },
    {
      name: 'declared, not in the template',
      files: params('/a', '        - { name: id, in: path, required: true, schema: { type: string } }\n'),
      errors: [{ line: 8, column: 13, messageId: 'unused' }],
    },
    {
      name: 'not required, in a $ref\'d file',
      files: {
        'gateway.yaml': `${HEAD}paths:\n  /a/{id}:\n    get:\n      operationId: x\n      parameters: [{ $ref: 'params.yaml#/id' }]\n      responses: { '200': { description: ok } }\n`,
        'params.yaml': '# shared parameters\nid:\n  name: id\n  in: path\n  schema: { type: string }\n',
      },
      errors: [{ line: 2, column: 1, messageId: 'notRequired', file: 'params.yaml' }],
    },
  ],
});

const servers = (list: string) => `${HEAD}servers:\n${list}paths: {}\n`;

testRule('server-base-path', {
  valid: [
    { name: 'plain', files: servers('  - url: https://api.example.com/v1\n') },
    { name: 'variable with a default, same base path twice', files: servers('  - url: https://{region}.example.com/v1\n    variables: { region: { default: eu } }\n  - url: /v1\n') },
  ],
  invalid: [
    { name: 'variable without default', files: servers('  - url: https://api.example.com/{version}\n'), errors: [{ line: 4, column: 5, messageId: 'variable' }] },
    { name: 'query', files: servers('  - url: https://api.example.com/v1?x=1\n'), errors: [{ line: 4, column: 5, messageId: 'query' }] },
    {
      name: 'servers disagree (warning)',
      files: servers('  - url: https://api.example.com/v1\n  - url: https://api.example.com/v2\n'),
      errors: [{ line: 5, column: 5, messageId: 'differs', severity: 'warn' }],
    },
  ],
});

testRule('oas3-server-trailing-slash', {
  valid: [{ name: 'no slash', files: servers('  - url: https://api.example.com/v1\n') }],
  invalid: [{ name: 'slash', files: servers('  - url: https://api.example.com/v1/\n'), errors: [{ line: 4, column: 5 }] }],
});

const paths = (...ps: string[]) =>
  `${HEAD}paths:\n${ps.map((p, i) => `  ${p}:\n    get:\n      operationId: op${i}\n      responses: { '200': { description: ok } }\n`).join('')}`;

testRule('path-keys-no-trailing-slash', {
  valid: [{ name: 'root and plain', files: paths('/', '/a') }],
  invalid: [{ name: 'slash', files: paths('/a', '/b/'), errors: [{ line: 8, column: 3 }] }],
});

testRule('path-not-include-query', {
  valid: [{ name: 'plain', files: paths('/a') }],
  invalid: [{ name: 'query', files: paths('/a?x=1'), errors: [{ line: 4, column: 3 }] }],
});
