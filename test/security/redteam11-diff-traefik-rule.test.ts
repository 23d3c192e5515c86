/**
 * Red team 11, `gwc diff` on Traefik (dafad83, deployed-rule.ts): a router rule is a Go expression
 * (vulcand/predicate parses it with go/parser), whose strings are backtick raw strings OR
 * double-quoted ones (https://doc.traefik.io/traefik/routing/routers/#rule: "use backticks or
 * escaped double-quotes"), and whose scanner drops comments. The reader splits the rule at
 * top-level `&&` counting parentheses, skipping backtick strings only: a `(` inside a quoted string
 * (or a comment) hides a top-level `||` from it. So a keyed router edited to
 * `Header("X-A", "(") || Header("X-B", ")") && <its own rule>` (the `||` binds looser) answers
 * EVERY path and method to a client sending `X-A: (`, unverified, and reads as its own route: no
 * finding (fail closed means the unread reads widest).
 */
import { describe, expect, it } from 'vitest';
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
  name: trf
  backends: { app: { url: http://app.internal:8080 } }
  defaults: { backend: app }
paths:
  /pub:
    get: { operationId: pub, x-gateway: { public: true }, responses: ${ok} }
  /orders:
    post: { operationId: createOrder, security: [{ fwd: [] }], responses: ${ok} }
components:
  securitySchemes:
    fwd: { type: http, scheme: bearer, x-gateway: { forwardAuth: { url: 'https://auth.internal/check' } } }
`;

function read(files: OutputFile[]): State {
  const r = readerOf('traefik').reader!.normalise(files, 'deployed');
  if (!r.state) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.state;
}

describe('red team 11, gwc diff Traefik: a rule string or comment holding a parenthesis', async () => {
  const r = await compiledState(writeSpec(SPEC), 'traefik', {});
  const files = r.state!.files!;
  const edit = (change: (s: string) => string) => read(files.map((f, i) => (i === 0 ? { ...f, contents: change(f.contents) } : f)));
  const built = read(files);
  const security = (mutated: State) => diffStates(built, mutated).findings.filter((f) => f.class === 'security').map((f) => `${f.rule} ${f.key}`);
  /** The public router's rule, prefixed with `prefix` (its line in the dynamic configuration). */
  const widen = (prefix: string) => (s: string) => {
    const next = s.replace(/(rule: )(["']?)(.*PathRegexp\(`\^\/v1\/pub[^\n]*)/, (_m, a: string, q: string, rest: string) => `${a}${q}${q === "'" ? prefix.replace(/'/g, "''") : q === '"' ? prefix.replace(/\\/g, '\\\\').replace(/"/g, '\\"') : prefix}${rest}`);
    if (next === s) throw new Error('no public router rule');
    return next;
  };

  it('control: a plain top-level || is route-widened', () => {
    expect(security(edit(widen('Header(`X-A`, `1`) || '))).some((f) => f.startsWith('route-widened'))).toBe(true);
  });

  // Was it.fails: conjuncts() counted a `(` / `)` inside a double-quoted Go string.
  it('a quoted "(" and ")" hide the top-level ||: route-widened', () => {
    expect(security(edit(widen('Header("X-A", "(") || Header("X-B", ")") && '))).some((f) => f.startsWith('route-widened'))).toBe(true);
  });

  // Was it.fails: conjuncts() counted a parenthesis inside a Go comment (now: a comment is not read).
  it('a comment holding ( and ) hides the top-level ||: route-widened', () => {
    expect(security(edit(widen('Header(`X-A`, `1`) /* ( */ || Header(`X-B`, `1`) /* ) */ && '))).some((f) => f.startsWith('route-widened'))).toBe(true);
  });

  // Was it.fails: Traefik v3 still runs the v2 rule syntax on a router saying `ruleSyntax: v2` (or
  // everywhere under the static core.defaultRuleSyntax: v2, which the dynamic file does not show),
  // where Path(`/v1/{p:.*}`) is a regular-expression template (https://doc.traefik.io/traefik/migration/v2-to-v3);
  // ruleRoute reads it as the literal path. The public POST /aaa router outranks the keyed POST
  // /orders one (priority 4 > 2): so edited it takes POST /v1/orders, unverified, and reads as
  // route-moved (breaking) only; PathRegexp(`^/v1/`) there is auth-removed (control).
  it('ruleSyntax: v2 and Path(`/v1/{p:.*}`) on an outranking public router: auth-removed on the keyed route', async () => {
    const spec2 = SPEC.replace(/  \/pub:\n    get: \{ operationId: pub,/, '  /aaa:\n    post: { operationId: aaa,');
    const files2 = (await compiledState(writeSpec(spec2), 'traefik', {})).state!.files!;
    const built2 = read(files2);
    const take = (to: string, v2: boolean) => {
      let c = files2[0]!.contents.replace(/(trf-aaa:\n\s+rule: "[^\n]*?)PathRegexp\(`\^\/v1\/aaa\$`\)/, (_m, a: string) => a + to);
      if (c === files2[0]!.contents) throw new Error('no public router');
      if (v2) c = c.replace(/(trf-aaa:\n)(\s+)(rule:)/, '$1$2ruleSyntax: v2\n$2$3');
      return diffStates(built2, read([{ ...files2[0]!, contents: c }, ...files2.slice(1)])).findings.filter((f) => f.class === 'security').map((f) => `${f.rule} ${f.key}`);
    };
    expect(take('PathRegexp(`^/v1/`)', false)).toContain('auth-removed trf-createorder');
    expect(take('Path(`/v1/{p:.*}`)', true)).toContain('auth-removed trf-createorder');
  });
});
