/** Lua string literals as gwc's Kong chunks write them (luaString), read back by gwc diff. */

/** The text of a Lua string literal written by luaString (or plain): `\ddd` escapes are bytes. */
export function luaText(literal: string): string {
  const bytes: number[] = [];
  const body = literal.replace(/^"|"$/g, '');
  for (let i = 0; i < body.length; i++) {
    const m = body[i] === '\\' ? /^\\(\d{1,3})/.exec(body.slice(i)) : null;
    if (m) {
      bytes.push(Number(m[1]) & 0xff);
      i += m[0].length - 1;
    } else bytes.push(...Buffer.from(body[i]!, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}
