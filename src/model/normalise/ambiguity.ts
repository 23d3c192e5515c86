/**
 * Finds the pairs of templates that can match the same URL with no precedence between them,
 * through a trie of segments, so large specs are not compared pair by pair.
 */
import { ambiguous } from '../paths.js';
import type { PathSegment } from '../types.js';

interface TrieNode {
  children: Map<string, TrieNode>;
  /** The param and mixed children: the only ones a literal segment reaches besides its own. */
  templated: TrieNode[];
  ends: number[];
}

const key = (s: PathSegment): string =>
  s.kind === 'literal' ? `l:${s.value}` : s.kind === 'param' ? 'p:' : `m:${s.parts.map((p) => ('literal' in p ? p.literal : '{}')).join('')}`;

/** The pairs `ambiguous` finds (`mixedRanked` as there). */
export function findAmbiguousPairs(templates: PathSegment[][], mixedRanked = true): Array<[number, number]> {
  const root: TrieNode = { children: new Map(), templated: [], ends: [] };
  templates.forEach((segments, i) => {
    let node = root;
    for (const s of segments) {
      const k = key(s);
      let next = node.children.get(k);
      if (!next) {
        node.children.set(k, (next = { children: new Map(), templated: [], ends: [] }));
        if (s.kind !== 'literal') node.templated.push(next);
      }
      node = next;
    }
    node.ends.push(i);
  });
  const pairs: Array<[number, number]> = [];
  templates.forEach((a, i) => {
    const visit = (node: TrieNode, depth: number): void => {
      if (depth === a.length) {
        for (const j of node.ends) if (j > i && ambiguous(a, templates[j]!, mixedRanked)) pairs.push([i, j]);
        return;
      }
      const s = a[depth]!;
      // Only branches some URL could take through both templates: a literal reaches its own
      // literal child by lookup (a loop over every sibling made 10,000 routes quadratic) and the
      // templated ones; a param or mixed segment can meet any child.
      if (s.kind === 'literal') {
        const same = node.children.get(key(s));
        if (same) visit(same, depth + 1);
        for (const child of node.templated) visit(child, depth + 1);
      } else {
        for (const child of node.children.values()) visit(child, depth + 1);
      }
    };
    visit(root, 0);
  });
  return pairs.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
}
