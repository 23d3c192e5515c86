/**
 * Traefik: backend TLS is a fact of the service, resolved through the serversTransport it names
 * (`insecureSkipVerify`, `rootCAs`), so a transport edited alone is classified on its services.
 */
import { describe, expect, it } from 'vitest';
import { diffStates } from '../../src/diff/plan.js';
import { diffDeployed } from '../../src/diff/run.js';
import { traefikDeployed } from '../../src/targets/traefik/deployed.js';
import { deployedFile, tlsSpec } from './helpers.js';
import { backendTlsSuite } from './tls-suite.js';

backendTlsSuite({ target: 'traefik', catalogEntities: ['service storefront-catalog'], freshTls: '{ caFile: /etc/gwc/catalog-ca.pem }' });

const read = (doc: object) => traefikDeployed.normalise([{ path: 'd.json', contents: JSON.stringify(doc) }], 'd.json').state!;
const svc = (transport?: string, url = 'https://a.internal') => ({ loadBalancer: { servers: [{ url }], ...(transport ? { serversTransport: transport } : {}) } });

describe('traefik: backend TLS in a deployed file', () => {
  it('a CA file changed in the spec is a changed trust root on the service', async () => {
    const deployed = await deployedFile(tlsSpec({ catalog: '{ caFile: /etc/gwc/old-ca.pem }' }), 'traefik');
    const r = await diffDeployed(tlsSpec({ catalog: '{ caFile: /etc/gwc/new-ca.pem }' }), { target: 'traefik', deployed });
    expect(r.plan!.findings.map((f) => [f.class, f.rule, f.key, f.old, f.new])).toEqual([
      ['security', 'backend-ca-changed', 'storefront-catalog', 'verified against /etc/gwc/old-ca.pem', 'verified against /etc/gwc/new-ca.pem'],
    ]);
  });

  it('resolves the transport: @file references, lower-case option names, the default transport, other providers', () => {
    const state = read({
      http: {
        services: { a: svc('t@file'), b: svc('lower'), c: svc(), d: svc('x@kubernetescrd'), e: svc('t', 'http://a.internal') },
        serversTransports: { t: { rootCAs: ['/b.pem', '/a.pem'] }, lower: { insecureskipverify: true } },
      },
    });
    const tls = Object.fromEntries(state.entities.filter((e) => e.kind === 'service').map((e) => [e.key, e.facts?.backendTls ?? null]));
    expect(tls).toEqual({
      a: { tls: true, verify: true, ca: '/a.pem, /b.pem' },
      b: { tls: true, verify: false },
      c: { tls: true, verify: true },
      // A transport of another provider cannot be seen in this file: no fact rather than a guess.
      d: null,
      e: { tls: false, verify: false },
    });
  });

  it('insecureSkipVerify set on a shared transport by hand is security on every service using it', () => {
    const doc = (skip: boolean) => ({ http: { services: { a: svc('t'), b: svc('t'), c: svc('u') }, serversTransports: { t: skip ? { insecureSkipVerify: true } : {}, u: {} } } });
    const plan = diffStates(read(doc(false)), read(doc(true)));
    expect(plan.findings.map((f) => `${f.rule} ${f.kind} ${f.key}`)).toEqual(['backend-tls-unverified service a', 'backend-tls-unverified service b']);
  });

  it('a forwardAuth middleware carries its auth service TLS', () => {
    const doc = (tls: object) => ({ http: { middlewares: { auth: { forwardAuth: { address: 'https://auth.internal/check', tls } } } } });
    const plan = diffStates(read(doc({ ca: '/ca.pem' })), read(doc({ insecureSkipVerify: true })));
    expect(plan.findings.map((f) => [f.rule, f.kind, f.key, f.old, f.new])).toEqual([['backend-tls-unverified', 'middleware', 'auth', 'verified against /ca.pem', 'not verified']]);
  });
});
