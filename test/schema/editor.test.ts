/**
 * The editor schema works as the README says (#16.6): `gwc schema > gwc.schema.json` and a
 * `# yaml-language-server: $schema=gwc.schema.json` first line, driven through the real
 * yaml-language-server (npm) as an editor would: no diagnostic on any fixture gwc finds
 * structurally valid, the mistakes gwc reports flagged at gwc's own line:col, completion inside
 * x-gateway at every level, and a description on every field of the schema.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { getLanguageService, type LanguageService } from 'yaml-language-server';
import { beforeAll, describe, expect, it } from 'vitest';
import { documentSchema } from '../../src/schema/document.js';
import { loadGateway } from '../../src/api.js';
import { xGatewaySchema } from '../../src/validate/extensions.js';
import { ensureBuilt, gwc, repo } from '../cli/run.js';

const MODELINE = '# yaml-language-server: $schema=gwc.schema.json\n';
const dir = mkdtempSync(path.join(tmpdir(), 'gwc-editor-'));
let ls: LanguageService;

beforeAll(() => {
  writeFileSync(path.join(dir, 'gwc.schema.json'), JSON.stringify(documentSchema(xGatewaySchema() as Record<string, unknown>), null, 2));
  ls = getLanguageService({
    // The schema is read from the file the modeline names, as the editor reads it.
    schemaRequestService: async (uri: string) => readFileSync(fileURLToPath(uri), 'utf8'),
    workspaceContext: { resolveRelativePath: (rel: string, resource: string) => new URL(rel, resource).href },
  });
  ls.configure({ validate: true, completion: true, hover: true, isKubernetes: false, yamlVersion: '1.2' });
});

/**
 * The spec as the editor holds it: the modeline on a first line of its own, in the schema's folder.
 * A new URI each time: the server caches a parsed document by URI and version.
 */
let opened = 0;
function open(text: string): TextDocument {
  return TextDocument.create(pathToFileURL(path.join(dir, `spec-${++opened}.yaml`)).href, 'yaml', 1, MODELINE + text);
}

/** yaml-language-server's diagnostics as gwc's 1-based line:col in the original file (the modeline shifts a line). */
async function flagged(text: string): Promise<string[]> {
  const ds = await ls.doValidation(open(text), false);
  return ds.map((d) => `${d.range.start.line}:${d.range.start.character + 1} ${d.message.split('\n')[0]}`);
}

const FIXTURES = [
  'shop/gateway.yaml',
  'shop-native/gateway.yaml',
  'minimal/gateway.yaml',
  'portable/gateway.yaml',
  'kong-input/gateway.yaml',
  'plain-openapi/gateway.yaml',
  'diff-base/gateway.yaml',
  'diff-security/gateway.yaml',
  'lint-insecure/spec.yaml',
  'lint-routing/spec.yaml',
  'real/tictactoe/tictactoe.yaml',
  'real/recursive-ref/DigitalOcean-public.v2.yaml',
  'invalid-references/gateway.yaml',
];

describe('yaml-language-server with gwc schema, over the fixtures', () => {
  for (const f of FIXTURES) {
    it(`${f}: flags nothing gwc finds structurally valid`, async () => {
      const file = path.join(repo, 'fixtures', f);
      const gwcStructural = (await loadGateway(file)).diagnostics.filter((d) => /^(openapi-|schema-|parse-|duplicate-key)/.test(String(d.code)) && d.loc?.file === file);
      expect(gwcStructural, 'the fixture is structurally valid for gwc').toEqual([]);
      expect(await flagged(readFileSync(file, 'utf8'))).toEqual([]);
    }, 30_000);
  }
});

describe('a spec with mistakes: the editor flags them where gwc does', () => {
  const spec = [
    'openapi: 3.1.0', // 1
    'info: { title: t, version: "1" }', // 2
    'securityDefinitions: {}', // 3  Swagger 2's key
    'x-gateway:', // 4
    '  backends:', // 5
    '    app: { url: http://app:80, timout: 5s }', // 6  misspelt
    'paths:', // 7
    '  /a:', // 8
    '    get:', // 9
    '      operationId: a', // 10
    '      x-gateway: { public: true, rateLimit: { requests: 0, per: second } }', // 11  requests < 1
    '      responses: { "200": { description: ok } }', // 12
    '    x-gateway: { backnd: app }', // 13  misspelt, path item level
    'components:', // 14
    '  securitySchemes:', // 15
    '    bearer: { type: http, scheme: bearer, x-gateway: { isuer: https://id.example.com/ } }', // 16
    '',
  ].join('\n');

  it('each at the line and column gwc validate reports', async () => {
    const file = path.join(dir, 'mistakes.yaml');
    writeFileSync(file, spec);
    const gwcAt = (await loadGateway(file)).diagnostics.map((d) => `${d.position!.line}:${d.position!.column}`).sort();
    const editor = await flagged(spec);
    const editorAt = [...new Set(editor.map((e) => e.split(' ')[0]!))].sort();
    expect(gwcAt).toEqual(['11:47', '13:18', '16:56', '3:1', '6:32']);
    expect(editor.sort()).toEqual([
      '11:57 Value is below the minimum of 1.', // the value; gwc points at its key, same line
      '13:18 Property backnd is not allowed.',
      '16:56 Property isuer is not allowed.',
      '3:1 Property securityDefinitions is not allowed.',
      '6:32 Property timout is not allowed.',
    ]);
    // An unknown key at exactly gwc's line:col; every other mistake on gwc's line.
    const editorLines = [...new Set(editor.map((e) => e.split(':')[0]))].sort();
    expect(editorLines).toEqual([...new Set(gwcAt.map((a) => a.split(':')[0]))].sort());
    expect(editorAt.filter((a) => a !== '11:57')).toEqual(gwcAt.filter((a) => a !== '11:47'));
  });
});

describe('completion and hover inside x-gateway', () => {
  const labels = async (text: string, line: number, character: number) =>
    (await ls.doComplete(open(text), { line: line + 1, character }, false)).items.map((i) => i.label);

  it('at the root, on an operation and on a security scheme', async () => {
    const root = 'openapi: 3.1.0\ninfo: { title: t, version: "1" }\nx-gateway:\n  \n';
    expect(await labels(root, 3, 2)).toEqual(expect.arrayContaining(['backends', 'policies', 'defaults', 'consumers', 'environments', 'targets', 'accept']));
    const op = 'openapi: 3.1.0\ninfo: { title: t, version: "1" }\npaths:\n  /a:\n    get:\n      x-gateway:\n        \n';
    expect(await labels(op, 6, 8)).toEqual(expect.arrayContaining(['backend', 'public', 'rateLimit', 'cache', 'cors', 'upstreamPath', 'timeout']));
    const scheme = 'openapi: 3.1.0\ninfo: { title: t, version: "1" }\ncomponents:\n  securitySchemes:\n    b:\n      type: http\n      x-gateway:\n        \n';
    expect(await labels(scheme, 7, 8)).toEqual(expect.arrayContaining(['issuer', 'audiences', 'jwksUri', 'forwardAuth', 'lambdaAuthorizer']));
    const top = 'openapi: 3.1.0\ninfo: { title: t, version: "1" }\n\n';
    expect(await labels(top, 2, 0)).toEqual(expect.arrayContaining(['x-gateway', 'paths', 'components', 'servers']));
  });

  it('hover on a key shows its description', async () => {
    const text = 'openapi: 3.1.0\ninfo: { title: t, version: "1" }\nx-gateway:\n  backends: {}\n';
    const hover = await ls.doHover(open(text), { line: 4, character: 4 });
    expect(JSON.stringify(hover?.contents)).toMatch(/Upstream services by name/);
  });
});

describe('the schema itself', () => {
  const schema = documentSchema(xGatewaySchema() as Record<string, unknown>) as { definitions: Record<string, unknown> };

  it('has a description on every field (through $ref and allOf)', () => {
    const defs = schema.definitions;
    const described = (v: unknown): boolean => {
      if (typeof v !== 'object' || v === null) return false;
      const o = v as { description?: unknown; $ref?: string };
      if (typeof o.description === 'string') return true;
      return typeof o.$ref === 'string' && described(defs[o.$ref.split('/').pop()!]);
    };
    const missing: string[] = [];
    const walk = (n: unknown, at: string) => {
      if (Array.isArray(n)) return n.forEach((x, i) => walk(x, `${at}/${i}`));
      if (typeof n !== 'object' || n === null) return;
      for (const [k, v] of Object.entries(n as Record<string, unknown>)) {
        if (k === 'properties' && typeof v === 'object' && v !== null) {
          for (const [p, s] of Object.entries(v)) if (!described(s)) missing.push(`${at}/properties/${p}`);
        }
        walk(v, `${at}/${k}`);
      }
    };
    walk(schema, '#');
    expect(missing).toEqual([]);
  });

  it('gwc schema prints it (dist), and --part x-gateway the x-gateway object alone', () => {
    ensureBuilt();
    const doc = JSON.parse(gwc(['schema']).stdout) as { properties: Record<string, unknown> };
    expect(Object.keys(doc.properties)).toEqual(expect.arrayContaining(['openapi', 'info', 'paths', 'components', 'x-gateway']));
    const part = JSON.parse(gwc(['schema', '--part', 'x-gateway']).stdout) as { $ref: string };
    expect(part.$ref).toBe('#/definitions/root');
  });
});
