/**
 * `--option key=value` for the nginx target. Defaults suit a Debian nginx; tests point the state
 * paths into a temporary prefix.
 */
import type { TargetOption } from '../target.js';

export const NGINX_OPTIONS = [
  { name: 'mode', description: 'include: conf.d file for an existing nginx; full: a complete nginx.conf', values: ['include', 'full'], default: 'include' },
  { name: 'listen', description: 'listen address of the plain-HTTP server blocks', default: '80' },
  { name: 'tlsListen', description: 'listen address of the TLS server blocks (when the spec names a certificate)', default: '443' },
  { name: 'cachePath', description: 'directory of the response cache (proxy_cache_path)', default: '/var/cache/nginx/gwc' },
  { name: 'logPath', description: 'directory of the JSON access log', default: '/var/log/nginx' },
  { name: 'trustedCa', description: 'CA bundle used to verify TLS backends, forward-auth services and JWKS servers', default: '/etc/ssl/certs/ca-certificates.crt' },
  { name: 'jwksTtl', description: 'how long a fetched JWKS is used before it is fetched again (nginx time, e.g. 5m)', default: '5m' },
  { name: 'jwksRefresh', description: 'the shortest time between two JWKS fetches caused by tokens with an unknown kid (e.g. 1m)', default: '1m' },
  { name: 'defaultServer', description: 'mark the host-less server block default_server', values: ['true', 'false'], default: 'true' },
  { name: 'njsModule', description: 'full mode: path of ngx_http_js_module.so', default: '/usr/lib/nginx/modules/ngx_http_js_module.so' },
  { name: 'pidFile', description: 'full mode: pid file (empty: nginx default)', default: '' },
  { name: 'tempPath', description: 'full mode: directory for nginx temp files (empty: nginx default)', default: '' },
  { name: 'user', description: 'full mode: worker user (empty: nginx default)', default: '' },
] as const satisfies readonly TargetOption[];

export type NginxOptions = { [K in (typeof NGINX_OPTIONS)[number]['name']]: string };

export function resolveOptions(given: Record<string, string>): { options: NginxOptions; errors: string[] } {
  const errors: string[] = [];
  const options = Object.fromEntries(NGINX_OPTIONS.map((o) => [o.name, o.default])) as NginxOptions;
  for (const [k, v] of Object.entries(given)) {
    const def = NGINX_OPTIONS.find((o) => o.name === k);
    if (!def) {
      errors.push(`unknown option "${k}" (known: ${NGINX_OPTIONS.map((o) => o.name).join(', ')})`);
      continue;
    }
    if ('values' in def && !(def.values as readonly string[]).includes(v)) {
      errors.push(`option ${k} must be one of ${def.values.join(', ')}`);
      continue;
    }
    if (k === 'jwksTtl' || k === 'jwksRefresh') {
      if (!/^[1-9][0-9]{0,5}[smh]$/.test(v)) {
        errors.push(`option ${k} must be a duration like 30s, 5m or 1h`);
        continue;
      }
    } else if (k === 'listen' || k === 'tlsListen') {
      if (!/^(?:(?:\d{1,3}\.){3}\d{1,3}:|\[[0-9a-fA-F:]+\]:)?\d{1,5}$/.test(v)) {
        errors.push(`option ${k} must be PORT or ADDRESS:PORT`);
        continue;
      }
    } else if (k !== 'mode' && k !== 'defaultServer' && v !== '' && !/^[A-Za-z0-9_./@+-]+$/.test(v)) {
      errors.push(`option ${k} must be a plain path or name`);
      continue;
    }
    (options as Record<string, string>)[k] = v;
  }
  return { options, errors };
}
