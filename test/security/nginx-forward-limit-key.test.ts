/**
 * nginx, a per-consumer rate limit on a forward-auth route (policies.ts limitZone, runtime.js
 * checkForward): the caller is counted by the forward-auth service's answer headers
 * (forwardAuth.responseHeaders) when it answers any; without them, by the credential headers the
 * client sent. Whatever the service accepts as one caller under several spellings (a junk cookie
 * beside the session, `Bearer` vs `bearer`, a second token it issued the same user) is then a fresh
 * bucket per spelling: the limit is the client's to reset. nginx builds it (the service may answer
 * no identity) and warns at the rateLimit: nginx-forward-limit-unkeyed; lint --target nginx says
 * the same at the same line.
 */
import { describe, expect, it } from 'vitest';
import { buildTarget } from '../../src/api.js';
import { lint } from '../../src/lint/index.js';
import { HEAD, writeSpec } from '../helpers/spec.js';

const CODE = 'nginx-forward-limit-unkeyed';
const spec = (forward: string, limit = 'by: consumer', security = '[{ fwd: [] }]') => `${HEAD}servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: fl
  backends: { app: { url: http://app.internal:8080 } }
  defaults: { backend: app }
paths:
  /orders:
    get:
      operationId: listOrders
      security: ${security}
      x-gateway:
        rateLimit: { requests: 10, per: minute, ${limit} }
      responses: { '200': { description: ok } }
components:
  securitySchemes:
    fwd:
      type: http
      scheme: bearer
      x-gateway: { forwardAuth: ${forward} }
    key: { type: apiKey, in: header, name: x-api-key }
`;
const NO_ANSWER = "{ url: 'http://auth.internal:9000/check' }";
const ANSWER = "{ url: 'http://auth.internal:9000/check', responseHeaders: [X-User-Id] }";

type D = { code: string; params: unknown; severity: string; loc?: { pointer?: string }; position?: { line: number; column: number } };
const coded = (ds: D[]) => ds.filter((d) => d.code === CODE || (d.code === 'target-compile' && (d.params as { code?: string }).code === CODE));

describe('nginx: a per-consumer limit keyed on what a forward-auth client sent', () => {
  it('a forward-auth scheme without responseHeaders: warned at the rateLimit, the build still writes files', async () => {
    const b = await buildTarget(writeSpec(spec(NO_ANSWER)), { target: 'nginx' });
    expect(b.files.length).toBeGreaterThan(0);
    const found = coded(b.diagnostics as never);
    expect(found.map((d) => [d.severity, d.params, d.loc?.pointer])).toEqual([['warn', { route: 'listOrders', scheme: 'fwd' }, '/paths/~1orders/get/x-gateway/rateLimit']]);
    expect(found[0]!.position!.line).toBe(14);
  });

  it('lint --target nginx reports it at the same line', async () => {
    const file = writeSpec(spec(NO_ANSWER));
    const built = coded((await buildTarget(file, { target: 'nginx' })).diagnostics as never)[0]!;
    const linted = coded((await lint(file, { target: 'nginx' })).diagnostics as never);
    expect(linted).toHaveLength(1);
    expect(linted[0]).toMatchObject({ severity: 'warn', loc: { pointer: built.loc!.pointer }, position: built.position });
  });

  it.each([
    ['the service answers an identity header (responseHeaders)', spec(ANSWER)],
    ['the limit counts per client address', spec(NO_ANSWER, 'by: ip')],
    ['the route is verified by an API key nginx checks itself', spec(NO_ANSWER, 'by: consumer', '[{ key: [] }]')],
  ])('%s: no warning', async (_what, text) => {
    const b = await buildTarget(writeSpec(text), { target: 'nginx' });
    expect(coded(b.diagnostics as never)).toEqual([]);
  });
});
