/** The traefik target's `--option key=value` settings, parsed and checked. */
import { diag, type Diagnostic } from '../../diagnostics/diagnostic.js';
import type { TargetOption } from '../target.js';
import { TRAEFIK_VERSIONS, type TraefikVersion } from './version.js';

export const TRAEFIK_OPTIONS: readonly TargetOption[] = [
  {
    name: 'traefik-version',
    description: 'oldest Traefik 3.x line the output must load on; auto = the oldest line the emitted fields need',
    values: ['auto', ...TRAEFIK_VERSIONS],
    default: 'auto',
  },
  { name: 'entry-points', description: 'comma-separated entry point names for every router (empty = all entry points)', default: '' },
  {
    name: 'htpasswd-dir',
    description: 'folder (on the Traefik host) holding one <gateway>-<scheme>.htpasswd file per basic-auth scheme, and one <gateway>-<scheme>--<roles>-<hash>.htpasswd per set of roles a route requires (the output lists the users of each)',
    default: '/etc/traefik/htpasswd',
  },
  {
    name: 'client-ip-depth',
    description: 'trusted proxies in front of Traefik: the client IP is taken this deep from the right of X-Forwarded-For (0 = the connection address); Traefik reads the first X-Forwarded-For line only, so each proxy must append to that line, and the entry point must trust only those proxies (forwardedHeaders.trustedIPs)',
    default: '0',
  },
];

export interface TraefikOptions {
  /** undefined = auto. */
  version?: TraefikVersion;
  entryPoints: string[];
  htpasswdDir: string;
  clientIpDepth: number;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

export function parseOptions(raw: Record<string, string>): { options: TraefikOptions; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const bad = (option: string, value: string, expected: string) =>
    diagnostics.push(diag('target-option-invalid', { target: 'traefik', option, value, expected }));
  for (const key of Object.keys(raw)) {
    if (!TRAEFIK_OPTIONS.some((o) => o.name === key)) {
      diagnostics.push(diag('option-unknown', { name: key, target: 'traefik', known: TRAEFIK_OPTIONS.map((o) => o.name).join(', ') }));
    }
  }
  const options: TraefikOptions = { entryPoints: [], htpasswdDir: '/etc/traefik/htpasswd', clientIpDepth: 0 };
  const version = raw['traefik-version'] ?? 'auto';
  if (version !== 'auto') {
    const v = (TRAEFIK_VERSIONS as readonly string[]).find((x) => x === version.replace(/^v/, '').replace(/^(\d+\.\d+)\.\d+$/, '$1'));
    if (v) options.version = v as TraefikVersion;
    else bad('traefik-version', version, `a Traefik 3.x line gwc knows (${TRAEFIK_VERSIONS.join(', ')}, or auto)`);
  }
  const eps = (raw['entry-points'] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const ep of eps) if (!NAME.test(ep)) bad('entry-points', ep, 'plain entry point names (a letter or digit, then letters, digits, _ or -)');
  options.entryPoints = eps.filter((ep) => NAME.test(ep));
  const dir = raw['htpasswd-dir'] ?? options.htpasswdDir;
  if (!/^\/[^\0-\x1f\x7f{}]*$/.test(dir)) bad('htpasswd-dir', dir, 'an absolute path without control characters or braces');
  else options.htpasswdDir = dir.replace(/\/+$/, '') || '/';
  const depth = raw['client-ip-depth'] ?? '0';
  if (!/^\d{1,2}$/.test(depth)) bad('client-ip-depth', depth, 'a small whole number (0 to 99)');
  else options.clientIpDepth = Number(depth);
  return { options, diagnostics };
}
