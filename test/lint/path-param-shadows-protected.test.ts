/** path-param-shadows-protected (#14.7): a weaker template beside a protected literal it can be spelt as. */
import { HEAD, testRule } from './helper.js';

const op = (sec: string, params = '') => `{ ${sec}${params}responses: { '200': { description: ok } } }`;
const PUBLIC = 'security: [], x-gateway: { public: true }, ';
const KEY = 'security: [{ key: [] }], ';
const spec = (me: string, id: string, idParams = '', extra = '') => `${HEAD}servers: [{ url: https://api.example.com }]
x-gateway:
  backends: { app: { url: http://app.internal:8080 } }
paths:
  /users/me:
    get: ${me}
  /users/{id}:
    get: ${id}
${extra}components:
  securitySchemes:
    key: { type: apiKey, in: header, name: X-Key }
    admin: { type: apiKey, in: header, name: X-Admin }
`; // /users/{id} key on line 9
const param = (schema: string) => `parameters: [{ name: id, in: path, required: true, schema: ${schema} }], `;

testRule('path-param-shadows-protected', {
  valid: [
    { name: 'both public', files: spec(op(PUBLIC), op(PUBLIC)) },
    { name: 'the same security on both', files: spec(op(KEY), op(KEY)) },
    { name: 'the template is an integer', files: spec(op(KEY), op(PUBLIC, param('{ type: integer }'))) },
    { name: 'a uuid', files: spec(op(KEY), op(PUBLIC, param('{ type: string, format: uuid }'))) },
    { name: 'a pattern none of the spellings matches', files: spec(op(KEY), op(PUBLIC, param("{ type: string, pattern: '^[0-9a-f]{8}$' }"))) },
    { name: 'an enum without them', files: spec(op(KEY), op(PUBLIC, param('{ type: string, enum: [alice, bob] }'))) },
    { name: 'another method only', files: spec(op(KEY), op(PUBLIC)).replace('  /users/{id}:\n    get:', '  /users/{id}:\n    put:') },
  ],
  invalid: [
    { name: 'a public template beside a keyed literal', files: spec(op(KEY), op(PUBLIC)), errors: [{ line: 9, column: 3, messageId: 'shadow' }] },
    { name: 'a template needing another scheme', files: spec(op('security: [{ admin: [] }], '), op(KEY)), errors: [{ line: 9, column: 3, messageId: 'shadow' }] },
    { name: 'a pattern letting ME through', files: spec(op(KEY), op(PUBLIC, param("{ type: string, pattern: '^[A-Za-z]+$' }"))), errors: [{ line: 9, column: 3, messageId: 'shadow' }] },
  ],
});
