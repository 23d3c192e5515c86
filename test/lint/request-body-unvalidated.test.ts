/** request-body-unvalidated: an operation's request body nothing validates is an info at its requestBody. */
import { HEAD, testRule } from './helper.js';

const spec = (validate: string, op = "post: { operationId: a, requestBody: { content: { application/json: { schema: { type: object } } } }, responses: { '200': { description: ok } } }") => `${HEAD}servers: [{ url: https://api.example.com }]
x-gateway:
  backends: { app: { url: http://app.internal:8080 } }
  defaults: { public: true${validate} }
paths:
  /a:
    ${op}
`; // the requestBody key on line 9, column 29

testRule('request-body-unvalidated', {
  valid: [
    { name: 'body validated by the defaults', files: spec(', validate: { body: true }') },
    { name: 'validate: true', files: spec(', validate: true') },
    { name: 'no request body', files: spec('', "get: { operationId: a, responses: { '200': { description: ok } } }") },
  ],
  invalid: [
    { name: 'no validate at all', files: spec(''), errors: [{ line: 9, column: 29, messageId: 'none', severity: 'info' }] },
    { name: 'parameters only', files: spec(', validate: { parameters: true }'), errors: [{ line: 9, column: 29, messageId: 'none' }] },
    { name: 'switched off', files: spec(', validate: false'), errors: [{ line: 9, column: 29, messageId: 'none' }] },
  ],
});
