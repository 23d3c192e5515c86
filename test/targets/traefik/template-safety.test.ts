/**
 * Traefik renders each file as a Go template before it parses the YAML, and drops a file that
 * fails either step. Property: whatever names, paths, header values, origins and titles a spec
 * holds, gwc either refuses with a diagnostic or writes a file whose only template actions are
 * its own brace escapes, that parses back to exactly the configuration compiled, validates
 * against gwc's schema, and still routes the hostile path to its operation.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Gateway, Route } from '../../../src/model/types.js';
import { checkCapabilities } from '../../../src/targets/capability-check.js';
import { escapeTemplate, renderTemplate } from '../../../src/targets/traefik/emit.js';
import { compileTraefik, traefikTarget } from '../../../src/targets/traefik/index.js';
import { CASES, ownSchema } from './cases.js';
import { loadGateway } from '../../../src/api.js';
import { pickRouter } from './traefik-router.js';

const NASTY = ['{{', '}}', '{{ .Env.HOME }}', '{{- /* x */ -}}', '{', '}', '`', '"', "'", '\\', '$1', '${1}', ': ', ' #', '&&', '||', '(', ')', '@', '%2F', '[^/]', '.*', '^', '$', '\u2028', '\u0085', '\n', '\t', '\u0000', 'é', '😀', '\ud800', ' '];
const hostile = fc.array(fc.oneof(fc.constantFrom(...NASTY), fc.string({ maxLength: 4 })), { minLength: 1, maxLength: 6 }).map((xs) => xs.join(''));

let base: Gateway;
beforeAll(async () => {
  const c = CASES.find((x) => x.name === 'specs/traefik-shop.yaml')!;
  base = (await loadGateway(c.file)).gateway!;
});

/** A copy of the shop with hostile text in one route and in gateway-wide strings. */
function mutate(g: Gateway, t: { id: string; literal: string; value: string; origin: string; title: string; realm: string }): { gateway: Gateway; route: Route } {
  const gateway = structuredClone(g);
  const route = gateway.routes.find((r) => r.id === 'createUser')!;
  route.id = t.id;
  route.segments = [...route.segments, { kind: 'literal', value: t.literal }];
  route.path = `${route.path}/${t.literal}`;
  // POST /users/<literal> is a request DELETE /users/{id} also matches: its backend states it runs
  // no body _method, or the build is (rightly) refused as traefik-body-method-override.
  const backend = gateway.backends.find((b) => b.name === route.backend)!;
  backend.methodOverride = { value: 'none', loc: backend.loc };
  route.publicPath = `${route.publicPath}/${t.literal}`;
  route.policy.requestHeaders = { set: { 'X-Hostile': t.value }, remove: [], loc: route.loc };
  route.policy.cors = { ...route.policy.cors!, origins: [t.origin], headers: ['X-Hostile'] };
  gateway.title = t.title;
  const basic = gateway.securitySchemes.find((s) => s.kind === 'basic')!;
  basic.basic = { realm: t.realm };
  return { gateway, route };
}

describe('template and YAML safety', () => {
  it('escapeTemplate / renderTemplate round-trip any text and leave no bare brace', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const e = escapeTemplate(s);
        expect(renderTemplate(e)).toBe(s);
        expect(e.replace(/\{\{ "[{}]" \}\}/g, '')).not.toMatch(/[{}]/);
      }),
      { numRuns: 500 },
    );
  });

  it('renderTemplate refuses any other template action', () => {
    for (const t of ['{{ .Env }}', '{{"{"}}', '{{ "{{" }}', 'a {{ template "x" }}']) expect(() => renderTemplate(t)).toThrow();
  });

  it('hostile names, paths, header values, origins and titles never break the file', () => {
    let written = 0;
    fc.assert(
      fc.property(
        fc.record({ id: hostile, literal: hostile.filter((s) => !s.includes('/')), value: hostile, origin: hostile, title: hostile, realm: hostile }),
        (t) => {
          const { gateway, route } = mutate(base, t);
          const checked = checkCapabilities(gateway, traefikTarget);
          const built = compileTraefik(gateway, checked.plan, { options: {} });
          const { files, diagnostics } = built.result;
          if (files.length === 0) {
            // Refused: always with an error naming the problem, never a crash or an empty success.
            expect(diagnostics.some((d) => d.severity === 'error' && String(d.code).startsWith('traefik-')), JSON.stringify(diagnostics.map((d) => d.code))).toBe(true);
            return;
          }
          written++;
          const text = files[0]!.contents;
          expect(text.replace(/\{\{ "[{}]" \}\}/g, ''), 'no template action but the brace escapes').not.toMatch(/[{}]/);
          const data = parse(renderTemplate(text), { uniqueKeys: true });
          expect(data).toEqual(JSON.parse(JSON.stringify(built.config)));
          expect(ownSchema(data), JSON.stringify(ownSchema.errors)).toBe(true);
          // The hostile path still reaches its own operation, and only it.
          const path = route.segments.map((s) => (s.kind === 'literal' ? s.value : 'x1')).join('/');
          const got = pickRouter(built.config!, { method: route.method, host: gateway.hosts[0] ?? 'a.example', path: `/${path}`, headers: { 'x-api-key': ['k'] } });
          expect(built.roles.get(got!)).toMatchObject({ kind: 'operation', routeId: route.id });
          // Names stay sanitised and distinct from the other routes' names.
          for (const name of Object.keys(built.config!.http.routers)) expect(name).toMatch(/^[a-z0-9][a-z0-9-]*$/);
        },
      ),
      { numRuns: 150 },
    );
    // Many hostile inputs hold a control character and are refused; enough are written for the
    // property about written files to mean something.
    expect(written).toBeGreaterThan(20);
  });

  it('refuses control characters rather than writing them', () => {
    const { gateway } = mutate(base, { id: 'ok', literal: 'ok', value: 'a\nb', origin: 'https://o', title: 't', realm: 'r' });
    const built = compileTraefik(gateway, checkCapabilities(gateway, traefikTarget).plan, { options: {} });
    expect(built.result.files).toEqual([]);
    expect(built.result.diagnostics.map((d) => d.code)).toContain('traefik-value-control-character');
  });
});
