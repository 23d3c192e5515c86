/**
 * Lint positions (#16.5): a finding is reported at the node the user edits, the same line:col in
 * every output format. A duplicate operationId at the second `operationId:` (not its `get:`), an
 * ambiguous pair of templates at the path key (not one of its operations), in YAML block and flow
 * style, in a path item `$ref`'d from another file, and in JSON (located by the one-pass scanner).
 * SARIF: a region wherever the position is known, a location for every result (code scanning
 * rejects the whole file otherwise), helpUri on every rule, the real version.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { diag } from '../../src/diagnostics/diagnostic.js';
import { toJson } from '../../src/diagnostics/format.js';
import { formatSarif, helpUri } from '../../src/lint/format/sarif.js';
import { lint, listRules } from '../../src/lint/index.js';
import { renderLint, FORMATS } from '../../src/lint/render.js';
import { ensureBuilt, gwc, repo } from '../cli/run.js';
import { HEAD, writeFiles, type Files } from './helper.js';

const CODES = ['operation-id-duplicate', 'route-ambiguous'];
const GW = `${HEAD}x-gateway:\n  backends: { app: { url: http://app.internal:8080 } }\npaths:\n`; // paths start on line 6
const SCHEMES = 'components:\n  securitySchemes:\n    k: { type: apiKey, in: header, name: x-api-key }\n';
const PARAM = (n: string) => `    parameters: [{ name: ${n}, in: path, required: true, schema: { type: string } }]\n`;

async function found(files: Files): Promise<{ file: string; diagnostics: Diagnostic[] }> {
  const file = writeFiles(files);
  const { diagnostics } = await lint(file, { rules: [], targets: [] });
  return { file, diagnostics: diagnostics.filter((d) => CODES.includes(String(d.code))) };
}
const at = (d: Diagnostic) => `${path.basename(d.loc?.file ?? '')}:${d.position?.line}:${d.position?.column} ${d.code}`;

describe('duplicate operationId and ambiguous templates are said where the fix goes (#16.5)', () => {
  it('block style: the second operationId: line, the later path key', async () => {
    const spec =
      GW +
      `  /a/{x}:\n${PARAM('x')}    get:\n      operationId: same\n      security: [{ k: [] }]\n      responses: { '200': { description: ok } }\n` + // 6..11
      `  /{y}/b:\n${PARAM('y')}    get:\n      operationId: same\n      security: [{ k: [] }]\n      responses: { '200': { description: ok } }\n` + // 12..17
      SCHEMES;
    const { diagnostics } = await found(spec);
    expect(diagnostics.map(at).sort()).toEqual(['gateway.yaml:12:3 route-ambiguous', 'gateway.yaml:15:7 operation-id-duplicate']);
    const dup = diagnostics.find((d) => d.code === 'operation-id-duplicate')!;
    expect(dup.params).toEqual({ id: 'same' });
    expect(dup.loc!.pointer).toBe('/paths/~1{y}~1b/get/operationId');
    expect(diagnostics.find((d) => d.code === 'route-ambiguous')!.loc!.pointer).toBe('/paths/~1{y}~1b');
  });

  it('flow style: the column of the operationId key inside the braces', async () => {
    const op = (id: string) => `    get: { operationId: ${id}, security: [{ k: [] }], responses: { '200': { description: ok } } }\n`;
    const { diagnostics } = await found(`${GW}  /a:\n${op('same')}  /b:\n${op('same')}${SCHEMES}`);
    expect(diagnostics.map(at)).toEqual(['gateway.yaml:9:12 operation-id-duplicate']);
  });

  it('a path item in another file: the id in that file, the ambiguous key in the root file', async () => {
    const item = (id: string, p: string) => `${PARAM(p).slice(4)}get:\n  operationId: ${id}\n  security: [{ k: [] }]\n  responses: { '200': { description: ok } }\n`;
    const { diagnostics } = await found({
      'gateway.yaml': `${GW}  /a/{x}:\n    $ref: './paths/a.yaml'\n  /{y}/b:\n    $ref: './paths/b.yaml'\n${SCHEMES}`,
      'paths/a.yaml': item('same', 'x'),
      'paths/b.yaml': item('same', 'y'),
    });
    expect(diagnostics.map(at).sort()).toEqual(['b.yaml:3:3 operation-id-duplicate', 'gateway.yaml:8:3 route-ambiguous']);
  });

  it('a JSON spec with many findings (the one-pass scanner): each at its own operationId and path key', async () => {
    const paths: Record<string, unknown> = {};
    for (let i = 0; i < 5; i++) paths[`/r${i}`] = { get: { operationId: 'same', security: [{ k: [] }], responses: { '200': { description: 'ok' } } } };
    paths['/{p}/x'] = { parameters: [{ name: 'p', in: 'path', required: true, schema: { type: 'string' } }], get: { operationId: 'px', security: [{ k: [] }], responses: { '200': { description: 'ok' } } } };
    paths['/q/{q}'] = { parameters: [{ name: 'q', in: 'path', required: true, schema: { type: 'string' } }], get: { operationId: 'qq', security: [{ k: [] }], responses: { '200': { description: 'ok' } } } };
    const doc = {
      openapi: '3.1.0',
      info: { title: 't', version: '1' },
      'x-gateway': { backends: { app: { url: 'http://app.internal:8080' } } },
      paths,
      components: { securitySchemes: { k: { type: 'apiKey', in: 'header', name: 'x-api-key' } } },
    };
    const text = JSON.stringify(doc, null, 2);
    const { diagnostics } = await found({ 'gateway.json': text });
    const lines = text.split('\n');
    // Where each pointer's key really is in the text: the n-th `"operationId": "same"` and the path key.
    const idLines = lines.flatMap((l, i) => (l.includes('"operationId": "same"') ? [`${i + 1}:${l.indexOf('"operationId"') + 1}`] : [])).slice(1);
    const keyLine = lines.findIndex((l) => l.includes('"/q/{q}": {') || l.includes('"/{p}/x": {'));
    expect(diagnostics.filter((d) => d.code === 'operation-id-duplicate').map((d) => `${d.position!.line}:${d.position!.column}`)).toEqual(idLines);
    const amb = diagnostics.filter((d) => d.code === 'route-ambiguous');
    expect(amb).toHaveLength(1);
    expect(lines[amb[0]!.position!.line - 1]!.trim()).toMatch(/^"\/(q\/\{q\}|\{p\}\/x)": \{$/);
    expect(keyLine).toBeGreaterThan(0);
  });
});

describe('every format says the same line and column (#16.5)', () => {
  const spec = `${GW}  /a:\n    get:\n      operationId: same\n      security: [{ k: [] }]\n      responses: { '200': { description: ok } }\n  /b:\n    get:\n      operationId: same\n      security: [{ k: [] }]\n      responses: { '200': { description: ok } }\n${SCHEMES}`;

  it('stylish, json, sarif, github and junit put the duplicate at 13:7', async () => {
    const { file, diagnostics } = await found(spec);
    expect(diagnostics.map(at)).toEqual(['gateway.yaml:13:7 operation-id-duplicate']);
    const cwd = path.dirname(file);
    const out = Object.fromEntries(FORMATS.map((f) => [f, renderLint(f, diagnostics, file, cwd, '9.9.9')]));
    expect(out.stylish).toMatch(/^gateway\.yaml:13:7 error operation-id-duplicate /);
    expect(JSON.parse(out.json!)).toEqual([expect.objectContaining({ file: 'gateway.yaml', line: 13, column: 7, pointer: '/paths/~1b/get/operationId' })]);
    const sarif = JSON.parse(out.sarif!);
    expect(sarif.runs[0].results[0].locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'gateway.yaml', uriBaseId: '%SRCROOT%' },
      region: { startLine: 13, startColumn: 7 },
    });
    expect(sarif.runs[0].columnKind).toBe('utf16CodeUnits');
    expect(sarif.runs[0].tool.driver.version).toBe('9.9.9');
    expect(out.github).toContain('file=gateway.yaml,line=13,col=7,title=operation-id-duplicate');
    expect(out.junit).toContain('name="gateway.yaml:13:7 operation-id-duplicate"');
    expect(out.junit).toContain('line="13"');
  });

  it('SARIF: a finding with no file of its own is placed on the spec, never an empty URI or a made-up 1:1', () => {
    const cwd = '/work/specs';
    const none = diag('unknown-target', { name: 'nope', known: 'aws' });
    const unplaced: Diagnostic = { ...diag('operation-id-duplicate', { id: 'x' }), loc: { file: '/work/specs/gw.yaml', pointer: '/paths' } };
    const log = JSON.parse(formatSarif([none, unplaced], listRules(), cwd, '1.0.0', '/work/specs/gw.yaml'));
    for (const r of log.runs[0].results) {
      expect(r.locations).toHaveLength(1);
      expect(r.locations[0].physicalLocation.artifactLocation.uri).toBe('gw.yaml');
      expect(r.locations[0].physicalLocation.region).toBeUndefined();
    }
  });
});

describe('SARIF rules carry a helpUri (#16.5, #16.8)', () => {
  const readme = readFileSync(path.join(repo, 'README.md'), 'utf8');
  // GitHub's heading anchors: lower case, punctuation but - and _ dropped, spaces to dashes.
  const anchors = new Set(
    readme
      .split('\n')
      .filter((l) => /^#{1,6} /.test(l))
      .map((l) => l.replace(/^#+ /, '').toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-')),
  );

  it('every rule and code gwc can report links to an absolute page whose README anchor exists', () => {
    const ids = [...listRules().map((r) => r.id), 'openapi-unexpected-key', 'unknown-target'];
    for (const id of ids) {
      const uri = new URL(helpUri(id));
      expect(uri.protocol, id).toMatch(/^https:$/);
      if (uri.href.startsWith('https://gwc.dev/README.md')) expect(anchors.has(uri.hash.slice(1)), `${id} -> ${uri.href}`).toBe(true);
    }
  });

  it('the rule table in a SARIF log has them', () => {
    const d: Diagnostic = { ...diag('route-ambiguous', { route: 'a', other: 'b', path: '/a/{x}', otherPath: '/{y}/b' }), loc: { file: '/s/g.yaml', pointer: '/paths' }, position: { line: 3, column: 3 } };
    const rule = JSON.parse(formatSarif([d], listRules(), '/s')).runs[0].tool.driver.rules[0];
    expect(rule).toMatchObject({ id: 'route-ambiguous', helpUri: 'https://gwc.dev/README.md#routing-semantics' });
  });

  it('gwc lint --format sarif (dist) names the real version', () => {
    ensureBuilt();
    const version = (JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as { version: string }).version;
    const r = gwc(['lint', 'fixtures/shop/gateway.yaml', '--format', 'sarif']);
    expect(JSON.parse(r.stdout).runs[0].tool.driver.version).toBe(version);
  });

  it('--json keeps the pointer a tool places the finding with', async () => {
    const { diagnostics } = await found(`${GW}  /a:\n    get: { operationId: same, security: [{ k: [] }], responses: { '200': { description: ok } } }\n  /b:\n    get: { operationId: same, security: [{ k: [] }], responses: { '200': { description: ok } } }\n${SCHEMES}`);
    expect(toJson(diagnostics[0]!)).toMatchObject({ line: 9, column: 12, pointer: '/paths/~1b/get/operationId' });
  });
});
