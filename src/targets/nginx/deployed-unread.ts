/**
 * What `gwc diff` cannot judge of an nginx route (Facts.unread, as the Traefik reader's
 * deployed-unread.ts): anything in the server and locations a route runs through that is not
 * exactly what gwc writes (red team 14). Each is one comparable text; any difference either way is
 * `unread-changed` (security), never silence:
 * - a directive outside gwc's vocabulary in gwc's server or in a location of the route (its public
 *   location, validation, body check, verify, auth and route locations): an `include` the reader
 *   does not follow (it can hold anything), `mirror` (a copy of every request, credentials
 *   included, sent elsewhere after auth), `limit_req_dry_run on` (the limit counts, never refuses),
 *   `proxy_ignore_headers` on a route (an answer marked private or setting a cookie is cached for
 *   the next caller: gwc writes it only in the JWKS location);
 * - a request header the route sends with more than one `proxy_set_header` line (nginx sends each:
 *   PHP and Rack read the last, Node joins them), or with a value gwc does not write: a variable
 *   other than the one gwc sets that header from (HEADER_VALUES: `$http_x_consumer`, or gwc's own
 *   `$<gw>_args`, the client's query), a literal on a header gwc clears or sets itself (an
 *   identity, forwarding or override header: `X-Consumer "admin"`);
 * - gwc's server shadowed by an earlier server block with one of its names on one of its addresses
 *   (nginx serves the first; https://nginx.org/en/docs/http/request_processing.html).
 * The compiled side is read the same way, so a gwc build reads as itself (no text either side).
 */
import { GATEWAY_DECIDED_HEADERS } from '../../model/overrides.js';
import { compareText } from '../../diagnostics/collate.js';
import type { Directive } from './deployed-parse.js';

/** Directives gwc writes in a server block, beside its locations (templates.ts SERVER_TEMPLATE). */
const SERVER_WRITES: ReadonlySet<string> = new Set([
  'listen', 'server_name', 'ssl_certificate', 'ssl_certificate_key', 'uninitialized_variable_warn', 'proxy_ssl_server_name', 'proxy_ssl_verify',
  'proxy_ssl_trusted_certificate', 'proxy_headers_hash_bucket_size', 'server_tokens', 'underscores_in_headers', 'ignore_invalid_headers', 'if', 'return',
  'error_page', 'location',
]);

/**
 * Directives gwc writes in the locations a route runs through (templates-route.ts, templates-limit.ts,
 * routes.ts, policies.ts), and in their `if` blocks. Not `proxy_ignore_headers` (the JWKS location's
 * only), `include`, `mirror`, `*_dry_run`, `satisfy`, `auth_basic`, realip or `sub_filter`.
 */
const LOCATION_WRITES: ReadonlySet<string> = new Set([
  'access_log', 'add_header', 'allow', 'auth_request', 'auth_request_set', 'client_body_buffer_size', 'client_body_in_single_buffer', 'client_max_body_size',
  'default_type', 'deny', 'error_page', 'if', 'internal', 'js_content', 'limit_conn', 'limit_conn_status', 'limit_req', 'limit_req_status', 'location',
  'proxy_cache', 'proxy_cache_bypass', 'proxy_cache_key', 'proxy_cache_lock', 'proxy_cache_lock_age', 'proxy_cache_lock_timeout', 'proxy_cache_methods',
  'proxy_cache_valid', 'proxy_connect_timeout', 'proxy_hide_header', 'proxy_http_version', 'proxy_method', 'proxy_next_upstream', 'proxy_next_upstream_tries',
  'proxy_no_cache', 'proxy_pass', 'proxy_pass_request_body', 'proxy_pass_request_headers', 'proxy_read_timeout', 'proxy_request_buffering', 'proxy_send_timeout',
  'proxy_set_header', 'proxy_ssl_name', 'proxy_ssl_server_name', 'proxy_ssl_trusted_certificate', 'proxy_ssl_verify', 'recursive_error_pages', 'return',
  'rewrite', 'root', 'set', 'subrequest_output_buffer_size', 'try_files', 'types',
]);

/**
 * The variable gwc sets each request header it writes from (templates-route.ts, routes.ts,
 * kept-credentials.ts), by header name: another variable, even one of gwc's own, is not gwc's
 * (red team 15: `$<gw>_args` / `$<gw>_cookies` are the client's query and Cookie, cleaned).
 * Keyed by lowercased name; `*` for any name (a forward-auth answer header of the same name, a kept
 * credential header).
 */
const HEADER_VALUES: Record<string, readonly string[]> = {
  host: ['$host'],
  'x-forwarded-host': ['$host'],
  'x-forwarded-proto': ['$scheme'],
  'x-forwarded-for': ['$proxy_add_x_forwarded_for', '$remote_addr'],
  'x-forwarded-method': ['$request_method'],
  'x-forwarded-uri': ['$@_fwd_uri'],
  'x-consumer': ['$@_id_consumer'],
  'x-authenticated-scheme': ['$@_id_scheme'],
  upgrade: ['$@_ws_upgrade'],
  connection: ['$@_ws_connection'],
  // A bearer route sends the one subprotocol value its `_ws_token` map checked (templates.ts).
  'sec-websocket-protocol': ['$http_sec_websocket_protocol'],
  cookie: ['$@_kept_cookies'],
};

/** Whether `value` is the variable gwc writes for header `name` (HEADER_VALUES), `@` gwc's prefix. */
function gwcValue(name: string, value: string, prefix: string | undefined): boolean {
  const v = value.replace(/^"(.*)"$/, '$1').replace(/^\$\{([A-Za-z0-9_]+)\}$/, '$$$1');
  const p = prefix === undefined ? undefined : `$${prefix}_`;
  if ((HEADER_VALUES[name] ?? []).some((x) => (p === undefined ? x === v : x.replace('$@_', p) === v))) return true;
  if (p === undefined || !v.startsWith(p)) return false;
  const rest = v.slice(p.length);
  // A forward-auth service's answer header, sent on under its own name; a kept credential header.
  return rest === `fa_${name.replace(/-/g, '_')}` || (/^kept_\d+$/.test(rest) && !GATEWAY_DECIDED_HEADERS.has(name));
}
/** Variables that hold what the client sent (https://nginx.org/en/docs/varindex.html). */
const CLIENT = /^(http_|arg_|cookie_|args$|query_string$|request_uri$|request_body$|uri$|document_uri$|request$|is_args$)/;

/**
 * Lines gwc writes whose directive it writes nowhere else in a server or route: a backend's
 * X-Accel-Redirect not followed (server level; any other header ignored is an answer cached
 * that the backend marked private, or one that set a session cookie).
 */
const LINES: ReadonlySet<string> = new Set(['proxy_ignore_headers X-Accel-Redirect']);

/**
 * The error pages gwc writes: `error_page C /_gwc_internal/e/C` (its JSON answer, server level) and
 * `error_page C = /_gwc_internal/x/N/C` (a failed auth counted, templates-limit.ts). Any other is an
 * internal redirect gwc does not make: `error_page 403 = /_gwc_internal/r/4` hands a refused caller,
 * identity already set, to another route's proxy step (red team 15).
 */
function gwcErrorPage(d: Directive): boolean {
  const [code, ...rest] = d.args;
  const target = rest.join(' ');
  return /^\d{3}$/.test(code ?? '') && (target === `/_gwc_internal/e/${code}` || new RegExp(`^= /_gwc_internal/x/\\d+/${code}$`).test(target));
}

/**
 * The `if` blocks gwc writes (templates.ts, templates-route.ts, templates-limit.ts), `@` its prefix:
 * a method's dispatch `($request_method = M)` / `($@_preflight = M)` (a rewrite the entity reader
 * follows), and four refusals whose answer is part of the check: the query `_method` and a `_`
 * header line (400), a route location entered without an identity (403, red team 15: edited
 * never to match, any redirect into r/N reaches the backend anonymous), and one entered without its
 * own route's admission (`$@_admit != $@_route`, 403). Any other condition or answer is not gwc's.
 */
function gwcIf(d: Directive, prefix: string | undefined): boolean {
  const cond = d.args.join(' ').replace(/\s+/g, ' ');
  const body = (d.block ?? []).map(render).join('; ');
  const p = prefix ?? '[A-Za-z0-9_]+';
  if (new RegExp(`^\\( ?\\$(?:request_method|${p}_preflight) = "?[A-Z]+"? ?\\)$`).test(cond)) return true;
  if (new RegExp(`^\\( ?\\$${p}_(?:override|underscore|ws_token) ?\\)$`).test(cond)) return body === 'return 400';
  if (new RegExp(`^\\( ?\\$${p}_id_key = (?:"")? ?\\)$`).test(cond)) return body === 'return 403';
  // A websocket route refuses an upgrade from an Origin outside its cors list (templates-route.ts wsGuard).
  if (new RegExp(`^\\( ?\\$${p}_cors\\d+_ws ?\\)$`).test(cond)) return body === 'return 403';
  // A websocket route no other site may call refuses an upgrade from another origin (templates-route.ts wsSameOrigin).
  if (new RegExp(`^\\( ?\\$${p}_xsite_ws ?\\)$`).test(cond)) return body === 'return 403';
  // r/N serves only what its own route admitted (templates-route.ts): edited never to match, any redirect reaches it.
  if (new RegExp(`^\\( ?\\$(${p})_admit != \\$\\1_route ?\\)$`).test(cond)) return body === 'return 403';
  return false;
}

/** Directives whose value gwc takes from the gateway (njs, auth answers, its own variables), never from the client. */
const NO_CLIENT_VALUE: ReadonlySet<string> = new Set(['auth_request', 'auth_request_set', 'proxy_pass', 'set', 'rewrite', 'proxy_method', 'js_content']);

const render = (d: Directive): string => [d.name, ...d.args].join(' ');

/** The variables a value names (`$v`, `${v}`). */
const variables = (value: string): string[] => [...value.matchAll(/\$\{?([A-Za-z0-9_]+)/g)].map((m) => m[1]!);

/** Whether a value reads what the client sent: a header so set reaches the backend as the client chose. */
export const fromClient = (value: string): boolean => variables(value).some((v) => CLIENT.test(v));

/**
 * Directives of `list` (and its `if` blocks) outside `known`, and those whose value reads what the
 * client sent where gwc never writes one (NO_CLIENT_VALUE: `auth_request_set $<gw>_id_consumer
 * $http_x_consumer`, `proxy_pass http://$http_x_backend`: the identity or the server the client's
 * choice; gwc's own `set $<gw>_path $uri` is the path njs checks), as texts. proxy_set_header is
 * read by headerValues; the cache bypasses and keys by deployed-route-facts.ts.
 */
function outside(list: Directive[], known: ReadonlySet<string>, where: string, prefix: string | undefined): string[] {
  const out: string[] = [];
  for (const d of list) {
    if ((!known.has(d.name) && !LINES.has(render(d))) || (d.name === 'error_page' && !gwcErrorPage(d)) || (d.name === 'if' && !gwcIf(d, prefix))) out.push(`${where}: ${render(d)}${d.block ? ` { ${(d.block ?? []).map(render).join('; ')} }` : ''}`);
    else if (d.name === 'if' && d.block) out.push(...outside(d.block, known, where, prefix));
    else if (NO_CLIENT_VALUE.has(d.name) && !(d.name === 'set' && /_path$/.test(d.args[0] ?? '') && d.args[1] === '$uri')) {
      const values = d.name === 'set' || d.name === 'auth_request_set' ? d.args.slice(1) : d.args;
      if (values.some(fromClient)) out.push(`${where}: ${render(d)} (a value the client sends)`);
    }
  }
  return out;
}


/** A route location's proxy_set_header lines gwc would not write (see the file header), as texts. */
function headerValues(block: Directive[], prefix: string | undefined): string[] {
  const out: string[] = [];
  const byName = new Map<string, Directive[]>();
  for (const d of block) if (d.name === 'proxy_set_header' && d.args[0]) byName.set(d.args[0].toLowerCase(), [...(byName.get(d.args[0].toLowerCase()) ?? []), d]);
  for (const [name, lines] of byName) {
    if (lines.length > 1) out.push(`route: ${lines.length} proxy_set_header lines of ${name} (nginx sends each): ${lines.map((d) => d.args.slice(1).join(' ')).join(' | ')}`);
    for (const d of lines) {
      const value = d.args.slice(1).join(' ');
      if (value === '' || value === '""') continue;
      const vars = variables(value);
      const literal = vars.length === 0;
      if (literal ? GATEWAY_DECIDED_HEADERS.has(name) : !gwcValue(name, value, prefix)) out.push(`route: proxy_set_header ${d.args[0]} ${value}`);
    }
  }
  return out;
}

/** Names and addresses of a server block (`listen` ports without a host read as every address). */
function claims(server: Directive): string[] {
  const body = server.block ?? [];
  const names = body.filter((d) => d.name === 'server_name').flatMap((d) => d.args).map((n) => n.toLowerCase());
  const listens = body.filter((d) => d.name === 'listen').map((d) => (d.args[0] ?? '80').replace(/^(?:\*|0\.0\.0\.0):/, ''));
  return (listens.length ? listens : ['80']).flatMap((l) => (names.length ? names : ['']).map((n) => `${n} on ${l}`));
}

/** For each server a name of which an earlier server answers on one of its addresses, those names. */
export function shadowedServers(servers: Directive[]): Map<Directive, string[]> {
  const seen = new Set<string>();
  const out = new Map<Directive, string[]>();
  for (const s of servers) {
    const mine = claims(s);
    const taken = mine.filter((c) => seen.has(c) && !c.startsWith(' '));
    if (taken.length) out.set(s, taken);
    mine.forEach((c) => seen.add(c));
  }
  return out;
}

export interface UnreadInput {
  server: Directive;
  /** The locations the route runs through, route location last. */
  chain: Directive[][];
  /** The route location. */
  block: Directive[];
  /** gwc's variable prefix (`gwc_<name>`), from the route's `set $<prefix>_route`. */
  prefix?: string;
  shadowed?: string[];
}

/** The route's texts the reader cannot judge (Facts.unread), sorted; empty for what gwc writes. */
export function nginxUnread(input: UnreadInput): string[] {
  const out = [
    ...outside((input.server.block ?? []).filter((d) => d.name !== 'location'), SERVER_WRITES, 'server', input.prefix),
    ...input.chain.flatMap((b) => outside(b.filter((d) => d.name !== 'location'), LOCATION_WRITES, 'location', input.prefix)),
    ...headerValues(input.block, input.prefix),
    ...(input.shadowed ?? []).map((c) => `server ${c}: an earlier server block answers it`),
  ];
  return [...new Set(out)].sort(compareText);
}

/**
 * Directives gwc writes in its support locations (red team 14's vocabulary check, beyond the
 * route's chain): the error pages (`/_gwc_internal/e/C`, templates.ts: a fixed JSON answer with
 * CORS and WWW-Authenticate headers) and their per-route limit steps (`/_gwc_internal/x/N/C`), and
 * the JWKS fetches (`/_gwc_internal/k/N`, `/kr/N`, jwks.ts). Anything else there (a `proxy_pass`
 * or `mirror` sending the refused caller's request, credentials included, elsewhere; an `include`;
 * `if`; `auth_request`) is a step the reader cannot judge: unread-changed on that location, either
 * way. By name only, as the route chain's vocabulary (values: the JWKS URL is the CFG's).
 */
const SUPPORT_WRITES: Record<string, ReadonlySet<string>> = {
  e: new Set(['internal', 'types', 'default_type', 'add_header', 'return']),
  x: new Set(['internal', 'limit_req', 'limit_req_status', 'root', 'try_files']),
  k: new Set([
    'internal', 'proxy_pass', 'proxy_method', 'proxy_pass_request_body', 'proxy_pass_request_headers', 'proxy_set_header', 'proxy_cache', 'proxy_cache_key',
    'proxy_cache_valid', 'proxy_cache_lock', 'proxy_cache_lock_age', 'proxy_cache_lock_timeout', 'proxy_connect_timeout', 'proxy_send_timeout', 'proxy_read_timeout',
    'proxy_ignore_headers', 'subrequest_output_buffer_size', 'proxy_ssl_server_name', 'proxy_ssl_name', 'proxy_ssl_verify', 'proxy_ssl_trusted_certificate',
  ]),
};

/** The texts the reader cannot judge in one of gwc's support locations (`path`), or none for another location. */
export function supportUnread(path: string, block: Directive[]): string[] {
  const kind = /^\/_gwc_internal\/(e|x|kr?)\//.exec(path)?.[1]?.slice(0, 1);
  const known = kind === undefined ? undefined : SUPPORT_WRITES[kind];
  if (!known) return [];
  const where = `location ${path.replace(/\d+/g, 'N')}`;
  const out = block.filter((d) => !known.has(d.name)).map((d) => `${where}: ${render(d)}${d.block ? ` { ${d.block.map(render).join('; ')} }` : ''}`);
  return [...new Set(out)].sort(compareText);
}
