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

const escapeToken = (t: string) => (t.includes('~') || t.includes('/') ? t.replace(/~/g, '~0').replace(/\//g, '~1') : t);

/**
 * True when no object of the document repeats a key: JSON.parse keeps one property per distinct
 * key, so the keys written in `text` (a string followed by `:`) are as many as the own keys of
 * the parsed objects (`dataKeys`, counted by collectRefsAndKeys' walk) exactly when none is
 * repeated. Counting is a few times cheaper than findDuplicateKeys' scan (#18: strings are
 * jumped over with indexOf), which then runs only on a document that has a duplicate, to say where.
 */
export function hasNoDuplicateKeys(text: string, dataKeys: number): boolean {
  return textKeyCount(text) === dataKeys;
}

/** The member names written in JSON text JSON.parse accepted: strings followed by `:`. */
function textKeyCount(s: string): number {
  let n = 0;
  for (let i = s.indexOf('"'); i !== -1; ) {
    // The closing quote: the next one not escaped (preceded by an even number of backslashes).
    let q = s.indexOf('"', i + 1);
    for (;;) {
      let k = q - 1;
      while (s.charCodeAt(k) === 0x5c) k--;
      if ((q - 1 - k) % 2 === 0) break;
      q = s.indexOf('"', q + 1);
    }
    let j = q + 1;
    let c = s.charCodeAt(j);
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = s.charCodeAt(++j);
    if (c === 0x3a) n++;
    i = s.indexOf('"', j);
  }
  return n;
}

/**
 * Every duplicated key in the document, with its pointer and offset. One pass that decodes only
 * keys (values are skipped), builds no pointer until it finds a duplicate, and keeps a key set
 * only for objects of two keys or more: on GitHub's 13 MB description this was 0.7 s of a build.
 */
export function findDuplicateKeys(text: string, limit = 50): DuplicateKey[] {
  const s = text;
  const n = s.length;
  const out: DuplicateKey[] = [];
  const path: string[] = [];
  let i = 0;
  const ws = () => {
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else return;
    }
  };
  /** The string at i (on its opening quote), decoded; i ends past the closing quote. */
  const str = (): string => {
    const start = i + 1;
    let j = start;
    for (;;) {
      const c = s.charCodeAt(j);
      if (c === 0x22) {
        i = j + 1;
        return s.slice(start, j);
      }
      if (c === 0x5c || j >= n) break;
      j++;
    }
    while (j < n) {
      const c = s.charCodeAt(j);
      if (c === 0x5c) j += 2;
      else if (c === 0x22) break;
      else j++;
    }
    i = j + 1;
    return JSON.parse(s.slice(start - 1, j + 1)) as string;
  };
  /** Skips a string without decoding it. */
  const skipStr = () => {
    let j = i + 1;
    for (;;) {
      const q = s.indexOf('"', j);
      if (q === -1) {
        i = n;
        return;
      }
      // A quote preceded by an odd number of backslashes is escaped.
      let k = q - 1;
      while (s.charCodeAt(k) === 0x5c) k--;
      if ((q - 1 - k) % 2 === 0) {
        i = q + 1;
        return;
      }
      j = q + 1;
    }
  };
  const value = (): void => {
    ws();
    const c = s.charCodeAt(i);
    if (c === 0x7b) {
      i++;
      let first: string | undefined;
      let seen: Set<string> | undefined;
      for (;;) {
        ws();
        if (s.charCodeAt(i) === 0x7d || i >= n) {
          i++;
          return;
        }
        const at = i;
        const key = str();
        if (first === undefined) first = key;
        else {
          seen ??= new Set([first]);
          if (seen.has(key)) {
            if (out.length < limit) out.push({ key, pointer: [...path, key].map((t) => `/${escapeToken(t)}`).join(''), offset: at });
          } else seen.add(key);
        }
        ws();
        i++; // ':'
        path.push(key);
        value();
        path.pop();
        ws();
        if (s.charCodeAt(i) === 0x2c) i++;
      }
    } else if (c === 0x5b) {
      i++;
      for (let k = 0; ; k++) {
        ws();
        if (s.charCodeAt(i) === 0x5d || i >= n) {
          i++;
          return;
        }
        path.push(String(k));
        value();
        path.pop();
        ws();
        if (s.charCodeAt(i) === 0x2c) i++;
      }
    } else if (c === 0x22) {
      skipStr();
    } else {
      while (i < n) {
        const x = s.charCodeAt(i);
        if (x === 0x2c || x === 0x7d || x === 0x5d || x === 0x20 || x === 0x0a || x === 0x0d || x === 0x09) return;
        i++;
      }
    }
  };
  value();
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
