import { describe, expect, it } from 'vitest';
import { ambiguous, compareSegments, matchRoute, parsePath } from '../../src/model/paths.js';
import { findAmbiguousPairs } from '../../src/model/normalise/ambiguity.js';
import { gatewayOf, HEAD } from '../helpers/spec.js';

const segs = (p: string) => parsePath(p).segments;

const usersSpec = (order: string[]) =>
  `${HEAD}servers: [{ url: https://api.example.com/v1 }]\nx-gateway:\n  backends: { users: { url: http://users:8080 } }\npaths:\n` +
  order
    .map((p) =>
      p === 'me'
        ? '  /users/me:\n    get: { operationId: getMe, responses: { "200": { description: ok } } }\n'
        : '  /users/{id}:\n    get: { operationId: getUser, responses: { "200": { description: ok } } }\n    delete: { operationId: deleteUser, responses: { "204": { description: ok } } }\n',
    )
    .join('');

describe('OpenAPI precedence (DESIGN.md section 3)', () => {
  for (const order of [['me', 'id'], ['id', 'me']]) {
    it(`/users/me before /users/{id} when the file lists ${order.join(' then ')}`, async () => {
      const { gateway } = await gatewayOf(usersSpec(order));
      expect(gateway!.routes.map((r) => r.id)).toEqual(['getMe', 'getUser', 'deleteUser']);
      const hit = matchRoute(gateway!, 'GET', '/v1/users/me');
      expect('route' in hit && hit.route.id).toBe('getMe');
      const other = matchRoute(gateway!, 'GET', '/v1/users/42');
      expect('route' in other && other.route.id).toBe('getUser');
      expect('route' in other && other.params).toEqual({ id: '42' });
    });
  }

  it('answers 405 with Allow for a known path and another method, 404 for an unknown path', async () => {
    const { gateway } = await gatewayOf(usersSpec(['me', 'id']));
    // DELETE /users/me: the path is /users/me's, which has no DELETE; it must not fall through to deleteUser.
    expect(matchRoute(gateway!, 'DELETE', '/v1/users/me')).toEqual({ status: 405, allow: ['GET'] });
    expect(matchRoute(gateway!, 'POST', '/v1/users/7')).toEqual({ status: 405, allow: ['GET', 'DELETE'] });
    expect(matchRoute(gateway!, 'GET', '/v1/users/')).toEqual({ status: 404, allow: [] });
    expect(matchRoute(gateway!, 'GET', '/v1/users/7/')).toEqual({ status: 404, allow: [] });
    expect(matchRoute(gateway!, 'GET', '/users/7')).toEqual({ status: 404, allow: [] });
  });

  it('orders literal > mixed > parameter at the first differing segment', () => {
    const paths = ['/{a}/x', '/f/{n}.json', '/f/{n}', '/f/latest', '/a/{x}'];
    const sorted = [...paths].sort((a, b) => compareSegments(segs(a), segs(b)));
    expect(sorted).toEqual(['/a/{x}', '/f/latest', '/f/{n}.json', '/f/{n}', '/{a}/x']);
  });

  it('parses mixed segments and refuses malformed templates', () => {
    expect(parsePath('/f/{name}.{ext}').segments[1]).toEqual({ kind: 'mixed', parts: [{ param: 'name' }, { literal: '.' }, { param: 'ext' }] });
    expect(parsePath('/a//b').error).toMatch(/empty segment/);
    expect(parsePath('/a/{x}{y}').error).toMatch(/side by side/);
    expect(parsePath('/a/{x}/{x}').error).toMatch(/twice/);
    expect(parsePath('/a/{x').error).toMatch(/unbalanced/);
  });

  it('finds templates that overlap with no precedence, and only those', () => {
    expect(ambiguous(segs('/a/{x}'), segs('/{y}/b'))).toBe(true);
    expect(ambiguous(segs('/a/{x}'), segs('/{y}/{z}'))).toBe(false);
    expect(ambiguous(segs('/a/b'), segs('/{y}/c'))).toBe(false);
    expect(ambiguous(segs('/a/{x}'), segs('/b/{x}'))).toBe(false);
    const list = ['/a/{x}', '/{y}/b', '/users/me', '/users/{id}', '/{p}/{q}/c', '/a/{x}/{z}', '/a/b/c'].map(segs);
    // /{y}/b and /users/{id} both match /users/b; /{p}/{q}/c and /a/{x}/{z} both match /a/q/c.
    // /a/b/c is more specific than both three-segment templates at every segment: no ambiguity.
    expect(findAmbiguousPairs(list)).toEqual([[0, 1], [1, 3], [4, 5]]);
  });

  it('reports the ambiguity as a warning and keeps a deterministic order', async () => {
    const text = `${HEAD}x-gateway:\n  backends: { app: { url: http://app:80 } }\npaths:\n  /{y}/b:\n    get: { operationId: yb, responses: { "200": { description: ok } } }\n  /a/{x}:\n    get: { operationId: ax, responses: { "200": { description: ok } } }\n`;
    const { gateway, diagnostics } = await gatewayOf(text);
    expect(diagnostics.map((d) => [d.code, d.severity, d.params.route, d.params.other])).toEqual([['route-ambiguous', 'warn', 'ax', 'yb']]);
    expect(gateway!.routes.map((r) => r.id)).toEqual(['ax', 'yb']);
  });
});
