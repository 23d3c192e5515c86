/**
 * `gwc diff --base REF` on nginx: both sides are compiled, so the njs module (schemes, scopes,
 * JWT settings) is read on both, and a JWT weakened between two commits is found.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffBase } from '../../src/diff/run.js';
import { edit, SECURITY_CASES, securityBase } from './security-cases.js';

describe('nginx: --base REF', () => {
  it('finds a JWT weakened since the ref (algorithms widened, audiences removed) as security', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gwc-base-repo-'));
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: dir, stdio: 'pipe' });
    git('init', '-q');
    const spec = path.join(dir, 'gateway.yaml');
    copyFileSync(securityBase, spec);
    git('add', 'gateway.yaml');
    git('commit', '-q', '-m', 'base');
    const edits = SECURITY_CASES.filter((c) => ['jwt-algorithms-widened', 'jwt-audience-widened'].includes(c.rule as string)).flatMap((c) => c.edits);
    writeFileSync(spec, edit(readFileSync(spec, 'utf8'), edits));
    const r = await diffBase(spec, { target: 'nginx', base: 'HEAD' });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.plan!.findings.map((f) => `${f.class} ${f.rule} ${f.key}`).sort()).toEqual([
      'security jwt-algorithms-widened route getTokens',
      'security jwt-audience-widened route getTokens',
      // The route's accepted audiences per issuer, as every target's --base reads them (trust.ts).
      'security jwt-audience-widened route getTokens audiences',
      // 95fb7a7: the scheme's audiences replaced by anyAudience read at the scheme too (trust.ts).
      'security jwt-audience-widened scheme bearer',
      'security trust-added scheme bearer',
    ]);
  });
});
