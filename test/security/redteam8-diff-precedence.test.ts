/**
 * Red team 8, `gwc diff` route precedence (src/diff/precedence.ts): a path expression JavaScript
 * cannot compile "answers nothing" (answersPath: `compiles` returns null), so a route whose regex
 * uses syntax the gateway's engine reads and JS does not drops out of the comparison: fail open.
 * Kong (PCRE in its schema, Rust `regex` in the ATC router), nginx (PCRE) and Traefik (Go RE2) all
 * read the inline flag `(?i)` (and Kong `\A`, start of text); JS has no inline flag (`(?i)` is a
 * SyntaxError; `\A` is a plain `A` without the u flag). A hand edit that raises the public
 * template's priority (the attack redteam-diff-precedence proves is caught) AND prefixes its regex
 * with `(?i)` hands the keyed `/v1/files/secret` to the public route on the gateway (the template
 * then matches every path it matched before, case-blind), while gwc diff reads only `breaking
 * route-moved`/`tightened` on the template (its paths read as answering nothing) and no security
 * finding on the keyed route.
 * Traefik also: the reader (traefik/deployed.ts ruleRoute) collects every Path/PathPrefix/PathRegexp
 * and Method of a rule wherever it stands, a negated one included: `!PathRegexp(`^/v1/other$`)` in
 * place of the template's path reads as a router answering /v1/other alone, while Traefik v3 runs
 * it for EVERY other path of the host (the keyed /v1/files/secret and every other keyed route).
 * Fix (that part): a rule with a negated or OR-ed path/method/host matcher reads as answering every
 * path/method/host (fail closed), or the reader evaluates the rule's boolean structure.
 * Fix: read the engine's syntax (strip a leading `(?i)` into the `i` flag, `\A` as `^`, `\z` as
 * `$`), and treat an expression still not compilable as answering EVERY path (fail closed: a
 * precedence finding on each route it could outrank), not none.
 */
import { describe, expect, it } from 'vitest';
import { compiledState, readerOf } from '../../src/diff/run.js';
import { diffStates, type Plan } from '../../src/diff/plan.js';
import type { State } from '../../src/diff/entity.js';
import type { OutputFile } from '../../src/targets/output-file.js';
import { writeSpec } from '../helpers/spec.js';
import { parse } from 'yaml';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { send } from '../targets/traefik/traefik-oracle.js';

const ok = "{ '200': { description: ok } }";
const SPEC = `openapi: 3.1.0
info: { title: t, version: "1" }
servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: prec
  backends: { app: { url: http://app.internal:8080, pathMatching: exact } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { key: '\${env:ALICE_KEY}' } }
paths:
  /files/secret:
    get: { operationId: getSecret, security: [{ key: [] }], responses: ${ok} }
  /files/{name}:
    get: { operationId: getFile, x-gateway: { public: true }, parameters: [{ name: name, in: path, required: true, schema: { type: string } }], responses: ${ok} }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: x-api-key, x-gateway: { forwardAuth: { url: 'https://auth.internal/key' } } }
`;

type Target = 'kong' | 'nginx' | 'traefik';
const once = (text: string, from: RegExp, to: string) => {
  const next = text.replace(from, to);
  if (next === text) throw new Error(`no ${String(from)}`);
  return next;
};
function read(target: Target, files: OutputFile[]): State {
  const r = readerOf(target).reader!.normalise(files, 'deployed');
  if (!r.state) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.state;
}
const security = (p: Plan) => p.findings.filter((f) => f.class === 'security').map((f) => `${f.rule} ${f.key}`);
const KEYED = { kong: 'prec.getsecret', traefik: 'prec-getsecret', nginx: 'route getSecret' } as const;

/** [target, the order edit redteam-diff-precedence proves is caught, the inline-flag edit on the template's regex]. */
const CASES: Array<[Target, string, (s: string) => string, (s: string) => string]> = [
  ['kong', 'regex_priority of the template raised, its path prefixed (?i)', (s) => once(s, /(name: "prec\.getfile"[\s\S]*?regex_priority: )1/, '$15'), (s) => once(s, /"~\/v1\/files\/\(\?<name>/g, '"~(?i)/v1/files/(?<name>')],
  ['kong', 'regex_priority of the template raised, its path prefixed \\A', (s) => once(s, /(name: "prec\.getfile"[\s\S]*?regex_priority: )1/, '$15'), (s) => once(s, /"~\/v1\/files\/\(\?<name>/g, '"~\\\\A/v1/files/(?<name>')],
  ['nginx', 'the literal made a plain prefix, the template regex prefixed (?i)', (s) => once(s, /location = "\/v1\/files\/secret"/, 'location "/v1/files/secret"'), (s) => once(s, /location ~ "\^\/v1\/files\//, 'location ~ "(?i)^/v1/files/')],
  ['traefik', 'priority of the template router raised, its PathRegexp prefixed (?i)', (s) => once(s, /(prec-getfile:\n[^\n]*\n {6}priority: )2/, '$19'), (s) => once(s, /PathRegexp\(`\^\/v1\/files\/\(/g, 'PathRegexp(`(?i)^/v1/files/(')],
];

describe('red team 8, gwc diff precedence: a regex JS cannot compile answers nothing (fail open)', () => {
  it('the engines\' reading: (?i) only makes a regex case-blind, so the flagged template still takes /v1/files/secret', () => {
    // PCRE / RE2 / Rust regex read a leading (?i) as the i flag; JS refuses the syntax outright.
    expect(() => new RegExp('(?i)^/v1/files/([^/]+)$')).toThrow(SyntaxError);
    expect(new RegExp('^/v1/files/([^/]+)$', 'i').test('/v1/files/secret')).toBe(true);
    // `\A` without the u flag is a literal A in JS: the reader's expression never matches.
    expect(new RegExp('^\\A/v1/files/x').test('/v1/files/x')).toBe(false);
  });

  for (const [target, what, order, flag] of CASES) {
    it(`${target} control (${what}): the order edit alone is auth-removed on the keyed route`, async () => {
      const r = await compiledState(writeSpec(SPEC), target, {});
      const files = r.state!.files!;
      const main = target === 'nginx' ? files.find((f) => f.path.startsWith('conf.d/'))! : files[0]!;
      const plan = diffStates(read(target, files), read(target, files.map((f) => (f === main ? { ...f, contents: order(f.contents) } : f))));
      expect(security(plan)).toContain(`auth-removed ${KEYED[target]}`);
    });
    // Mechanism: precedence.ts answersPath -> compiles() null -> the template answers nothing; the
    // reader reads the edit as breaking route-moved/tightened on the template only.
    it(`${target}: ${what}: a security finding on the keyed route`, async () => {
      const r = await compiledState(writeSpec(SPEC), target, {});
      const files = r.state!.files!;
      const main = target === 'nginx' ? files.find((f) => f.path.startsWith('conf.d/'))! : files[0]!;
      const plan = diffStates(read(target, files), read(target, files.map((f) => (f === main ? { ...f, contents: flag(order(f.contents)) } : f))));
      expect(plan.findings.some((f) => f.rule === 'route-moved')).toBe(true);
      expect(security(plan)).toContain(`auth-removed ${KEYED[target]}`);
    });
  }

  it('traefik oracle: the negated-path edit serves GET /v1/files/secret without a key through the public router', async () => {
    const r = await compiledState(writeSpec(SPEC), 'traefik', {});
    const files = r.state!.files!;
    const edited = once(once(files[0]!.contents, /(prec-getfile:\n[^\n]*\n {6}priority: )2/, '$19'), /(prec-getfile:\n {6}rule: "[^\n]*?)PathRegexp\(`[^`]*`\)/, '$1!PathRegexp(`^/v1/other$$`)');
    const go = (contents: string) => send(parse(contents) as TraefikConfig, { method: 'GET', host: 'api.example.com', target: '/v1/files/secret', tls: true }, { auth: () => ({ status: 401 }) });
    expect(go(files[0]!.contents).status).toBe(401);
    const o = go(edited);
    expect([o.status, o.router]).toEqual([200, 'prec-getfile']);
  });

  // Mechanism: ruleRoute's /\b(Path|PathPrefix|PathRegexp)\(`...`\)/ matches inside `!...` too.
  it('traefik: the template router raised and its path matcher negated (!PathRegexp(`^/v1/other$`)): a security finding on the keyed route', async () => {
    const r = await compiledState(writeSpec(SPEC), 'traefik', {});
    const files = r.state!.files!;
    const edited = once(once(files[0]!.contents, /(prec-getfile:\n[^\n]*\n {6}priority: )2/, '$19'), /(prec-getfile:\n {6}rule: "[^\n]*?)PathRegexp\(`[^`]*`\)/, '$1!PathRegexp(`^/v1/other$$`)');
    expect(edited).toContain('!PathRegexp(`^/v1/other$`) && Method(`GET`)');
    const plan = diffStates(read('traefik', files), read('traefik', [{ ...files[0]!, contents: edited }, ...files.slice(1)]));
    expect(plan.findings.map((f) => `${f.class} ${f.rule} ${f.key}`)).toContain('breaking route-moved prec-getfile');
    expect(security(plan)).toContain('auth-removed prec-getsecret');
  });
});

describe('traefik reader: a path, method or host matcher it cannot read exactly answers every one of its axis (fail closed)', () => {
  const variants: Array<[string, (rule: string) => string]> = [
    ['path OR-ed with a header matcher', (r) => r.replace(/PathRegexp\(`[^`]*`\)/, '(PathRegexp(`^/v1/other$$`) || Header(`X-A`, `1`))')],
    ['rule a top-level OR', (r) => `${r.replace(/PathRegexp\(`[^`]*`\)/, 'PathRegexp(`^/v1/other$$`)')} || Header(\`X-A\`, \`1\`)`],
    ['path in a negated group', (r) => r.replace(/PathRegexp\(`[^`]*`\)/, '!(PathRegexp(`^/v1/other$$`))')],
  ];
  for (const [what, edit] of variants) {
    it(`${what}: a security finding on the keyed route`, async () => {
      const r = await compiledState(writeSpec(SPEC), 'traefik', {});
      const files = r.state!.files!;
      const raised = once(files[0]!.contents, /(prec-getfile:\n[^\n]*\n {6}priority: )2/, '$19');
      const edited = raised.replace(/(prec-getfile:\n {6}rule: ")([^\n]*)"/, (_, a: string, rule: string) => `${a}${edit(rule)}"`);
      expect(edited).not.toBe(raised);
      const plan = diffStates(read('traefik', files), read('traefik', [{ ...files[0]!, contents: edited }, ...files.slice(1)]));
      expect(security(plan)).toContain('auth-removed prec-getsecret');
    });
  }
  it('control: gwc\'s own negated query/header groups stay read exactly (no finding on an unedited config)', async () => {
    const r = await compiledState(writeSpec(SPEC), 'traefik', {});
    const files = r.state!.files!;
    expect(diffStates(read('traefik', files), read('traefik', files)).findings).toEqual([]);
  });
});
