/**
 * The nginx configuration syntax for the deployed-state reader: a small tokenizer (quotes,
 * escapes, comments, `{ } ;`), a parser into directive trees, and the splitter of `nginx -T`
 * output (files concatenated under `# configuration file PATH:` headers).
 * https://nginx.org/en/docs/beginners_guide.html#conf_structure
 */
export interface Directive {
  name: string;
  args: string[];
  block?: Directive[];
  /** The comment line right before the directive, if any (gwc names its routes there). */
  comment?: string;
  line: number;
}

export class NginxSyntaxError extends Error {}

type Token = { kind: 'word'; text: string; line: number; comment?: string } | { kind: '{' | '}' | ';'; line: number };

export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  let comment: string | undefined;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      i++;
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '#') {
      const end = text.indexOf('\n', i);
      comment = text.slice(i + 1, end < 0 ? text.length : end).trim();
      i = end < 0 ? text.length : end;
      continue;
    }
    if (c === '{' || c === '}' || c === ';') {
      out.push({ kind: c, line });
      comment = undefined;
      i++;
      continue;
    }
    let word = '';
    const start = line;
    if (c === '"' || c === "'") {
      i++;
      while (i < text.length && text[i] !== c) {
        if (text[i] === '\\' && i + 1 < text.length) {
          // nginx keeps the backslash except before the quote itself and another backslash... it
          // unescapes \" \' \\ \t \r \n; other escapes stay as written (regexes rely on that).
          const n = text[i + 1]!;
          word += n === c || n === '\\' ? n : n === 'n' ? '\n' : n === 't' ? '\t' : n === 'r' ? '\r' : `\\${n}`;
          i += 2;
          continue;
        }
        if (text[i] === '\n') line++;
        word += text[i++];
      }
      if (i >= text.length) throw new NginxSyntaxError(`line ${start}: unterminated quoted string`);
      i++;
    } else {
      while (i < text.length && !/[\s;{}]/.test(text[i]!)) {
        if (text[i] === '\\' && i + 1 < text.length) {
          word += text.slice(i, i + 2);
          i += 2;
          continue;
        }
        // `${name}` inside a word is a variable, not a block.
        if (text[i] === '$' && text[i + 1] === '{') {
          const end = text.indexOf('}', i);
          if (end < 0) throw new NginxSyntaxError(`line ${line}: unterminated \${ variable`);
          word += text.slice(i, end + 1);
          i = end + 1;
          continue;
        }
        word += text[i++];
      }
    }
    out.push({ kind: 'word', text: word, line: start, ...(comment !== undefined ? { comment } : {}) });
    comment = undefined;
  }
  return out;
}

export function parseConf(text: string): Directive[] {
  const tokens = tokenize(text);
  let pos = 0;
  const block = (depth: number): Directive[] => {
    const list: Directive[] = [];
    while (pos < tokens.length) {
      const t = tokens[pos]!;
      if (t.kind === '}') {
        if (depth === 0) throw new NginxSyntaxError(`line ${t.line}: unexpected "}"`);
        pos++;
        return list;
      }
      if (t.kind !== 'word') throw new NginxSyntaxError(`line ${t.line}: unexpected "${t.kind}"`);
      const d: Directive = { name: t.text, args: [], line: t.line, ...(t.comment !== undefined ? { comment: t.comment } : {}) };
      pos++;
      for (;;) {
        const a = tokens[pos];
        if (!a) throw new NginxSyntaxError(`line ${t.line}: directive "${t.text}" is not terminated by ";"`);
        pos++;
        if (a.kind === 'word') d.args.push(a.text);
        else if (a.kind === ';') break;
        else if (a.kind === '{') {
          d.block = block(depth + 1);
          break;
        } else throw new NginxSyntaxError(`line ${a.line}: unexpected "}"`);
      }
      list.push(d);
    }
    if (depth > 0) throw new NginxSyntaxError('unexpected end of file: a "{" is not closed');
    return list;
  };
  return block(0);
}

/** `nginx -T` output into its files; any other text is one file. */
export function splitDump(text: string): Array<{ path: string; text: string }> {
  const re = /^# configuration file (.+):$/gm;
  const heads = [...text.matchAll(re)];
  if (heads.length === 0) return [{ path: '(file)', text }];
  return heads.map((m, i) => ({ path: m[1]!, text: text.slice(m.index! + m[0].length, heads[i + 1]?.index ?? text.length) }));
}
