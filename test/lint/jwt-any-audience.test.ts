/** jwt-any-audience: a scheme that accepts any audience is warned at its anyAudience line, so a PR shows it. */
import { HEAD, testRule } from './helper.js';

const spec = (extra: string) => `${HEAD}servers: [{ url: https://api.example.com }]
x-gateway:
  backends: { app: { url: http://app.internal:8080 } }
paths:
  /a: { get: { operationId: a, security: [{ jwt: [] }], responses: { '200': { description: ok } } } }
components:
  securitySchemes:
    jwt:
      type: http
      scheme: bearer
      x-gateway:
        issuer: https://id.example.com/
        publicKeys: ["\${file:k.pem}"]
${extra}`; // the extra line is line 16

testRule('jwt-any-audience', {
  valid: [
    { name: 'audiences named', files: spec('        audiences: [api]\n') },
    { name: 'anyAudience: false is the default', files: spec('        audiences: [api]\n        anyAudience: false\n') },
  ],
  invalid: [
    { name: 'anyAudience: true', files: spec('        anyAudience: true\n'), errors: [{ line: 16, column: 9, messageId: 'any' }] },
  ],
});
