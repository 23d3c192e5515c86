/**
 * The real-nginx leg of the open-route check (issue 14): a sample of the hostile specs nginx
 * builds runs in a real nginx (full configuration in its own prefix, njs loaded), every backend
 * and forward-auth service pointed at loopback stubs (the auth services always say 401), and each
 * route that needs a credential is requested without one. Open: the answer is below 400 or the
 * backend stub saw the request.
 */
import { rmSync } from 'node:fs';
import type { Gateway } from '../../src/model/types.js';
import { compileGateway } from '../../src/api.js';
import { freePort, fullOptions, NGINX, pointAt, prefixDir, send, startNginx, startStub, writeFiles, type Stub } from '../targets/nginx/harness.js';
import type { Finding } from './checks.js';
import { probes } from './checks.js';

const ENV = { ALICE_KEY: 'k-alice-0123456789', BOB_PASSWORD: 'p-bob', CAROL_KEY: 'k-carol-0123456789', DAVE_COOKIE: 'k-dave-0123456789', JWT_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----' };
const onWire = (path: string) => path.replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@/]/gu, (c) => encodeURIComponent(c));

let stubs: { backend: Stub; auth: Stub } | undefined;
/** Credential-less requests sent to real nginx so far (reported by the driver). */
export const live = { requests: 0 };

/** Undefined when nginx is missing (a loud skip, a failure in CI: requireBinary). */
export async function nginxLive(gateway: Gateway): Promise<Finding[] | undefined> {
  if (!NGINX) return undefined;
  stubs ??= { backend: await startStub('backend'), auth: await startStub('auth', () => ({ status: 401 })) };
  const g = structuredClone(gateway);
  const map: Record<string, Stub> = {};
  for (const b of g.backends) {
    map[b.name] = stubs.backend;
    b.targets.forEach((_t, i) => (map[`${b.name}-${i}`] = stubs!.backend));
  }
  for (const s of g.securitySchemes) map[`auth:${s.name}`] = stubs.auth;
  pointAt(g, map);
  const dir = prefixDir();
  const port = await freePort();
  const out: Finding[] = [];
  try {
    const r = compileGateway(g, 'nginx', fullOptions(dir, port));
    if (r.diagnostics.some((d) => d.severity === 'error')) return [{ kind: 'checker', target: 'nginx', detail: `full mode refused what the default mode built: ${r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code).join(', ')}` }];
    writeFiles(dir, r.files);
    const nginx = await startNginx(dir, port, ENV).catch((e: Error) => e);
    if (nginx instanceof Error) return [{ kind: 'checker', target: 'nginx', detail: `nginx did not start: ${nginx.message.slice(0, 300)}` }];
    try {
      for (const p of probes(g)) {
        if (p.expected.security.length === 0 || p.expected.optionalAuth) continue;
        const before = stubs.backend.hits.length;
        live.requests++;
        const reply = await send(port, p.method, onWire(p.path), p.host ? { Host: p.host } : {});
        const reached = stubs.backend.hits.length > before;
        if (reply.status < 400 || reached) out.push({ kind: 'open', target: 'nginx', detail: `real nginx: ${p.method} ${JSON.stringify(p.path)} (${p.expected.id}) with no credential answered ${reply.status}${reached ? ', reaching the backend' : ''}` });
      }
    } finally {
      await nginx.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

export async function closeLive(): Promise<void> {
  if (!stubs) return;
  await Promise.all([stubs.backend.close(), stubs.auth.close()]);
  stubs = undefined;
}
