/**
 * servers → the public base path and hosts (DESIGN.md section 3 rule 1). Server variables take
 * their defaults. Relative server URLs give a base path and no host.
 */
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import type { Located } from '../../spec/loaded-spec.js';
import type { Server } from '../types.js';
import { isObj, type Walker } from './node.js';
import { hasControl } from './units.js';
import { diag } from '../../diagnostics/diagnostic.js';

export function normaliseServers(w: Walker, node: Located, out: Diagnostic[]): Server[] {
  const servers: Server[] = [];
  for (const s of w.items(node)) {
    if (!isObj(s.value) || typeof s.value.url !== 'string') continue;
    const url = substitute(s.value.url, isObj(s.value.variables) ? s.value.variables : {});
    if (hasControl(url) || /\s/.test(url)) {
      out.push(diag('unsafe-text', { what: 'server URL', value: JSON.stringify(url) }, w.child(s, 'url').loc));
      continue;
    }
    let parsed: URL;
    try {
      parsed = new URL(url, 'http://relative.invalid');
    } catch {
      out.push(diag('bad-url', { url, detail: 'not a URL' }, w.child(s, 'url').loc));
      continue;
    }
    const relative = parsed.hostname === 'relative.invalid';
    const server: Server = {
      url,
      scheme: parsed.protocol === 'https:' ? 'https' : 'http',
      basePath: decodeURIComponent(parsed.pathname).replace(/\/+$/, ''),
      loc: s.loc,
    };
    if (!relative) {
      server.host = parsed.hostname.toLowerCase();
      if (parsed.port) server.port = Number(parsed.port);
    }
    servers.push(server);
  }
  return servers;
}

function substitute(url: string, variables: Record<string, unknown>): string {
  return url.replace(/\{([^{}]+)\}/g, (all, name: string) => {
    const v = variables[name];
    return isObj(v) && typeof v.default === 'string' ? v.default : all;
  });
}
