/**
 * Golden files: every fixture built for nginx with default options, compared with
 * `fixtures/<case>/expected/nginx/` (UPDATE_GOLDEN=1 rewrites them). A golden alone proves
 * nothing: every fixture that builds is also built as a full configuration inside a temporary
 * prefix and checked by the real `nginx -t` (upstream host names mapped to loopback).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildTarget, compileGateway } from '../../../src/api.js';
import { fixtureCases, FIXTURES, golden } from '../../helpers/golden.js';
import { freePort, fullOptions, gatewayHosts, NGINX, nginxTest, pointAt, prefixDir, writeFiles } from './harness.js';

const root = FIXTURES;
const cases = fixtureCases();

describe('nginx: goldens', () => {
  it.each(cases)('%s', async (c) => {
    const built = await buildTarget(join(root, c, 'gateway.yaml'), { target: 'nginx' });
    const out = join(root, c, 'expected', 'nginx');
    const diags = built.diagnostics
      .map((d) => `${d.severity} ${d.code} ${d.loc?.pointer ?? ''} ${JSON.stringify(d.params)}`)
      .join('\n')
      .split(root)
      .join('fixtures/');
    golden(join(out, 'diagnostics.txt'), `${diags}\n`);
    for (const f of built.files) golden(join(out, f.path), f.contents);
    // Same input, same bytes.
    const again = await buildTarget(join(root, c, 'gateway.yaml'), { target: 'nginx' });
    expect(again.files).toEqual(built.files);
  });
});

describe.skipIf(!NGINX)('nginx -t on every fixture that builds', () => {
  it.each(cases)('%s', async (c) => {
    const built = await buildTarget(join(root, c, 'gateway.yaml'), { target: 'nginx' });
    if (!built.gateway || built.files.length === 0) return;
    const gateway = built.gateway;
    const dir = prefixDir();
    const port = await freePort();
    const compiled = compileGateway(gateway, 'nginx', fullOptions(dir, port));
    writeFiles(dir, compiled.files);
    let result = nginxTest(dir, gatewayHosts(gateway));
    if (!result) {
      // No mount namespace here: check the same gateway with its upstream hosts on loopback.
      const stubs = Object.fromEntries(gateway.backends.map((b) => [b.name, { name: b.name, port: 9, hits: [], close: async () => {} }]));
      pointAt(gateway, stubs);
      writeFiles(dir, compileGateway(gateway, 'nginx', fullOptions(dir, port)).files);
      result = nginxTest(dir);
    }
    rmSync(dir, { recursive: true, force: true });
    expect(result!.output).toBe('');
    expect(result!.ok).toBe(true);
  });
});
