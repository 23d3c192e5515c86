/**
 * NGX3 (closing15 item 6), nginx real traffic: the `_` header line before Host on a gateway whose
 * output loads NO njs (only public GET routes: no auth, no body check, no cache, no escaped path).
 *
 * Mechanism (redteam12-nginx-underscore-order.test.ts): nginx parses each header line with the
 * `underscores_in_headers` of the server selected so far (ngx_http_process_request_headers re-reads
 * cscf per line); before the Host line that is the address's default server, which in include mode
 * is not gwc's and may inherit an http-level `on`. gwc clears X-Consumer/X-Authenticated-Scheme and
 * the method-override headers by their `-` names on every route of every gateway; `X_Consumer` and
 * `X_HTTP_Method_Override` kept before Host reach the backend, which (PHP, Rack, WSGI) reads them as
 * the `-` names: a caller names itself, or runs an undeclared DELETE handler through a public GET.
 * Until NGX3 the refusal (server-level `if` on njs underscoreHeader) existed only where njs loaded.
 */
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileGateway } from '../../src/api.js';
import { gatewayOf, unsecuredPublic } from '../helpers/spec.js';
import { freePort, NJS_MODULE, pointAt, prefixDir, startNginx, startStub, writeFiles, type RunningNginx, type Stub } from '../targets/nginx/harness.js';
import { NGINX } from './helpers/nginx-auth.js';
import { nginxDeployed } from '../../src/targets/nginx/deployed.js';
import { diffStates } from '../../src/diff/plan.js';

const ok = '{ "200": { description: ok } }';
const SPEC = `openapi: 3.1.0
info: { title: NGX3 nginx underscore without njs, version: "1" }
servers: [{ url: "https://api.test/v1" }]
x-gateway:
  name: ngx3u
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
paths:
  /items/list: { get: { operationId: items, x-gateway: { public: true }, responses: ${ok} } }
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

describe.skipIf(!NGINX)('NGX3, nginx: a `_` header line before Host on a gateway without njs', () => {
  let ng: RunningNginx;
  let backend: Stub;
  let port: number;
  let conf = '';
  let js = '';
  beforeAll(async () => {
    backend = await startStub('echo');
    const loaded = await gatewayOf(SPEC);
    pointAt(loaded.gateway!, { echo: backend });
    const dir = prefixDir();
    port = await freePort();
    // Include mode (gwc's default): gwc's conf.d file inside an nginx.conf of the operator's, whose
    // http level says `underscores_in_headers on` and whose default server on the address is not gwc's.
    const result = compileGateway(unsecuredPublic(loaded.gateway!), 'nginx', { listen: `127.0.0.1:${port}`, cachePath: join(dir, 'cache'), logPath: join(dir, 'logs') });
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    writeFiles(dir, result.files);
    conf = result.files.find((f) => f.path === 'conf.d/ngx3u.conf')!.contents;
    js = result.files.find((f) => f.path === 'gwc/ngx3u.js')!.contents;
    // gwc diff reads it as gwc's module (an empty CFG) and its runtime.
    const read = nginxDeployed.normalise(result.files, 'build').state!.entities.filter((e) => e.kind === 'njs module');
    expect(read.map((e) => [e.key, typeof e.facts?.runtime])).toEqual([['gwc_ngx3u', 'string']]);
    const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `    ${t}_temp_path ${join(dir, 'tmp', t)};\n`).join('');
    writeFileSync(
      join(dir, 'nginx.conf'),
      `load_module ${NJS_MODULE};\npid ${join(dir, 'nginx.pid')};\ninclude gwc/ngx3u.main.conf;\nevents { worker_connections 64; }\n` +
        `http {\n${temp}    access_log off;\n    underscores_in_headers on;\n    server { listen 127.0.0.1:${port} default_server; server_name _; return 404; }\n    include conf.d/*.conf;\n}\n`,
    );
    ng = await startNginx(dir, port);
  });
  afterAll(async () => {
    await ng?.stop();
    await backend?.close();
  });

  const send = async (path: string, lines: Array<[string, string]>) => {
    const before = backend.hits.length;
    const reply = await raw(port, `GET ${path} HTTP/1.1\r\n${lines.map(([k, v]) => `${k}: ${v}\r\n`).join('')}Connection: close\r\n\r\n`);
    return { status: reply.split('\r\n')[0]!, hits: backend.hits.slice(before) };
  };

  it('control: the route is public and proxied', async () => {
    const { status, hits } = await send('/v1/items/list', [['Host', 'api.test']]);
    expect(status).toBe('HTTP/1.1 200 OK');
    expect(hits.length).toBe(1);
  });

  it('control: after the Host line, X_Consumer is dropped (gwc\'s server says off)', async () => {
    const { status, hits } = await send('/v1/items/list', [['Host', 'api.test'], ['X_Consumer', 'admin']]);
    expect(status).toBe('HTTP/1.1 200 OK');
    expect(JSON.stringify(hits[0]!.headers)).not.toContain('admin');
  });

  it('before the Host line, X_Consumer never reaches the backend (400)', async () => {
    const { status, hits } = await send('/v1/items/list', [['X_Consumer', 'admin'], ['X-Authenticated_Scheme', 'key'], ['Host', 'api.test']]);
    expect(status).toBe('HTTP/1.1 400 Bad Request');
    expect(hits).toEqual([]);
  });

  it('before the Host line, X_HTTP_Method_Override never reaches the backend (400)', async () => {
    const { status, hits } = await send('/v1/items/list', [['X_HTTP_Method_Override', 'DELETE'], ['Host', 'api.test']]);
    expect(status).toBe('HTTP/1.1 400 Bad Request');
    expect(hits).toEqual([]);
  });

  it('the output loads njs for the check alone (no route needs it otherwise): njs/headers.js, not the runtime', () => {
    expect(conf).toContain('js_import gwc_ngx3u from "gwc/ngx3u.js";');
    expect(conf).not.toMatch(/cleanArgs|cleanCookies/);
    expect(js).toContain('function underscoreHeader(r)');
    expect(js).not.toContain('function authorize');
    expect(conf).toMatch(/if \(\$gwc_ngx3u_underscore\) \{\n\s*return 400;/);
  });

  it('gwc diff: the check emptied by hand in the deployed module is security runtime-changed', () => {
    const files = [{ path: 'conf.d/ngx3u.conf', contents: conf }, { path: 'gwc/ngx3u.js', contents: js }];
    const emptied = js.replace(/function underscoreHeader\(r\) \{[\s\S]*?\n\}/, "function underscoreHeader(r) {\n  return '';\n}");
    expect(emptied).not.toBe(js);
    const deployed = nginxDeployed.normalise([files[0]!, { ...files[1]!, contents: emptied }], 'deployed').state!;
    const built = nginxDeployed.normalise(files, 'build').state!;
    expect(diffStates(deployed, built).findings.map((f) => `${f.class} ${f.rule} ${f.key}`)).toEqual(['security runtime-changed gwc_ngx3u']);
    expect(diffStates(built, built).findings).toEqual([]);
  });

  it('a request without any `_` header line is answered as before', async () => {
    const { status, hits } = await send('/v1/items/list', [['X-Consumer', 'admin'], ['Host', 'api.test'], ['X-Forwarded-Host', 'evil.test']]);
    expect(status).toBe('HTTP/1.1 200 OK');
    expect(hits[0]!.headers['x-consumer']).toBeUndefined();
  });
});
