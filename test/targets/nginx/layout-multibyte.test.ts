/**
 * Precedence with multibyte and non-BMP path literals (issue #14 item 6): with more than eight
 * sibling regexes the layout buckets templates by the first character of their next literal; that
 * character must be a whole code point, or an emoji-led literal is bucketed by a lone surrogate that
 * the UTF-8 configuration can only hold as U+FFFD and its location never matches. The configuration
 * is read back through UTF-8 (as nginx reads the file) and traced against the reference matcher.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { comparePrecedence, matchRoute } from '../../../src/model/paths.js';
import type { Gateway, HttpMethod } from '../../../src/model/types.js';
import { firstChar } from '../../../src/targets/nginx/layout.js';
import { parseConf } from './conf-parse.js';
import { compileOrThrow } from './harness.js';
import { routeName, routeNames, trace } from './location-sim.js';
import { gateway, httpBackend, route } from './model.js';

const utf8 = (s: string) => new TextDecoder().decode(new TextEncoder().encode(s));

function mismatches(g: Gateway, uris: string[]): string[] {
  const conf = utf8(compileOrThrow(g, {}).find((f) => f.path.startsWith('conf.d/'))!.contents);
  const server = parseConf(conf).find((d) => d.name === 'server')!;
  const names = routeNames(conf);
  const out: string[] = [];
  for (const uri of uris) {
    for (const method of ['GET'] as HttpMethod[]) {
      const want = matchRoute(g, method, uri);
      const got = trace(server, method, uri);
      // Comments print non-ASCII as "?": compare the route ids.
      const id = (name: string | undefined) => name?.match(/\(([^()]*)\)$/)?.[1];
      const expected = 'route' in want ? id(routeName(want.route)) : `status ${want.status}`;
      const actual = got.route !== undefined ? id(names.get(got.route)) : `status ${got.status}`;
      if (expected !== actual) out.push(`${method} ${uri}: want ${expected}, got ${actual}`);
    }
  }
  return out;
}

const LITERALS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', '\u{1F600}', '\u{1F600}x', '\u{1F601}', '\u00e9t\u00e9', '\u65e5\u672c', '\u{10FFFF}z'];

describe('nginx layout with multibyte literals', () => {
  it('firstChar is a whole code point', () => {
    expect(firstChar('\u{1F600}x')).toBe('\u{1F600}');
    expect(firstChar('\u00e9t\u00e9')).toBe('\u00e9');
    expect(firstChar('abc')).toBe('a');
  });

  it('an emoji-led literal beside more than eight siblings beats the public template', () => {
    const routes = [route('any', 'GET', '/t/{x}/{y}'), route('emoji', 'GET', '/t/{x}/\u{1F600}'), ...'abcdefghij'.split('').map((c) => route(`r_${c}`, 'GET', `/t/{x}/${c}`))];
    routes.sort(comparePrecedence);
    const g = gateway(routes, { backends: [httpBackend('app')] });
    expect(mismatches(g, ['/t/1/\u{1F600}', '/t/1/a', '/t/1/zz', '/t/1/\u{1F601}'])).toEqual([]);
  });

  it('routes every URL as OpenAPI precedence does, on random route sets with multibyte literals', () => {
    const seg = fc.constantFrom(...LITERALS, '{p}', '{p}');
    const pathArb = fc.array(seg, { minLength: 1, maxLength: 3 }).map((segs) => {
      let i = 0;
      return `/${segs.map((s) => s.replace('{p}', () => `{p${i++}}`)).join('/')}`;
    });
    const uris: string[] = [];
    const rec = (prefix: string[]) => {
      if (prefix.length > 0) uris.push(`/${prefix.join('/')}`);
      if (prefix.length < 3) for (const s of [...LITERALS.slice(7), 'a', 'zz']) rec([...prefix, s]);
    };
    rec([]);
    fc.assert(
      fc.property(fc.uniqueArray(pathArb, { minLength: 9, maxLength: 40, selector: (p) => p.replace(/\{p\d+\}/g, '{}') }), (paths) => {
        const routes = paths.map((p, i) => route(`r${i}`, 'GET', p));
        routes.sort(comparePrecedence);
        const g = gateway(routes, { backends: [httpBackend('app')] });
        expect(mismatches(g, uris)).toEqual([]);
      }),
      { numRuns: 30 },
    );
  }, 60_000);
});
