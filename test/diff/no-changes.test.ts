/**
 * "No changes" is exact: every fixture that builds on a target, deployed as that target deploys it
 * and read back through its reader, diffs against its own build with no change and no finding.
 * nginx is read through a real `nginx -T` of the build loaded by nginx (full mode, its own prefix),
 * the njs module found beside it on disk.
 */
import { mkdirSync, mkdtempSync, readdirSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileGateway, loadGateway } from '../../src/api.js';
import { diffDeployed } from '../../src/diff/run.js';
import { requireBinary } from '../helpers/binaries.js';
import { repo } from './helpers.js';
import { compileNginx, fullOptions, nginxDump, prefixDir } from './nginx-support.js';

const NGINX = requireBinary('nginx', ['/usr/sbin/nginx']);
const FIXTURES = readdirSync(path.join(repo, 'fixtures'))
  .filter((f) => !f.startsWith('invalid-') && existsSync(path.join(repo, 'fixtures', f, 'gateway.yaml')))
  .map((f) => path.join(repo, 'fixtures', f, 'gateway.yaml'));

/** The target's files for `spec`, or undefined when the spec does not build there (a refusal, not a diff case). */
async function build(spec: string, target: string, options: Record<string, string> = {}) {
  const loaded = await loadGateway(spec);
  if (!loaded.gateway) return undefined;
  const r = compileGateway(loaded.gateway, target, options, loaded.spec);
  return r.diagnostics.some((d) => d.severity === 'error') ? undefined : r.files;
}

function writeAll(files: Array<{ path: string; contents: string }>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'gwc-nochange-'));
  for (const f of files) {
    mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true });
    writeFileSync(path.join(dir, f.path), f.contents);
  }
  return dir;
}

describe('No changes: every fixture against its own build', () => {
  // Each side is the base build (no overlay): withoutEnv says so where a fixture has environments (efb0dec).
  const built: string[] = [];
  for (const spec of FIXTURES) {
    const name = path.basename(path.dirname(spec));
    for (const target of ['kong', 'traefik', 'aws']) {
      it(`${name} on ${target}`, async () => {
        const options: Record<string, string> = target === 'aws' && name !== 'diff-base' && name !== 'minimal' ? { vpcLink: 'a1b2c3' } : {};
        const files = await build(spec, target, options);
        if (!files) return;
        built.push(`${name}/${target}`);
        const dir = writeAll(files);
        const r = await diffDeployed(spec, { target, deployed: path.join(dir, files[0]!.path), options, withoutEnv: true });
        expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        expect(r.plan?.changes).toEqual([]);
        expect(r.plan?.findings).toEqual([]);
      });
    }
    it(`${name} on nginx: its build folder`, async () => {
      const files = await build(spec, 'nginx');
      if (!files) return;
      built.push(`${name}/nginx`);
      const r = await diffDeployed(spec, { target: 'nginx', deployed: writeAll(files), withoutEnv: true });
      expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(r.plan?.changes).toEqual([]);
      expect(r.plan?.findings).toEqual([]);
    });
    it.skipIf(!NGINX)(`${name} on nginx: a real nginx -T`, async () => {
      const dir = prefixDir();
      const options = fullOptions(dir);
      if (!(await build(spec, 'nginx', options))) return;
      const { files, hosts } = await compileNginx(spec, options);
      const dump = nginxDump(NGINX!, dir, files, hosts);
      if (!dump) return console.warn('*** SKIPPING: no private mount namespace for /etc/hosts ***');
      expect(dump.status, dump.stderr).toBe(0);
      const file = path.join(dir, 'nginx-T.txt');
      writeFileSync(file, dump.stdout);
      const r = await diffDeployed(spec, { target: 'nginx', deployed: file, options, withoutEnv: true });
      // Compile warnings are the spec's; none may come from reading the deployed side.
      expect(r.diagnostics.filter((d) => d.severity === 'error' || d.code.startsWith('deployed-'))).toEqual([]);
      expect(r.plan?.changes).toEqual([]);
      expect(r.plan?.findings).toEqual([]);
    });
  }
  it('covers a build on every target', () => {
    for (const t of ['kong', 'traefik', 'aws', 'nginx']) expect(built.some((b) => b.endsWith(`/${t}`)), t).toBe(true);
  });
});
