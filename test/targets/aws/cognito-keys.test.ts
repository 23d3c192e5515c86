/**
 * A Cognito user pool authorizer verifies tokens with the pool's own keys (RS256, its JWKS) and
 * nothing else (issue #21): a scheme's jwksUri, publicKeys, algorithms or clockSkew that the
 * authorizer would not honour is refused at the key's own line (key-refused), never only warned
 * about; a value that says what Cognito does anyway builds; a scheme with a Lambda authorizer hands
 * its settings to the user's function and builds.
 */
import { describe, expect, it } from 'vitest';
import { compileGateway } from '../../../src/api.js';
import { HEAD, gatewayOf } from '../../helpers/spec.js';

const ISSUER = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123';
const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:auth';

const spec = (scheme: string) => `${HEAD}x-gateway:
  backends: { api: { url: http://api.example.com:8080 } }
  defaults: { backend: api }
components:
  securitySchemes:
    bearer:
      type: http
      scheme: bearer
      x-gateway:
        issuer: ${ISSUER}
        anyAudience: true
${scheme
  .split('\n')
  .map((l) => `        ${l}`)
  .join('\n')}
paths:
  /a: { get: { security: [{ bearer: [] }], responses: { '200': { description: ok } } } }
`;

async function build(scheme: string) {
  const loaded = await gatewayOf(spec(scheme));
  expect(loaded.gateway, JSON.stringify(loaded.diagnostics)).toBeDefined();
  const r = compileGateway(loaded.gateway!, 'aws', {}, loaded.spec);
  return { errors: r.diagnostics.filter((d) => d.severity === 'error'), files: r.files, all: r.diagnostics };
}

const at = (key: string) => `/components/securitySchemes/bearer/x-gateway/${key}`;

describe('aws: JWT settings a Cognito authorizer cannot take are refused at their key', () => {
  it.each([
    ['jwksUri', 'jwksUri: https://keys.example.com/jwks.json', 'scheme.jwksUri'],
    ['publicKeys', 'publicKeys: ["${env:JWT_KEY}"]', 'scheme.publicKeys'],
    ['algorithms', 'algorithms: [ES256]', 'scheme.algorithms'],
    ['clockSkew', 'clockSkew: 30s', 'scheme.clockSkew'],
  ])('%s', async (key, line, id) => {
    const { errors, files } = await build(line);
    expect(files).toEqual([]);
    expect(errors.map((e) => ({ code: e.code, pointer: e.loc?.pointer, params: e.params }))).toEqual([
      { code: 'key-refused', pointer: at(key), params: expect.objectContaining({ target: 'aws', key: id }) },
    ]);
    expect(errors[0]!.position?.line).toBeGreaterThan(0);
  });

  it.each([
    ["the pool's own JWKS", `jwksUri: ${ISSUER}/.well-known/jwks.json`],
    ['a list with RS256', 'algorithms: [RS256, ES256]'],
    ['no leeway', 'clockSkew: 0s'],
  ])('%s builds', async (_, line) => {
    const { errors, files } = await build(line);
    expect(errors).toEqual([]);
    expect(files.length).toBeGreaterThan(0);
  });

  it('a scheme verified by a Lambda authorizer leaves them to the function', async () => {
    const { all, files } = await build(`jwksUri: https://keys.example.com/jwks.json\nalgorithms: [ES256]\nclockSkew: 30s\nlambdaAuthorizer: { arn: ${ARN}, type: token }`);
    expect(all.filter((d) => d.code === 'key-refused')).toEqual([]);
    expect(files.length).toBeGreaterThan(0);
  });

  it('other targets are not touched by the AWS answer', async () => {
    const loaded = await gatewayOf(spec('clockSkew: 30s\npublicKeys: ["${env:JWT_KEY}"]'));
    const r = compileGateway(loaded.gateway!, 'nginx', {}, loaded.spec);
    expect(r.diagnostics.filter((d) => d.code === 'key-refused')).toEqual([]);
  });
});
