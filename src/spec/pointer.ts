/** JSON pointers (RFC 6901): the one way gwc names a place in a document. */
export function escapeToken(token: string): string {
  // Most tokens hold neither: no regex pass for them (pointers are built for every node walked).
  // A path key holds a slash and nearly never a tilde: one pass for it (#18).
  const tilde = token.includes('~');
  if (!tilde && !token.includes('/')) return token;
  return (tilde ? token.replace(/~/g, '~0') : token).replace(/\//g, '~1');
}

export function unescapeToken(token: string): string {
  return token.includes('~') ? token.replace(/~1/g, '/').replace(/~0/g, '~') : token;
}

export function joinPointer(base: string, ...tokens: Array<string | number>): string {
  // One token is nearly every call (a walk's child): no array of pieces for it (#18).
  if (tokens.length === 1) return `${base}/${escapeToken(String(tokens[0]))}`;
  return base + tokens.map((t) => `/${escapeToken(String(t))}`).join('');
}

export function splitPointer(pointer: string): string[] {
  if (pointer === '' || pointer === '#') return [];
  const p = pointer.startsWith('#') ? pointer.slice(1) : pointer;
  return p.split('/').slice(1).map(unescapeToken);
}

/** Reads the value at `pointer`, without following $refs. */
export function getAt(root: unknown, tokens: string[]): { found: boolean; value: unknown } {
  let cur: unknown = root;
  for (const t of tokens) {
    if (Array.isArray(cur)) {
      const i = Number(t);
      if (!Number.isInteger(i) || i < 0 || i >= cur.length) return { found: false, value: undefined };
      cur = cur[i];
    } else if (cur !== null && typeof cur === 'object' && Object.prototype.hasOwnProperty.call(cur, t)) {
      cur = (cur as Record<string, unknown>)[t];
    } else return { found: false, value: undefined };
  }
  return { found: true, value: cur };
}
