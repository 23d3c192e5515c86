/**
 * The built gwc validates with schemas compiled at build time (scripts/precompile-schemas.mjs);
 * tests and tsx compile them at run time. On generated specs, valid and broken, both paths must
 * give the same diagnostics: OpenAPI structure (swagger-parser's own validate vs. dereference +
 * the precompiled schema) and x-gateway (ajv at run time vs. the standalone validators).
 * Needs `npm run build` (CI runs it first); skipped loudly without it. About 5 s. A build older
 * than the schemas falls back to run-time compiling and makes this comparison vacuous:
 * test/validate/precompiled.test.ts checks the build is current (fails in CI).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadSpec } from '../../src/spec/loader.js';
import { validateExtensions } from '../../src/validate/extensions.js';
import { validateOpenApi } from '../../src/validate/openapi.js';
import { writeSpec } from '../helpers/spec.js';
import { specArbitrary } from './arbitraries.js';

const dist = path.resolve(__dirname, '../../dist/validate');
const built = existsSync(path.join(dist, 'precompiled/x-gateway.cjs'));
if (!built) console.warn('SKIPPED: no dist/validate/precompiled (run npm run build) — precompiled validators not compared');

type Doc = Record<string, any>;
const firstOp = (d: Doc): Doc => Object.values(Object.values(d.paths)[0] as Doc)[0] as Doc;
/** Ways a user breaks a spec: misspelt or mistyped x-gateway keys, invalid OpenAPI. */
const MUTATIONS: Array<(d: Doc) => void> = [
  () => {},
  (d) => (d['x-gateway'].backnds = d['x-gateway'].backends),
  (d) => (d['x-gateway'].backends.app.timeout = 'soon'),
  (d) => (d['x-gateway'].policies.std.rateLimit.requests = 'many'),
  (d) => (d['x-gateway'].policies.std.rateLimit.per = 'fortnight'),
  (d) => (d.components.securitySchemes.key['x-gateway'] = { forwardAuth: { uri: 'http://x' } }),
  (d) => delete d.info.version,
  (d) => (firstOp(d).operationId = 7),
  (d) => (firstOp(d).responses = 'none'),
  (d) => (firstOp(d).parameters = [{ name: 'q', in: 'nowhere' }]),
  (d) => (d.openapi = '3.0.3'),
  (d) => ((d.openapi = '3.0.3'), delete d.info.title),
];

describe.skipIf(!built)('precompiled validators agree with run-time compiled ones', () => {
  it('gives the same diagnostics on generated specs, valid and broken', async () => {
    const precompiledOpenApi = (await import(path.join(dist, 'openapi.js'))) as { validateOpenApi: typeof validateOpenApi };
    const precompiledExtensions = (await import(path.join(dist, 'extensions.js'))) as { validateExtensions: typeof validateExtensions };
    let found = 0;
    await fc.assert(
      fc.asyncProperty(specArbitrary, fc.nat(MUTATIONS.length - 1), async (yaml, m) => {
        const doc = parse(yaml) as Doc;
        MUTATIONS[m]!(doc);
        const { spec } = await loadSpec(writeSpec(stringify(doc)));
        const openapi = await validateOpenApi(spec!);
        const extensions = validateExtensions(spec!);
        expect(await precompiledOpenApi.validateOpenApi(spec!)).toEqual(openapi);
        expect(precompiledExtensions.validateExtensions(spec!)).toEqual(extensions);
        if (openapi.length + extensions.length > 0) found++;
      }),
      { numRuns: 60 },
    );
    expect(found, 'some generated specs are broken, so the error paths are compared too').toBeGreaterThan(10);
  });
});
