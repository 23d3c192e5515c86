/**
 * gwc diff sees a client-address limit go from one bucket per IPv6 /64 to one per IPv6 address
 * (DESIGN.md 7.8: a weaker limit is a security change): Traefik without ipStrategy.ipv6Subnet
 * (built for 3.1 against a deployed 3.2 file, or the other way), nginx keyed on
 * $binary_remote_addr instead of $<prefix>_lim_ip (a file from a gwc before the /64 map).
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffDeployed } from '../../src/diff/run.js';
import { baseSpec, deployedFixture } from './helpers.js';
import { compileNginx } from './nginx-support.js';

const PER_ADDRESS = 'ip (each IPv6 address apart)';
const keyFindings = (r: Awaited<ReturnType<typeof diffDeployed>>) => (r.plan?.findings ?? []).filter((f) => f.rule === 'rate-limit-key-changed');

describe('diff: a limit per IPv6 /64 versus per IPv6 address', () => {
  it('traefik: building for 3.1 against the deployed 3.2 file is a security finding on every per-address limit', async () => {
    const deployed = deployedFixture('traefik-dynamic.json');
    const same = await diffDeployed(baseSpec, { target: 'traefik', deployed });
    expect(keyFindings(same)).toEqual([]);
    const older = await diffDeployed(baseSpec, { target: 'traefik', deployed, options: { 'traefik-version': '3.1' } });
    const found = keyFindings(older);
    const limited = (JSON.parse(readFileSync(deployed, 'utf8')) as { http: { middlewares: Record<string, unknown> } }).http.middlewares;
    expect(found.length).toBeGreaterThan(0);
    expect(found.length).toBe(Object.values(limited).filter((m) => (m as { rateLimit?: unknown }).rateLimit).length);
    for (const f of found) expect(f).toMatchObject({ class: 'security', old: 'ip', new: PER_ADDRESS });
  });

  it('nginx: a deployed key on $binary_remote_addr differs from the /64 key gwc builds now', async () => {
    const { files } = await compileNginx(baseSpec, {});
    const dir = mkdtempSync(path.join(tmpdir(), 'gwc-build-'));
    for (const f of files) {
      mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true });
      writeFileSync(path.join(dir, f.path), f.contents.replace(/\$\{gwc_[a-z0-9_]+_lim_ip\}/g, '${binary_remote_addr}'));
    }
    const r = await diffDeployed(baseSpec, { target: 'nginx', deployed: dir });
    const found = keyFindings(r);
    expect(found.length).toBeGreaterThan(0);
    for (const f of found) expect(f).toMatchObject({ class: 'security', old: PER_ADDRESS, new: 'ip' });
  });
});
