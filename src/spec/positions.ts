/**
 * The edge's resolver (#17): diagnostics carry a Loc (file + JSON pointer) through every phase and
 * get line:col here, once per run, where the run leaves the pipeline (src/pipeline.ts), as
 * Redocly's getLineColLocation turns pointers into positions only for its formatters.
 *
 * Line and column for many diagnostics at once. A JSON file is scanned once for all the pointers
 * wanted (a trie of tokens tells which subtrees to enter, the rest are skipped bracket by bracket),
 * where locating each pointer alone rescans the file from the start: on a 13 MB description with
 * thousands of findings that is the difference between milliseconds and minutes.
 * YAML files keep their node tree and are located one by one by the spec itself.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { LoadedSpec } from './loaded-spec.js';
import { splitPointer } from './pointer.js';

interface Trie {
  children: Map<string, Trie>;
  offset: number;
}

/** Fills `position` on every diagnostic with a Loc in one of the spec's files and none yet; returns the same list. */
export function locateAll(spec: LoadedSpec, diagnostics: Diagnostic[]): Diagnostic[] {
  const byFile = new Map<string, Diagnostic[]>();
  for (const d of diagnostics) {
    if (!d.loc || d.position) continue;
    const list = byFile.get(d.loc.file);
    if (list) list.push(d);
    else byFile.set(d.loc.file, [d]);
  }
  for (const [file, list] of byFile) {
    const source = spec.files.get(file);
    if (!source) continue;
    if (!source.isJson || list.length < 4) {
      spec.locate(list);
      continue;
    }
    const root: Trie = { children: new Map(), offset: 0 };
    // A pointer is split once, however many diagnostics name it (#18: lint GitHub's 2,869 findings
    // name far fewer places), and again only for a node the scan did not reach.
    const byPointer = new Map<string, Trie>();
    const leaves = list.map((d) => {
      const pointer = d.loc!.pointer;
      let node = byPointer.get(pointer);
      if (node) return node;
      node = root;
      for (const t of splitPointer(pointer)) {
        let next = node.children.get(t);
        if (!next) node.children.set(t, (next = { children: new Map(), offset: -1 }));
        node = next;
      }
      byPointer.set(pointer, node);
      return node;
    });
    scan(source.text, root, leaves.length);
    list.forEach((d, i) => {
      const leaf = leaves[i]!;
      d.position = source.positionOfOffset(leaf.offset >= 0 ? leaf.offset : deepestOffset(root, splitPointer(d.loc!.pointer), leaf));
    });
  }
  return diagnostics;
}


function deepestOffset(root: Trie, tokens: string[], leaf: Trie): number {
  if (leaf.offset >= 0) return leaf.offset;
  let best = 0;
  let node: Trie | undefined = root;
  for (const t of tokens) {
    node = node?.children.get(t);
    if (!node || node.offset < 0) break;
    best = node.offset;
  }
  return best;
}

/** Thrown when every trie node has its offset: the rest of the file need not be read. */
class Done extends Error {}

/**
 * Records, for every trie node reached, the offset of its key (object member) or item (array).
 * Stops once every node has one (#18: GitHub's diagnostics sit under paths, before the 9 MB of
 * components that were skipped character by character). A loaded spec's JSON has no duplicate
 * key (the loader refuses them), so the first offset found for a node is its only one.
 */
function scan(s: string, root: Trie, wanted: number): void {
  let pending = 0;
  const count = (t: Trie) => {
    for (const c of t.children.values()) {
      pending++;
      count(c);
    }
  };
  count(root);
  if (pending === 0 || wanted === 0) return;
  const found = (child: Trie, at: number) => {
    if (child.offset < 0 && --pending === 0) {
      child.offset = at;
      throw new Done();
    }
    child.offset = at;
  };
  try {
    walkJson(s, root, found);
  } catch (e) {
    if (!(e instanceof Done)) throw e;
  }
}

function walkJson(s: string, root: Trie, found: (child: Trie, at: number) => void): void {
  let i = 0;
  const ws = () => {
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else return;
    }
  };
  const str = (): string => {
    const start = ++i;
    let simple = true;
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === 0x22) break;
      if (c === 0x5c) {
        simple = false;
        i++;
      }
      i++;
      if (i >= s.length) break;
    }
    const raw = s.slice(start, i);
    i++;
    return simple ? raw : (JSON.parse(`"${raw}"`) as string);
  };
  const skip = () => {
    ws();
    const c = s[i];
    if (c === '"') {
      str();
      return;
    }
    if (c !== '{' && c !== '[') {
      while (i < s.length && !',}] \n\r\t'.includes(s[i]!)) i++;
      return;
    }
    // From one structural character to the next (a quote, a bracket or a brace): where each of
    // the five comes next is found with indexOf and kept until the walk passes it, so the
    // whitespace, names and numbers between them are never read one by one (#18: a pretty-printed
    // description is mostly indentation and strings; the walk only goes forward).
    let depth = 0;
    for (;;) {
      if (nextQuote < i) nextQuote = find('"', i);
      if (nextOpenBrace < i) nextOpenBrace = find('{', i);
      if (nextCloseBrace < i) nextCloseBrace = find('}', i);
      if (nextOpenBracket < i) nextOpenBracket = find('[', i);
      if (nextCloseBracket < i) nextCloseBracket = find(']', i);
      i = Math.min(nextQuote, nextOpenBrace, nextCloseBrace, nextOpenBracket, nextCloseBracket);
      if (i >= s.length) return;
      const ch = s.charCodeAt(i);
      if (ch === 0x22) {
        // A string, skipped without decoding it: to the next quote not escaped (preceded by an
        // even number of backslashes).
        let q = s.indexOf('"', i + 1);
        for (;;) {
          if (q === -1) {
            q = s.length;
            break;
          }
          let k = q - 1;
          while (s.charCodeAt(k) === 0x5c) k--;
          if ((q - 1 - k) % 2 === 0) break;
          q = s.indexOf('"', q + 1);
        }
        i = q;
      } else if (ch === 0x7b || ch === 0x5b) depth++;
      else {
        depth--;
        if (depth === 0) {
          i++;
          return;
        }
      }
      i++;
    }
  };
  /** Where `c` next occurs at or after `from` (the text's length when nowhere). */
  const find = (c: string, from: number): number => {
    const at = s.indexOf(c, from);
    return at === -1 ? s.length : at;
  };
  let nextQuote = -1;
  let nextOpenBrace = -1;
  let nextCloseBrace = -1;
  let nextOpenBracket = -1;
  let nextCloseBracket = -1;
  const value = (node: Trie): void => {
    ws();
    const c = s[i];
    if (c === '{') {
      i++;
      for (;;) {
        ws();
        if (s[i] === '}' || i >= s.length) {
          i++;
          return;
        }
        const at = i;
        const key = str();
        ws();
        i++; // ':'
        const child = node.children.get(key);
        if (child) {
          found(child, at);
          if (child.children.size > 0) value(child);
          else skip();
        } else skip();
        ws();
        if (s[i] === ',') i++;
      }
    } else if (c === '[') {
      i++;
      for (let n = 0; ; n++) {
        ws();
        if (s[i] === ']' || i >= s.length) {
          i++;
          return;
        }
        const child = node.children.get(String(n));
        if (child) {
          found(child, i);
          if (child.children.size > 0) value(child);
          else skip();
        } else skip();
        ws();
        if (s[i] === ',') i++;
      }
    } else skip();
  };
  value(root);
}
