/**
 * Plain OpenAPI (no x-gateway backends): the servers are the upstream, read as Kong's own
 * converter reads them. Document, path-item and operation `servers` each give a backend (the
 * nearest wins); no server, or a relative one, means https://localhost (Kong's default).
 */
import type { Diagnostic, Loc } from '../../diagnostics/diagnostic.js';
import type { Located } from '../../spec/loaded-spec.js';
import type { Backend } from '../types.js';
import type { Walker } from './node.js';
import { normaliseServers } from './servers.js';

export class ServerBackends {
  private readonly byUrl = new Map<string, string>();

  constructor(
    private readonly w: Walker,
    readonly backends: Backend[],
    private readonly out: Diagnostic[],
  ) {}

  /** The backend for the first server in `node`, or undefined when `node` has none. */
  fromServers(node: Located): string | undefined {
    if (!Array.isArray(node.value) || node.value.length === 0) return undefined;
    const servers = normaliseServers(this.w, node, this.out);
    const server = servers[0];
    if (!server) return undefined;
    const scheme = server.host ? server.scheme : 'https';
    // Several servers with the same scheme and path are one backend balanced across them. The same
    // host and port listed twice (APIs.guru has specs naming one URL per database) is one target:
    // an upstream lists each target once (decK refuses a duplicate: "entity already exists").
    const hosts: Array<{ host: string; port: number; loc: Loc }> = [];
    for (const s of servers) {
      if (s.scheme !== server.scheme || s.basePath !== server.basePath) continue;
      const h = { host: s.host ?? 'localhost', port: s.port ?? (scheme === 'https' ? 443 : 80), loc: s.loc };
      if (!hosts.some((x) => x.host === h.host && x.port === h.port)) hosts.push(h);
    }
    return this.backendFor(scheme, hosts, server.basePath, server.loc);
  }

  /** Kong's default when a document names no server at all. */
  fallback(loc: Loc): string {
    return this.backendFor('https', [{ host: 'localhost', port: 443, loc }], '', loc);
  }

  private backendFor(scheme: 'http' | 'https', hosts: Array<{ host: string; port: number; loc: Loc }>, path: string, loc: Loc): string {
    const key = hosts.map((h) => `${scheme}://${h.host}:${h.port}${path}`).join(' ');
    const known = this.byUrl.get(key);
    if (known) return known;
    const first = hosts[0]!;
    const name = this.backends.length === 0 ? 'default' : uniqueName(`${first.host}-${first.port}${path}`, this.backends);
    const targets = hosts.map((h) => ({ url: { raw: `${scheme}://${h.host}:${h.port}${path}`, scheme, host: h.host, port: h.port, path }, weight: 1, loc: h.loc }));
    this.backends.push({ name, loc, kind: 'http', hostHeader: 'backend', targets });
    this.byUrl.set(key, name);
    return name;
  }
}

function uniqueName(base: string, taken: Backend[]): string {
  const slug = base.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'server';
  let name = slug;
  for (let i = 2; taken.some((b) => b.name === name); i++) name = `${slug}-${i}`;
  return name;
}
