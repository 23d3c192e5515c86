/**
 * `gwc diff` on an AWS HTTP API template (red team 10, closing13 "Still open" 4): what an
 * integration's parameter mapping keeps from the backend, and what kind of authorizer checks a
 * route, hand-edited in the deployed template.
 *
 * - A header gwc removes that is not a request header of the spec's (a query key's name as a header
 *   in each spelling, an unverified carrier) was read only as a request header: it is a guard
 *   (credential-unverified-passed), as REST's `''` blanks are (deployed-params.ts).
 * - A removal or static overwrite of a header beside an `append:` or a `$request.*` mapping of the
 *   same header (any case) hands the backend the client's text again: it was still read as the
 *   gateway's (no finding at all).
 * - An authorizer's own AuthorizerType (JWT -> REQUEST, REQUEST -> JWT) was not read: the route's
 *   AuthorizationType alone named the mechanism.
 */
import { describe, expect, it } from 'vitest';
import { diffStates } from '../../src/diff/plan.js';
import { readerOf } from '../../src/diff/run.js';
import type { State } from '../../src/diff/entity.js';
import { buildHttp } from '../targets/aws/http/helpers.js';
import { HEAD } from '../helpers/spec.js';

const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:authz';
const SPEC = `${HEAD}x-gateway:
  backends: { app: { url: https://app.example.com, queryNames: exact } }
  defaults: { backend: app }
paths:
  /q:
    get: { operationId: getQ, security: [{ q: [] }], x-gateway: { requestHeaders: { set: { X-Gateway: cov }, remove: [X-Debug] } }, responses: { '200': { description: ok } } }
  /j:
    get: { operationId: getJ, security: [{ oidc: [read] }], responses: { '200': { description: ok } } }
components:
  securitySchemes:
    q: { type: apiKey, in: query, name: api_key, x-gateway: { hideCredentials: false, lambdaAuthorizer: { arn: '${ARN}', type: request, ttlSeconds: 0, identitySource: [method.request.querystring.api_key] } } }
    oidc: { type: openIdConnect, openIdConnectUrl: 'https://id.example.com/.well-known/openid-configuration', x-gateway: { issuer: 'https://id.example.com/', audiences: [api], hideCredentials: false } }
`;

type Doc = { Resources: Record<string, { Type: string; Properties: Record<string, any> }> };

async function build() {
  const b = await buildHttp(SPEC);
  expect(b.errors.map((d) => d.code)).toEqual([]);
  const file = b.files.find((f) => f.path.endsWith('.json'))!;
  const read = (edit: (d: Doc) => void): State => {
    const doc = JSON.parse(file.contents) as Doc;
    edit(doc);
    return readerOf('aws').reader!.normalise(b.files.map((f) => (f === file ? { ...f, contents: JSON.stringify(doc) } : f)), 'deployed').state!;
  };
  return { built: read(() => {}), read };
}

const of = (d: Doc, type: string, name?: RegExp) => Object.entries(d.Resources).find(([id, r]) => r.Type === type && (!name || name.test(id)))![1].Properties;
const params = (d: Doc): Record<string, string> => of(d, 'AWS::ApiGatewayV2::Integration', /GetQ/).RequestParameters;

function both(built: State, mutated: State) {
  const weaker = diffStates(built, mutated).findings.filter((f) => f.class === 'security').map((f) => f.rule);
  const back = diffStates(mutated, built).findings.map((f) => f.rule);
  return { weaker, back };
}

describe('gwc diff, AWS HTTP API: header removals are guards, client mappings undo them', async () => {
  const { built, read } = await build();

  it('the build reads as itself; it removes the query key name as a header (control)', () => {
    expect(diffStates(built, read(() => {})).changes).toEqual([]);
    expect(read((d) => { expect(params(d)['remove:header.api-key']).toBe(''); })).toBeDefined();
  });

  it("the removal of the query key's name as a header dropped: credential-unverified-passed", () => {
    const { weaker, back } = both(built, read((d) => { delete params(d)['remove:header.api-key']; }));
    expect(weaker).toContain('credential-unverified-passed');
    expect(back).toContain('tightened');
  });

  it("the removal kept, the client's header appended again: a security finding (was none)", () => {
    const { weaker, back } = both(built, read((d) => { params(d)['append:header.API-KEY'] = '$request.header.api-key'; }));
    expect(weaker).toContain('credential-unverified-passed');
    expect(back.length).toBeGreaterThan(0);
  });

  it('the removal kept, a static value appended: still a security finding (order of remove and append is not documented)', () => {
    const { weaker } = both(built, read((d) => { params(d)['append:header.api-key'] = 'x'; }));
    expect(weaker).toContain('credential-unverified-passed');
  });

  it("X-Gateway's static overwrite kept, the client's header appended: request-header-passed", () => {
    const { weaker } = both(built, read((d) => { params(d)['append:header.x-gateway'] = '$request.header.x-gateway'; }));
    expect(weaker).toContain('request-header-passed');
  });

  it("X-Debug's removal kept, an overwrite from the client in another case: request-header-passed", () => {
    const { weaker } = both(built, read((d) => { params(d)['overwrite:header.X-DEBUG'] = '$request.header.x-debug'; }));
    expect(weaker).toContain('request-header-passed');
  });
});

describe("gwc diff, AWS HTTP API: the authorizer's own type", async () => {
  const { built, read } = await build();

  it('the JWT authorizer turned into a REQUEST authorizer (the route still says JWT): security', () => {
    const { weaker, back } = both(built, read((d) => { of(d, 'AWS::ApiGatewayV2::Authorizer', /Oidc/).AuthorizerType = 'REQUEST'; }));
    expect(weaker.length).toBeGreaterThan(0);
    expect(back.length).toBeGreaterThan(0);
  });

  it('the Lambda authorizer turned into a JWT one (the route still says CUSTOM): security', () => {
    const { weaker, back } = both(built, read((d) => { of(d, 'AWS::ApiGatewayV2::Authorizer', /^AuthorizerQ/).AuthorizerType = 'JWT'; }));
    expect(weaker.length).toBeGreaterThan(0);
    expect(back.length).toBeGreaterThan(0);
  });

  it('the authorizer type removed: security', () => {
    const { weaker } = both(built, read((d) => { delete of(d, 'AWS::ApiGatewayV2::Authorizer', /Oidc/).AuthorizerType; }));
    expect(weaker.length).toBeGreaterThan(0);
  });
});
