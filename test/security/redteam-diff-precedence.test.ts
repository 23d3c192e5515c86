/**
 * `gwc diff` and route precedence (DESIGN.md 3 and 7.8): which of two routes answering one path
 * takes a request is the gateway's order (Kong `regex_priority`, Traefik router `priority`, nginx
 * location kinds and order), not a setting of either route. A deployed copy hand-edited so the
 * public `/files/{name}` outranks the keyed `/files/secret` serves the secret to anyone, while
 * every route's own settings are unchanged. Attack: each target's build, its deployed file edited
 * by hand (the order only), read back by the target's reader: the release deploying the edit must
 * hold a security finding on the keyed route naming the route that now takes its requests, and
 * the release that repairs it a finding (breaking). Controls: an order edit that keeps the keyed
 * route first shows no security finding. Also nginx `internal;` removed from a gwc internal
 * location (the route and auth-subrequest locations become callable from outside).
 */
import { describe, expect, it } from 'vitest';
import { compiledState, diffDeployed, readerOf } from '../../src/diff/run.js';
import { diffStates, type Plan } from '../../src/diff/plan.js';
import type { State } from '../../src/diff/entity.js';
import type { OutputFile } from '../../src/targets/output-file.js';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeSpec } from '../helpers/spec.js';

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

async function build(target: Target): Promise<OutputFile[]> {
  const r = await compiledState(writeSpec(SPEC), target, {});
  if (!r.state) throw new Error(r.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n'));
  return r.state.files!;
}

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
const all = (p: Plan) => p.findings.map((f) => `${f.class} ${f.rule} ${f.key}`);

/** Built vs hand-edited: [release deploying the edit, release repairing it]. */
async function both(target: Target, edit: (f: OutputFile) => string): Promise<[Plan, Plan, Plan]> {
  const files = await build(target);
  const built = read(target, files);
  const main = target === 'nginx' ? files.find((f) => f.path.startsWith('conf.d/'))! : files[0]!;
  const edited = read(target, files.map((f) => (f === main ? { ...f, contents: edit(f) } : f)));
  return [diffStates(built, edited), diffStates(edited, built), diffStates(built, built)];
}

const KEYED = { kong: 'prec.getsecret', traefik: 'prec-getsecret', nginx: 'route getSecret' } as const;

describe('gwc diff: a changed route order hands the keyed literal path to the public template', () => {
  const cases: Array<[Target, string, (f: OutputFile) => string]> = [
    ['kong', 'regex_priority of the template raised above the literal', (f) => once(f.contents, /(name: "prec\.getfile"[\s\S]*?regex_priority: )1/, '$15')],
    ['traefik', 'priority of the template router raised above the literal', (f) => once(f.contents, /(prec-getfile:\n[^\n]*\n {6}priority: )2/, '$19')],
    ['traefik', "priority of the template router removed (Traefik's default: the rule's length, longer)", (f) => once(f.contents, /(prec-getfile:\n[^\n]*\n) {6}priority: 2\n/, '$1')],
    ['nginx', 'the literal location made a plain prefix (the template expression is tried first)', (f) => once(f.contents, /location = "\/v1\/files\/secret"/, 'location "/v1/files/secret"')],
  ];
  for (const [target, what, edit] of cases) {
    it(`${target}: ${what}`, async () => {
      const [weaker, repair, same] = await both(target, edit);
      expect(same.findings).toEqual([]);
      expect(security(weaker)).toContain(`auth-removed ${KEYED[target]}`);
      expect(weaker.findings.find((f) => f.rule === 'auth-removed')?.new).toMatch(/getfile now takes GET .*\/v1\/files\/secret/i);
      // The repair hands the path back: its callers meet the key again (other differences of the
      // two routes, such as their guards, may read either way).
      expect(all(repair)).toContain(`breaking auth-added ${KEYED[target].replace(/secret$/i, (m) => (m === 'Secret' ? 'File' : 'file'))}`);
    });
  }

  const controls: Array<[Target, string, (f: OutputFile) => string]> = [
    ['kong', 'the literal raised further', (f) => once(f.contents, /(name: "prec\.getsecret"[\s\S]*?regex_priority: )2/, '$120')],
    ['traefik', 'the literal raised further', (f) => once(f.contents, /(prec-getsecret:\n[^\n]*\n {6}priority: )4/, '$140')],
    ['traefik', "the literal router's priority removed (its rule is the longer)", (f) => once(f.contents, /(prec-getsecret:\n[^\n]*\n) {6}priority: 4\n/, '$1')],
  ];
  for (const [target, what, edit] of controls) {
    it(`${target} control: ${what}: no security finding`, async () => {
      const [weaker, repair] = await both(target, edit);
      expect(security(weaker)).toEqual([]);
      expect(security(repair)).toEqual([]);
    });
  }

  it('nginx control: the template made case-blind (~*), still after the exact literal: no precedence finding, only route-widened on the template (it answers /V1/FILES/x too; red team 10)', async () => {
    const [weaker, repair] = await both('nginx', (f) => once(f.contents, /location ~ "\^\/v1\/files\//, 'location ~* "^/v1/files/'));
    expect(security(weaker)).toEqual(['route-widened route getFile']);
    expect(security(repair)).toEqual([]);
  });

  it('kong through gwc diff --deployed (the CLI path): the release repairing the edit says the template loses the path to the key (auth-added), no security finding', async () => {
    const files = await build('kong');
    const dir = mkdtempSync(path.join(tmpdir(), 'gwc-prec-'));
    const file = path.join(dir, 'kong.yaml');
    writeFileSync(file, once(files[0]!.contents, /(name: "prec\.getfile"[\s\S]*?regex_priority: )1/, '$15'));
    const r = await diffDeployed(writeSpec(SPEC), { target: 'kong', deployed: file });
    expect(r.plan!.findings.filter((f) => f.class === 'security')).toEqual([]);
    expect(r.plan!.findings.map((f) => `${f.rule} ${f.key}`)).toContain('auth-added prec.getfile');
  });
});

describe('gwc diff: an nginx internal location made callable from outside', () => {
  for (const [what, loc] of [['the route location', 'r'], ['the auth subrequest location', 'a'], ['the body-check location', 'b']] as const) {
    it(`internal; removed from ${what} (/_gwc_internal/${loc}/N) is route-public; put back, route-removed`, async () => {
      const re = new RegExp(`(location = /_gwc_internal/${loc}/0 \\{\\n)\\s*internal;\\n`);
      const [weaker, repair] = await both('nginx', (f) => once(f.contents, re, '$1'));
      expect(security(weaker).some((f) => f.startsWith('route-public ') && f.endsWith('reachable from outside'))).toBe(true);
      expect(all(repair).some((f) => f.startsWith('breaking route-removed '))).toBe(true);
      expect(security(repair)).toEqual([]);
    });
  }
});

// Keep the deployed-folder helper shape of diff-coverage for a later CLI case (nginx reads a folder).
export function deployedFolder(files: OutputFile[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'gwc-prec-nginx-'));
  for (const f of files) {
    mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true });
    writeFileSync(path.join(dir, f.path), f.contents);
  }
  return dir;
}
