/**
 * A route whose security ends up with no scheme API Gateway enforces: the diagnostic must say why.
 * "Accepted gaps … PUBLIC" only when the plan accepted the gaps (a warning, the template is written
 * as the spec allowed); when a scheme was refused (it does not compile, or its capability is
 * dropped) it is an error naming the schemes, and no template is written. Under a second.
 */
import { describe, expect, it } from 'vitest';
import type { Route } from '../../../src/model/types.js';
import type { CapabilityPlan, Resolution } from '../../../src/targets/capability-check.js';
import { Auth } from '../../../src/targets/aws/auth.js';
import { Ctx } from '../../../src/targets/aws/context.js';
import type { AwsOptions } from '../../../src/targets/aws/options.js';
import { gatewayOf } from '../../helpers/spec.js';
import { buildObject } from './helpers.js';

/** GET /things requiring every scheme given (AND), on a gateway with a backend. */
function spec(schemes: Record<string, unknown>) {
  return {
    openapi: '3.1.0',
    info: { title: 't', version: '1' },
    servers: [{ url: 'https://api.example.com' }],
    'x-gateway': { backends: { app: { url: 'http://app.internal:8080', vpcLink: 'a1b2c3' } }, defaults: { backend: 'app' } },
    paths: {
      '/things': {
        get: { operationId: 'getThings', security: [Object.fromEntries(Object.keys(schemes).map((s) => [s, []]))], responses: { '200': { description: 'ok' } } },
      },
    },
    components: { securitySchemes: schemes },
  };
}
const QUERY_KEY = { type: 'apiKey', in: 'query', name: 'k' }; // API Gateway reads keys from x-api-key only
const HEADER_KEY = { type: 'apiKey', in: 'header', name: 'x-api-key' };
/** code, severity and params: what the tests assert (not the prose). */
const said = (d: { code: string; severity: string; params: Record<string, unknown> }) => [d.code, d.severity, d.params];

describe('aws: a route with security none of which is enforced', () => {
  it('a scheme that does not compile (nothing accepted): an error naming it, no "accepted gaps", no template', async () => {
    const built = await buildObject(spec({ q: QUERY_KEY }));
    expect(built.files).toEqual([]);
    const route = built.diagnostics.filter((d) => d.code === 'aws-auth-unenforceable' || d.code === 'aws-auth-public');
    expect(route.map(said)).toEqual([['aws-auth-unenforceable', 'error', { route: 'getThings', refused: 'q', accepted: '' }]]);
    // At the operation's security, where the user edits it.
    expect(route[0]!.loc?.pointer).toBe('/paths/~1things/get/security');
    // The scheme's own error is still there, at the scheme.
    const scheme = built.diagnostics.find((d) => d.code === 'aws-api-key-location');
    expect(scheme?.params).toEqual({ scheme: 'q', in: 'query', name: 'k' });
    expect(scheme?.loc?.pointer).toBe('/components/securitySchemes/q');
  });

  it('a route with one scheme that compiles is enforced and says nothing of the sort', async () => {
    const built = await buildObject(spec({ h: HEADER_KEY }));
    expect(built.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(built.diagnostics.filter((d) => d.code === 'aws-auth-unenforceable' || d.code === 'aws-auth-public')).toEqual([]);
    expect(built.files.length).toBe(1);
  });

  // No spec reaches an accepted auth-kind gap on aws today (accept-opens-route refuses it), so the
  // plan is given directly: the diagnostic must follow the plan's word, not assume it.
  async function operationSecurity(modes: Record<string, Resolution>) {
    const { gateway } = await gatewayOf(JSON.stringify(spec({ q: QUERY_KEY, b: { type: 'http', scheme: 'basic' } })));
    const plan: CapabilityPlan = {
      mode: (_route, feature) => modes[feature],
      enforced: (_route, feature) => ['native', 'emulated', 'fallback'].includes(modes[feature] ?? ''),
    };
    const ctx = new Ctx(gateway!, plan, {} as AwsOptions);
    const route = gateway!.routes.find((r) => r.id === 'getThings') as Route;
    return { result: new Auth(ctx).operationSecurity(route), diagnostics: ctx.diagnostics.map(said) };
  }

  it('only accepted gaps: a warning that says so and that the route is PUBLIC', async () => {
    const { result, diagnostics } = await operationSecurity({ 'auth.apiKey': 'accepted', 'auth.basic': 'accepted' });
    expect(result).toBeUndefined();
    expect(diagnostics).toEqual([['aws-auth-public', 'warn', { route: 'getThings', accepted: 'b, q' }]]);
  });

  it('a dropped capability is refused, not an accepted gap: an error, naming the accepted ones apart', async () => {
    const both = await operationSecurity({ 'auth.apiKey': 'dropped', 'auth.basic': 'dropped' });
    expect(both.diagnostics).toEqual([['aws-auth-unenforceable', 'error', { route: 'getThings', refused: 'b, q', accepted: '' }]]);
    const mixed = await operationSecurity({ 'auth.apiKey': 'accepted', 'auth.basic': 'dropped' });
    expect(mixed.diagnostics).toEqual([['aws-auth-unenforceable', 'error', { route: 'getThings', refused: 'b', accepted: 'q' }]]);
  });
});
