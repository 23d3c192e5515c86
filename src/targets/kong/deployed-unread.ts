/**
 * What `gwc diff` cannot judge of a Kong route (Facts.unread, as the Traefik reader's
 * deployed-unread.ts): anything acting on the route that is not what gwc writes (red team 14).
 * Each is one comparable text; any difference either way is `unread-changed` (security):
 * - Lua gwc did not write: a pre-/post-function chunk that starts with none of gwc's marks (an
 *   appended `kong.service.request.set_header("X-Consumer-Username", "admin")`), or any chunk in a
 *   phase gwc leaves empty (rewrite, header_filter, body_filter, log, certificate, the old
 *   `functions`), on the route, its service or globally (the one Kong runs: lookup_cfg);
 * - a plugin scoped to a consumer or a consumer group (top level, nested in the consumer or the
 *   group, or route/service + consumer): Kong runs it in place of the route's plugin of that name
 *   for that caller (kong/runloop/plugins_iterator.lua lookup_cfg: consumer scopes first), so a
 *   `rate-limiting` on alice lifts every limit gwc wrote for her, a `request-transformer` drops
 *   gwc's removals. gwc writes one: request-termination on the anonymous consumer (read as such);
 * - what request-transformer adds that gwc does not write: an `http_method`, `append` or `rename`
 *   entries, added querystring/body, a header `add`ed without the same `replace` (gwc's `set`),
 *   or set on a header gwc clears or sets itself (identity, forwarding, override headers).
 * - a chunk starting with one of gwc's marks whose text is not a gwc release (today's for the
 *   parameters it names, or an earlier one the readers know: deployed-chunks.ts), so Lua added
 *   INSIDE a marked chunk is read too (the chunk's own reader reads only the names it removes).
 */
import type { Json } from '../../diff/entity.js';
import { isObject, type JsonObject } from '../../diff/json-util.js';
import { compareText } from '../../diagnostics/collate.js';
import { GATEWAY_DECIDED_HEADERS } from '../../model/overrides.js';
import { CACHE_BYPASS_MARK, CACHE_QUERY_MARK } from './cache-bypass.js';
import { HEADER_FAMILY_MARK } from './header-family.js';
import { JWT_NBF_MARK } from './jwt-claims.js';
import { NAME_READINGS_MARK } from './name-readings.js';
import { QUERY_SPELLINGS_MARK } from './query-spellings.js';
import { UNVERIFIED_MARK } from './unverified-credentials.js';
import { WS_GUARD_MARK } from './websocket-guard.js';
import { acts, type Plugin } from './deployed-plugins.js';
import { gwcChunk } from './deployed-chunks.js';

/** The first line of each Lua chunk gwc writes (and wrote: the previous releases keep their marks). */
const MARKS = [CACHE_BYPASS_MARK, CACHE_QUERY_MARK, HEADER_FAMILY_MARK, JWT_NBF_MARK, NAME_READINGS_MARK, QUERY_SPELLINGS_MARK, UNVERIFIED_MARK, WS_GUARD_MARK];

/** JSON text with object keys sorted: one comparable text per configuration. */
const stable = (v: Json): string =>
  Array.isArray(v) ? `[${v.map(stable).join(',')}]` : isObject(v) ? `{${Object.keys(v).sort(compareText).map((k) => `${JSON.stringify(k)}:${stable(v[k]!)}`).join(',')}}` : JSON.stringify(v);

/** A function plugin's chunks gwc did not write. */
function foreignLua(name: string, fields: JsonObject | undefined): string[] {
  const config = fields && isObject(fields.config) ? fields.config : undefined;
  if (!config) return [];
  const out: string[] = [];
  for (const [phase, list] of Object.entries(config)) {
    const chunks = Array.isArray(list) ? list : list === null || list === undefined ? [] : [list];
    for (const c of chunks) {
      const text = typeof c === 'string' ? c : stable(c);
      // A marked chunk is gwc's only as a whole release (deployed-chunks.ts): Lua added inside one is foreign too.
      if (phase !== 'access' || !MARKS.some((m) => text.startsWith(m)) || typeof c !== 'string' || !gwcChunk(c)) out.push(`${name} ${phase}: ${text}`);
    }
  }
  return out;
}

const entries = (v: Json | undefined, k: string): string[] => (isObject(v) && Array.isArray(v[k]) ? (v[k] as Json[]).map((x) => String(x)) : []);

/** What a request-transformer does that gwc's never does (see the file header). */
function foreignTransform(fields: JsonObject | undefined): string[] {
  const config = fields && isObject(fields.config) ? fields.config : undefined;
  if (!config) return [];
  const out: string[] = [];
  if (config.http_method !== null && config.http_method !== undefined) out.push(`request-transformer http_method: ${String(config.http_method)}`);
  for (const op of ['append', 'rename']) for (const part of ['headers', 'querystring', 'body']) for (const e of entries(config[op], part)) out.push(`request-transformer ${op}.${part}: ${e}`);
  for (const op of ['add', 'replace']) for (const part of ['querystring', 'body']) for (const e of entries(config[op], part)) out.push(`request-transformer ${op}.${part}: ${e}`);
  const add = entries(config.add, 'headers');
  const replace = entries(config.replace, 'headers');
  for (const [op, list, other] of [['add', add, replace], ['replace', replace, add]] as const) {
    for (const e of list) {
      const name = e.split(':')[0]!.trim().toLowerCase().replace(/_/g, '-');
      if (!other.includes(e) || GATEWAY_DECIDED_HEADERS.has(name)) out.push(`request-transformer ${op}.headers: ${e}`);
    }
  }
  return out;
}

/**
 * The route's texts the reader cannot judge, sorted: `effective` its acting plugins by name (route
 * over service over global), `scoped` the acting plugins scoped to a consumer or consumer group
 * that apply to it.
 */
export function kongUnread(effective: Map<string, JsonObject>, scoped: Plugin[]): string[] {
  const out = [
    ...foreignLua('pre-function', effective.get('pre-function')),
    ...foreignLua('post-function', effective.get('post-function')),
    ...foreignTransform(effective.get('request-transformer')),
    ...scoped.filter((p) => acts(p) && !(p.name === 'request-termination' && !p.consumer?.startsWith('consumer group '))).map((p) => `${p.name} for ${p.consumer}: ${stable(p.fields)}`),
  ];
  return [...new Set(out)].sort(compareText);
}
