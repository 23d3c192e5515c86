/** jwt-key-family-ambiguous: lint reports what `gwc build --target nginx` refuses, at the algorithms line. */
import { HEAD, testRule } from './helper.js';

const spec = (algs: string, keys = '["${file:k.pem}"]') => `${HEAD}servers: [{ url: https://api.example.com }]
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
        algorithms: [${algs}]
        publicKeys: ${keys}
`; // algorithms on line 15

testRule('jwt-key-family-ambiguous', {
  valid: [
    { name: 'public-key algorithms only', files: spec('RS256, ES256') },
    { name: 'HMAC only', files: spec('HS256, HS512') },
    { name: 'no publicKeys (a JWKS or forward auth verifies)', files: spec('RS256, HS256', '[]') },
  ],
  invalid: [
    { name: 'RS256 beside HS256', files: spec('RS256, HS256'), errors: [{ line: 15, column: 9, messageId: 'mixed' }] },
    { name: 'HS512 beside ES256', files: spec('HS512, ES256'), errors: [{ line: 15, column: 9, messageId: 'mixed' }] },
  ],
});
