/**
 * GitHub's REST description (npm @octokit/openapi, ~1,200 operations) against the aws target: it
 * either passes AWS's rules or fails with diagnostics naming the AWS limit and what to do.
 * Measured: it fails, on the 1 MB template limit (about 2.5 MB) and on one path
 * (/repos/{owner}/{repo}/compare/{base}...{head}) that API Gateway's resource tree cannot express.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { buildTarget } from '../../../src/api.js';
import { template, unexplained, validate } from './helpers.js';

const require = createRequire(import.meta.url);
let spec: string | undefined;
try {
  spec = require.resolve('@octokit/openapi/generated/api.github.com.json');
} catch {
  spec = undefined;
}
if (!spec || !existsSync(spec)) {
  if (process.env.CI === 'true') throw new Error('@octokit/openapi is not installed (CI=true: this is a failure)');
  console.warn('\n*** SKIPPING: @octokit/openapi not installed; the GitHub spec test cannot run. ***\n');
}

/**
 * The description as its owner would deploy it: its operations without security said public
 * (gwc refuses them otherwise, security-undecided), with the paths `keep` picks.
 */
function declaredPublic(keep: (paths: string[]) => string[] = (p) => p): string {
  const doc = JSON.parse(readFileSync(spec!, 'utf8'));
  doc.paths = Object.fromEntries(keep(Object.keys(doc.paths)).map((p) => [p, doc.paths[p]]));
  doc['x-gateway'] = { defaults: { public: true } };
  const file = join(mkdtempSync(join(tmpdir(), 'gwc-gh-')), 'github.json');
  writeFileSync(file, JSON.stringify(doc));
  return file;
}

describe.skipIf(!spec)('aws: the GitHub REST description', () => {
  it('fails with precise diagnostics about the AWS limits it exceeds', async () => {
    const built = await buildTarget(declaredPublic(), { target: 'aws' });
    expect(built.gateway?.routes.length).toBeGreaterThan(1000);
    expect(built.files).toEqual([]);
    const errors = built.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.length).toBeGreaterThan(0);
    expect([...new Set(errors.map((e) => e.code))].sort()).toEqual(['aws-path-unsupported', 'aws-template-too-large']);
    const large = errors.find((e) => e.code === 'aws-template-too-large')!;
    expect(large.params).toEqual({ bytes: expect.any(Number), limit: 1048576, fits: expect.any(Number), routes: built.gateway!.routes.length });
    expect(large.params.fits).toBeLessThan(built.gateway!.routes.length);
    expect(errors.map((e) => e.params)).toContainEqual(expect.objectContaining({ path: '/repos/{owner}/{repo}/compare/{base}...{head}', problem: 'mixed' }));
    const warnings = built.diagnostics.filter((d) => d.code === 'aws-api-resource-quota');
    expect(warnings.map((d) => d.params)).toEqual([{ resources: expect.any(Number), limit: 300 }]);
  });
});

describe.skipIf(!spec)('aws: a slice of the GitHub REST description that fits one stack', () => {
  it('passes @aws/cloudformation-validate with no error and no unexplained warning', async () => {
    let keep: string[] = [];
    // 55 paths (~75 routes): every http_proxy method maps the '_' spellings of the guarded headers
    // (~4.8 KB each, backends.ts), and 80 paths (110 routes) no longer fit (1.30 MB).
    const file = declaredPublic((paths) => (keep = paths.filter((p) => !p.includes('...')).slice(0, 55)));
    const built = await buildTarget(file, { target: 'aws' });
    expect(built.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const contents = built.files[0]!.contents;
    expect(Object.keys(template(contents).Resources.RestApi.Properties.Body.paths)).toHaveLength(keep.length);
    expect(unexplained(validate(contents, 'json'))).toEqual([]);
  });
});
