/**
 * The escape for forward-auth-not-callable (forward-fallback.ts): a scheme Kong or API Gateway
 * verifies itself names a forwardAuth service whose answer headers the backend reads
 * (responseHeaders: [X-User-Id]); those targets cannot call a service, so a portable spec could not
 * build there at all. DESIGN.md 4 lets a spec accept a gap per target, explicitly, shown by lint:
 * `accept: { kong: [{ feature: auth.forward, reason }] }`. Then the headers are removed from every
 * client request in every spelling and never set (warning forward-auth-answer-unset): the backend
 * gets no identity, never a forged one. Attacks: a client's X-User-Id in every spelling beside a
 * valid key (Kong and AWS REST oracles); the escape where a forged header would still get through (a
 * Lambda function gets every header) or where the service
 * verifies request headers (they would reach the backend unverified) stays refused; an accepted
 * gap never opens a scheme only the service verifies (accept-opens-route).
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildTarget } from '../../src/api.js';
import { lint } from '../../src/lint/index.js';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { evaluate, type DeckDoc } from '../targets/kong/kong-oracle.js';
import { AwsOracle } from '../targets/aws/oracle.js';

const ok = "{ '200': { description: ok } }";
const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:app';
const spec = (o: { accept?: string; fa?: string; backend?: string; scheme?: string } = {}) => `${HEAD}servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: acc
  backends: { app: { url: https://app.example.com }, fn: { lambda: { arn: '${ARN}' } } }
  defaults: { backend: ${o.backend ?? 'app'} }
  consumers:
    alice: { credentials: { hr: '\${env:ALICE_KEY}' } }
${o.accept ?? ''}paths:
  /r: { get: { operationId: r, security: [{ ${o.scheme ?? 'hr'}: [] }], responses: ${ok} } }
  /pub: { get: { operationId: pub, x-gateway: { public: true }, responses: ${ok} } }
components:
  securitySchemes:
    hr: { type: apiKey, in: header, name: X-Api-Key, x-gateway: { forwardAuth: { url: 'http://auth.internal/k', ${o.fa ?? 'responseHeaders: [X-User-Id]'} } } }
    fwd: { type: http, scheme: bearer, x-gateway: { forwardAuth: { url: 'http://auth.internal/f' } } }
`;
const ACCEPT = (t: string) => `  accept: { ${t}: [{ feature: auth.forward, reason: 'the backend reads X-User-Id for audit only' }] }\n`;
const AT = '/components/securitySchemes/hr/x-gateway/forwardAuth/responseHeaders';

async function both(text: string, target: string, options: Record<string, string> = {}) {
  const file = writeSpec(text);
  const b = await buildTarget(file, { target, options });
  const l = await lint(file, { target, ...(Object.keys(options).length ? { targetOptions: { [target]: options } } : {}) } as Parameters<typeof lint>[1]);
  const mine = (ds: Array<{ severity: string; code: unknown; params?: unknown; loc?: { pointer: string } }>) =>
    ds.map((d) => [String((d.params as { code?: string } | undefined)?.code ?? d.code), d.severity, d.loc?.pointer ?? '']).filter(([c, s]) => c!.startsWith('forward-auth') || c!.startsWith('accept') || s === 'error');
  return { built: mine(b.diagnostics), linted: mine(l.diagnostics), files: b.files ?? [], diagnostics: b.diagnostics };
}

const SPELLINGS = ['X-User-Id', 'X_User_Id', 'x-user-id', 'X-USER_ID', 'x_user-id'];

describe('forwardAuth answer headers on a target that cannot call the service: the accepted gap', () => {
  it('kong: without the acceptance it is refused, and the message names the escape', async () => {
    const r = await both(spec(), 'kong');
    expect(r.built).toEqual([['forward-auth-not-callable', 'error', AT]]);
    expect(r.diagnostics.find((d) => d.code === 'forward-auth-not-callable')!.message).toContain('feature: auth.forward');
  });

  it('kong: accepted, it builds with a warning at the answer headers, said by lint alike; the backend never gets a client X-User-Id in any spelling', async () => {
    const r = await both(spec({ accept: ACCEPT('kong') }), 'kong');
    expect(r.built).toEqual([['forward-auth-answer-unset', 'warn', AT]]);
    expect(r.linted).toEqual(r.built);
    const doc = parse(r.files.find((f) => f.path === 'kong.yaml')!.contents) as DeckDoc;
    const env = { DECK_ALICE_KEY: 'k-alice' };
    for (const [path, auth] of [['/v1/r', { 'x-api-key': 'k-alice' }], ['/v1/pub', {}]] as const) {
      const o = evaluate(doc, { method: 'GET', host: 'api.example.com', path, headers: { ...auth, ...Object.fromEntries(SPELLINGS.map((s) => [s, 'forged'])) } }, env);
      expect(o.status, path).toBe(200);
      expect(Object.entries(o.upstream!.headers).filter(([k, v]) => v === 'forged' || /user.id/i.test(k)), path).toEqual([]);
    }
    // The key is still verified by Kong itself: the acceptance opens nothing.
    expect(evaluate(doc, { method: 'GET', host: 'api.example.com', path: '/v1/r', headers: { 'x-api-key': 'wrong' } }, env).status).toBe(401);
    expect(evaluate(doc, { method: 'GET', host: 'api.example.com', path: '/v1/r', headers: {} }, env).status).toBe(401);
  });

  it('kong: a service verifying a request header beside the key stays refused even accepted (the backend would read it unverified)', async () => {
    const r = await both(spec({ accept: ACCEPT('kong'), fa: 'requestHeaders: [X-Session]' }), 'kong');
    expect(r.built).toEqual([['forward-auth-not-callable', 'error', '/components/securitySchemes/hr/x-gateway/forwardAuth/requestHeaders']]);
    expect(r.diagnostics.find((d) => d.code === 'forward-auth-not-callable')!.message).toContain('does not cover it');
    expect(r.linted.filter((d) => d[1] === 'error')).toEqual(r.built);
  });

  it('kong: the acceptance never opens a scheme only its service verifies (accept-opens-route)', async () => {
    const r = await both(spec({ accept: ACCEPT('kong'), scheme: 'fwd' }), 'kong');
    expect(r.built.map((d) => d[0])).toContain('accept-opens-route');
    expect(r.files).toEqual([]);
  });

  it('aws REST: accepted on HTTP backends (every spelling of the answer header arrives empty on every route since 1b77f2d); refused where a route requiring the scheme goes to a Lambda function', async () => {
    const refused = await both(spec(), 'aws');
    expect(refused.built).toEqual([['forward-auth-not-callable', 'error', AT]]);
    const r = await both(spec({ accept: ACCEPT('aws') }), 'aws');
    expect(r.built, JSON.stringify(r.diagnostics.filter((d) => d.severity !== 'info').map((d) => [d.code, d.message]))).toEqual([['forward-auth-answer-unset', 'warn', AT]]);
    expect(r.linted).toEqual(r.built);
    // Attack through the request oracle: a client's X-User-Id in every spelling beside a valid key, and on the public route.
    const oracle = new AwsOracle(JSON.parse(r.files.find((f) => f.path === 'template.json')!.contents));
    const forged = Object.fromEntries([...SPELLINGS, 'X-User_Id', 'X_User-Id'].map((n) => [n, 'forged']));
    for (const [path, auth] of [['/r', { 'x-api-key': oracle.keysOf('alice')[0]! }], ['/pub', {}]] as const) {
      const d = oracle.request({ method: 'GET', path, headers: { ...auth, ...forged } });
      expect(d.status, path).toBe(200);
      expect(Object.entries(d.upstream!.headers).filter(([k, v]) => v === 'forged' || (/user.id/i.test(k) && v !== '')), path).toEqual([]);
    }
    // The key is still verified by API Gateway itself: the acceptance opens nothing.
    expect(oracle.request({ method: 'GET', path: '/r', headers: { 'x-api-key': 'wrong' } }).status).toBe(403);
    expect(oracle.request({ method: 'GET', path: '/r', headers: {} }).status).toBe(403);
    const fn = await both(spec({ accept: ACCEPT('aws'), backend: 'fn' }), 'aws');
    expect(fn.built.filter((d) => d[0] === 'forward-auth-not-callable')).toEqual([['forward-auth-not-callable', 'error', AT]]);
    expect(fn.diagnostics.find((d) => d.code === 'forward-auth-not-callable')!.message).toContain('Lambda function');
  });

  it('aws HTTP API: accepted on HTTP backends (it removes every spelling); refused where a route requiring the scheme goes to a Lambda function', async () => {
    const http = await both(spec({ accept: ACCEPT('aws'), fa: "responseHeaders: [X-User-Id] }, lambdaAuthorizer: { arn: 'arn:aws:lambda:eu-west-1:123456789012:function:authz', type: request" }), 'aws', { api: 'http' });
    expect(http.built, JSON.stringify(http.diagnostics.filter((d) => d.severity !== 'info').map((d) => [d.code, d.message]))).toEqual([['forward-auth-answer-unset', 'warn', AT]]);
    const template = http.files.map((f) => f.contents).join('\n');
    for (const s of ['x-user-id', 'x_user_id', 'x-user_id', 'x_user-id']) expect(template).toContain(`remove:header.${s}`);
    const fn = await both(spec({ accept: ACCEPT('aws'), backend: 'fn', fa: "responseHeaders: [X-User-Id] }, lambdaAuthorizer: { arn: 'arn:aws:lambda:eu-west-1:123456789012:function:authz', type: request" }), 'aws', { api: 'http' });
    expect(fn.built.filter((d) => d[0] === 'forward-auth-not-callable')).toEqual([['forward-auth-not-callable', 'error', AT]]);
    expect(fn.diagnostics.find((d) => d.code === 'forward-auth-not-callable')!.message).toContain('Lambda function');
  });
});
