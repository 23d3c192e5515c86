import { mkdtempSync, writeFileSync, symlinkSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadGateway } from '../../src/api.js';
import { loadSpec } from '../../src/spec/loader.js';

function tmp(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'gwc-loader-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const head = 'openapi: 3.1.0\ninfo: { title: t, version: "1" }\n';

describe('loader safety', () => {
  it('refuses a file over the size cap before parsing it', async () => {
    const dir = tmp({});
    const file = path.join(dir, 'big.yaml');
    writeFileSync(file, `${head}x-pad: "${'a'.repeat(60 * 1024 * 1024)}"\n`);
    const { diagnostics, spec } = await loadSpec(file);
    expect(spec).toBeUndefined();
    expect(diagnostics.map((d) => d.code)).toEqual(['file-too-large']);
    expect(diagnostics[0]!.params.limit).toBe(32 * 1024 * 1024);
  });

  it('resolves $refs across files inside the folder, with positions in the referenced file', async () => {
    const dir = tmp({
      'gateway.yaml': `${head}x-gateway:\n  backends: { app: { url: http://app:80 } }\npaths:\n  /a:\n    $ref: paths/a.yaml\n`,
      'paths/a.yaml': 'get:\n  operationId: a\n  x-gateway:\n    backnd: app\n  responses: { "200": { description: ok } }\n',
    });
    const { diagnostics } = await loadGateway(path.join(dir, 'gateway.yaml'));
    expect(diagnostics.map((d) => [path.basename(d.loc!.file), d.position, d.code, d.params.suggestion])).toEqual([
      ['a.yaml', { line: 4, column: 5 }, 'schema-unknown-key', 'backend'],
    ]);
  });

  it('refuses a symlink that leads outside the folder', async () => {
    const outside = tmp({ 'secret.yaml': 'get: { responses: {} }\n' });
    const dir = tmp({ 'gateway.yaml': `${head}paths:\n  /a:\n    $ref: link.yaml\n` });
    symlinkSync(path.join(outside, 'secret.yaml'), path.join(dir, 'link.yaml'));
    const { diagnostics } = await loadSpec(path.join(dir, 'gateway.yaml'));
    expect(diagnostics.map((d) => d.code)).toEqual(['ref-outside-root']);
  });

  it('allows outside refs only when asked', async () => {
    const outside = tmp({ 'a.yaml': 'get: { responses: { "200": { description: ok } } }\n' });
    const dir = tmp({ 'gateway.yaml': `${head}paths:\n  /a:\n    $ref: ${path.join(outside, 'a.yaml')}\n` });
    const { diagnostics } = await loadSpec(path.join(dir, 'gateway.yaml'), { allowOutsideRefs: true });
    expect(diagnostics).toEqual([]);
  });

  it('reports a dangling $ref at the $ref', async () => {
    const dir = tmp({ 'gateway.yaml': `${head}paths:\n  /a:\n    $ref: '#/components/pathItems/nope'\n` });
    const { diagnostics } = await loadSpec(path.join(dir, 'gateway.yaml'));
    expect(diagnostics.map((d) => [d.code, d.position])).toEqual([['ref-unresolved', { line: 5, column: 5 }]]);
  });

  it('reads JSON with positions and reports its duplicate keys', async () => {
    const dir = tmp({ 'g.json': '{\n  "openapi": "3.1.0",\n  "info": {"title": "t", "version": "1"},\n  "paths": {},\n  "paths": {}\n}\n' });
    const { diagnostics } = await loadSpec(path.join(dir, 'g.json'));
    expect(diagnostics.map((d) => [d.code, d.position])).toEqual([['duplicate-key', { line: 5, column: 3 }]]);
  });

  it('reports a YAML syntax error once, at its place', async () => {
    const dir = tmp({ 'g.yaml': `${head}paths:\n  /a: { get: [ }\n` });
    const { diagnostics } = await loadSpec(path.join(dir, 'g.yaml'));
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]!.code).toBe('parse-error');
    expect(diagnostics[0]!.position!.line).toBe(4);
  });

  it('handles circular schemas (legitimate recursion) without error', async () => {
    const dir = tmp({
      'g.yaml': `${head}x-gateway:\n  backends: { app: { url: http://app:80 } }\npaths:\n  /n:\n    get:\n      responses:\n        "200":\n          description: ok\n          content: { application/json: { schema: { $ref: '#/components/schemas/Node' } } }\ncomponents:\n  schemas:\n    Node: { type: object, properties: { next: { $ref: '#/components/schemas/Node' } } }\n`,
    });
    const { gateway, diagnostics } = await loadGateway(path.join(dir, 'g.yaml'));
    expect(diagnostics).toEqual([]);
    expect(gateway?.routes.map((r) => r.id)).toEqual(['get_n']);
  });
});
