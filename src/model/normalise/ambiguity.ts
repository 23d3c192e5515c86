/**
 * Finds the pairs of templates that can match the same URL with no precedence between them,
 * through a trie of segments, so large specs are not compared pair by pair.
 */
import { ambiguous } from '../paths.js';
import type { PathSegment } from '../types.js';

interface TrieNode {
  children: Map<string, TrieNode>;
  ends: number[];
}

const key = (s: PathSegment): string =>
  s.kind === 'literal' ? `l:${s.value}` : s.kind === 'param' ? 'p:' : `m:${s.parts.map((p) => ('literal' in p ? p.literal : '{}')).join('')}`;

export function findAmbiguousPairs(templates: PathSegment[][]): Array<[number, number]> {
  const root: TrieNode = { children: new Map(), ends: [] };
  templates.forEach((segments, i) => {
    let node = root;
    for (const s of segments) {
      const k = key(s);
      let next = node.children.get(k);
      if (!next) node.children.set(k, (next = { children: new Map(), ends: [] }));
      node = next;
    }
    node.ends.push(i);
  });
  const pairs: Array<[number, number]> = [];
  templates.forEach((a, i) => {
    const visit = (node: TrieNode, depth: number): void => {
      if (depth === a.length) {
        for (const j of node.ends) if (j > i && ambiguous(a, templates[j]!)) pairs.push([i, j]);
        return;
      }
      const s = a[depth]!;
      for (const [k, child] of node.children) {
        // Only branches some URL could take through both templates.
        if (s.kind === 'literal' && k.startsWith('l:') && k !== key(s)) continue;
        visit(child, depth + 1);
      }
    };
    visit(root, 0);
  });
  return pairs;
}
