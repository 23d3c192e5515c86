/**
 * The formats and `--base`: json is stable and complete, markdown has the sections a reviewer
 * needs, unified is a real unified diff of the normalised states, `--base` compares git refs.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { classifyCreated, classifyMatched, RULES } from '../../src/diff/classify.js';
import type { BackendTls } from '../../src/diff/entity.js';
import { renderJson, renderMarkdown, renderUnified } from '../../src/diff/render.js';
import { diffBase } from '../../src/diff/run.js';
import { baseSpec, ensureBuilt, gwc, planBetween, stateOf, variant } from './helpers.js';

const raise = [['bodyLimit: 64k', 'bodyLimit: 1m']] as const;

describe('formats', () => {
  it('json: versioned, summary, findings and changes', async () => {
    const plan = await planBetween('kong', variant(raise));
    const out = JSON.parse(renderJson(plan, { target: 'kong', from: 'a', to: 'b' })) as Record<string, unknown>;
    expect(out).toEqual({
      version: 1,
      target: 'kong',
      from: 'a',
      to: 'b',
      summary: { create: 0, update: 1, delete: 0, replace: 0 },
      findings: [{ class: 'security', rule: 'body-limit-raised', title: 'body limit raised', kind: 'route', key: 'storefront.createorder', old: '65536 bytes', new: '1048576 bytes' }],
      changes: [{ action: 'update', kind: 'route', key: 'storefront.createorder', fields: [{ path: 'plugins["request-size-limiting"].config.allowed_payload_size', old: 65536, new: 1048576 }] }],
    });
  });

  it('markdown: security table first, summary, escaped', async () => {
    const plan = await planBetween('traefik', variant([...raise, ['  /catalog/featured:', '  /catalog/highlights:']]));
    const md = renderMarkdown(plan, { target: 'traefik' });
    expect(md.indexOf('Security')).toBeGreaterThan(0);
    expect(md.indexOf('Security')).toBeLessThan(md.indexOf('Breaking'));
    expect(md).toContain('| body limit raised | router storefront-createorder | 65536 bytes | 1048576 bytes |');
    expect(md).toMatch(/\*\*Plan: \d+ to create, \d+ to update, \d+ to delete\.\*\*/);
  });

  it('unified: a unified diff of the normalised states, only the changed lines', async () => {
    const from = await stateOf(baseSpec, 'kong');
    const to = await stateOf(variant(raise), 'kong');
    const text = renderUnified(from, to, { from: 'deployed', to: 'spec' });
    expect(text).toContain('--- deployed');
    expect(text).toContain('+++ spec');
    expect(text.split('\n').filter((l) => /^[-+][^-+]/.test(l))).toEqual(['-          allowed_payload_size: 65536', '+          allowed_payload_size: 1048576']);
    expect(renderUnified(from, from, { from: 'a', to: 'b' })).not.toMatch(/^@@/m);
  });

  it('the command prints every format', () => {
    ensureBuilt();
    const spec = variant(raise);
    const dump = path.join(path.dirname(baseSpec), 'deployed/kong-dump.yaml');
    for (const format of ['json', 'markdown', 'unified', 'plan']) {
      const r = gwc('diff', spec, '--target', 'kong', '--deployed', dump, '--format', format);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(format === 'unified' ? 'allowed_payload_size: 1048576' : format === 'json' ? '"body-limit-raised"' : 'body limit raised');
    }
  });
});

describe('classification rules (target neutral)', () => {
  it('OR of schemes: adding an alternative weakens, removing one breaks, adding AND to one tightens', () => {
    expect(classifyMatched({ auth: [['a']] }, { auth: [['a'], ['b']] }).map((v) => v.rule)).toEqual(['auth-weakened']);
    expect(classifyMatched({ auth: [['a'], ['b']] }, { auth: [['a']] }).map((v) => v.rule)).toEqual(['auth-tightened']);
    expect(classifyMatched({ auth: [['a']] }, { auth: [['a', 'b']] }).map((v) => v.rule)).toEqual(['auth-tightened']);
    expect(classifyMatched({ auth: [['a']] }, { auth: [['a'], []] }).map((v) => v.rule)).toEqual(['auth-optional']);
  });

  it('a rate moved to another window is both raised and lowered; an IPv6 range widens', () => {
    expect(classifyMatched({ rateLimit: { '60': 100 } }, { rateLimit: { '1': 2 } }).map((v) => v.rule)).toEqual(['rate-limit-raised', 'rate-limit-lowered']);
    expect(classifyMatched({ ipAllow: ['10.0.0.0/8'] }, { ipAllow: ['10.1.0.0/16', '2001:db8::/32'] }).map((v) => v.rule)).toEqual(['ip-widened', 'ip-narrowed']);
    expect(classifyMatched({ cors: { origins: ['https://a'], methods: ['GET'], headers: [], credentials: false } }, { cors: { origins: ['*'], methods: ['GET'], headers: [], credentials: false } }).map((v) => v.rule)).toEqual(['cors-widened']);
  });
});

describe('backend TLS rules (target neutral)', () => {
  const on = (ca?: string): BackendTls => ({ tls: true, verify: true, ...(ca ? { ca } : {}) });
  const off: BackendTls = { tls: true, verify: false };
  const plain: BackendTls = { tls: false, verify: false };
  const cases: Array<[string, BackendTls | undefined, BackendTls | undefined, string[]]> = [
    ['verify on -> off weakens', on(), off, ['security backend-tls-unverified']],
    ['verified -> plain HTTP weakens', on('/ca.pem'), plain, ['security backend-tls-unverified']],
    ['verify off -> on breaks a backend whose certificate does not pass', off, on(), ['breaking backend-tls-verified']],
    ['plain HTTP -> verified is the same', plain, on(), ['breaking backend-tls-verified']],
    ['a different CA is a different trust root', on('/a.pem'), on('/b.pem'), ['security backend-ca-changed']],
    ['a CA added to the default store', on(), on('/a.pem'), ['security backend-ca-changed']],
    ['plain HTTP -> unverified TLS: nothing was checked before either', plain, off, []],
    ['unchanged', on('/a.pem'), on('/a.pem'), []],
    ['one side unknown: no verdict', on(), undefined, []],
  ];
  for (const [name, a, b, expected] of cases) {
    it(name, () => {
      const verdicts = classifyMatched(a ? { backendTls: a } : {}, b ? { backendTls: b } : {});
      expect(verdicts.map((v) => `${RULES[v.rule].class} ${v.rule}`)).toEqual(expected);
    });
  }

  it('a new TLS backend that is not verified is security; a new plain-HTTP one is not', () => {
    expect(classifyCreated({ backendTls: off }).map((v) => [v.rule, v.new])).toEqual([['backend-tls-unverified', 'not verified']]);
    expect(classifyCreated({ backendTls: plain })).toEqual([]);
    expect(classifyCreated({ backendTls: on() })).toEqual([]);
  });
});

describe('--base GIT_REF', () => {
  let repo: string;
  beforeAll(() => {
    repo = mkdtempSync(path.join(tmpdir(), 'gwc-base-'));
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: repo, stdio: 'pipe' });
    git('init', '-q');
    cpSync(baseSpec, path.join(repo, 'gateway.yaml'));
    git('add', 'gateway.yaml');
    git('commit', '-q', '-m', 'base');
    writeFileSync(path.join(repo, 'gateway.yaml'), readFileSync(variant(raise), 'utf8'));
  });

  it('plans the working copy against the spec at the ref', async () => {
    const r = await diffBase(path.join(repo, 'gateway.yaml'), { target: 'traefik', base: 'HEAD' });
    expect(r.plan?.findings.map((f) => `${f.rule} ${f.key}`)).toEqual(['body-limit-raised storefront-createorder']);
  });

  it('an unknown ref is a diagnostic, no plan', async () => {
    const r = await diffBase(path.join(repo, 'gateway.yaml'), { target: 'traefik', base: 'no-such-ref' });
    expect(r.plan).toBeUndefined();
    expect(r.diagnostics.map((d) => d.code)).toContain('diff-base-failed');
  });
});
