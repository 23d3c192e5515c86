/**
 * Golden files through the one runner (test/helpers/golden.ts): every fixture built for nginx with
 * default options and compared with `fixtures/<case>/expected/nginx/` (UPDATE_GOLDEN=1 rewrites
 * them). A golden alone proves nothing: every fixture that builds is also built as a full
 * configuration inside a temporary prefix and checked by the real `nginx -t` (upstream host names
 * mapped to loopback).
 */
import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildTarget, compileGateway } from '../../../src/api.js';
import { goldenSuite } from '../../helpers/golden.js';
import { freePort, fullOptions, gatewayHosts, NGINX, nginxTest, pointAt, prefixDir, writeFiles } from './harness.js';

const cases = goldenSuite({ target: 'nginx', diagnostics: 'pointerParams', exact: true });

describe.skipIf(!NGINX)('nginx -t on every fixture that builds', () => {
  it.each(cases)('$name', async ({ spec }) => {
    const built = await buildTarget(spec, { target: 'nginx' });
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
