/**
 * src/targets/output-bytes.ts (#18): the UTF-8 bytes the fast YAML writer kept for its text are
 * exactly the text's encoding, are handed out once, and a text nobody kept is encoded fresh.
 */
import { describe, expect, it } from 'vitest';
import { keepUtf8, utf8Of } from '../../src/targets/output-bytes.js';
import { fastYamlStringify } from '../../src/targets/yaml-out.js';

describe('output bytes', () => {
  it("hands out the writer's bytes of a large text once, equal to its UTF-8 encoding", () => {
    // Over 1 MB, with non-ASCII text and a long list the writer reuses.
    const names = Array.from({ length: 400 }, (_, i) => `X-Header-${i}-é-${'ü'.repeat(i % 7)}`);
    const doc = { routes: Array.from({ length: 300 }, (_, i) => ({ name: `r${i} ☃`, remove: names })) };
    const text = fastYamlStringify(doc, { sortKeys: true })!;
    expect(text.length).toBeGreaterThan(1 << 20);
    const bytes = utf8Of(text);
    expect(bytes.equals(Buffer.from(text, 'utf8'))).toBe(true);
    // Taken: a second call encodes again (same bytes, another buffer). Booleans only: vitest
    // formats a Buffer operand for its message, seconds for megabytes.
    const again = utf8Of(text);
    expect(again === bytes).toBe(false);
    expect(again.equals(bytes)).toBe(true);
  });

  it('encodes a text with no kept bytes, and keeps no small texts', () => {
    expect(utf8Of('a: "é"\n').equals(Buffer.from('a: "é"\n', 'utf8'))).toBe(true);
    const small = Buffer.from('x: 1\n');
    keepUtf8('x: 1\n', small);
    expect(utf8Of('x: 1\n') === small).toBe(false);
  });

  it('finds the kept bytes by equal text, not only by the same string', () => {
    const text = `k: "${'v'.repeat(1 << 20)}"\n`;
    const bytes = Buffer.from(text, 'utf8');
    keepUtf8(text, bytes);
    const copy = `${text.slice(0, 10)}${text.slice(10)}`;
    expect(utf8Of(copy) === bytes).toBe(true);
  });
});
