/**
 * Red team: API Gateway routing and the spec language (DESIGN.md sections 3 and 7), REST flavour
 * unless said, through the request oracle of test/targets/aws/oracle.ts and cfn-validate
 * (security-helpers' build). Each case either builds and holds against the oracle, or is refused
 * with a code at the spec node.
 */
import { describe, expect, it } from 'vitest';
import { buildObject, template } from '../targets/aws/helpers.js';
import { HttpApiOracle } from '../targets/aws/http/oracle.js';
import { build, coded, spec } from '../targets/aws/security-helpers.js';

const consumers = { alice: { credentials: { key: '${env:ALICE_KEY}' } } };
const keyed = { security: [{ key: [] }] };
const param = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string' } });

describe('red team: AWS routing and the spec language', () => {
  it('overlapping templates: at the first differing segment the literal wins (/a/c/{y} keyed beats /a/{x}/b public for /a/c/b)', async () => {
    const paths = (backend: string) => ({ '/a/{x}/b': { get: { parameters: [param('x')] } }, '/a/c/{y}': { get: { ...keyed, parameters: [param('y')], 'x-gateway': { backend } } } });
    const backends = { app: { url: 'https://app.example.com' }, adm: { url: 'https://adm.example.com' } };
    // On one backend the public value could reach the keyed route through '..;': refused.
    expect(coded((await build(spec(paths('app'), { consumers, backends }))).errors, 'aws-path-param-confusable').length).toBe(1);
    const b = await build(spec(paths('adm'), { consumers, backends }));
    expect(b.errors).toEqual([]);
    const d = b.oracle!.request({ method: 'GET', path: '/a/c/b' });
    expect(d.resource).toBe('GET /a/c/{y}');
    expect(d.status).not.toBe(200);
  });

  it('a spec path holding {proxy+} (greedy on API Gateway) is refused, never a public subtree', async () => {
    const b = await build(spec({ '/files/{proxy+}': { get: { parameters: [param('proxy+')] } }, '/files/admin/keys': { get: keyed } }, { consumers }));
    if (b.errors.length === 0) {
      // Built: then no deeper path may reach the public route.
      const d = b.oracle!.request({ method: 'GET', path: '/files/admin/other' });
      expect(d.status).not.toBe(200);
    } else expect(b.errors.length).toBeGreaterThan(0);
  });

  it('an x-amazon-apigateway-auth or -integration written in the spec never replaces what gwc derives from security', async () => {
    const b = await build(spec({ '/admin': { get: { ...keyed, 'x-amazon-apigateway-auth': { type: 'NONE' }, 'x-amazon-apigateway-api-key-source': 'AUTHORIZER' } } }, { consumers }));
    if (b.errors.length > 0) return;
    expect(b.oracle!.request({ method: 'GET', path: '/admin' }).status).not.toBe(200);
    const body = JSON.stringify(b.t);
    expect(body).not.toContain('"NONE"');
  });

  it('an integration written in the spec never replaces gwc\'s (its request parameters clear identity headers)', async () => {
    const b = await build(spec({ '/admin': { get: { ...keyed, 'x-amazon-apigateway-integration': { type: 'http_proxy', httpMethod: 'GET', uri: 'https://evil.example.net/' } } } }, { consumers }));
    if (b.errors.length > 0) return;
    expect(JSON.stringify(b.t)).not.toContain('evil.example.net');
  });

  it('HEAD declared public beside a keyed GET on another backend path still never runs the GET unauthenticated', async () => {
    const b = await build(spec({ '/r': { get: keyed, head: {} } }, { consumers }));
    if (b.errors.length > 0) return expect(coded(b.errors, 'head-widens-get').length).toBeGreaterThan(0);
    const d = b.oracle!.request({ method: 'HEAD', path: '/r' });
    expect(d.status === 200 && d.upstream?.method === 'GET').toBe(false);
  });

  it('two servers whose base paths make a public and a keyed operation one public URL are refused', async () => {
    const s = spec({ '/admin': { get: keyed }, '/v1/admin': { get: {} } }, { consumers }) as Record<string, any>;
    s.servers = [{ url: 'https://api.example.com/v1' }, { url: 'https://api.example.com' }];
    const b = await build(s);
    if (b.errors.length > 0) return;
    // Built: API Gateway maps one base path per API; the other server is said not served, never a second mapping.
    expect(coded(b.diagnostics, 'server-base-path-ignored').length).toBe(1);
    const mappings = Object.values(b.t!.Resources as Record<string, any>).filter((r) => r.Type === 'AWS::ApiGateway::BasePathMapping');
    expect(mappings.map((m) => m.Properties.BasePath)).toEqual(['v1']);
    expect(b.oracle!.request({ method: 'GET', path: '/admin' }).status).not.toBe(200);
  });

  it('an operation with security: [] but no public: true is refused; a root security applies to an operation without its own', async () => {
    const s = spec({ '/r': { get: { 'x-gateway': { public: false } } } }, { consumers }) as Record<string, any>;
    s.security = [{ key: [] }];
    const b = await build(s);
    expect(b.errors).toEqual([]);
    expect(b.oracle!.request({ method: 'GET', path: '/r' }).status).not.toBe(200);
    expect(b.oracle!.request({ method: 'GET', path: '/r', headers: { 'x-api-key': b.oracle!.keysOf('alice')[0]! } }).status).toBe(200);
  });
});

describe('red team: AWS preflight and a declared OPTIONS operation', () => {
  const cors = { web: { cors: { origins: ['https://web.example.com'], methods: ['GET', 'OPTIONS'], headers: ['x-token'] } } };
  const keyedOp = { security: [{ lam: [] }], 'x-gateway': { policies: ['web'] } };
  const schemes = { lam: { type: 'apiKey', in: 'header', name: 'X-Token', 'x-gateway': { lambdaAuthorizer: { arn: 'arn:aws:lambda:eu-west-1:123456789012:function:authz', type: 'request' } } } };
  const headerSets: Array<Record<string, string>> = [{}, { origin: 'https://web.example.com' }, { origin: 'https://web.example.com', 'access-control-request-method': 'GET' }, { origin: 'https://evil.example', 'access-control-request-method': 'DELETE' }];

  it('rest: a keyed OPTIONS operation beside CORS never reaches the backend unauthenticated, preflight-shaped or not', async () => {
    const b = await build(spec({ '/r': { get: keyedOp, options: keyedOp } }, { schemes, policies: cors }), {}, () => undefined);
    // Refused: the mock that answers preflights and a declared OPTIONS method cannot share the resource.
    if (b.errors.length > 0) return expect(coded(b.errors, 'aws-cors-options-declared').map((d) => d.pointer)).toEqual(['/x-gateway/policies/web/cors']);
    for (const headers of headerSets) {
      const d = b.oracle!.request({ method: 'OPTIONS', path: '/r', headers });
      expect(d.upstream, `${JSON.stringify(headers)} -> ${d.status} ${d.why}`).toBeUndefined();
    }
  });

  it('http: the keyed OPTIONS route keeps its authorizer (API Gateway answers preflights itself from CorsConfiguration)', async () => {
    const built = await buildObject(spec({ '/r': { get: keyedOp, options: keyedOp } }, { schemes, policies: cors }), { api: 'http' });
    const errors = built.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0) return expect(errors.some((d) => d.loc?.pointer?.startsWith('/paths/~1r/options'))).toBe(true);
    const o = new HttpApiOracle(template(built.files[0]!.contents), () => false);
    for (const headers of headerSets) expect(o.request('OPTIONS', '/r', headers, new Map()).status, JSON.stringify(headers)).not.toBe(200);
  });
});
