/**
 * Every user-supplied string that reaches nginx configuration passes through one of these
 * functions: either it is quoted so the nginx parser reads it back byte for byte, or it is
 * refused (`ctx.safe` turns the refusal into a coded diagnostic: `nginx-value-refused`, or the code
 * the refusal carries).
 *
 * nginx's parser (ngx_conf_read_token) understands `\"`, `\'` and `\\` inside a quoted token and
 * keeps every other byte, so a double-quoted token carries `;`, `{`, `}`, `#`, spaces and quotes
 * safely. It has no escape for `$`: in directives that compile variables (add_header,
 * proxy_set_header, rewrite, return, set, map values, cache and limit keys) a literal `$` is
 * written as `${<gateway>_dollar}`, a `geo` variable whose value is a single dollar sign
 * (geo values are never compiled as scripts). https://nginx.org/en/docs/http/ngx_http_geo_module.html
 */
import type { DiagnosticCode, ParamsOf } from '../../diagnostics/codes.js';

/** A refusal with a code of its own (else `nginx-value-refused` with what, value and why). */
export type CodedRefusal = { [C in DiagnosticCode]: { code: C; params: ParamsOf<C> } }[DiagnosticCode];

/** A refused value: what it was and why; `ctx.safe` turns it into a coded diagnostic at the node. */
export class Refused extends Error {
  constructor(
    readonly what: string,
    readonly value: string,
    readonly why: string,
    readonly coded?: CodedRefusal,
  ) {
    super(`${what} "${printable(value)}" ${why}`);
  }
}

/** Shows control characters as escapes so a diagnostic never carries them raw. */
export function printable(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

export function refuseControl(what: string, value: string): void {
  if (CONTROL.test(value)) throw new Refused(what, value, 'contains a control character');
}

/** Tab, CR and LF are written as nginx's own escapes (`\t`, `\r`, `\n`); other control characters are refused. */
function escapeQuoted(what: string, value: string, also: RegExp): string {
  refuseControl(what, value.replace(/[\t\r\n]/g, ' '));
  return value.replace(also, (c) => (c === '\t' ? '\\t' : c === '\r' ? '\\r' : c === '\n' ? '\\n' : `\\${c}`));
}

/** A double-quoted nginx token for directives that do not compile variables (location names, server_name, file paths). */
export function quote(value: string, what = 'value'): string {
  return `"${escapeQuoted(what, value, /[\\"\t\r\n]/g)}"`;
}

/** A part of a value that may mix literal text and nginx variables the compiler chose. */
export type ValuePart = { lit: string } | { var: string };

const VAR_NAME = /^[a-z_][a-z0-9_]*$/;

/**
 * A double-quoted token for directives that compile variables: literal `$` becomes the dollar
 * variable, compiler-chosen variables are written `${name}` so no following text can extend them.
 */
export function quoteValue(parts: ValuePart[] | string, dollarVar: string, what = 'value'): string {
  const list = typeof parts === 'string' ? [{ lit: parts }] : parts;
  let out = '';
  for (const p of list) {
    if ('var' in p) {
      if (!VAR_NAME.test(p.var)) throw new Error(`internal: bad variable name ${p.var}`);
      out += `\${${p.var}}`;
    } else {
      out += escapeQuoted(what, p.lit, /[\\"\t\r\n]/g).split('$').join(`\${${dollarVar}}`);
    }
  }
  return `"${out}"`;
}

/** Escapes every ASCII punctuation character for PCRE, so user text matches only itself. */
export function regexLiteral(value: string): string {
  return value.replace(/[\x20-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e]/g, (c) => `\\${c}`);
}

/** An HTTP header name (RFC 9110 token restricted to what nginx variables can name: letters, digits, `-`, `_`). */
export function headerName(value: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(value) || value.length > 128) {
    throw new Refused('header name', value, 'is not a header name nginx can carry (letters, digits, "-", "_")');
  }
  return value;
}

/** The `$http_*` variable that reads a request header. */
export function headerVar(name: string): string {
  return `http_${headerName(name).toLowerCase().replace(/-/g, '_')}`;
}

/** A header value: any printable text, quoted later with {@link quoteValue}. */
export function headerValue(name: string, value: string): string {
  refuseControl(`value of header ${name}`, value);
  return value;
}

/** A DNS host name or IP literal, the only things `server_name`, `upstream server` and SNI accept. */
export function hostName(value: string, what = 'host'): string {
  const host = value.toLowerCase();
  if ((DNS_NAME.test(host) || IPV6_LITERAL.test(host)) && host.length <= 253) return host;
  throw new Refused(what, value, 'is not a host name or IP address');
}

const LABEL = '[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?';
/** Made once, not per call: hostName runs for every host of every route (#18). No `g` flag: `test` keeps no state. */
const DNS_NAME = new RegExp(`^(?:\\*\\.)?${LABEL}(?:\\.${LABEL})*\\.?$`);
const IPV6_LITERAL = /^\[[0-9a-f:.]+\]$/;

/** An IPv4/IPv6 address or CIDR block for allow/deny. */
export function cidr(value: string): string {
  const v4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}(\/(3[0-2]|[12]?\d))?$/;
  const v6 = /^[0-9a-fA-F:.]+(\/(12[0-8]|1[01]\d|[1-9]?\d))?$/;
  if (v4.test(value) || (value.includes(':') && v6.test(value))) return value;
  throw new Refused('IP rule', value, 'is not an IP address or CIDR block');
}

/** A file path the operator deploys; `$` is refused because some file directives compile variables. */
export function filePath(value: string, what = 'file path'): string {
  refuseControl(what, value);
  if (value.includes('$') || value.length === 0) throw new Refused(what, value, 'must be a plain path without "$"');
  return value;
}

/** A URL path segment text: RFC 3986 pchar minus `%` (nginx matches the decoded URI, so escapes cannot be compared). */
export function pathText(value: string, what = 'path'): string {
  if (!/^[A-Za-z0-9\-._~!$&'()*+,;=:@/\u0080-\uffff]*$/.test(value) || CONTROL.test(value)) {
    throw new Refused(what, value, 'contains a character that is not allowed in a URL path (allowed: letters, digits, -._~!$&\'()*+,;=:@)');
  }
  return value;
}

/** A name gwc derives for nginx identifiers (zones, upstreams, variables): lower-case letters, digits, `_`. */
export function ident(value: string): string {
  const id = value.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  return /^[a-z_]/.test(id) ? id : `_${id}`;
}

/** Text safe to put after `#` in a comment: one line, no control characters. */
export function commentText(value: string): string {
  // Tested first: nearly every text (a comment per route, #18) has nothing to replace.
  return COMMENT_UNSAFE.test(value) ? value.replace(/[^\x20-\x7e]/g, '?') : value;
}
const COMMENT_UNSAFE = /[^\x20-\x7e]/;

/** Serialises data for the generated njs module: JSON with sorted keys, safe inside JavaScript source. */
export function jsLiteral(data: unknown): string {
  return JSON.stringify(sortKeys(data), null, 2).replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}

function sortKeys(data: unknown): unknown {
  if (Array.isArray(data)) return data.map(sortKeys);
  if (data && typeof data === 'object') {
    return Object.fromEntries(
      Object.keys(data)
        .sort()
        .map((k) => [k, sortKeys((data as Record<string, unknown>)[k])]),
    );
  }
  return data;
}
