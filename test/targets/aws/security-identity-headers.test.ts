/**
 * aws: identity and forwarding headers a client writes never reach an http_proxy backend with the
 * client's value (DESIGN.md 7.3). A REST API integration request parameter replaces a header
 * with a static value and cannot remove one, so each arrives empty (the same mechanism that hides
 * credentials and method overrides); a header the route sets itself keeps its own value. Lambda
 * proxy integrations take no request parameters: the function gets the client's headers (README).
 */
import { describe, expect, it } from 'vitest';
import { CLIENT_FORWARDING_HEADERS, DASH_NAME, FOREIGN_IDENTITY_HEADERS, GATEWAY_IDENTITY_HEADERS } from '../../../src/model/overrides.js';
import { build, spec } from './security-helpers.js';

// The forwarding family's dash names: AWS keeps those only (integrations.ts neutralise; README Known gaps).
const NAMES = [...FOREIGN_IDENTITY_HEADERS, ...GATEWAY_IDENTITY_HEADERS, ...CLIENT_FORWARDING_HEADERS.filter(DASH_NAME), 'X-User-Id'];
const forged = Object.fromEntries(NAMES.map((h) => [h, 'forged']));

const s = spec(
  {
    '/items': { get: { operationId: 'items', security: [] }, post: { operationId: 'addItem', security: [] } },
    '/me': { get: { operationId: 'me', security: [{ key: [] }], 'x-gateway': { requestHeaders: { set: { 'X-Consumer': 'from-route' } } } } },
  },
  {
    consumers: { alice: { credentials: { key: '${env:A_KEY}' } } },
    schemes: {
      key: { type: 'apiKey', in: 'header', name: 'x-api-key' },
      sso: { type: 'http', scheme: 'bearer', 'x-gateway': { forwardAuth: { url: 'https://auth.example.com/check', responseHeaders: ['X-User-Id'] } } },
    },
  },
);

describe('aws: identity and forwarding headers a client writes', async () => {
  const b = await build(s);

  it('builds (cfn-validate)', () => {
    expect(b.errors).toEqual([]);
  });

  it.each(NAMES)('%s reaches the backend empty on public and keyed routes', (h) => {
    const o = b.oracle!;
    for (const [method, path, headers] of [['GET', '/items', {}], ['POST', '/items', {}], ['GET', '/me', { 'x-api-key': o.keysOf('alice')[0]! }]] as const) {
      const d = o.request({ method, path, headers: { ...headers, ...forged } });
      expect(d.status, `${method} ${path}`).toBe(200);
      const got = d.upstream?.headers[h.toLowerCase()];
      expect(got, `${method} ${path} ${h}`).not.toBe('forged');
    }
  });

  it('a header the route sets itself keeps its value', () => {
    const o = b.oracle!;
    const d = o.request({ method: 'GET', path: '/me', headers: { 'x-api-key': o.keysOf('alice')[0]!, ...forged } });
    expect(d.upstream?.headers['x-consumer']).toBe('from-route');
  });
});
