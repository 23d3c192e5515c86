/**
 * #18: locateAll places many pointers of a JSON file in one scan that skips the subtrees no
 * diagnostic is in from one quote, bracket or brace to the next. Every pointer must get the
 * line:col that locating it alone gives (SourceFile.positionOf, json-scan.ts's offsetOfPointer),
 * whatever the layout (pretty, minified, tabs, CRLF) and whatever the strings hold (escaped
 * quotes, backslashes before a closing quote, brackets and braces inside strings).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { loadSpec } from '../../src/spec/loader.js';
import { escapeToken } from '../../src/spec/pointer.js';
import { locateAll } from '../../src/spec/positions.js';

const doc = {
  openapi: '3.0.3',
  info: { title: 'a "quoted" {title} [x]', version: '1', description: 'ends in a backslash \\' },
  paths: {
    '/a/{id}': { get: { summary: '\\"}]', responses: { '200': { description: 'ok \\\\', content: { 'application/json': { schema: { type: 'array', items: { type: 'string', enum: ['[', ']', '{', '}', '"', '\\'] } } } } } } } },
    '/b': { post: { requestBody: { content: {} }, responses: { default: { description: '' } } } },
  },
  components: { schemas: { Deep: { properties: { 'a/b': { properties: { 'c~d': { type: 'integer', example: [1, [2, [3, {}]], -4.5e3, true, null] } } } } } } },
  'x-tail': [{ a: [] }, {}, [], 'end'],
};

/** Every pointer of `v`, parents first. */
function pointers(v: unknown, p = ''): string[] {
  if (v === null || typeof v !== 'object') return [p];
  return [p, ...Object.entries(v).flatMap(([k, x]) => pointers(x, `${p}/${escapeToken(k)}`))];
}

describe('locateAll on JSON (#18)', () => {
  const layouts: Array<[string, string]> = [
    ['pretty', JSON.stringify(doc, null, 2)],
    ['minified', JSON.stringify(doc)],
    ['tabs, CRLF', JSON.stringify(doc, null, '\t').replace(/\n/g, '\r\n')],
  ];
  it.each(layouts)('%s: every pointer at the place locating it alone gives', async (_name, text) => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'gwc-positions-')), 'openapi.json');
    writeFileSync(file, text);
    const { spec } = await loadSpec(file);
    const all = [...pointers(doc), '/paths/~1c', '/components/schemas/Deep/properties/nope/type', '/x-tail/9'];
    // A few at a time and all at once: each subset is skipped over differently.
    for (const subset of [all, all.filter((_, i) => i % 3 === 0), all.slice(-6), all.filter((p) => p.startsWith('/components'))]) {
      const diags = subset.map((pointer) => ({ loc: { file, pointer } }) as Diagnostic);
      locateAll(spec!, diags);
      expect(diags.map((d) => d.position)).toEqual(subset.map((pointer) => spec!.position({ file, pointer })));
    }
  });
});
