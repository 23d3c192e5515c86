/**
 * `gwc diff` and Traefik's client TLS (DESIGN.md 7.8): a router's `tls.options` names a set of the
 * dynamic file's `tls.options`, and that set, not its name, decides what a client connects with.
 * Attack: a deployed file whose set of the same name is weakened in place (an older minimum
 * version, one more cipher suite or curve, SNI no longer strict, client certificates no longer
 * required), or whose routers name a set the file does not hold: the release deploying it must
 * hold a security finding, the one repairing it a finding (breaking). Controls: the same set
 * rewritten equal, and `options: default` written out or left off, show nothing.
 */
import { describe, expect, it } from 'vitest';
import { compiledState, readerOf } from '../../src/diff/run.js';
import { diffStates, type Plan } from '../../src/diff/plan.js';
import type { State } from '../../src/diff/entity.js';
import type { OutputFile } from '../../src/targets/output-file.js';
import { writeSpec } from '../helpers/spec.js';

const ok = "{ '200': { description: ok } }";
const SPEC = `openapi: 3.1.0
info: { title: t, version: "1" }
servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: ctls
  backends: { app: { url: http://app.internal:8080 } }
  defaults: { backend: app }
paths:
  /keyed:
    get: { operationId: getKeyed, security: [{ key: [] }], responses: ${ok} }
  /open:
    get: { operationId: getOpen, x-gateway: { public: true }, responses: ${ok} }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: x-api-key, x-gateway: { forwardAuth: { url: 'https://auth.internal/key' } } }
`;

const STRONG = `tls:
  options:
    default:
      minVersion: VersionTLS12
      sniStrict: true
      cipherSuites: [TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384]
      curvePreferences: [CurveP384]
      clientAuth:
        caFiles: [/etc/traefik/clients-ca.pem]
        clientAuthType: RequireAndVerifyClientCert
`;

let files: OutputFile[] | undefined;
async function built(): Promise<OutputFile> {
  files ??= (await compiledState(writeSpec(SPEC), 'traefik', {})).state!.files!;
  return files[0]!;
}

function read(f: OutputFile, contents: string): State {
  const r = readerOf('traefik').reader!.normalise([{ ...f, contents }], 'deployed');
  if (!r.state) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.state;
}

const security = (p: Plan) => p.findings.filter((f) => f.class === 'security').map((f) => `${f.rule} ${f.key}`);

async function compare(from: string, to: string): Promise<[Plan, Plan]> {
  const f = await built();
  const a = read(f, f.contents + from);
  const b = read(f, f.contents + to);
  return [diffStates(a, b), diffStates(b, a)];
}

describe('gwc diff traefik: TLS options read by contents, not by name', () => {
  const weakened: Array<[string, string, string]> = [
    ['minVersion lowered to TLS 1.0', STRONG.replace('VersionTLS12', 'VersionTLS10'), 'client-tls-weakened ctls-getkeyed'],
    ['a cipher suite added', STRONG.replace('cipherSuites: [', 'cipherSuites: [TLS_RSA_WITH_AES_128_CBC_SHA, '), 'client-tls-weakened ctls-getkeyed'],
    ['the cipher list dropped (Go defaults)', STRONG.replace(/ {6}cipherSuites: .*\n/, ''), 'client-tls-weakened ctls-getkeyed'],
    ['a curve added', STRONG.replace('[CurveP384]', '[CurveP384, CurveP256]'), 'client-tls-weakened ctls-getkeyed'],
    ['sniStrict turned off', STRONG.replace('sniStrict: true', 'sniStrict: false'), 'client-tls-weakened ctls-getkeyed'],
    ['client certificates only verified if given', STRONG.replace('RequireAndVerifyClientCert', 'VerifyClientCertIfGiven'), 'auth-removed ctls-getopen'],
    ['client certificates no longer verified (any certificate)', STRONG.replace('RequireAndVerifyClientCert', 'RequireAnyClientCert'), 'auth-weakened ctls-getkeyed'],
    ['client certificates checked against another CA', STRONG.replace('clients-ca.pem', 'other-ca.pem'), 'auth-verifier-changed ctls-getkeyed'],
    ['the set removed (Traefik defaults: TLS 1.2, any cipher, no client certificate)', '', 'auth-removed ctls-getopen'],
  ];
  for (const [what, edited, finding] of weakened) {
    it(`same name, ${what}: security (${finding.split(' ')[0]}); repaired: a finding`, async () => {
      const [weaker, repair] = await compare(STRONG, edited);
      expect(security(weaker)).toContain(finding);
      expect(repair.findings.length).toBeGreaterThan(0);
      // Another CA is another trust root either way (as backend-ca-changed): the diff cannot rank them.
      if (!finding.startsWith('auth-verifier-changed')) expect(security(repair)).toEqual([]);
    });
  }

  it('routers pointed at a set the file does not hold (another file or provider, or refused): compared by name, security', async () => {
    const f = await built();
    const a = read(f, f.contents + STRONG);
    const b = read(f, f.contents.replace(/options: "default"/g, 'options: "legacy@file"') + STRONG);
    expect(security(diffStates(a, b))).toContain('client-tls-weakened ctls-getkeyed');
  });

  it('controls: the same set written again, and options: default left off the routers, show nothing', async () => {
    const [same] = await compare(STRONG, STRONG.replace('cipherSuites: [TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384]', 'cipherSuites: [TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384]'));
    expect(security(same)).toEqual([]);
    const f = await built();
    const plain = diffStates(read(f, f.contents), read(f, f.contents.replace(/\n {8}options: "default"/g, '')));
    expect(plain.changes).toEqual([]);
    const tighter = await compare('', STRONG);
    expect(security(tighter[0])).toEqual([]);
    expect(security(tighter[1])).toContain('client-tls-weakened ctls-getkeyed');
  });
});
