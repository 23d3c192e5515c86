/**
 * The names go-apiops `openapi2kong` (`deck file openapi2kong`) gives the Kong entities of each
 * operation, recorded on the route for the Kong target's `names=openapi2kong` option: a gateway
 * first deployed by openapi2kong then moves to gwc as updates in place, not deletes and creates.
 * Mirrors openapi2kong.go (non-Inso mode, `_` separators):
 * - document: slug(x-kong-name || info.title)
 * - path: doc_slug(x-kong-name || path key, with "~" appended when the key ends in "/")
 * - operation: path_slug(x-kong-name) || doc_slug(operationId) || path_slug(METHOD)
 * - service: the name of the nearest level with servers, x-kong-service-defaults or
 *   x-kong-upstream-defaults (else the document); upstream: `<level>.upstream` of the nearest
 *   level with servers or x-kong-upstream-defaults (a service made for defaults alone points at
 *   the level above's upstream, as in openapitools.CreateKongService).
 * https://github.com/Kong/go-apiops/blob/main/openapi2kong/openapi2kong.go
 */
import type { Located } from '../../spec/loaded-spec.js';
import { isObj } from '../../model/normalise/node.js';
import type { KongInput, OpLevels } from './types.js';

/**
 * go-slugify as openapi2kong configures it: words joined by '-', every character outside
 * [-a-zA-Z0-9] becomes '-', runs of '-' fold, ends trimmed, then lower case. unidecode is
 * approximated by Unicode decomposition without marks; a character still outside ASCII returns
 * undefined (gwc cannot promise openapi2kong's transliteration of it).
 */
export function o2kSlug(text: string): string | undefined {
  // Words of letters and digits joined by single dashes (most operationIds): nothing below changes
  // them but the case (#18: six regex passes for each of 10,000 operationIds).
  if (SIMPLE.test(text)) return text.toLowerCase();
  // ASCII has no decompositions and no marks: nearly every text skips ICU's normaliser (#18).
  // eslint-disable-next-line no-control-regex
  const ascii = /^[\x00-\x7f]*$/.test(text) ? text : text.normalize('NFKD').replace(/\p{M}+/gu, '');
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(ascii)) return undefined;
  // trim, whitespace runs to '-', every other character outside [-a-zA-Z0-9] to '-', runs of '-'
  // folded, ends trimmed: in ASCII that leaves the runs of letters and digits joined by one '-'
  // (one pass, not six: a path is slugged per path, #18).
  return (ascii.match(WORDS) ?? []).join('-').toLowerCase();
}

const WORDS = /[a-zA-Z0-9]+/g;

const SIMPLE = /^[a-zA-Z0-9]+(?:-[a-zA-Z0-9]+)*$/;

function str(node: Located, key: string): string | undefined {
  const v = isObj(node.value) ? node.value[key] : undefined;
  return typeof v === 'string' ? v : undefined;
}

function has(node: Located, key: string): boolean {
  const v = isObj(node.value) ? node.value[key] : undefined;
  return key === 'servers' ? Array.isArray(v) && v.length > 0 : v !== undefined && v !== null;
}

/** Records `route.openapi2kong` on every operation; an unmappable name leaves it unset (the target refuses). */
export function recordO2kNames(ctx: KongInput, ops: readonly OpLevels[]): void {
  // The same texts come back for every operation (the title, a path's operations): each slugged once (#18).
  const slugs = new Map<string, string | undefined>();
  const slug = (text: string): string | undefined => {
    if (!slugs.has(text)) slugs.set(text, o2kSlug(text));
    return slugs.get(text);
  };
  // What a document or path item says is the same for each of its operations: read once per node (#18).
  const docs = new Map<Located, string | undefined>();
  const paths = new Map<Located, Holds>();
  for (const o of ops) {
    let doc = docs.get(o.doc);
    if (doc === undefined && !docs.has(o.doc)) {
      const docText = str(o.doc, 'x-kong-name') || (isObj(o.doc.value) && isObj(o.doc.value.info) && typeof o.doc.value.info.title === 'string' ? o.doc.value.info.title : '');
      docs.set(o.doc, (doc = slug(docText)));
    }
    const pathX = str(o.path, 'x-kong-name');
    const pathSlug = slug(pathX ?? o.route.path);
    const opX = str(o.op, 'x-kong-name');
    const opSlug = opX !== undefined ? slug(opX) : o.route.operationId ? slug(o.route.operationId) : slug(o.route.method);
    if (doc === undefined || pathSlug === undefined || opSlug === undefined) continue;
    const pathPart = pathX === undefined && o.route.path.endsWith('/') ? `${pathSlug}~` : pathSlug;
    const pathName = pathPart ? `${doc}_${pathPart}` : doc;
    const join = (base: string, part: string) => (part ? `${base}_${part}` : base);
    const route = opX !== undefined ? join(pathName, opSlug) : o.route.operationId ? join(doc, opSlug) : join(pathName, opSlug);
    const names = { op: route, path: pathName, doc } as const;
    let path = paths.get(o.path);
    if (!path) paths.set(o.path, (path = holds(o.path)));
    const op = holds(o.op);
    // The nearest level with servers or either defaults names the service; with servers or
    // upstream defaults, the upstream (the document when no nearer level has them).
    const service = names[op.service ? 'op' : path.service ? 'path' : 'doc'];
    const upstream = `${names[op.upstream ? 'op' : path.upstream ? 'path' : 'doc']}.upstream`;
    o.route.openapi2kong = { route, service, upstream };
  }
  void ctx;
}

/** Whether a level names a service (servers, service or upstream defaults) and an upstream (servers or upstream defaults). */
interface Holds {
  service: boolean;
  upstream: boolean;
}

function holds(node: Located): Holds {
  const servers = has(node, 'servers');
  const upstream = servers || has(node, 'x-kong-upstream-defaults');
  return { service: upstream || has(node, 'x-kong-service-defaults'), upstream };
}
