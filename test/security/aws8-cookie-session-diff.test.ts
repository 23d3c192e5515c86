/**
 * AWS8: gwc diff on the cookie session's guards (DESIGN.md 7.8). The Cookie blank ('') on the
 * scheme's routes and the identity header's blank on every other route are empty mappings, which
 * the AWS reader holds as guards. The identity header's mapping from the authorizer's answer
 * (`context.authorizer.principalId`) dropped or mapped from the client is the client choosing who
 * the backend thinks it is.
 */
import { describe, expect, it } from 'vitest';
import { compiledState, readerOf } from '../../src/diff/run.js';
import { diffStates } from '../../src/diff/plan.js';
import type { State } from '../../src/diff/entity.js';
import type { OutputFile } from '../../src/targets/output-file.js';
import { HEAD, writeSpec } from '../helpers/spec.js';

const ok = "{ '200': { description: ok } }";
const SPEC = `${HEAD}servers: [{ url: https://api.rd.example.com/v1 }]
x-gateway:
  name: rd
  backends: { app: { url: https://app.example.com } }
  defaults: { backend: app }
paths:
  /me: { get: { operationId: getMe, security: [{ session: [] }], responses: ${ok} } }
  /open: { get: { operationId: getOpen, x-gateway: { public: true }, responses: ${ok} } }
components:
  securitySchemes:
    session: { type: apiKey, in: cookie, name: sid, x-gateway: { backendCookies: none, lambdaAuthorizer: { arn: 'arn:aws:lambda:eu-west-1:123456789012:function:authz', type: request, contextHeaders: { X-User: principalId } } } }
`;
type Doc = { Resources: Record<string, { Type: string; Properties: Record<string, any> }> };

describe('AWS8: gwc diff reads the cookie session guards', async () => {
  const r = await compiledState(writeSpec(SPEC), 'aws', { options: {} });
  if (!r.state) throw new Error(r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`).join('\n'));
  const files = r.state.files!;
  const file = files.find((f) => f.path.endsWith('.json'))!;
  const read = (edit: (d: Doc) => void): State => {
    const doc = JSON.parse(file.contents) as Doc;
    edit(doc);
    const out: OutputFile[] = files.map((f) => (f === file ? { ...f, contents: JSON.stringify(doc) } : f));
    return readerOf('aws').reader!.normalise(out, 'deployed').state!;
  };
  const params = (d: Doc, path: string): Record<string, string> => Object.values(d.Resources).find((x) => x.Type === 'AWS::ApiGateway::RestApi')!.Properties.Body.paths[path].get['x-amazon-apigateway-integration'].requestParameters;
  const built = read(() => {});
  const weaker = (edit: (d: Doc) => void) => diffStates(built, read(edit)).findings.filter((f) => f.class === 'security').map((f) => `${f.rule} ${f.key}`);

  it('the build reads as itself', () => {
    expect(diffStates(built, read(() => {})).changes).toEqual([]);
  });

  it("the Cookie blank on the session's route removed: a security finding (sid=forged; sid=alice reaches the backend)", () => {
    expect(weaker((d) => { delete params(d, '/me')['integration.request.header.Cookie']; })).not.toEqual([]);
  });

  it("the X-User blank on a public route removed: a security finding (the client's X-User reaches the backend)", () => {
    expect(weaker((d) => { delete params(d, '/open')['integration.request.header.X-User']; })).not.toEqual([]);
  });

  it("the X-User mapping from the authorizer's answer mapped from the client's header instead, or dropped: a security finding", () => {
    expect(weaker((d) => { params(d, '/me')['integration.request.header.X-User'] = 'method.request.header.X-User'; })).not.toEqual([]);
    expect(weaker((d) => { delete params(d, '/me')['integration.request.header.X-User']; })).not.toEqual([]);
  });
});
