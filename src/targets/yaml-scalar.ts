/**
 * How the Kong and Traefik emitters write one string: as a double-quoted YAML scalar, on the fast
 * writer's path (yaml-out.ts) and on yaml's (the `str` tag `quotedStrings` puts in its schema), so
 * both paths write the same bytes. User text is escaped by construction:
 *
 * - JSON's escapes (`"`, `\`, C0 controls), YAML's short ones for some code points, and the
 *   characters JSON leaves raw that a YAML reader refuses or reads differently: DEL and C1
 *   controls (\x7f-\x9f; NEL as `\N`), U+2028/2029 (`\L`, `\P`: line breaks to a YAML 1.1 reader
 *   such as libyaml or go-yaml, which decK and Traefik use), the BOM and U+FFFE/FFFF. go-yaml
 *   refuses a file holding DEL, C1 (but NEL) or U+FFFE/FFFF raw ("control characters are not
 *   allowed"): a path holding U+FFFF gave a decK file `deck validate` refused whole.
 * - A line break in a long string folded as yaml folds it (a blank line, the indent, a space
 *   after the break or before the next one escaped), except where yaml's own folding is wrong: a
 *   line of one space between two breaks (`{\n \n}`) was escaped twice (`\\ `), so every YAML
 *   reader read a backslash in place of the space (a mock body reached Kong so). Here the space is
 *   escaped once.
 *
 * A lone surrogate stays as JSON writes it (`\ud800`): no UTF-8 file can hold it, and go-yaml
 * refuses the escape; Traefik refuses such text before writing (traefik/rule.ts UNSAFE_TEXT).
 */
import type { ScalarTag, Tags } from 'yaml';
import { resolvePlain } from '../spec/yaml-fast.js';

/** Raw characters JSON.stringify leaves that a YAML reader refuses or reads as something else. */
// eslint-disable-next-line no-control-regex
const RAW_UNSAFE = /[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]/g;

const rawEscape = (c: string): string => {
  const code = c.charCodeAt(0);
  if (code === 0x85) return '\\N';
  if (code === 0x2028) return '\\L';
  if (code === 0x2029) return '\\P';
  return code <= 0xff ? `\\x${code.toString(16)}` : `\\u${code.toString(16)}`;
};

/**
 * The characters of RAW_UNSAFE in `text` (YAML text whose only non-ASCII characters are inside
 * double-quoted scalars) written as escapes: what `doubleQuoted` writes for them, in one pass
 * over a whole file (the fast writer: no scan per string, #18).
 */
export function escapeRaw(text: string): string {
  RAW_UNSAFE.lastIndex = 0;
  return RAW_UNSAFE.test(text) ? text.replace(RAW_UNSAFE, rawEscape) : text;
}

/**
 * `value` double-quoted. `indent`: where a folded line continues (yaml's ctx.indent: the value's
 * level); `fold` false: a key (yaml's implicitKey), never folded; `raw` true: RAW_UNSAFE left for
 * the caller's `escapeRaw` over the whole text (the same bytes: folding is decided on JSON's text).
 */
export function doubleQuoted(value: string, indent: string, fold = true, raw = false): string {
  const json = JSON.stringify(value);
  fold &&= json.length >= 40;
  // Only an escape (a backslash) or a space just before a `\n` escape changes anything: the scan
  // jumps from backslash to backslash (indexOf) instead of reading every character (#18: a Lua
  // chunk of every Kong route, ~0.1 s of a GitHub build). `from`: the first character not yet read.
  let i = json.indexOf('\\');
  if (i < 0) return raw ? json : escapeRaw(json);
  let str = '';
  let start = 0;
  // The space after a folded break, already escaped (yaml escaped it a second time, see above).
  let escaped = -1;
  for (let from = 0; i >= 0; i = json.indexOf('\\', from)) {
    if (i > from && json.charCodeAt(i - 1) === 32 && json[i + 1] === 'n' && i - 1 !== escaped) {
      str += `${json.slice(start, i - 1)}\\ `;
      start = i;
    }
    switch (json[i + 1]) {
      case 'u': {
        str += json.slice(start, i);
        const code = json.substr(i + 2, 4);
        const short = SHORT[code];
        str += short ?? (code.startsWith('00') ? `\\x${code.substring(2)}` : json.substr(i, 6));
        i += 5;
        start = i + 1;
        break;
      }
      case 'n':
        if (!fold || json[i + 2] === '"') i += 1;
        else {
          str += `${json.slice(start, i)}\n\n`;
          while (json[i + 2] === '\\' && json[i + 3] === 'n' && json[i + 4] !== '"') {
            str += '\n';
            i += 2;
          }
          str += indent;
          if (json[i + 2] === ' ') {
            str += '\\';
            escaped = i + 2;
          }
          i += 1;
          start = i + 1;
        }
        break;
      default:
        i += 1;
    }
    from = i + 1;
  }
  const text = start ? str + json.slice(start) : json;
  return raw ? text : escapeRaw(text);
}

// JSON writes these as \u00XX; YAML has shorter escapes.
const SHORT: Record<string, string> = {
  '0000': '\\0',
  '0007': '\\a',
  '000b': '\\v',
  '001b': '\\e',
};

/** Lines starting so read as a directive or document marker to a YAML reader (yaml's check). */
const DOCUMENT_MARKER = /^(?:%|---|\.\.\.)/m;

/**
 * yaml's core schema with its `str` tag writing what the fast writer writes: a string value
 * (double-quoted: the emitters' defaultStringType) through `doubleQuoted`, a key as yaml writes
 * it unless it holds a character `doubleQuoted` escapes (then double-quoted, unfolded, as yaml
 * writes a key). Pass as the Document's `customTags`.
 */
export function quotedStrings(tags: Tags): Tags {
  return tags.map((t) => {
    const tag = t as ScalarTag;
    if (typeof t !== 'object' || tag.tag !== 'tag:yaml.org,2002:str' || tag.format || !tag.stringify) return t;
    const original = tag.stringify.bind(tag);
    const str: ScalarTag = {
      ...tag,
      stringify(item, ctx, onComment, onChompKeep) {
        const value = item.value;
        if (typeof value !== 'string') return original(item, ctx, onComment, onChompKeep);
        if (ctx.implicitKey) {
          RAW_UNSAFE.lastIndex = 0;
          return RAW_UNSAFE.test(value) ? doubleQuoted(value, '', false) : original(item, ctx, onComment, onChompKeep);
        }
        // A PLAIN Scalar (Kong's credential templates) is written as yaml writes it, unless it
        // holds a character yaml would write raw.
        const type = (item as { type?: string }).type;
        RAW_UNSAFE.lastIndex = 0;
        if (type !== undefined && type !== 'QUOTE_DOUBLE' && !RAW_UNSAFE.test(value)) return original(item, ctx, onComment, onChompKeep);
        return doubleQuoted(value, ctx.indent || (DOCUMENT_MARKER.test(value) ? '  ' : ''));
      },
    };
    return str;
  });
}

// A key yaml writes plain as it is: no indicator first, nothing that ends or comments a key,
// nothing a reader would take for another type (checked with the core schema below).
const PLAIN_KEY = /^[A-Za-z0-9_$/][A-Za-z0-9_$/.@+~=-]*$/;

/** `k` as yaml writes it plain, or undefined where the fast writer is unsure. */
export function plainKey(k: string): string | undefined {
  return k.length > 1024 || !PLAIN_KEY.test(k) || resolvePlain(k) !== k ? undefined : k;
}

// A PLAIN Scalar (Kong's `${{ env "DECK_..." }}`) yaml writes unquoted when it needs no quoting.
const PLAIN_VALUE = /^[A-Za-z0-9_$/.({][^\n#:]*[^\s:]$/;

/** `v` as yaml writes a PLAIN scalar unquoted, or undefined where the fast writer is unsure. */
export function plainText(v: string): string | undefined {
  // Nothing yaml would quote for a control character, a lone surrogate or a raw line break.
  // eslint-disable-next-line no-control-regex
  if (!PLAIN_VALUE.test(v) || resolvePlain(v) !== v || /^(?:%|---|\.\.\.)/.test(v) || /[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\uD800-\uDFFF]/.test(v)) return undefined;
  return v;
}
