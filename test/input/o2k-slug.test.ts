import { describe, expect, it } from 'vitest';
import { o2kSlug } from '../../src/input/kong/o2k-names.js';

/** o2kSlug before its fast path for words of letters and digits joined by single dashes (#18). */
function reference(text: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  const ascii = /^[\x00-\x7f]*$/.test(text) ? text : text.normalize('NFKD').replace(/\p{M}+/gu, '');
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(ascii)) return undefined;
  return ascii
    .trim()
    .split(/\s+/)
    .join('-')
    .replace(/[^-a-zA-Z0-9]/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase();
}

describe('o2kSlug', () => {
  it('gives the reference slug on edge texts and 20,000 generated ones', () => {
    const edges = ['', '-', 'a', 'A-b', 'a--b', '-a', 'a-', 'getR0r', 'x y', 'é', 'a_b', 'a-b-c9', '9', ' a', 'a\tb', 'A-', '--'];
    const alphabet = ['a', 'Z', '0', '9', '-', '-', '_', ' ', '/', 'é', '\t', '.'];
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
    const generated = Array.from({ length: 20000 }, () => Array.from({ length: 1 + rnd(8) }, () => alphabet[rnd(alphabet.length)]).join(''));
    for (const t of [...edges, ...generated]) expect([t, o2kSlug(t)]).toEqual([t, reference(t)]);
  });
});
