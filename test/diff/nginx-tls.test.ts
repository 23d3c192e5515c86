/**
 * NGINX: backend TLS is a fact of each location that proxies, with `proxy_ssl_verify` and
 * `proxy_ssl_trusted_certificate` resolved through http > server > location > nested location
 * (gwc writes them once per server block, per location only where a backend differs).
 */
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffStates } from '../../src/diff/plan.js';
import { diffDeployed } from '../../src/diff/run.js';
import { nginxDeployed } from '../../src/targets/nginx/deployed.js';
import { requireBinary } from '../helpers/binaries.js';
import { deployedFile, OPS_OF, tlsSpec } from './helpers.js';
import { compileNginx, fullOptions, nginxDump, prefixDir } from './nginx-support.js';
import { backendTlsSuite } from './tls-suite.js';

const NGINX = requireBinary('nginx', ['/usr/sbin/nginx']);
const SYSTEM_CA = '/etc/ssl/certs/ca-certificates.crt';
const routeKey = (op: string) => `route ${op}`;
/** fullOptions() listens here (the server's key names its listen address). */
const FULL = '127.0.0.1:18080';

backendTlsSuite({ target: 'nginx', catalogEntities: OPS_OF.catalog.map((op) => `location ${routeKey(op)}`), freshTls: '{ caFile: /etc/gwc/catalog-ca.pem }', verified: `verified against ${SYSTEM_CA}` });

const tlsOf = (text: string) => {
  const state = nginxDeployed.normalise([{ path: 'x.conf', contents: text }], 'x.conf').state!;
  return Object.fromEntries(state.entities.filter((e) => e.facts?.backendTls).map((e) => [e.key, e.facts!.backendTls]));
};

describe('nginx: backend TLS', () => {
  it.skipIf(!NGINX)('nginx -T of a real nginx running a TLS build gives no change; turning verification off is found on the routes that inherit it, either side', async () => {
    const dir = prefixDir();
    // nginx loads the trusted certificates at start: the CA file must exist and be PEM.
    const ca = path.join(dir, 'catalog-ca.pem');
    copyFileSync(SYSTEM_CA, ca);
    const spec = tlsSpec({ catalog: `{ caFile: ${ca} }` });
    const options = fullOptions(dir);
    const { files, hosts } = await compileNginx(spec, options);
    const dump = nginxDump(NGINX!, dir, files, hosts);
    if (!dump) return console.warn('*** SKIPPING: no private mount namespace for /etc/hosts; nginx -T cannot resolve the upstreams ***');
    expect(dump.status, dump.stderr).toBe(0);
    const file = path.join(dir, 'nginx-T.txt');
    writeFileSync(file, dump.stdout);
    const same = await diffDeployed(spec, { target: 'nginx', deployed: file, options });
    expect(same.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(same.plan?.changes).toEqual([]);
    expect(same.plan?.findings).toEqual([]);
    const facts = Object.fromEntries(same.from!.entities.filter((e) => e.facts?.backendTls?.tls).map((e) => [e.key, e.facts!.backendTls]));
    for (const op of OPS_OF.catalog) expect(facts[routeKey(op)]).toMatchObject({ tls: true, verify: true, ca });
    for (const op of OPS_OF.orders) expect(facts[routeKey(op)]).toMatchObject({ tls: true, verify: true, ca: SYSTEM_CA });

    // The spec turning the catalog backend's verification off, against the real nginx: security.
    const weaker = await diffDeployed(tlsSpec({ catalog: '{ verify: false }' }), { target: 'nginx', deployed: file, options });
    expect(weaker.plan!.findings.map((f) => `${f.class} ${f.rule} ${f.key}`).sort()).toEqual(OPS_OF.catalog.map((op) => `security backend-tls-unverified ${routeKey(op)}`).sort());

    // The deployed server block's default turned off: the catalog routes inherit it, the orders
    // routes set their own and are untouched. Deployed off, spec on: the release turns it on.
    const serverLevel = '\n    proxy_ssl_verify on;\n';
    expect(dump.stdout.split(serverLevel)).toHaveLength(2);
    writeFileSync(file, dump.stdout.replace(serverLevel, '\n    proxy_ssl_verify off;\n'));
    const off = await diffDeployed(spec, { target: 'nginx', deployed: file, options });
    expect(off.plan!.findings.map((f) => `${f.class} ${f.rule} ${f.key}`).sort()).toEqual(OPS_OF.catalog.map((op) => `breaking backend-tls-verified ${routeKey(op)}`).sort());
    expect(off.plan!.changes.map((c) => `${c.kind} ${c.key}`)).toEqual([`server api.storefront.example.com ${FULL}`]);
  });

  it('a backend change that moves the server default flags only that backend: the others only moved their directives', async () => {
    const r = await diffDeployed(tlsSpec({ catalog: '{ verify: false }' }), { target: 'nginx', deployed: await deployedFile(tlsSpec(), 'nginx') });
    expect(r.plan!.findings.map((f) => f.key).sort()).toEqual(OPS_OF.catalog.map((op) => routeKey(op)).sort());
    // The orders routes now set verification themselves (the server's default went off): changed
    // fields, the same effective TLS, no finding.
    const orders = r.plan!.changes.filter((c) => OPS_OF.orders.some((op) => c.key === routeKey(op)));
    expect(orders.map((c) => c.fields.map((f) => `${f.path}: ${JSON.stringify(f.old)} -> ${JSON.stringify(f.new)}`))).toEqual(
      OPS_OF.orders.map(() => [`proxy_ssl_trusted_certificate: undefined -> ["${SYSTEM_CA}"]`, 'proxy_ssl_verify: undefined -> ["on"]']),
    );
  });

  it('inherits each directive on its own through http, server and nested locations; stream settings and plain http stay out', () => {
    const conf = `
stream { proxy_ssl_verify on; }
http {
  proxy_ssl_verify on;
  proxy_ssl_trusted_certificate /etc/http-ca.pem;
  server {
    listen 80;
    location /a { proxy_pass https://a; }
    location /n/ {
      proxy_ssl_trusted_certificate /etc/n-ca.pem;
      location /n/x { proxy_pass https://nx; }
    }
    location /off { proxy_ssl_verify off; proxy_pass https://off; }
    location /plain { proxy_pass http://plain; }
    location /var { proxy_pass $scheme://v; }
  }
  server {
    listen 81;
    proxy_ssl_verify off;
    location /b { proxy_pass https://b; }
  }
}
`;
    expect(tlsOf(conf)).toEqual({
      '_ 80 /a': { tls: true, verify: true, ca: '/etc/http-ca.pem' },
      '_ 80 /n/x': { tls: true, verify: true, ca: '/etc/n-ca.pem' },
      '_ 80 /off': { tls: true, verify: false },
      '_ 80 /plain': { tls: false, verify: false },
      '_ 81 /b': { tls: true, verify: false },
    });
    // nginx's default is off: without any proxy_ssl_verify an https backend is not checked.
    expect(tlsOf('server { location /a { proxy_pass https://a; } }')).toEqual({ '_ 80 /a': { tls: true, verify: false } });
    const flip = (text: string) => nginxDeployed.normalise([{ path: 'x.conf', contents: text }], 'x.conf').state!;
    const plan = diffStates(flip(conf), flip(conf.replace('  proxy_ssl_verify on;\n  proxy_ssl_trusted', '  proxy_ssl_verify off;\n  proxy_ssl_trusted')));
    expect(plan.findings.map((f) => `${f.rule} ${f.key}`)).toEqual(['backend-tls-unverified _ 80 /a', 'backend-tls-unverified _ 80 /n/x']);
  });
});
