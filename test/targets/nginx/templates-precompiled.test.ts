/**
 * The nginx templates compiled ahead of time (src/targets/nginx/templates-precompile.ts, #18):
 * the generated module is current (UPDATE_GOLDEN=1 rewrites it), the renderer uses it, and every
 * fixture builds byte for byte as when the templates are compiled at run time (the renderer's
 * fallback for a stale module), in include and full mode.
 */
import { describe, expect, it, vi } from 'vitest';
import { TEMPLATES, templateEngine } from '../../../src/targets/nginx/emit.js';
import { precompiledModule } from '../../../src/targets/nginx/templates-precompile.js';
import { fixtureCases, FIXTURES, golden } from '../../helpers/golden.js';

const MODULE = new URL('../../../src/targets/nginx/templates-precompiled.ts', import.meta.url).pathname;

type Api = typeof import('../../../src/api.js');
type Emit = typeof import('../../../src/targets/nginx/emit.js');

/** The API twice: as shipped, and with no precompiled template (so emit.ts compiles them). */
async function bothWays(): Promise<{ ahead: Api; compiling: Api; compilingEmit: Emit }> {
  const ahead = await import('../../../src/api.js');
  vi.resetModules();
  vi.doMock('../../../src/targets/nginx/templates-precompiled.js', () => ({ PRECOMPILED: {}, PRECOMPILED_VERSION: 'none', PRECOMPILED_OPTIONS: '' }));
  const compiling = await import('../../../src/api.js');
  const compilingEmit = await import('../../../src/targets/nginx/emit.js');
  vi.doUnmock('../../../src/targets/nginx/templates-precompiled.js');
  return { ahead, compiling, compilingEmit };
}

describe('nginx templates compiled ahead of time', () => {
  it('the generated module is the templates of today', () => {
    golden(MODULE, precompiledModule(TEMPLATES));
  });

  it('the renderer runs them on the Handlebars runtime', () => {
    expect(templateEngine().precompiled).toBe(true);
  });

  it('every fixture builds the same bytes as with the templates compiled at run time', async () => {
    const { ahead, compiling, compilingEmit } = await bothWays();
    expect(compilingEmit.templateEngine().precompiled).toBe(false);
    let compared = 0;
    for (const name of fixtureCases()) {
      const built = await ahead.buildTarget(`${FIXTURES}${name}/gateway.yaml`, { target: 'nginx' });
      if (!built.gateway) continue;
      for (const options of [{}, { mode: 'full' }] as Array<Record<string, string>>) {
        const a = ahead.compileGateway(built.gateway, 'nginx', options);
        const b = compiling.compileGateway(built.gateway, 'nginx', options);
        expect(a.files.map((f) => f.path)).toEqual(b.files.map((f) => f.path));
        a.files.forEach((f, i) => expect(f.contents, `${name} ${f.path}`).toBe(b.files[i]!.contents));
        expect(a.diagnostics.map((d) => [d.code, d.params])).toEqual(b.diagnostics.map((d) => [d.code, d.params]));
        compared += a.files.length;
      }
    }
    expect(compared).toBeGreaterThan(20);
  });
});
