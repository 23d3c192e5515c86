/**
 * A reader of nginx configuration that follows ngx_conf_read_token (src/core/ngx_conf_file.c):
 * used by the tests to see the directives nginx itself would see, not what the text looks like.
 */
export interface Directive {
  name: string;
  args: string[];
  block?: Directive[];
}

export function parseConf(text: string): Directive[] {
  let i = 0;
  const words: string[] = [];
  const stack: Directive[][] = [[]];
  const flush = (block: boolean) => {
    const [name, ...args] = words.splice(0);
    if (name === undefined) throw new Error(`empty directive at ${i}`);
    const d: Directive = { name, args };
    stack[stack.length - 1]!.push(d);
    if (block) {
      d.block = [];
      stack.push(d.block);
    }
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === '#') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (ch === ';') {
      flush(false);
      i++;
      continue;
    }
    if (ch === '{') {
      flush(true);
      i++;
      continue;
    }
    if (ch === '}') {
      if (words.length > 0) throw new Error(`unexpected } at ${i}`);
      stack.pop();
      if (stack.length === 0) throw new Error(`unbalanced } at ${i}`);
      i++;
      continue;
    }
    if (ch === '"' || ch === "'") {
      let out = '';
      i++;
      while (i < text.length && text[i] !== ch) {
        if (text[i] === '\\' && i + 1 < text.length) {
          const n = text[i + 1]!;
          if (n === '"' || n === "'" || n === '\\') out += n;
          else if (n === 't') out += '\t';
          else if (n === 'r') out += '\r';
          else if (n === 'n') out += '\n';
          else out += `\\${n}`;
          i += 2;
          continue;
        }
        out += text[i];
        i++;
      }
      if (i >= text.length) throw new Error('unterminated quote');
      i++;
      words.push(out);
      continue;
    }
    let out = '';
    let variable = false;
    while (i < text.length) {
      const c = text[i]!;
      if (/\s/.test(c) || c === ';' || (c === '{' && !variable) || c === '}') {
        if (c === '}' && variable) {
          out += c;
          i++;
          variable = false;
          continue;
        }
        break;
      }
      if (c === '$' && text[i + 1] === '{') variable = true;
      out += c;
      i++;
    }
    words.push(out);
  }
  if (words.length > 0 || stack.length !== 1) throw new Error('unexpected end of configuration');
  return stack[0]!;
}

/** Every directive, depth first, with the names of the blocks around it. */
export function walk(list: Directive[], context: string[] = []): Array<{ d: Directive; context: string[] }> {
  return list.flatMap((d) => [{ d, context }, ...(d.block ? walk(d.block, [...context, d.name]) : [])]);
}
