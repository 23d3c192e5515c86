/** Routing, security and traffic rules: the ones that read the gateway model. */
import { HEAD, testRule } from './helper.js';
import { fakeTarget } from './fake-target.js';

const GW = `${HEAD}servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  backends:
    app: { url: http://app.internal:8080 }
paths:
`; // paths start on line 8
const SCHEMES = 'components:\n  securitySchemes:\n    apiKey: { type: apiKey, in: header, name: x-api-key }\n';
const route = (path: string, id: string, lines: string) => `  ${path}:\n    get:\n      operationId: ${id}\n${lines}      responses: { '200': { description: ok } }\n`;
const OPEN = '      x-gateway: { public: true, rateLimit: { requests: 1, per: second } }\n';
const KEYED = '      security: [{ apiKey: [] }]\n';

testRule('path-trailing-slash-twin', {
  valid: [{ name: 'distinct paths', files: GW + route('/a', 'a', KEYED) + route('/b/', 'b', KEYED) + SCHEMES }],
  invalid: [{ name: '/a and /a/', files: GW + route('/a', 'a', KEYED) + route('/a/', 'b', KEYED) + SCHEMES, errors: [{ line: 13, column: 3 }] }],
});

testRule('route-duplicate', {
  valid: [{ name: 'different methods', files: `${GW}  /a/{x}:\n    parameters: [{ name: x, in: path, required: true, schema: { type: string } }]\n    get: { operationId: a, security: [{ apiKey: [] }], responses: { '200': { description: ok } } }\n    put: { operationId: b, security: [{ apiKey: [] }], responses: { '200': { description: ok } } }\n${SCHEMES}` }],
  invalid: [
    {
      name: 'same route under two parameter names',
      files: `${GW}  /a/{x}:\n    parameters: [{ name: x, in: path, required: true, schema: { type: string } }]\n    get: { operationId: a, security: [{ apiKey: [] }], responses: { '200': { description: ok } } }\n  /a/{y}:\n    parameters: [{ name: y, in: path, required: true, schema: { type: string } }]\n    get: { operationId: b, security: [{ apiKey: [] }], responses: { '200': { description: ok } } }\n${SCHEMES}`,
      errors: [{ line: 13, column: 5 }],
    },
  ],
});

const P = (n: string) => `    parameters: [{ name: ${n}, in: path, required: true, schema: { type: string } }]\n`;
testRule('route-ambiguous', {
  valid: [{ name: 'a literal wins', files: `${GW}  /a/{x}:\n${P('x')}    get: { operationId: a, security: [{ apiKey: [] }], responses: { '200': { description: ok } } }\n  /a/me:\n    get: { operationId: b, security: [{ apiKey: [] }], responses: { '200': { description: ok } } }\n${SCHEMES}` }],
  invalid: [
    {
      name: '/a/{x} vs /{y}/b',
      files: `${GW}  /a/{x}:\n${P('x')}    get: { operationId: a, security: [{ apiKey: [] }], responses: { '200': { description: ok } } }\n  /{y}/b:\n${P('y')}    get: { operationId: b, security: [{ apiKey: [] }], responses: { '200': { description: ok } } }\n${SCHEMES}`,
      errors: [{ line: 11, column: 3, severity: 'warn' }], // the path key /{y}/b (#16.5), not its get:
    },
  ],
});

// d134297: the public template tried first answers GET /a/b, a URL of the keyed /{y}/b, without a key.
testRule('route-ambiguous-unprotected', {
  valid: [
    { name: 'both keyed (only route-ambiguous warns)', files: `${GW}  /a/{x}:\n${P('x')}    get: { operationId: a, security: [{ apiKey: [] }], responses: { '200': { description: ok } } }\n  /{y}/b:\n${P('y')}    get: { operationId: b, security: [{ apiKey: [] }], responses: { '200': { description: ok } } }\n${SCHEMES}` },
    { name: 'a limit on the route tried first only', files: `${GW}  /a/{x}:\n${P('x')}    get: { operationId: a, security: [{ apiKey: [] }], x-gateway: { rateLimit: { requests: 1, per: second } }, responses: { '200': { description: ok } } }\n  /{y}/b:\n${P('y')}    get: { operationId: b, security: [{ apiKey: [] }], responses: { '200': { description: ok } } }\n${SCHEMES}` },
  ],
  invalid: [
    {
      name: 'public /a/{x} tried before keyed /{y}/b',
      files: `${GW}  /a/{x}:\n${P('x')}    get: { operationId: a, x-gateway: { public: true, rateLimit: { requests: 1, per: second } }, responses: { '200': { description: ok } } }\n  /{y}/b:\n${P('y')}    get: { operationId: b, security: [{ apiKey: [] }], responses: { '200': { description: ok } } }\n${SCHEMES}`,
      errors: [{ line: 11, column: 3 }],
    },
    {
      // Red team 20: same callers, but GET /a/b is counted under a's limit (or none), not b's.
      name: 'keyed /a/{x} without a limit tried before keyed /{y}/b with one',
      files: `${GW}  /a/{x}:\n${P('x')}    get: { operationId: a, security: [{ apiKey: [] }], responses: { '200': { description: ok } } }\n  /{y}/b:\n${P('y')}    get: { operationId: b, security: [{ apiKey: [] }], x-gateway: { rateLimit: { requests: 1, per: second } }, responses: { '200': { description: ok } } }\n${SCHEMES}`,
      errors: [{ line: 11, column: 3 }],
    },
    {
      // PV21: one comparison for every pair check; a body limit only b has is escaped too.
      name: 'keyed /a/{x} without a body limit tried before keyed /{y}/b with one',
      files: `${GW}  /a/{x}:\n${P('x')}    post: { operationId: a, security: [{ apiKey: [] }], responses: { '200': { description: ok } } }\n  /{y}/b:\n${P('y')}    post: { operationId: b, security: [{ apiKey: [] }], x-gateway: { bodyLimit: 1kb }, responses: { '200': { description: ok } } }\n${SCHEMES}`,
      errors: [{ line: 11, column: 3 }],
    },
    {
      // PV21: a mixed segment beside a bare parameter, one variable each: Express and Rails take declaration order.
      name: 'public /f/{x}.json tried before keyed /f/{y}',
      files: `${GW}  /f/{x}.json:\n${P('x')}    get: { operationId: a, x-gateway: { public: true }, responses: { '200': { description: ok } } }\n  /f/{y}:\n${P('y')}    get: { operationId: b, security: [{ apiKey: [] }], responses: { '200': { description: ok } } }\n${SCHEMES}`,
      errors: [{ line: 11, column: 3 }],
    },
  ],
});

testRule('operation-id-duplicate', {
  valid: [{ name: 'unique', files: GW + route('/a', 'a', KEYED) + route('/b', 'b', KEYED) + SCHEMES }],
  invalid: [{ name: 'twice', files: GW + route('/a', 'same', KEYED) + route('/b', 'same', KEYED) + SCHEMES, errors: [{ line: 15, column: 7 }] }], // the second operationId: line (#16.5)
});

testRule('security-missing', {
  valid: [
    { name: 'a requirement', files: GW + route('/a', 'a', KEYED) + SCHEMES },
    { name: 'explicitly public', files: GW + route('/a', 'a', OPEN) },
  ],
  invalid: [
    { name: 'nothing said', files: GW + route('/a', 'a', '') + SCHEMES, errors: [{ line: 9, column: 5, messageId: 'none' }] },
    { name: 'only an empty alternative', files: GW + route('/a', 'a', '      security: [{}]\n') + SCHEMES, errors: [{ line: 11, column: 7, messageId: 'anonymous' }] },
  ],
});

testRule('public-no-rate-limit', {
  valid: [{ name: 'public with a limit', files: GW + route('/a', 'a', OPEN) }],
  invalid: [{ name: 'public without a limit', files: GW + route('/a', 'a', '      x-gateway: { public: true }\n'), errors: [{ line: 9, column: 5 }] }],
});

testRule('cors-credentials-wildcard', {
  valid: [{ name: 'listed origins', files: GW + route('/a', 'a', `${OPEN}`.replace('}\n', ", cors: { origins: ['https://x.example'], credentials: true } }\n")) }],
  invalid: [
    {
      name: '* with credentials',
      files: GW + route('/a', 'a', "      x-gateway:\n        public: true\n        rateLimit: { requests: 1, per: second }\n        cors: { origins: ['*'], credentials: true }\n"),
      errors: [{ line: 14, column: 9 }],
    },
  ],
});

const backends = (b: string, env = '') => `${HEAD}servers: [{ url: https://api.example.com }]\nx-gateway:\n  backends:\n${b}${env}paths:\n${route('/a', 'a', OPEN)}`;
testRule('backend-plain-http', {
  valid: [
    { name: 'https, private hosts, loopback, a dev environment', files: backends('    a: { url: https://api.partner.com }\n    b: { url: http://10.1.2.3:8080 }\n    c: { url: http://orders }\n    d: { url: http://127.0.0.1:9000 }\n', '  environments:\n    dev: { backends: { a: { url: http://api.partner.com } } }\n') },
  ],
  invalid: [
    { name: 'a public host over http', files: backends('    a: { url: http://api.partner.com }\n'), errors: [{ line: 6, column: 10 }] },
    {
      name: 'in the prod environment',
      files: backends('    a: { url: https://api.partner.com }\n', '  environments:\n    prod: { backends: { a: { url: http://api.partner.com } } }\n'),
      errors: [{ line: 8, column: 30 }],
    },
  ],
});

const slow = `${HEAD}servers: [{ url: https://api.example.com }]\nx-gateway:\n  backends:\n    app:\n      url: https://app.example.com\n      timeout: 60s\npaths:\n${route('/a', 'a', OPEN)}`;
testRule('timeout-ceiling', {
  valid: [
    { name: 'under the ceiling', files: slow.replace('60s', '20s'), targets: [fakeTarget('capped', {}, { maxTimeoutMs: 29_000 })] },
    { name: 'a target without a ceiling', files: slow, targets: [fakeTarget('open')] },
  ],
  invalid: [{ name: '60 s on a 29 s target', files: slow, targets: [fakeTarget('capped', {}, { maxTimeoutMs: 29_000 })], errors: [{ line: 8, column: 7, target: 'capped' }] }],
});
