/**
 * `gwc diff` on Traefik, what the reader cannot judge (closing14 "Still open" 5):
 * - A hand-added `plugin` middleware (Yaegi-run Go: a JWT check, or one that sets the Authorization
 *   a later basicAuth accepts, or X-User-Id) on a router, alone or inside a chain, or a middleware
 *   another provider defines (`jwt@kubernetescrd`): the reader skipped any type it did not know, so
 *   the router read as before. Now `Facts.unread`, and any difference either way is `unread-changed`
 *   (security): the diff cannot say whether it checks callers or lets them in.
 * - A router rule in Go regex the reader cannot read exactly (`\Q..\E`) or reads as wider (`\A`
 *   without an end anchor: a prefix) on a router that outranks no other: it read as route-moved
 *   (breaking) only, while the route answers every path below its own. Now route-widened.
 */
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { compiledState, readerOf } from '../../src/diff/run.js';
import { diffStates } from '../../src/diff/plan.js';
import type { State } from '../../src/diff/entity.js';
import type { OutputFile } from '../../src/targets/output-file.js';
import { writeSpec } from '../helpers/spec.js';

const ok = "{ '200': { description: ok } }";
const SPEC = `openapi: 3.1.0
info: { title: t, version: "1" }
servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: tu
  backends: { app: { url: http://app.internal:8080 } }
  defaults: { backend: app }
  consumers:
    carol: { credentials: { basic: { username: carol, password: '\${env:CAROL_PW}' } } }
paths:
  /pub:
    get: { operationId: pub, x-gateway: { public: true }, responses: ${ok} }
  /orders:
    post: { operationId: createOrder, security: [{ basic: [] }], responses: ${ok} }
components:
  securitySchemes:
    basic: { type: http, scheme: basic }
`;

type Doc = { http: { routers: Record<string, { rule: string; middlewares?: string[] }>; middlewares: Record<string, unknown> } };
function read(files: OutputFile[]): State {
  const r = readerOf('traefik').reader!.normalise(files, 'deployed');
  if (!r.state) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.state;
}

describe('gwc diff Traefik: middlewares and rules the reader cannot judge', async () => {
  const r = await compiledState(writeSpec(SPEC), 'traefik', {});
  const files = r.state!.files!;
  const edit = (change: (d: Doc) => void) =>
    read(files.map((f, i) => {
      if (i !== 0) return f;
      const doc = parse(f.contents) as Doc;
      change(doc);
      return { ...f, contents: stringify(doc) };
    }));
  const built = read(files);
  const both = (mutated: State) => ({
    weaker: diffStates(built, mutated).findings.filter((f) => f.class === 'security').map((f) => `${f.rule} ${f.key}`),
    back: diffStates(mutated, built).findings.filter((f) => f.class === 'security').map((f) => `${f.rule} ${f.key}`),
  });
  const JWT_PLUGIN = { plugin: { jwt: { Keys: ['https://id.example.com/jwks'], Alg: 'RS256' } } };

  it('control: the build reads as itself', () => {
    expect(diffStates(built, edit(() => undefined)).changes).toEqual([]);
  });

  it('a plugin middleware added before basicAuth on the secured router: unread-changed, both ways', () => {
    const { weaker, back } = both(edit((d) => {
      d.http.middlewares['tu-jwt'] = JWT_PLUGIN;
      d.http.routers['tu-createorder']!.middlewares!.unshift('tu-jwt');
    }));
    expect(weaker).toContain('unread-changed tu-createorder');
    // --deployed with the plugin hand-added: the release drops it, which the diff cannot rank either.
    expect(back).toContain('unread-changed tu-createorder');
  });

  it("a plugin's configuration changed: unread-changed", () => {
    const withPlugin = (alg: string) => (d: Doc) => {
      d.http.middlewares['tu-jwt'] = { plugin: { jwt: { ...JWT_PLUGIN.plugin.jwt, Alg: alg } } };
      d.http.routers['tu-createorder']!.middlewares!.unshift('tu-jwt');
    };
    expect(diffStates(edit(withPlugin('RS256')), edit(withPlugin('none'))).findings.map((f) => `${f.rule} ${f.key}`)).toContain('unread-changed tu-createorder');
  });

  it('a plugin inside a chain on the public router: unread-changed', () => {
    const { weaker } = both(edit((d) => {
      d.http.middlewares['tu-jwt'] = JWT_PLUGIN;
      d.http.middlewares['tu-wrap'] = { chain: { middlewares: ['tu-jwt'] } };
      d.http.routers['tu-pub']!.middlewares = [...(d.http.routers['tu-pub']!.middlewares ?? []), 'tu-wrap'];
    }));
    expect(weaker).toContain('unread-changed tu-pub');
  });

  it('a middleware another provider defines (jwt@kubernetescrd): unread-changed', () => {
    const { weaker } = both(edit((d) => d.http.routers['tu-createorder']!.middlewares!.push('jwt@kubernetescrd')));
    expect(weaker).toContain('unread-changed tu-createorder');
  });

  it('an unknown middleware type: unread-changed', () => {
    const { weaker } = both(edit((d) => {
      d.http.middlewares['tu-odd'] = { sessionAuth: { cookie: 'sid' } };
      d.http.routers['tu-createorder']!.middlewares!.push('tu-odd');
    }));
    expect(weaker).toContain('unread-changed tu-createorder');
  });

  const rule = (from: RegExp, to: string) => (d: Doc) => {
    const router = d.http.routers['tu-pub']!;
    const next = router.rule.replace(from, to);
    if (next === router.rule) throw new Error(`no ${String(from)} in ${router.rule}`);
    router.rule = next;
  };

  it('the public router\'s PathRegexp written with \\Q..\\E (not read exactly): route-widened, not route-moved only', () => {
    const { weaker } = both(edit(rule(/PathRegexp\(`\^\/v1\/pub\$`\)/, 'PathRegexp(`^\\Q/v1/pub\\E$`)')));
    expect(weaker).toContain('route-widened tu-pub');
  });

  it('\\A without an end anchor (a prefix): route-widened', () => {
    const { weaker } = both(edit(rule(/PathRegexp\(`\^\/v1\/pub\$`\)/, 'PathRegexp(`\\A/v1/pub`)')));
    expect(weaker).toContain('route-widened tu-pub');
  });

  it('\\A/v1/pub\\z (the same path): no widening (control)', () => {
    const { weaker } = both(edit(rule(/PathRegexp\(`\^\/v1\/pub\$`\)/, 'PathRegexp(`\\A/v1/pub\\z`)')));
    expect(weaker).toEqual([]);
  });

  it('another alternative in the expression (^/v1/pub$|^/v1/admin): route-widened', () => {
    const { weaker } = both(edit(rule(/PathRegexp\(`\^\/v1\/pub\$`\)/, 'PathRegexp(`^/v1/pub$|^/v1/admin`)')));
    expect(weaker).toContain('route-widened tu-pub');
  });
});
