/**
 * Red team 14, `gwc diff` for Traefik (DESIGN.md 7.8): the reader reads the file's `http` section
 * only; a `tcp` section added to the deployed dynamic configuration reads as no change either way.
 * Traefik applies TCP routers before HTTP routers on the same entry point ("If both HTTP routers and
 * TCP routers listen to the same entry points, the TCP routers will apply before the HTTP routers",
 * https://doc.traefik.io/traefik/routing/routers/#configuring-tcp-routers), and a TCP router with no
 * entryPoints listens on all of them:
 * - `HostSNI(\`*\`)` without TLS takes every plain connection and pipes it to the backend: no
 *   router, no middleware (auth, IP list, limit, header clears) of gwc's runs;
 * - `HostSNI(\`api.cov.example.com\`)` with `tls.passthrough: true` does the same for every TLS
 *   connection to the API's host.
 * Control: an extra HTTP router to the same service at a higher priority is found.
 * Fix class: read `tcp` (and `udp`) routers on gwc's entry points as routes (a TCP router that can
 * take the API's connections is route-public / backend-changed), or refuse the file. Fixed: a TCP
 * router is a public route to its servers (src/targets/traefik/deployed-tcp.ts).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { State } from '../../src/diff/entity.js';
import type { OutputFile } from '../../src/targets/output-file.js';
import { build, judge } from './helpers/diff-coverage.js';

type Doc = Record<string, unknown> & { http: { routers: Record<string, unknown> } };

describe('red team 14: gwc diff (Traefik) and TCP routers', () => {
  let files: OutputFile[];
  let built: State;
  beforeAll(async () => {
    ({ files, built } = await build('traefik'));
  }, 300_000);
  const verdict = (sig: string, edit: (d: Doc) => void) => {
    const d = parse(files[0]!.contents) as Doc;
    edit(d);
    return judge('traefik', built, { at: sig, sig, what: 'add', files: [{ ...files[0]!, contents: stringify(d) }] }, [], []);
  };

  it('control: an extra HTTP router to the app service, no middlewares, higher priority, is a security finding', () => {
    expect(verdict('same', () => {}).result).toBe('unchanged');
    const v = verdict('http', (d) => (d.http.routers.extra = { rule: 'Host(`api.cov.example.com`) && PathPrefix(`/v1/admin`)', priority: 10000, service: 'cov-app' }));
    expect(v.result).toBe('covered');
  });

  it('a TCP router HostSNI(`*`) piping every plain connection to the backend is a security finding', () => {
    const v = verdict('tcp', (d) => (d.tcp = { routers: { x: { rule: 'HostSNI(`*`)', service: 'x' } }, services: { x: { loadBalancer: { servers: [{ address: 'app.internal:8080' }] } } } }));
    expect(v.result, v.detail).toBe('covered');
  });

  it("a TCP router with TLS passthrough for the API's host is a security finding", () => {
    const v = verdict('tcp tls', (d) => (d.tcp = { routers: { x: { rule: 'HostSNI(`api.cov.example.com`)', service: 'x', tls: { passthrough: true } } }, services: { x: { loadBalancer: { servers: [{ address: 'app.internal:8443' }] } } } }));
    expect(v.result, v.detail).toBe('covered');
  });
});
