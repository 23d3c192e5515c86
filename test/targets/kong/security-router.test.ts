/**
 * Kong: every route path gwc writes is one Kong 3 can load. Kong 3's default router
 * (traditional_compatible) hands regex paths to the ATC router, which runs Rust's regex crate: no
 * look-around, no backreferences (Kong/kong#9495). A path with `(?!...)` makes Kong refuse the
 * whole configuration at load, so the parameter guard of DESIGN.md 7.5 (no `;`, `%`, backslash,
 * `.`/`..` segment) must be written without one. The router model (kong-router.ts) refuses such
 * paths like Kong does, so every oracle test also fails on a path Kong could not load.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PARAM_VALUE } from '../../../src/targets/kong/paths.js';
import { evaluate, type DeckDoc } from './kong-oracle.js';
import { allRoutes, rustRegexUnsupported } from './kong-router.js';
import { compile, shop } from './model.js';
import { deckValidate, schemaValidate } from './validate.js';

const env = { DECK_ALICE_API_KEY: 'k-alice' };
const alice = { 'x-api-key': 'k-alice' };

function built() {
  const g = shop();
  const base = g.routes.find((r) => r.id === 'getUser')!;
  // A segment with two parameters and a literal dot between them.
  g.routes.push({ ...base, id: 'file', operationId: 'file', path: '/files/{name}.{ext}', publicPath: '/v1/files/{name}.{ext}', params: ['name', 'ext'], upstreamPath: undefined });
  const r = compile(g);
  expect(r.diagnostics.filter((d) => d.severity === 'error'), JSON.stringify(r.diagnostics)).toEqual([]);
  expect(deckValidate(r.yaml)?.ok ?? true).toBe(true);
  expect(schemaValidate(r.yaml)?.ok ?? true).toBe(true);
  return parse(r.yaml) as DeckDoc;
}

describe("kong: route paths are regexes Kong 3's router loads", () => {
  const doc = built();
  const paths = allRoutes(doc).flatMap((r) => r.paths ?? []);

  it('no path uses look-around or backreferences', () => {
    expect(rustRegexUnsupported(PARAM_VALUE)).toBeUndefined();
    expect(paths.filter((p) => p.startsWith('~')).length).toBeGreaterThan(10);
    for (const p of paths) expect(rustRegexUnsupported(p), p).toBeUndefined();
  });

  it('the model refuses what Rust regex refuses', () => {
    expect(rustRegexUnsupported('/a/(?!\\.)x')).toBe('(?!');
    expect(rustRegexUnsupported('/a/(?<=x)y')).toBe('(?<=');
    expect(rustRegexUnsupported('/a/(?<id>[^/]+)$')).toBeUndefined();
  });

  it.each([
    ['/v1/users/42', 200, '42'],
    ['/v1/users/.hidden', 200, '.hidden'],
    ['/v1/users/..x', 200, '..x'],
    ['/v1/users/...', 200, '...'],
  ])('%s reaches the backend as one value', (path, status, id) => {
    const o = evaluate(doc, { method: 'GET', path, headers: alice }, env);
    expect(o.status, JSON.stringify(o)).toBe(status);
    expect(o.upstream?.path).toBe(`/internal/users/${id}`);
  });

  it.each(['/v1/users/me;', '/v1/users/me%3B', '/v1/users/..;', '/v1/users/.;x', '/v1/users/a%2F..', '/v1/users/a\\b', '/v1/users/%2E%2E', '/v1/users/.%2E'])(
    '%s matches no parameter route',
    (path) => {
      const o = evaluate(doc, { method: 'GET', path, headers: alice }, env);
      expect(o.route === 'shop.getuser' || o.route === 'shop.file', JSON.stringify(o)).toBe(false);
    },
  );

  it('a parameter next to a literal dot keeps its guard', () => {
    expect(evaluate(doc, { method: 'GET', path: '/v1/files/a.b.json', headers: alice }, env).route).toBe('shop.file');
    for (const path of ['/v1/files/..;.json', '/v1/files/a.%3B', '/v1/files/a;.json']) {
      expect(evaluate(doc, { method: 'GET', path, headers: alice }, env).route, path).not.toBe('shop.file');
    }
  });
});
