/**
 * DESIGN.md 7.7: an accepted gap that would compile a route open is refused by `gwc build`
 * (accept-opens-route, src/targets/capability-check.ts); lint passed the same spec with a warning
 * (red team: test/security/redteam-lint-build.test.ts). The rule relays it at the accept entry.
 */
import { HEAD, testRule } from './helper.js';
import { fakeTarget } from './fake-target.js';

const spec = (accept: string) =>
  `${HEAD}servers: [{ url: https://api.example.com }]\nx-gateway:\n  backends:\n    app: { url: https://app.example.com }\n${accept}paths:\n  /a:\n    get:\n      operationId: a\n      security: [{ k: [] }]\n      responses: { '200': { description: ok } }\ncomponents:\n  securitySchemes:\n    k: { type: apiKey, in: header, name: X-Key }\n`;
const noKeys = fakeTarget('aws', { 'auth.apiKey': { support: 'unsupported', why: 'no keys' } });

testRule('accept-opens-route', {
  valid: [{ name: 'a target that enforces the scheme', files: spec('  accept:\n    aws: [{ feature: auth.apiKey, reason: a WAF }]\n'), targets: [fakeTarget('aws')] }],
  invalid: [{ name: 'an accepted auth gap', files: spec('  accept:\n    aws: [{ feature: auth.apiKey, reason: a WAF }]\n'), targets: [noKeys], errors: [{ line: 8, column: 11, target: 'aws' }] }],
});
