/**
 * `gwc diff --deployed` on AWS (DESIGN.md 7.8): hand edits of a deployed CloudFormation template
 * that weaken who may call what, or what reaches the backend, and that the template reader
 * (src/targets/aws/deployed-template.ts, deployed-facts.ts, http/deployed.ts) did not read
 * (closing12 "Still open" 5 and "Noticed"). Each case mutates gwc's own template: the release
 * deploying the mutation (built -> mutated) must hold a security finding, the release repairing it
 * (mutated -> built, drift) a finding.
 *
 * - An empty ('') integration request-parameter mapping is a guard whatever its name: the OR
 *   route's blanks of the non-enforced alternative's carriers (backends.ts hideUnenforced), the
 *   Content-Type a cached GET's form-body token is made inert with (cache.ts inertFormBody), a
 *   Cookie blank. Set to a value again (a static form type, the client's own header) it is gone.
 * - RestApi Mode merge (or no Mode): routes an earlier deployment defined stay when the template
 *   no longer lists them.
 * - An integration's httpMethod: the backend runs another operation than the route's.
 * - A REST authorizer's type (request, token, cognito_user_pools) and a Cognito identitySource.
 * - A custom domain's TLS SecurityPolicy (TLS_1_2 -> TLS_1_0), both API flavours.
 */
import { describe, expect, it } from 'vitest';
import { compiledState, readerOf } from '../../src/diff/run.js';
import { diffStates } from '../../src/diff/plan.js';
import type { State } from '../../src/diff/entity.js';
import type { OutputFile } from '../../src/targets/output-file.js';
import { HEAD, writeSpec } from '../helpers/spec.js';

const ok = "{ '200': { description: ok } }";
const LAMBDA = 'arn:aws:lambda:eu-west-1:123456789012:function';
const lambda = (source: string) => `lambdaAuthorizer: { arn: '${LAMBDA}:authz', type: request, ttlSeconds: 0, identitySource: [${source}] }`;
const SPEC = `${HEAD}servers: [{ url: https://api.rd.example.com/v1 }]
x-gateway:
  name: rd
  backends:
    app: { url: https://app.example.com, queryNames: exact, dotSegments: rejected }
  defaults: { backend: app }
  accept: { aws: [{ feature: auth.or, reason: partners use keys on AWS }] }
  consumers:
    app: { credentials: { key: '\${env:APP_KEY}' } }
paths:
  /h:
    get: { operationId: getH, security: [{ tok: [] }, { hk: [] }], responses: ${ok} }
  /q:
    get: { operationId: getQ, security: [{ tok: [] }, { qk: [] }], responses: ${ok} }
  /me:
    get: { operationId: getMe, security: [{ key: [] }], x-gateway: { cache: { ttl: 60s } }, responses: ${ok} }
  /t:
    get: { operationId: getT, security: [{ pool: [] }], responses: ${ok} }
  /items/{id}:
    get: { operationId: getItem, parameters: [{ name: id, in: path, required: true, schema: { type: string } }], security: [{ tok: [] }], responses: ${ok} }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: x-api-key }
    tok: { type: apiKey, in: header, name: X-Token, x-gateway: { ${lambda('method.request.header.X-Token')} } }
    hk: { type: apiKey, in: header, name: X-Partner-Key, x-gateway: { hideCredentials: false, ${lambda('method.request.header.X-Partner-Key')} } }
    qk: { type: apiKey, in: query, name: partner_key, x-gateway: { hideCredentials: false, ${lambda('method.request.querystring.partner_key')} } }
    pool: { type: http, scheme: bearer, bearerFormat: JWT, x-gateway: { issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123', anyAudience: true } }
`;

type Doc = { Resources: Record<string, { Type: string; Properties: Record<string, any> }> };

async function build(spec: string, options: Record<string, string> = {}) {
  const r = await compiledState(writeSpec(spec), 'aws', { options: { customDomain: 'auto', ...options } });
  if (!r.state) throw new Error(r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`).join('\n'));
  const files = r.state.files!;
  const file = files.find((f) => f.path.endsWith('.json'))!;
  const read = (edit: (d: Doc) => void): State => {
    const doc = JSON.parse(file.contents) as Doc;
    edit(doc);
    const out: OutputFile[] = files.map((f) => (f === file ? { ...f, contents: JSON.stringify(doc) } : f));
    return readerOf('aws').reader!.normalise(out, 'deployed').state!;
  };
  return { built: read(() => {}), read };
}

const ofType = (d: Doc, type: string) => Object.values(d.Resources).filter((r) => r.Type === type);
const body = (d: Doc) => ofType(d, 'AWS::ApiGateway::RestApi')[0]!.Properties.Body;
const params = (d: Doc, path: string, method = 'get'): Record<string, string> => body(d).paths[path][method]['x-amazon-apigateway-integration'].requestParameters;

/** The security findings of built -> mutated, and every finding of mutated -> built, as `rule key`. */
function both(built: State, mutated: State) {
  const weaker = diffStates(built, mutated).findings.filter((f) => f.class === 'security').map((f) => `${f.rule} ${f.key}`);
  const back = diffStates(mutated, built).findings.map((f) => `${f.rule}${f.undoes ? ` (undoes ${f.undoes})` : ''} ${f.key}`);
  return { weaker, back };
}

describe('gwc diff, AWS REST: empty integration mappings are guards', async () => {
  const { built, read } = await build(SPEC);

  it('the build reads as itself (no finding, no change)', () => {
    const plan = diffStates(built, read(() => {}));
    expect(plan.changes).toEqual([]);
  });

  it("the OR route's blank of the other alternative's header, removed: credential-unverified-passed", () => {
    const { weaker, back } = both(built, read((d) => { delete params(d, '/h')['integration.request.header.x-partner-key']; }));
    expect(weaker).toContain('credential-unverified-passed RestApi.getH');
    expect(back).toContain('tightened (undoes credential-unverified-passed) RestApi.getH');
  });

  it("the OR route's blank mapped from the client's header instead: credential-unverified-passed", () => {
    const { weaker } = both(built, read((d) => { params(d, '/h')['integration.request.header.x-partner-key'] = 'method.request.header.X-Partner-Key'; }));
    expect(weaker).toContain('credential-unverified-passed RestApi.getH');
  });

  it("the OR route's query blank set to a value: credential-unverified-passed", () => {
    const { weaker, back } = both(built, read((d) => { params(d, '/q')['integration.request.querystring.partner_key'] = 'method.request.querystring.partner_key'; }));
    expect(weaker).toContain('credential-unverified-passed RestApi.getQ');
    expect(back).toContain('tightened (undoes credential-unverified-passed) RestApi.getQ');
  });

  it('a second mapping of the blanked header in another case, from the client, undoes the blank', () => {
    const { weaker } = both(built, read((d) => { params(d, '/h')['integration.request.header.X-PARTNER-KEY'] = 'method.request.header.X-Partner-Key'; }));
    expect(weaker).toContain('credential-unverified-passed RestApi.getH');
  });

  it("the cached GET's Content-Type '' removed: credential-unverified-passed (a form-body token is parsed again)", () => {
    const { weaker, back } = both(built, read((d) => { delete params(d, '/me')['integration.request.header.Content-Type']; }));
    expect(weaker).toContain('credential-unverified-passed RestApi.getMe');
    expect(back).toContain('tightened (undoes credential-unverified-passed) RestApi.getMe');
  });

  it("the cached GET's Content-Type set to a form type: credential-unverified-passed", () => {
    const { weaker, back } = both(built, read((d) => { params(d, '/me')['integration.request.header.Content-Type'] = "'application/x-www-form-urlencoded'"; }));
    expect(weaker).toContain('credential-unverified-passed RestApi.getMe');
    expect(back).toContain('tightened (undoes credential-unverified-passed) RestApi.getMe');
  });

  it("a Cookie blank (any header mapped to '') set to the client's Cookie: credential-unverified-passed", async () => {
    const withCookie = read((d) => { params(d, '/h')['integration.request.header.Cookie'] = "''"; });
    const { weaker, back } = both(withCookie, read((d) => { params(d, '/h')['integration.request.header.Cookie'] = "'sid=x'"; }));
    expect(weaker).toContain('credential-unverified-passed RestApi.getH');
    expect(back).toContain('tightened (undoes credential-unverified-passed) RestApi.getH');
  });
});

describe('gwc diff, AWS REST: import mode, backend method, authorizer type', async () => {
  const { built, read } = await build(SPEC);

  it.each([['merge'], [undefined]])('RestApi Mode overwrite -> %s: routes an earlier deployment defined stay (route-widened)', (mode) => {
    const { weaker, back } = both(built, read((d) => {
      const p = ofType(d, 'AWS::ApiGateway::RestApi')[0]!.Properties;
      if (mode === undefined) delete p.Mode;
      else p.Mode = mode;
    }));
    expect(weaker).toContain('route-widened RestApi');
    expect(back).toContain('tightened (undoes route-widened) RestApi');
  });

  it("an integration's httpMethod GET -> DELETE: the backend runs another operation (upstream-path-changed)", () => {
    const { weaker, back } = both(built, read((d) => { body(d).paths['/items/{id}'].get['x-amazon-apigateway-integration'].httpMethod = 'DELETE'; }));
    expect(weaker).toContain('upstream-path-changed RestApi.getItem');
    expect(back).toContain('upstream-path-changed RestApi.getItem');
  });

  it("an integration's httpMethod ANY on a GET method is the GET (no change read)", () => {
    const plan = diffStates(built, read((d) => { body(d).paths['/items/{id}'].get['x-amazon-apigateway-integration'].httpMethod = 'ANY'; }));
    expect(plan.findings).toEqual([]);
  });

  it("a Lambda authorizer's type request -> token: auth-verifier-changed", () => {
    const { weaker, back } = both(built, read((d) => { body(d).components.securitySchemes.tok['x-amazon-apigateway-authorizer'].type = 'token'; }));
    expect(weaker).toContain('auth-verifier-changed RestApi.getH');
    expect(back).toContain('auth-verifier-changed RestApi.getH');
  });

  it('an authorizer type written in capitals (TOKEN vs token) is the same type', () => {
    const upper = read((d) => { body(d).components.securitySchemes.tok['x-amazon-apigateway-authorizer'].type = 'REQUEST'; });
    expect(diffStates(built, upper).findings).toEqual([]);
  });

  it('a Cognito authorizer swapped for a request authorizer under the same scheme: auth-verifier-changed', () => {
    const { weaker, back } = both(built, read((d) => {
      const a = body(d).components.securitySchemes.pool['x-amazon-apigateway-authorizer'];
      a.type = 'request';
      a.authorizerUri = `arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/${LAMBDA}:allow-all/invocations`;
    }));
    expect(weaker).toContain('auth-verifier-changed RestApi.getT');
    expect(back.some((f) => f.endsWith('RestApi.getT'))).toBe(true);
  });

  it("a Cognito authorizer's identitySource moved to another header: a finding", () => {
    const { weaker } = both(built, read((d) => { body(d).components.securitySchemes.pool['x-amazon-apigateway-authorizer'].identitySource = 'method.request.header.X-Other'; }));
    expect(weaker).toContain('auth-verifier-changed RestApi.getT');
  });
});

describe('gwc diff, AWS: a custom domain\'s TLS security policy', () => {
  it.each([['TLS_1_0'], [undefined]])('REST DomainName SecurityPolicy TLS_1_2 -> %s: client-tls-weakened', async (policy) => {
    const { built, read } = await build(SPEC);
    const { weaker, back } = both(built, read((d) => {
      const p = ofType(d, 'AWS::ApiGateway::DomainName')[0]!.Properties;
      if (policy === undefined) delete p.SecurityPolicy;
      else p.SecurityPolicy = policy;
    }));
    expect(weaker.filter((f) => f.startsWith('client-tls-weakened'))).toHaveLength(1);
    expect(back.filter((f) => f.startsWith('tightened (undoes client-tls-weakened)'))).toHaveLength(1);
  });

  it('HTTP API DomainName SecurityPolicy TLS_1_2 -> TLS_1_0: client-tls-weakened', async () => {
    const http = SPEC.replace('anyAudience: true', 'audiences: [rd], hideCredentials: false').replace(/ {2}\/h:[\s\S]*?(?= {2}\/t:)/, '').replace(/ {2}\/items[\s\S]*?(?=components)/, '').replace('  accept: { aws: [{ feature: auth.or, reason: partners use keys on AWS }] }\n', '').replace(/ {2}consumers:\n.*\n/, '');
    const r = await compiledState(writeSpec(http), 'aws', { options: { customDomain: 'auto', api: 'http' } });
    if (!r.state) throw new Error(r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`).join('\n'));
    const files = r.state.files!;
    const file = files.find((f) => f.path.endsWith('.json'))!;
    const doc = JSON.parse(file.contents) as Doc;
    ofType(doc, 'AWS::ApiGatewayV2::DomainName')[0]!.Properties.DomainNameConfigurations[0].SecurityPolicy = 'TLS_1_0';
    const reader = readerOf('aws').reader!;
    const mutated = reader.normalise(files.map((f) => (f === file ? { ...f, contents: JSON.stringify(doc) } : f)), 'd').state!;
    const builtState = reader.normalise(files, 'b').state!;
    const { weaker, back } = both(builtState, mutated);
    expect(weaker.filter((f) => f.startsWith('client-tls-weakened'))).toHaveLength(1);
    expect(back.filter((f) => f.startsWith('tightened (undoes client-tls-weakened)'))).toHaveLength(1);
  });
});
