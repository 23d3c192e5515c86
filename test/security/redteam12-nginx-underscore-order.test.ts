/**
 * Red team 12, nginx (real traffic): an identity header in its `_` spelling sent BEFORE the Host
 * line (class: a per-server header setting read from another server; DESIGN.md 7.3 "identity
 * headers the gateway sets are cleared on every route").
 *
 * gwc pins `underscores_in_headers off` and `ignore_invalid_headers on` in its server blocks
 * against an http-level `underscores_in_headers on` (templates.ts SERVER_TEMPLATE), and clears the
 * identity headers by their `-` names only (proxy_set_header X-Consumer ...): `X_Consumer` must
 * never arrive, since PHP, Rack and WSGI read it as X-Consumer. But nginx parses each header line
 * with the settings of the server selected SO FAR (ngx_http_request.c
 * ngx_http_process_request_headers: "the host header could change the server configuration
 * context", cscf re-read per line): until the Host line, that is the DEFAULT server of the address.
 * A gateway with a host (`servers: https://api.test/...`) writes `listen 80;` with its
 * server_name, not `default_server`, so in include mode (gwc's default) another server is the
 * address's default (Debian's sites-enabled/default is `listen 80 default_server`), inheriting the
 * http-level `on`. `X_Consumer: admin` written before `Host: api.test` is then kept, and reaches the
 * backend of every gwc route beside the X-Consumer gwc set: the caller names themself.
 * Reproduced here with full mode (`defaultServer: false`: gwc's host-less block not the default,
 * as include mode writes none) plus what an include-mode nginx has around it: an http-level
 * `underscores_in_headers on` and a default server on the same address.
 *
 * Fixed: every gwc server that loads njs refuses (400) a request keeping a header line whose name
 * holds `_` (server-level `if` on njs underscoreHeader, which reads r.rawHeadersIn). In include
 * mode njs is loaded for this check where nothing else needs it (nginx-underscore-no-njs.test.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileGateway } from '../../src/api.js';
import { gatewayOf, unsecuredPublic } from '../helpers/spec.js';
import { freePort, fullOptions, pointAt, prefixDir, startNginx, startStub, writeFiles, type RunningNginx, type Stub } from '../targets/nginx/harness.js';
import { NGINX } from './helpers/nginx-auth.js';

const KEY = 'key-alice-1203';
const ok = '{ "200": { description: ok } }';
const SPEC = `openapi: 3.1.0
info: { title: red team 12 nginx underscore order, version: "1" }
servers: [{ url: "https://api.test/v1" }]
x-gateway:
  name: rt12u
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { key: "\${env:KEY}" } }
paths:
  /me: { get: { operationId: me, security: [{ key: [] }], responses: ${ok} } }
  /pub: { get: { operationId: pub, x-gateway: { public: true }, responses: ${ok} } }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: X-Api-Key }
`;

function raw(port: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    let data = '';
    const s = net.connect(port, '127.0.0.1', () => s.write(text));
    s.on('data', (d) => (data += String(d)));
    s.on('end', () => resolve(data));
    s.on('error', () => resolve(data));
  });
}

describe.skipIf(!NGINX)('red team 12, nginx: X_Consumer before the Host line', () => {
  let ng: RunningNginx;
  let backend: Stub;
  let port: number;
  beforeAll(async () => {
    backend = await startStub('echo');
    const loaded = await gatewayOf(SPEC);
    pointAt(loaded.gateway!, { echo: backend });
    const dir = prefixDir();
    port = await freePort();
    const result = compileGateway(unsecuredPublic(loaded.gateway!), 'nginx', { ...fullOptions(dir, port), defaultServer: 'false' });
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    writeFiles(dir, result.files);
    // What an include-mode nginx has around gwc's file: an http-level setting and a default server.
    const conf = join(dir, 'nginx.conf');
    writeFileSync(conf, readFileSync(conf, 'utf8').replace(/^http \{\n/m, `http {\n    underscores_in_headers on;\n    server { listen 127.0.0.1:${port} default_server; server_name _; return 404; }\n`));
    ng = await startNginx(dir, port, { KEY });
  });
  afterAll(async () => {
    await ng?.stop();
    await backend?.close();
  });

  /** Header lines as written, in order; the status line and what the backend saw. */
  const send = async (path: string, lines: Array<[string, string]>) => {
    const before = backend.hits.length;
    const reply = await raw(port, `GET ${path} HTTP/1.1\r\n${lines.map(([k, v]) => `${k}: ${v}\r\n`).join('')}Connection: close\r\n\r\n`);
    return { status: reply.split('\r\n')[0]!, hits: backend.hits.slice(before) };
  };

  it('control: after the Host line, X_Consumer is dropped (gwc\'s own server block says off)', async () => {
    const { status, hits } = await send('/v1/me', [['Host', 'api.test'], ['X-Api-Key', KEY], ['X_Consumer', 'admin']]);
    expect(status).toBe('HTTP/1.1 200 OK');
    expect(hits[0]!.headers['x-consumer']).toBe('alice');
    expect(JSON.stringify(hits[0]!.headers)).not.toContain('admin');
  });

  // Mechanism above: the line before Host is parsed with the default server's `on`. Refused now
  // (njs underscoreHeader, a server-level `if` in every gwc server that loads njs).
  it('before the Host line, X_Consumer never reaches the backend (secured route)', async () => {
    const { status, hits } = await send('/v1/me', [['X_Consumer', 'admin'], ['Host', 'api.test'], ['X-Api-Key', KEY]]);
    expect(['HTTP/1.1 200 OK', 'HTTP/1.1 400 Bad Request']).toContain(status);
    for (const h of hits) expect(JSON.stringify(h.headers)).not.toContain('admin');
  });

  it('before the Host line, X_Consumer never reaches the backend (public route)', async () => {
    const { status, hits } = await send('/v1/pub', [['X_Consumer', 'admin'], ['X_Authenticated_Scheme', 'key'], ['Host', 'api.test']]);
    expect(status).toBe('HTTP/1.1 400 Bad Request');
    for (const h of hits) expect(JSON.stringify(h.headers)).not.toContain('admin');
  });

  it('a `_` name in its mixed spelling, before Host, on the secured route: 400, nothing reaches the backend', async () => {
    const { status, hits } = await send('/v1/me', [['X-Authenticated_Scheme', 'admin'], ['Host', 'api.test'], ['X-Api-Key', KEY]]);
    expect(status).toBe('HTTP/1.1 400 Bad Request');
    expect(hits).toEqual([]);
  });
});
