/**
 * No import cycles in src/ (issue #17): a cycle makes module load order matter (a value read before
 * its module ran is undefined) and ties modules that should change apart. Type-only imports count
 * too, as `madge --circular` counts them: a contract type belongs in the module both sides depend on.
 * The graph comes from TypeScript's own pre-processor (every import, export-from and import()).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const src = path.join(root, 'src');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    if (statSync(p).isDirectory()) return tsFiles(p);
    return f.endsWith('.ts') && !f.endsWith('.d.ts') ? [p] : [];
  });
}

/** A relative specifier as written in an ESM TypeScript file ('./x.js') to the file it names. */
function resolve(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(from), spec);
  const candidates = [base.replace(/\.js$/, '.ts'), `${base}.ts`, path.join(base, 'index.ts')];
  return candidates.find((c) => c.endsWith('.ts') && existsSync(c));
}

function importGraph(files: readonly string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const deps = info.importedFiles.map((i) => resolve(file, i.fileName)).filter((d): d is string => d !== undefined);
    graph.set(file, [...new Set(deps)].sort());
  }
  return graph;
}

/** Tarjan's strongly connected components of more than one file (or a file importing itself). */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const scc: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      scc.push(w);
    } while (w !== v);
    if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(scc.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}

/** One concrete loop through a component, for the message: a -> b -> ... -> a. */
function loopThrough(graph: ReadonlyMap<string, readonly string[]>, scc: readonly string[]): string[] {
  const inScc = new Set(scc);
  const start = scc[0]!;
  const prev = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of graph.get(v) ?? []) {
      if (!inScc.has(w)) continue;
      if (w === start) {
        const loop = [start];
        for (let u: string | undefined = v; u !== undefined && u !== start; u = prev.get(u)) loop.splice(1, 0, u);
        return [...loop, start];
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return [...scc];
}

describe('the import graph of src/', () => {
  const graph = importGraph(tsFiles(src));

  it('is read (sanity: the CLI entry reaches the targets)', () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get(path.join(src, 'targets/capability-check.ts'))).toContain(path.join(src, 'targets/target.ts'));
  });

  it('has no cycle', () => {
    const rel = (f: string) => path.relative(root, f);
    const found = cycles(graph).map((scc) => loopThrough(graph, scc).map(rel).join(' -> '));
    expect(found, `import cycles:\n${found.join('\n')}`).toEqual([]);
  });

  it('finds a cycle when there is one (the checker itself)', () => {
    const g = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a', 'd']],
      ['d', []],
      ['e', ['e']],
    ]);
    expect(cycles(g)).toEqual([['a', 'b', 'c'], ['e']]);
    expect(loopThrough(g, ['a', 'b', 'c'])).toEqual(['a', 'b', 'c', 'a']);
  });
});
