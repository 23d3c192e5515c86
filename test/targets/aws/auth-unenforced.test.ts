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
const text = (d: { message?: string; params: Record<string, unknown> }) => d.message ?? String(d.params.detail);

describe('aws: a route with security none of which is enforced', () => {
  it('a scheme that does not compile (nothing accepted): an error naming it, no "accepted gaps", no template', async () => {
    const built = await buildObject(spec({ q: QUERY_KEY }));
    expect(built.files).toEqual([]);
    const messages = built.diagnostics.map(text);
    expect(messages.some((m) => m.includes('accepted gaps'))).toBe(false);
    const route = built.diagnostics.filter((d) => text(d).includes('route getThings declares security'));
    expect(route.map((d) => [d.severity, text(d)])).toEqual([
      ['error', expect.stringContaining('none of it can be enforced on aws (refused: q); no template is written rather than one with the route PUBLIC')],
    ]);
    // The scheme's own error is still there.
    expect(messages.some((m) => m.includes('security scheme q: API Gateway reads API keys from the x-api-key header only'))).toBe(true);
  });

  it('a route with one scheme that compiles is enforced and says nothing of the sort', async () => {
    const built = await buildObject(spec({ h: HEADER_KEY }));
    expect(built.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(built.diagnostics.map(text).filter((m) => m.includes('declares security'))).toEqual([]);
    expect(built.files.length).toBe(1);
  });

  // No spec reaches an accepted auth-kind gap on aws today (accept-opens-route refuses it), so the
  // plan is given directly: the message must follow the plan's word, not assume it.
  async function operationSecurity(modes: Record<string, Resolution>) {
    const { gateway } = await gatewayOf(JSON.stringify(spec({ q: QUERY_KEY, b: { type: 'http', scheme: 'basic' } })));
    const plan: CapabilityPlan = {
      mode: (_route, feature) => modes[feature],
      enforced: (_route, feature) => ['native', 'emulated', 'fallback'].includes(modes[feature] ?? ''),
    };
    const ctx = new Ctx(gateway!, plan, {} as AwsOptions);
    const route = gateway!.routes.find((r) => r.id === 'getThings') as Route;
    return { result: new Auth(ctx).operationSecurity(route), diagnostics: ctx.diagnostics.map((d) => [d.severity, text(d)]) };
  }

  it('only accepted gaps: a warning that says so and that the route is PUBLIC', async () => {
    const { result, diagnostics } = await operationSecurity({ 'auth.apiKey': 'accepted', 'auth.basic': 'accepted' });
    expect(result).toBeUndefined();
    expect(diagnostics).toEqual([
      ['warn', expect.stringContaining('route getThings declares security but none of it is enforced on aws (accepted gaps: b, q): the route is PUBLIC there')],
    ]);
  });

  it('a dropped capability is refused, not an accepted gap: an error, naming the accepted ones apart', async () => {
    const both = await operationSecurity({ 'auth.apiKey': 'dropped', 'auth.basic': 'dropped' });
    expect(both.diagnostics).toEqual([['error', expect.stringContaining('none of it can be enforced on aws (refused: b, q); no template is written')]]);
    const mixed = await operationSecurity({ 'auth.apiKey': 'accepted', 'auth.basic': 'dropped' });
    expect(mixed.diagnostics).toEqual([['error', expect.stringContaining('(refused: b; accepted gaps: q); no template is written')]]);
  });
});
