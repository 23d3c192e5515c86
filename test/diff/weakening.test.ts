/**
 * The class behind issue #15 ("a diff blind to weakened auth"), beyond the hand-written table of
 * security-cases.ts: every operation of every shipped fixture, on every target, weakened in each way
 * a pull request can weaken access (made public, a second way in, an AND item dropped, roles or
 * scopes removed, `{}` added), either is refused by the build (fail closed) or shows in `gwc diff`
 * as a security finding. A weakening that builds and diffs as "no security change" fails here.
 */
import { cpSync, mkdtempSync, readdirSync, existsSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { compiledState } from '../../src/diff/run.js';
import { diffStates } from '../../src/diff/plan.js';
import type { State } from '../../src/diff/entity.js';
import { repo } from './helpers.js';

type Requirement = Record<string, string[]>;
type Op = { operationId?: string; security?: Requirement[]; 'x-gateway'?: Record<string, unknown> };
type Doc = { security?: Requirement[]; paths: Record<string, Record<string, Op>>; components?: { securitySchemes?: Record<string, unknown> } };

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
// aws-http: the aws target's HTTP API flavour (--option aws.api=http), a template of its own.
const TARGETS = ['nginx', 'kong', 'traefik', 'aws', 'aws-http'] as const;
/** Every shipped fixture, and the target suites' own specs (written to build on AWS and Traefik). */
const SPECS = [
  ...readdirSync(path.join(repo, 'fixtures'))
    .filter((f) => !f.startsWith('invalid-') && existsSync(path.join(repo, 'fixtures', f, 'gateway.yaml')))
    .sort()
    .map((f) => path.join('fixtures', f, 'gateway.yaml')),
  'test/targets/aws/specs/shop-aws.yaml',
  'test/targets/traefik/specs/traefik-shop.yaml',
];

interface Weakening {
  name: string;
  /** The operation's requirement list made weaker, or undefined when this weakening does not apply. */
  apply(security: Requirement[], schemes: string[]): Requirement[] | undefined;
}

const WEAKENINGS: Weakening[] = [
  { name: 'made public', apply: () => [] },
  { name: 'optional ({} added)', apply: (s) => [...s, {}] },
  {
    name: 'a second way in',
    apply: (s, schemes) => {
      const used = new Set(s.flatMap((r) => Object.keys(r)));
      const other = schemes.find((n) => !used.has(n));
      return other === undefined ? undefined : [...s, { [other]: [] }];
    },
  },
  {
    name: 'an AND item dropped',
    apply: (s) => {
      const i = s.findIndex((r) => Object.keys(r).length > 1);
      if (i < 0) return undefined;
      const kept = Object.entries(s[i]!).slice(1);
      return s.map((r, j) => (j === i ? Object.fromEntries(kept) : r));
    },
  },
  {
    name: 'roles or scopes removed',
    apply: (s) => (s.some((r) => Object.values(r).some((v) => v.length > 0)) ? s.map((r) => Object.fromEntries(Object.keys(r).map((k) => [k, []]))) : undefined),
  },
];

/** The fixture copied to its own folder (keys and `$ref`ed files beside it), with `doc` as its spec. */
const made: string[] = [];
function written(spec: string, doc: Doc): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'gwc-weaken-'));
  made.push(dir);
  cpSync(path.dirname(path.join(repo, spec)), dir, { recursive: true });
  writeFileSync(path.join(dir, path.basename(spec)), stringify(doc));
  return path.join(dir, path.basename(spec));
}

type Scheme = { type?: string; in?: string; scheme?: string; 'x-gateway'?: Record<string, unknown> };

/** One weakened copy of the document, described for the failure message. */
interface Variant { what: string; doc: Doc }

/** Every weakening of `doc`: per secured operation (access and policies) and per security scheme. */
function variants(doc: Doc): Variant[] {
  const out: Variant[] = [];
  const schemes = doc.components?.securitySchemes as Record<string, Scheme> | undefined;
  for (const op of securedOps(doc)) {
    const at = `${op.method.toUpperCase()} ${op.path}`;
    const change = (what: string, edit: (o: Op, d: Doc) => boolean | void) => {
      const copy = structuredClone(doc);
      if (edit(copy.paths[op.path]![op.method]!, copy) !== false) out.push({ what: `${at}: ${what}`, doc: copy });
    };
    for (const w of WEAKENINGS) {
      const security = w.apply(op.security, Object.keys(schemes ?? {}));
      if (security === undefined) continue;
      change(`${w.name} -> ${JSON.stringify(security)}`, (o) => {
        o.security = security;
        if (security.length === 0) o['x-gateway'] = { ...(o['x-gateway'] ?? {}), public: true };
      });
    }
    change('a response cache added', (o) => {
      if ((o['x-gateway'] as { cache?: unknown } | undefined)?.cache) return false;
      o['x-gateway'] = { ...(o['x-gateway'] ?? {}), cache: { ttl: '60s' } };
    });
    change('IP deny list removed', (o) => {
      const x = o['x-gateway'] as { ipDeny?: unknown } | undefined;
      if (!x?.ipDeny) return false;
      delete x.ipDeny;
    });
    change('IP allow list widened to everyone', (o) => {
      const x = o['x-gateway'] as { ipAllow?: unknown } | undefined;
      if (!x?.ipAllow) return false;
      x.ipAllow = ['0.0.0.0/0'];
    });
  }
  for (const [name, scheme] of Object.entries(schemes ?? {})) {
    const change = (what: string, edit: (s: Scheme) => boolean | void) => {
      const copy = structuredClone(doc);
      if (edit((copy.components!.securitySchemes as Record<string, Scheme>)[name]!) !== false) out.push({ what: `scheme ${name}: ${what}`, doc: copy });
    };
    const x = () => scheme['x-gateway'] ?? {};
    if (scheme.type === 'apiKey' && scheme.in === 'header') change('key moved to the query string', (s) => void (s.in = 'query'));
    if (x().hideCredentials === true) change('hideCredentials turned off', (s) => void (s['x-gateway']!.hideCredentials = false));
    if (Array.isArray(x().audiences)) change('audiences removed', (s) => void delete s['x-gateway']!.audiences);
    if (typeof x().issuer === 'string') change('issuer changed', (s) => void (s['x-gateway']!.issuer = 'https://elsewhere.example.net/'));
    if (Array.isArray(x().algorithms)) change('algorithms widened', (s) => void (s['x-gateway']!.algorithms = [...(x().algorithms as string[]), ...['RS256', 'ES256', 'PS256'].filter((a) => !(x().algorithms as string[]).includes(a)).slice(0, 1)]));
    if (x().clockSkew !== undefined) change('clock skew raised', (s) => void (s['x-gateway']!.clockSkew = '3600s'));
  }
  return out;
}

/**
 * The fixture without what `target` refuses, so that every fixture has a deployable base on every
 * target: an operation a refusal points into is dropped whole, any other refused node is deleted.
 */
async function buildable(fixture: string, doc: Doc, target: string, options: { options: Record<string, string> }) {
  let current = structuredClone(doc);
  for (let round = 0; round < 6; round++) {
    const spec = written(fixture, current);
    const r = await compiledState(spec, target, options);
    if (r.state) return { doc: current, state: r.state };
    const pointers = r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.loc?.pointer).filter((p): p is string => p !== undefined && p !== '');
    if (pointers.length === 0) return undefined;
    for (const p of pointers) prune(current, p);
  }
  return undefined;
}

function prune(doc: Doc, pointer: string): void {
  const parts = pointer.split('/').slice(1).map((x) => x.replace(/~1/g, '/').replace(/~0/g, '~'));
  const at = parts[0] === 'paths' && parts.length >= 3 && METHODS.includes(parts[2]!) ? parts.slice(0, 3) : parts;
  let node: unknown = doc;
  for (const k of at.slice(0, -1)) node = node && typeof node === 'object' ? (node as Record<string, unknown>)[k] : undefined;
  if (node && typeof node === 'object') delete (node as Record<string, unknown>)[at[at.length - 1]!];
}

const securedOps = (doc: Doc) =>
  Object.entries(doc.paths ?? {}).flatMap(([p, item]) =>
    METHODS.filter((m) => item[m] !== undefined)
      .map((m) => ({ path: p, method: m, security: item[m]!.security ?? doc.security ?? [] }))
      .filter((o) => o.security.length > 0 && o.security.every((r) => Object.keys(r).length > 0)),
  );

describe('gwc diff: every way of weakening an operation\'s access is refused or flagged as security', () => {
  for (const fixture of SPECS) {
    const original = parse(readFileSync(path.join(repo, fixture), 'utf8')) as Doc;
    for (const name of TARGETS) {
      it(`${fixture} on ${name}`, async () => {
        const target = name === 'aws-http' ? 'aws' : name;
        // As no-changes.test.ts: AWS private backends need a VPC link (REST flavour).
        const options: { options: Record<string, string> } = { options: name === 'aws-http' ? { api: 'http' } : target === 'aws' && !/diff-base|minimal/.test(fixture) ? { vpcLink: 'a1b2c3' } : {} };
        const base = await buildable(fixture, original, target, options);
        if (!base) return void tally.push(`${fixture}/${name}: does not build`);
        const doc = base.doc;
        let flagged = 0;
        let refused = 0;
        let unchanged = 0;
        const blind: string[] = [];
        for (const v of variants(doc)) {
          const to = await compiledState(written(fixture, v.doc), target, options);
          if (!to.state) { refused++; continue; } // refused: fail closed
          const plan = diffStates(base.state as State, to.state);
          if (plan.findings.some((f) => f.class === 'security')) flagged++;
          else if (plan.changes.length > 0) blind.push(`${v.what}: ${JSON.stringify(plan.findings)}`);
          else { unchanged++; if (process.env.GWC_WEAKEN_DEBUG) console.log(`no effect: ${fixture}/${name}: ${v.what}`); }
        }
        tally.push(`${fixture}/${name}: ${flagged} flagged, ${refused} refused, ${unchanged} without effect on the target`);
        expect(blind).toEqual([]);
      });
    }
  }
  const tally: string[] = [];
  afterAll(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
    // The figures for the issue note; and a guard that the property is not vacuous.
    console.log(`weakenings: ${tally.join('; ')}`);
    const flagged = tally.reduce((n, t) => n + Number(/(\d+) flagged/.exec(t)?.[1] ?? 0), 0);
    expect(flagged).toBeGreaterThan(50);
  });
});
