/**
 * servers → the public base path and hosts (DESIGN.md section 3 rule 1). Relative server URLs
 * give a base path and no host.
 *
 * Server variables take their defaults, and for the public side (`expand`) every `enum`
 * alternative too: `https://{region}.api.example.com` with `enum: [eu, us]` is served on both
 * hosts, not only on the default's (OpenAPI: the enum lists the values the server takes,
 * https://spec.openapis.org/oas/v3.1.0#server-variable-object). The product of alternatives is
 * bounded by MAX_EXPANSION; over it the server is refused (a typo'd enum must not mint hosts).
 */
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import type { Located } from '../../spec/loaded-spec.js';
import type { Server } from '../types.js';
import { isObj, type Walker } from './node.js';
import { decodedPath, hasControl } from './units.js';
import { diag } from '../../diagnostics/diagnostic.js';

/** The most URLs one server's enum alternatives may expand into. */
export const MAX_EXPANSION = 32;

export function normaliseServers(w: Walker, node: Located, out: Diagnostic[], options: { expand?: boolean } = {}): Server[] {
  const servers: Server[] = [];
  for (const s of w.items(node)) {
    if (!isObj(s.value) || typeof s.value.url !== 'string') continue;
    const variables = isObj(s.value.variables) ? s.value.variables : {};
    const urls = options.expand ? expand(s.value.url, variables) : [substitute(s.value.url, variables)];
    if (urls.length > MAX_EXPANSION) {
      out.push(diag('server-variables-too-many', { url: s.value.url, count: urls.length, limit: MAX_EXPANSION }, w.child(s, 'variables').loc));
      continue;
    }
    for (const url of urls) {
      const server = parseServer(w, s, url, out);
      if (!server) break; // one diagnostic per server, not one per alternative
      if (!servers.some((x) => x.url === server.url)) servers.push(server);
    }
  }
  return servers;
}

function parseServer(w: Walker, s: Located, url: string, out: Diagnostic[]): Server | undefined {
  if (hasControl(url) || /\s/.test(url)) {
    out.push(diag('unsafe-text', { what: 'server URL', value: JSON.stringify(url) }, w.child(s, 'url').loc));
    return undefined;
  }
  let parsed: URL;
  try {
    parsed = new URL(url, 'http://relative.invalid');
  } catch {
    out.push(diag('bad-url', { url, detail: 'not a URL' }, w.child(s, 'url').loc));
    return undefined;
  }
  const relative = parsed.hostname === 'relative.invalid';
  const basePath = decodedPath(parsed.pathname);
  if (typeof basePath !== 'string') {
    out.push(diag('bad-url', { url, detail: basePath.detail }, w.child(s, 'url').loc));
    return undefined;
  }
  const server: Server = { url, scheme: parsed.protocol === 'https:' ? 'https' : 'http', basePath, loc: s.loc };
  if (!relative) {
    server.host = parsed.hostname.toLowerCase();
    if (parsed.port) server.port = Number(parsed.port);
  }
  return server;
}

function substitute(url: string, variables: Record<string, unknown>): string {
  return url.replace(/\{([^{}]+)\}/g, (all, name: string) => {
    const v = variables[name];
    return isObj(v) && typeof v.default === 'string' ? v.default : all;
  });
}

/** Every URL the variables can give, the all-defaults one first; stops counting past the limit. */
function expand(url: string, variables: Record<string, unknown>): string[] {
  let urls = [url];
  for (const name of new Set([...url.matchAll(/\{([^{}]+)\}/g)].map((m) => m[1]!))) {
    const v = variables[name];
    if (!isObj(v) || typeof v.default !== 'string') continue; // left as written: lint's server-base-path reports it
    const values = [v.default, ...(Array.isArray(v.enum) ? v.enum.filter((e): e is string => typeof e === 'string' && e !== v.default) : [])];
    const next: string[] = [];
    for (const u of urls) for (const value of values) next.push(u.split(`{${name}}`).join(value));
    urls = next;
    if (urls.length > MAX_EXPANSION) return urls;
  }
  return urls;
}

/** The hosts and the base path a servers list scopes its routes to. */
export interface PublicScope {
  basePath: string;
  /** Empty: any host. */
  hosts: string[];
  /** The servers that gave `hosts` (scheme and port: a route's own origins); absent for the document's. */
  servers?: Server[];
}

/**
 * The public scope of one servers list: the first server's base path, and the hosts of every
 * server with that base path (a relative server keeps the hosts of `parent`, the enclosing list:
 * OpenAPI resolves it against the document's location, never "any host"). Servers with another
 * base path are not served, and say so (server-base-path-ignored).
 */
export function publicScope(servers: Server[], parent: PublicScope | undefined, out: Diagnostic[]): PublicScope | undefined {
  const first = servers[0];
  if (!first) return undefined;
  const hosts = new Set<string>();
  const own: Server[] = [];
  for (const s of servers) {
    if (s.basePath !== first.basePath) {
      out.push(diag('server-base-path-ignored', { url: s.url, basePath: s.basePath || '/', served: first.basePath || '/' }, { file: s.loc.file, pointer: `${s.loc.pointer}/url` }));
      continue;
    }
    if (s.host) {
      hosts.add(s.host);
      own.push(s);
    } else if (parent) {
      for (const h of parent.hosts) hosts.add(h);
      own.push(...(parent.servers ?? []));
    }
  }
  return { basePath: first.basePath, hosts: [...hosts].sort(), ...(parent ? { servers: own } : {}) };
}
