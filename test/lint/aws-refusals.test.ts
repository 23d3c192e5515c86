/**
 * DESIGN.md 7.7: lint reports the aws target's compile-time refusals with the build's own codes,
 * at the build's positions, when aws is among the targets checked (never for a team not on AWS).
 */
import { awsTarget } from '../../src/targets/aws/index.js';
import { fakeTarget } from './fake-target.js';
import { describe, expect, it } from 'vitest';
import { buildTarget } from '../../src/api.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { findings, HEAD, testRule, writeFiles } from './helper.js';

const targets = [awsTarget];
const doc = (backend: string, paths: string, schemes = '    key: { type: apiKey, in: header, name: x-api-key }\n') => `${HEAD}servers: [{ url: https://api.example.com }]
x-gateway:
  backends:
    app: ${backend}
paths:
${paths}components:
  securitySchemes:
${schemes}`;
const op = (path: string, id: string, extra = '') => `  ${path}:\n    get:\n      operationId: ${id}\n${extra}      responses: { '200': { description: ok } }\n`;
const PUBLIC = '{ url: https://app.example.com }';
const ID = "      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]\n";

testRule('aws-backend-private-host', {
  valid: [
    { name: 'a public host', files: doc(PUBLIC, op('/a', 'a', '      security: []\n')), targets },
    { name: 'a private host with a VPC link', files: doc('{ url: http://app.internal:8080, vpcLink: abc123 }', op('/a', 'a', '      security: []\n')), targets },
    { name: 'a private host on a team not on AWS', files: doc('{ url: http://app.internal:8080 }', op('/a', 'a', '      security: []\n')), targets: [fakeTarget('nginx')] },
  ],
  invalid: [{ name: 'a .internal host', files: doc('{ url: http://app.internal:8080 }', op('/a', 'a', '      security: []\n')), targets, errors: [{ line: 6, column: 12, target: 'aws' }] }],
});

testRule('aws-api-key-schemes-merged', {
  valid: [{ name: 'one API-key scheme', files: doc(PUBLIC, op('/a', 'a', '      security: [{ key: [] }]\n')), targets }],
  invalid: [
    {
      name: 'two API-key schemes',
      files: doc(PUBLIC, op('/a', 'a', '      security: [{ key: [] }]\n') + op('/b', 'b', '      security: [{ other: [] }]\n'), '    key: { type: apiKey, in: header, name: x-api-key }\n    other: { type: apiKey, in: header, name: x-api-key }\n'),
      targets,
      errors: [{ line: 16, column: 7, target: 'aws' }],
    },
  ],
});

testRule('aws-cache-identity-unkeyed', {
  valid: [{ name: 'an API-key route keyed on its key', files: doc(PUBLIC, op('/a', 'a', "      security: [{ key: [] }]\n      x-gateway: { cache: { ttl: 60s } }\n")), targets }],
  invalid: [
    {
      name: 'a request authorizer keyed on the source IP',
      files: doc(PUBLIC, op('/a', 'a', "      security: [{ key: [] }]\n      x-gateway: { cache: { ttl: 60s } }\n"), "    key: { type: http, scheme: bearer, x-gateway: { lambdaAuthorizer: { arn: 'arn:aws:lambda:eu-west-1:123456789012:function:a', type: request, identitySource: [context.identity.sourceIp] } } }\n"),
      targets,
      errors: [{ line: 12, column: 20, target: 'aws' }],
    },
  ],
});

testRule('aws-path-param-confusable', {
  valid: [{ name: 'the same security on both', files: doc(PUBLIC, op('/users/me', 'me', '      security: [{ key: [] }]\n') + op('/users/{id}', 'user', `      security: [{ key: [] }]\n${ID}`)), targets }],
  invalid: [
    {
      name: 'a public {id} beside a keyed literal',
      files: doc(PUBLIC, op('/users/me', 'me', '      security: [{ key: [] }]\n') + op('/users/{id}', 'user', `      security: []\n${ID}`)),
      targets,
      errors: [{ line: 14, column: 5, target: 'aws' }],
    },
  ],
});

testRule('aws-connect-timeout-ignored', {
  valid: [{ name: 'a read timeout only', files: doc('{ url: https://app.example.com, timeout: 5s }', op('/a', 'a', '      security: []\n')), targets }],
  invalid: [{ name: 'a connect timeout', files: doc('{ url: https://app.example.com, connectTimeout: 2s }', op('/a', 'a', '      security: []\n')), targets, errors: [{ line: 6, column: 5, target: 'aws', severity: 'warn' }] }],
});

testRule('aws-authorizer-cache-unkeyed', {
  valid: [{ name: 'an uncached authorizer', files: doc(PUBLIC, op('/a', 'a', '      security: [{ key: [] }]\n'), "    key: { type: http, scheme: bearer, x-gateway: { lambdaAuthorizer: { arn: 'arn:aws:lambda:eu-west-1:123456789012:function:a', type: request, identitySource: [method.request.header.X-T] } } }\n"), targets }],
  invalid: [
    {
      name: 'a cached policy keyed on a tenant header',
      files: doc(PUBLIC, op('/a', 'a', '      security: [{ key: [] }]\n'), "    key: { type: http, scheme: bearer, x-gateway: { lambdaAuthorizer: { arn: 'arn:aws:lambda:eu-west-1:123456789012:function:a', type: request, identitySource: [method.request.header.X-T], ttlSeconds: 60 } } }\n"),
      targets,
      errors: [{ line: 15, column: 53, target: 'aws' }],
    },
  ],
});

// A Lambda function's event holds X_Token beside the verified X-Token (lambda-spellings.ts): build
// refuses the route at its security unless the backend reads header names exactly, and lint relays it.
const TOKEN = "    key: { type: apiKey, in: header, name: X-Token, x-gateway: { hideCredentials: false, lambdaAuthorizer: { arn: 'arn:aws:lambda:eu-west-1:123456789012:function:a', type: request, identitySource: [method.request.header.X-Token] } } }\n";
describe('aws-lambda-header-spellings: lint = build', () => {
  const at = (ds: Diagnostic[], code: string) => ds.filter((d) => d.code === code || d.params.code === code).map((d) => [d.position?.line, d.position?.column, d.severity]);
  const FN = "{ lambda: { arn: 'arn:aws:lambda:eu-west-1:123456789012:function:app' } }";
  const FN_EXACT = "{ lambda: { arn: 'arn:aws:lambda:eu-west-1:123456789012:function:app' }, headerNames: exact }";
  it('a header key to a Lambda function: the same line and column in lint and build; none once the backend reads exact names', async () => {
    for (const [backend, expected] of [[FN, [[11, 7, 'error']]], [FN_EXACT, []]] as const) {
      const text = doc(backend, op('/a', 'a', '      security: [{ key: [] }]\n'), TOKEN);
      const built = await buildTarget(writeFiles(text), { target: 'aws' });
      expect(at(built.diagnostics, 'aws-lambda-header-spellings'), backend).toEqual(expected);
      expect(at(await findings('target-compile', { name: backend, files: text, targets }), 'aws-lambda-header-spellings'), backend).toEqual(expected);
    }
  });
});

// A query credential API Gateway blanks by its exact name only (red team 3, redteam3-aws): build
// refuses it at the route's security, and lint relays the build's code there (target-compile).
const QUERY_KEY = "    key: { type: apiKey, in: query, name: api_key, x-gateway: { lambdaAuthorizer: { arn: 'arn:aws:lambda:eu-west-1:123456789012:function:a', type: request, identitySource: [method.request.querystring.api_key] } } }\n";
describe('aws-query-credential-spellings: lint = build', () => {
  const at = (ds: Diagnostic[], code: string) => ds.filter((d) => d.code === code || d.params.code === code).map((d) => [d.position?.line, d.position?.column, d.severity]);
  it('a query key behind a Lambda authorizer: the same line and column in lint and build; none once the backend reads exact names', async () => {
    for (const [backend, expected] of [[PUBLIC, [[11, 7, 'error']]], ['{ url: https://app.example.com, queryNames: exact }', []]] as const) {
      const file = writeFiles(doc(backend, op('/a', 'a', '      security: [{ key: [] }]\n'), QUERY_KEY));
      const built = await buildTarget(file, { target: 'aws' });
      expect(at(built.diagnostics, 'aws-query-credential-spellings'), backend).toEqual(expected);
      expect(at(await findings('target-compile', { name: backend, files: doc(backend, op('/a', 'a', '      security: [{ key: [] }]\n'), QUERY_KEY), targets }), 'aws-query-credential-spellings'), backend).toEqual(expected);
    }
  });
});

// A public cached route in a spec whose bearer scheme carries ?access_token= (red team 4,
// redteam4-aws-cache): API Gateway keys exact query names only, so build refuses at the cache and
// lint relays the build's code there (target-compile).
const BEARER = "    bearer: { type: http, scheme: bearer, x-gateway: { issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123', anyAudience: true } }\n";
describe('aws-cache-query-credential: lint = build', () => {
  const at = (ds: Diagnostic[], code: string) => ds.filter((d) => d.code === code || d.params.code === code).map((d) => [d.position?.line, d.position?.column, d.severity]);
  const paths = op('/a', 'a', '      security: []\n      x-gateway: { public: true, cache: { ttl: 60s } }\n') + op('/b', 'b', '      security: [{ bearer: [] }]\n');
  it('a public cached route beside a bearer scheme: the same line and column in lint and build; none once the backend reads exact names', async () => {
    for (const [backend, expected] of [[PUBLIC, [[12, 34, 'error']]], ['{ url: https://app.example.com, queryNames: exact }', []]] as const) {
      const built = await buildTarget(writeFiles(doc(backend, paths, BEARER)), { target: 'aws' });
      expect(at(built.diagnostics, 'aws-cache-query-credential'), backend).toEqual(expected);
      expect(at(await findings('target-compile', { name: backend, files: doc(backend, paths, BEARER), targets }), 'aws-cache-query-credential'), backend).toEqual(expected);
    }
  });
});

// Red team 6: the same refusal on a cached AUTHENTICATED route (keyed on the verified key, the
// entries are shared by the key's requests: one end user's answer to another).
describe('aws-cache-query-credential on an authenticated cached route: lint = build', () => {
  const at = (ds: Diagnostic[], code: string) => ds.filter((d) => d.code === code || d.params.code === code).map((d) => [d.position?.line, d.position?.column, d.severity]);
  const paths = op('/a', 'a', '      security: [{ key: [] }]\n      x-gateway: { cache: { ttl: 60s } }\n') + op('/b', 'b', '      security: [{ bearer: [] }]\n');
  const schemes = `    key: { type: apiKey, in: header, name: x-api-key }\n${BEARER}`;
  it('refused at the cache line in lint and build; none once the backend reads exact names', async () => {
    for (const [backend, expected] of [[PUBLIC, [[12, 20, 'error']]], ['{ url: https://app.example.com, queryNames: exact }', []]] as const) {
      const built = await buildTarget(writeFiles(doc(backend, paths, schemes)), { target: 'aws' });
      expect(at(built.diagnostics, 'aws-cache-query-credential'), backend).toEqual(expected);
      expect(at(await findings('target-compile', { name: backend, files: doc(backend, paths, schemes), targets }), 'aws-cache-query-credential'), backend).toEqual(expected);
    }
  });
});

// Red team 6: a header credential's name blanked in the query by its exact name only is a warning
// at the backend's line (query-spellings.ts checkBlankedQueryNames), in lint as in build.
describe('aws-query-name-spellings: lint = build', () => {
  const at = (ds: Diagnostic[], code: string) => ds.filter((d) => d.code === code || d.params.code === code).map((d) => [d.position?.line, d.position?.column, d.severity]);
  const paths = op('/a', 'a', '      security: [{ key: [] }]\n') + op('/b', 'b', '      security: [{ bearer: [] }]\n');
  const schemes = `    key: { type: apiKey, in: header, name: x-api-key }\n${BEARER}`;
  it('a header key and a bearer route: one warning at the backend line in lint and build; none once the backend reads exact names', async () => {
    for (const [backend, expected] of [[PUBLIC, [[6, 5, 'warn']]], ['{ url: https://app.example.com, queryNames: exact }', []]] as const) {
      const built = await buildTarget(writeFiles(doc(backend, paths, schemes)), { target: 'aws' });
      expect(at(built.diagnostics, 'aws-query-name-spellings'), backend).toEqual(expected);
      expect(at(await findings('target-compile', { name: backend, files: doc(backend, paths, schemes), targets }), 'aws-query-name-spellings'), backend).toEqual(expected);
    }
  });
});

// Red team 6: an OR route (auth.or accepted, only the first alternative enforced) whose other
// alternative reads another cookie than the enforced one: refused at the security line, as the build
// (aws-or-cookie-unenforced, relayed by target-compile).
const ACCEPT_OR = '{ url: https://app.example.com, queryNames: exact }\n  accept: { aws: [{ feature: auth.or, reason: partners }] }';
const authz = (source: string) => `lambdaAuthorizer: { arn: 'arn:aws:lambda:eu-west-1:123456789012:function:a', type: request, ttlSeconds: 0, identitySource: [${source}] }`;
const COOKIES = `    sid: { type: apiKey, in: cookie, name: sid, x-gateway: { hideCredentials: false, ${authz('method.request.header.Cookie')} } }
    partner: { type: apiKey, in: cookie, name: partner, x-gateway: { hideCredentials: false, ${authz('method.request.header.Cookie')} } }
    tok: { type: apiKey, in: header, name: X-Token, x-gateway: { ${authz('method.request.header.X-Token')} } }
`;
describe('target-compile: aws-or-cookie-unenforced', () => {
  // The warning aws-auth-first-alternative is relayed on every such route; only the refusal is asked about here.
  const refusals = async (security: string) =>
    (await findings('target-compile', { name: security, files: doc(ACCEPT_OR, op('/a', 'a', `      security: ${security}\n`), COOKIES), targets }))
      .filter((d) => d.params.code === 'aws-or-cookie-unenforced')
      .map((d) => ({ line: d.position?.line, column: d.position?.column, severity: d.severity, target: d.target }));
  it('two alternatives reading two cookies: refused at the security line', async () => {
    expect(await refusals('[{ sid: [] }, { partner: [] }]')).toEqual([{ line: 12, column: 7, severity: 'error', target: 'aws' }]);
  });
  it('the enforced alternative reads no cookie (the Cookie header is sent empty), or the other reads a header: not refused', async () => {
    expect(await refusals('[{ tok: [] }, { partner: [] }]')).toEqual([]);
    expect(await refusals('[{ sid: [] }, { tok: [] }]')).toEqual([]);
  });
});

// An OR route (auth.or accepted) to a Lambda function: the event holds every carrier of the
// alternative never enforced, and aws_proxy takes no request parameters to blank them
// (aws-or-lambda-unenforced, relayed by target-compile; test/security/aws-unverified-carriers).
describe('target-compile: aws-or-lambda-unenforced', () => {
  const LAMBDA_OR = "{ lambda: { arn: 'arn:aws:lambda:eu-west-1:123456789012:function:app' } }\n  accept: { aws: [{ feature: auth.or, reason: partners }] }";
  const refusals = async (security: string) =>
    (await findings('target-compile', { name: security, files: doc(LAMBDA_OR, op('/a', 'a', `      security: ${security}\n`), COOKIES), targets }))
      .filter((d) => d.params.code === 'aws-or-lambda-unenforced')
      .map((d) => ({ line: d.position?.line, column: d.position?.column, severity: d.severity, target: d.target }));
  it('the other alternative reads a cookie the enforced one does not: refused at the security line', async () => {
    expect(await refusals('[{ tok: [] }, { partner: [] }]')).toEqual([{ line: 12, column: 7, severity: 'error', target: 'aws' }]);
  });
  it('both alternatives read the same cookie: not refused', async () => {
    expect(await refusals('[{ sid: [] }, { sid: [] }]')).toEqual([]);
  });
});

// REV19 (session 20): a scheme that is not a cookie key whose Lambda authorizer is handed the Cookie
// header, kept or hidden (aws-cookie-identity-source, at the lambdaAuthorizer; relayed by target-compile
// at the build's line:col; test/security/rev19-aws-cookie-source.test.ts has the attack).
describe('target-compile: aws-cookie-identity-source', () => {
  const session = (xg: string) => `    sess: { type: http, scheme: bearer, x-gateway: { ${xg} } }\n`;
  const files = (xg: string) => doc(PUBLIC, op('/a', 'a', '      security: [{ sess: [] }]\n'), session(xg));
  const at = (ds: Diagnostic[]) => ds.filter((d) => d.code === 'aws-cookie-identity-source' || d.params.code === 'aws-cookie-identity-source').map((d) => [d.position?.line, d.position?.column, d.severity]);
  const table: Array<[string, string, unknown[]]> = [
    ['kept, Cookie', `hideCredentials: false, ${authz('method.request.header.Cookie')}`, [[15, 78, 'error']]],
    ['hidden, cookie in lower case', authz('method.request.header.cookie'), [[15, 54, 'error']]],
    ['a header of its own (valid)', `hideCredentials: false, ${authz('method.request.header.X-Session')}`, []],
  ];
  for (const [name, xg, expected] of table) {
    it(`${name}: lint = build`, async () => {
      expect(at(await findings('target-compile', { name, files: files(xg), targets })), name).toEqual(expected);
      expect(at((await buildTarget(writeFiles(files(xg)), { target: 'aws' })).diagnostics), name).toEqual(expected);
    });
  }
});
