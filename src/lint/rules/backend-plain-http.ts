import type { Gateway } from '../../model/types.js';
import { defineRule } from '../rule.js';
import { isObj, walker } from '../walk.js';

/** Environments where plain http is expected: a developer's machine, CI, a sandbox. */
const DEV_ENV = /^(local|dev|development|test|testing|ci|sandbox)$/i;

/**
 * Plain http to a backend is acceptable inside a private network (loopback, RFC 1918 addresses,
 * cluster-internal names) and in dev-like environments; anywhere else credentials and data
 * cross the network in clear. Checked for the base spec and every non-dev environment overlay.
 */
export default defineRule({
  meta: { id: 'backend-plain-http', needsModel: true, messageIds: ['http'] },
  check(ctx, report) {
    const seen = new Set<string>();
    const checkOne = (gateway: Gateway | undefined, where: string) => {
      for (const b of gateway?.backends ?? []) {
        for (const t of b.targets) {
          const key = `${t.loc.file}#${t.loc.pointer}`;
          if (t.url.scheme !== 'http' || isPrivateHost(t.url.host) || seen.has(key)) continue;
          seen.add(key);
          report('http', { backend: b.name, host: t.url.host, where }, t.loc);
        }
      }
    };
    checkOne(ctx.gateway, '');
    const envs = walker(ctx.spec).child(walker(ctx.spec).child(ctx.spec.root, 'x-gateway'), 'environments');
    for (const env of Object.keys(isObj(envs.value) ? envs.value : {})) {
      if (!DEV_ENV.test(env)) checkOne(ctx.gatewayFor(env), ` (environment ${env})`);
    }
  },
});

export function isPrivateHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1' || !h.includes('.')) return true; // single-label: a cluster or compose service name
  if (/\.(internal|local|localhost|lan|home\.arpa|svc|cluster\.local|consul)$/.test(h)) return true;
  const m = /^(\d+)\.(\d+)\.\d+\.\d+$/.exec(h);
  if (!m) return /^(fc|fd)[0-9a-f]{2}:/.test(h);
  const [a, b] = [Number(m[1]), Number(m[2])];
  return a === 10 || a === 127 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254);
}
