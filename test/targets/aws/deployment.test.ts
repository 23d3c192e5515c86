/**
 * CloudFormation creates a new API Gateway Deployment only when the Deployment's logical id
 * changes. Any change to a route must therefore change the id, and an unchanged spec must keep it
 * (or every deploy would churn deployments).
 */
import { describe, expect, it } from 'vitest';
import { buildObject, specObject, template } from './helpers.js';

async function deploymentId(spec: unknown, options: Record<string, string> = {}): Promise<string> {
  const built = await buildObject(spec, options);
  expect(built.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const t = template(built.files[0]!.contents);
  const ids = Object.keys(t.Resources).filter((k) => t.Resources[k].Type === 'AWS::ApiGateway::Deployment');
  expect(ids).toHaveLength(1);
  expect(t.Resources.Stage.Properties.DeploymentId).toEqual({ Ref: ids[0] });
  expect(t.Resources[ids[0]!].Properties.StageName).toBeUndefined();
  return ids[0]!;
}

const base = () => specObject('shop-aws.yaml');

/** One edit per kind of route change; each must move the Deployment id. */
const edits: Array<[string, (s: any) => void]> = [
  ['a new route', (s) => (s.paths['/users/me'].put = { operationId: 'putMe', security: [{ apiKey: [] }], responses: { '200': { description: 'ok' } } })],
  ['a removed route', (s) => delete s.paths['/docs']],
  ['a renamed path', (s) => ((s.paths['/documents'] = s.paths['/docs']), delete s.paths['/docs'])],
  ['a changed method', (s) => ((s.paths['/docs'].head = s.paths['/docs'].get), delete s.paths['/docs'].get)],
  ['a changed upstream path', (s) => (s.paths['/users/me'].get['x-gateway'].upstreamPath = '/internal/users/self')],
  ['a changed backend URL', (s) => (s['x-gateway'].backends.users.url = 'http://users2.internal:8080')],
  ['a changed timeout', (s) => (s['x-gateway'].backends.users.timeout = '6s')],
  ['security removed', (s) => (s.paths['/users/me'].get.security = [], (s.paths['/users/me'].get['x-gateway'].public = true))],
  ['a changed scope', (s) => (s.paths['/payments'].post.security = [{ bearer: ['payments/admin'] }])],
  ['a changed IP rule', (s) => (s['x-gateway'].policies.internal.ipAllow = ['10.0.0.0/16'])],
  ['a changed CORS origin', (s) => (s['x-gateway'].policies.public.cors.origins = ['https://www.shop.example.com'])],
  ['a changed Lambda', (s) => (s['x-gateway'].backends.products.lambda.arn = 'arn:aws:lambda:eu-west-1:123456789012:function:products2')],
  ['a changed mock body', (s) => (s['x-gateway'].backends.docs.mock.body = '{"docs":"elsewhere"}')],
];

describe('aws Deployment logical id', () => {
  it('is the same for the same spec, in JSON and in YAML', async () => {
    const a = await deploymentId(base());
    expect(await deploymentId(base())).toBe(a);
    expect(await deploymentId(base(), { format: 'yaml' })).toBe(a);
    expect(a).toMatch(/^Deployment[0-9a-f]{16}$/);
  });

  it('does not move for changes the Deployment does not snapshot', async () => {
    const a = await deploymentId(base());
    const s = base();
    s['x-gateway'].consumers.carol = { credentials: { apiKey: '${env:CAROL_API_KEY}' } };
    expect(await deploymentId(s)).toBe(a);
  });

  it.each(edits)('changes with %s', async (_name, edit) => {
    const before = await deploymentId(base());
    const s = base();
    edit(s);
    expect(await deploymentId(s)).not.toBe(before);
  });
});
