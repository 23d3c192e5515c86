/**
 * A small JSON scanner for the two things JSON.parse cannot tell us: where a JSON pointer starts
 * (for file:line:col) and which keys are duplicated (JSON.parse keeps the last one silently).
 * It runs on text JSON.parse already accepted, so it assumes well-formed input.
 */
export interface DuplicateKey {
  key: string;
  pointer: string;
  offset: number;
}

const WS = new Set([0x20, 0x0a, 0x0d, 0x09]);

class Scanner {
  i = 0;
  constructor(readonly s: string) {}
  ws(): void {
    while (this.i < this.s.length && WS.has(this.s.charCodeAt(this.i))) this.i++;
  }
  string(): string {
    const start = ++this.i;
    let simple = true;
    while (this.i < this.s.length) {
      const c = this.s.charCodeAt(this.i);
      if (c === 0x22) break;
      if (c === 0x5c) {
        simple = false;
        this.i++;
      }
      this.i++;
    }
    const raw = this.s.slice(start, this.i);
    this.i++;
    return simple ? raw : (JSON.parse(`"${raw}"`) as string);
  }
  skipScalar(): void {
    while (this.i < this.s.length) {
      const c = this.s[this.i];
      if (c === ',' || c === '}' || c === ']' || WS.has(this.s.charCodeAt(this.i))) return;
      this.i++;
    }
  }
}

const escapeToken = (t: string) => t.replace(/~/g, '~0').replace(/\//g, '~1');

/** Every duplicated key in the document, with its pointer and offset. */
export function findDuplicateKeys(text: string, limit = 50): DuplicateKey[] {
  const sc = new Scanner(text);
  const out: DuplicateKey[] = [];
  const value = (pointer: string): void => {
    sc.ws();
    const c = text[sc.i];
    if (c === '{') {
      sc.i++;
      const seen = new Set<string>();
      for (;;) {
        sc.ws();
        if (text[sc.i] === '}') {
          sc.i++;
          return;
        }
        const at = sc.i;
        const key = sc.string();
        const child = `${pointer}/${escapeToken(key)}`;
        if (seen.has(key)) {
          if (out.length < limit) out.push({ key, pointer: child, offset: at });
        } else seen.add(key);
        sc.ws();
        sc.i++; // ':'
        value(child);
        sc.ws();
        if (text[sc.i] === ',') sc.i++;
      }
    } else if (c === '[') {
      sc.i++;
      for (let n = 0; ; n++) {
        sc.ws();
        if (text[sc.i] === ']') {
          sc.i++;
          return;
        }
        value(`${pointer}/${n}`);
        sc.ws();
        if (text[sc.i] === ',') sc.i++;
      }
    } else if (c === '"') {
      sc.string();
    } else {
      sc.skipScalar();
    }
  };
  value('');
  return out;
}

/**
 * Offset of the node at `pointer`: for an object member, its key; for an array item, the item.
 * Falls back to the deepest existing ancestor.
 */
export function offsetOfPointer(text: string, tokens: string[]): number {
  const sc = new Scanner(text);
  let best = 0;
  const skipValue = (): void => {
    sc.ws();
    const c = text[sc.i];
    if (c === '{' || c === '[') {
      let depth = 0;
      while (sc.i < text.length) {
        const ch = text[sc.i];
        if (ch === '"') {
          sc.string();
          continue;
        }
        if (ch === '{' || ch === '[') depth++;
        else if (ch === '}' || ch === ']') {
          depth--;
          if (depth === 0) {
            sc.i++;
            return;
          }
        }
        sc.i++;
      }
    } else if (c === '"') sc.string();
    else sc.skipScalar();
  };
  for (const token of tokens) {
    sc.ws();
    const c = text[sc.i];
    let found = false;
    if (c === '{') {
      sc.i++;
      for (;;) {
        sc.ws();
        if (text[sc.i] === '}' || sc.i >= text.length) break;
        const at = sc.i;
        const key = sc.string();
        sc.ws();
        sc.i++;
        if (key === token) {
          best = at;
          found = true;
          break;
        }
        skipValue();
        sc.ws();
        if (text[sc.i] === ',') sc.i++;
      }
    } else if (c === '[') {
      sc.i++;
      const want = Number(token);
      for (let n = 0; ; n++) {
        sc.ws();
        if (text[sc.i] === ']' || sc.i >= text.length) break;
        if (n === want) {
          best = sc.i;
          found = true;
          break;
        }
        skipValue();
        sc.ws();
        if (text[sc.i] === ',') sc.i++;
      }
    }
    if (!found) return best;
  }
  return best;
}
