/** Secrets, scheme and reference checks of the model, and portability against fake targets. */
import { HEAD, testRule } from './helper.js';
import { fakeTarget } from './fake-target.js';

const OPEN = '      x-gateway: { public: true, rateLimit: { requests: 1, per: second } }\n';
const base = (x: string, paths: string, comps = '') =>
  `${HEAD}servers: [{ url: https://api.example.com }]\nx-gateway:\n  backends:\n    app: { url: https://app.example.com }\n${x}paths:\n${paths}${comps}`;
const op = (path: string, id: string, lines: string) => `  ${path}:\n    get:\n      operationId: ${id}\n${lines}      responses: { '200': { description: ok } }\n`;

testRule('secret-literal', {
  valid: [
    { name: 'references and example field values', files: `${HEAD}info: { title: t, version: "1", x-api-key: '\${env:API_KEY}' }\npaths: {}\ncomponents:\n  schemas:\n    Login: { properties: { password: { type: string, example: s3cretPassw0rd } } }\n` },
  ],
  invalid: [
    { name: 'an AWS key anywhere', files: `${HEAD}x-notes:\n  - AKIAIOSFODNN7EXAMPLE\npaths: {}\n`, errors: [{ line: 4, column: 5, messageId: 'pattern' }] },
    // One per pattern, inside longer text (#18: a string is scanned for the literal each pattern needs first).
    ...[
      '-----BEGIN RSA PRIVATE KEY-----',
      'key ASIAIOSFODNN7EXAMPLE here',
      'token ghp_abcdefghijklmnopqrstuvwxyz0123456789 here',
      'slack xoxb-1234567890-abcdef here',
      'stripe rk_live_abcdefghijklmnop1234 here',
      'google AIzaSyA1234567890abcdefghijklmnopqrstuv here',
      'jwt eyJhbGciOiJIUzI1.eyJzdWIiOiIxMjM0.abcdefghijkl here',
    ].map((text) => ({ name: `pattern: ${text.split(' ')[1] ?? text}`, files: `${HEAD}x-notes:\n  - '${text}'\npaths: {}\n`, errors: [{ line: 4, column: 5, messageId: 'pattern' }] })),
    {
      name: 'a password in a $ref\'d file',
      files: { 'gateway.yaml': `${HEAD}paths: {}\ncomponents:\n  schemas: { $ref: 'more.yaml' }\n`, 'more.yaml': 'x-db:\n  password: hunter2hunter2\n' },
      errors: [{ line: 2, column: 3, messageId: 'key', file: 'more.yaml' }],
    },
  ],
});

testRule('unknown-backend', {
  valid: [{ name: 'known', files: base('', op('/a', 'a', '      x-gateway: { backend: app, public: true, rateLimit: { requests: 1, per: second } }\n')) }],
  invalid: [{ name: 'misspelt', files: base('', op('/a', 'a', '      x-gateway: { backend: ap, public: true }\n')), errors: [{ line: 11, column: 20 }] }],
});

testRule('unknown-policy', {
  valid: [{ name: 'no policies', files: base('', op('/a', 'a', OPEN)) }],
  invalid: [{ name: 'missing', files: base('', op('/a', 'a', '      x-gateway: { policies: [nope], public: true }\n')), errors: [{ line: 11, column: 31 }] }],
});

testRule('unknown-security-scheme', {
  valid: [{ name: 'defined', files: base('', op('/a', 'a', '      security: [{ k: [] }]\n'), 'components:\n  securitySchemes:\n    k: { type: apiKey, in: header, name: k }\n') }],
  invalid: [{ name: 'undefined', files: base('', op('/a', 'a', '      security: [{ k: [] }]\n')), errors: [{ line: 11, column: 20 }] }],
});

// Said once, at the scheme's definition (where its x-gateway goes), not at each requirement (#16.4).
testRule('scheme-unverifiable', {
  valid: [
    { name: 'bearer with an issuer', files: base('', op('/a', 'a', '      security: [{ b: [] }]\n'), "components:\n  securitySchemes:\n    b: { type: http, scheme: bearer, x-gateway: { issuer: 'https://id.example.com/' } }\n") },
    // Verified by AWS only; the other targets refuse auth.lambda through their tables (capability rules).
    { name: 'bearer with only a Lambda authorizer', files: base('  targets: [aws]\n', op('/a', 'a', '      security: [{ b: [] }]\n'), "components:\n  securitySchemes:\n    b: { type: http, scheme: bearer, x-gateway: { lambdaAuthorizer: { arn: 'arn:aws:lambda:eu-west-1:123456789012:function:authz' } } }\n") },
  ],
  invalid: [{ name: 'bearer with nothing', files: base('', op('/a', 'a', '      security: [{ b: [] }]\n'), 'components:\n  securitySchemes:\n    b: { type: http, scheme: bearer }\n'), errors: [{ line: 15, column: 5 }] }],
});

testRule('scheme-unsupported', {
  valid: [{ name: 'basic', files: base('', op('/a', 'a', '      security: [{ b: [] }]\n'), 'components:\n  securitySchemes:\n    b: { type: http, scheme: basic }\n') }],
  invalid: [{ name: 'digest', files: base('', op('/a', 'a', '      security: [{ b: [] }]\n'), 'components:\n  securitySchemes:\n    b: { type: http, scheme: digest }\n'), errors: [{ line: 15, column: 5 }] }],
});

testRule('path-param-invalid', {
  valid: [{ name: 'well formed', files: base('', op('/a', 'a', OPEN)) }],
  invalid: [{ name: 'empty {}', files: base('', op('/a/{}', 'a', OPEN)), errors: [{ line: 8, column: 3 }] }],
});

testRule('upstream-param-unknown', {
  valid: [{ name: 'no rewrite', files: base('', op('/a', 'a', OPEN)) }],
  invalid: [{ name: 'unknown param', files: base('', op('/a', 'a', "      x-gateway: { upstreamPath: '/b/{id}', public: true, rateLimit: { requests: 1, per: second } }\n")), errors: [{ line: 11, column: 20 }] }],
});

testRule('accept-unknown', {
  valid: [{ name: 'none', files: base('', op('/a', 'a', OPEN)) }],
  invalid: [{ name: 'unknown feature', files: base('  accept:\n    aws: [{ feature: teleport, reason: because }]\n', op('/a', 'a', OPEN)), errors: [{ line: 8, column: 11 }] }],
});

const LIMITED = base('', op('/a', 'a', OPEN) + op('/b', 'b', OPEN));
const noRate = fakeTarget('tiny', { rateLimit: { support: 'unsupported', why: 'no limiter' } });
testRule('capability-unsupported', {
  valid: [{ name: 'native everywhere', files: LIMITED, targets: [fakeTarget('full')] }],
  invalid: [{ name: 'one finding per place, naming both routes', files: LIMITED, targets: [noRate, fakeTarget('full')], errors: [{ line: 11, column: 34, target: 'tiny' }, { line: 16, column: 34, target: 'tiny' }] }],
});

// x-gateway.targets narrows the check to the targets the gateway is deployed to (unless --target says otherwise).
const limitedOn = (declared: string) => base(`  targets: [${declared}]\n`, op('/a', 'a', OPEN));
const awsNoRate = fakeTarget('aws', { rateLimit: { support: 'unsupported', why: 'no limiter' } });
testRule('capability-unsupported', {
  valid: [{ name: 'a gap on a target the spec is not deployed to', files: limitedOn('nginx'), targets: [awsNoRate, fakeTarget('nginx')] }],
  invalid: [{ name: 'a gap on a declared target', files: limitedOn('nginx, aws'), targets: [awsNoRate, fakeTarget('nginx')], errors: [{ line: 12, column: 34, target: 'aws' }] }],
});

const LOGGED = base('  defaults: { accessLog: true }\n', op('/a', 'a', OPEN));
testRule('capability-dropped', {
  valid: [{ name: 'native', files: LOGGED, targets: [fakeTarget('full')] }],
  invalid: [{ name: 'no access log', files: LOGGED, targets: [fakeTarget('quiet', { accessLog: { support: 'unsupported', why: 'no logs' } })], errors: [{ line: 7, column: 15, target: 'quiet' }] }],
});

const ACCEPTED = base('  accept:\n    aws: [{ feature: rateLimit, reason: limited upstream }]\n', op('/a', 'a', OPEN));
testRule('capability-accepted', {
  valid: [{ name: 'nothing to accept', files: ACCEPTED, targets: [fakeTarget('aws')] }],
  invalid: [{ name: 'accepted gap', files: ACCEPTED, targets: [fakeTarget('aws', { rateLimit: { support: 'unsupported', why: 'no limiter' } })], errors: [{ line: 8, column: 11, severity: 'warn' }] }],
});

testRule('capability-emulated', {
  valid: [{ name: 'native', files: LIMITED, targets: [fakeTarget('full')] }],
  invalid: [
    {
      name: 'emulated rate limit (info)',
      files: base('', op('/a', 'a', OPEN)),
      targets: [fakeTarget('emu', { rateLimit: { support: 'emulated', how: 'a script' } })],
      errors: [{ line: 11, column: 34, severity: 'info', target: 'emu' }],
    },
  ],
});
