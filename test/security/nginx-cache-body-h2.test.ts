/**
 * nginx's cache bypass decided "a body is sent" from the Content-Length and Transfer-Encoding
 * request headers (policies.ts unverifiedBypass: `$http_content_length`, `$http_transfer_encoding`).
 * Over HTTP/2 (and HTTP/3) a request carries its body in DATA frames with neither header (RFC 9113
 * section 8.1.1: content-length is optional), and nginx proxies it to the backend over HTTP/1.1 with
 * the Content-Length it computed after reading it. A GET whose body holds RFC 6750's
 * `access_token=<user 2's token>` beside the app's verified key was answered from, and stored in,
 * the consumer's cache entry while the backend answered per the body's token (Kong: e8c0dd7,
 * kong-cache-body-h2).
 *
 * Does gwc's nginx speak HTTP/2? gwc never writes `http2` on its own `listen` lines (options.ts
 * refuses anything but PORT or ADDRESS:PORT), but the protocol is not gwc's to decide: nginx merges
 * a listen socket's options over every server on the same address:port (ngx_http_add_addresses:
 * `http2 = lsopt->http2 || addr[i].opt.http2`), so in include mode another server of the user's
 * nginx on 443 with `listen 443 ssl http2` (or, on nginx >= 1.25.1, `http2 on;` at the http level,
 * which gwc's servers inherit, and `listen ... quic` for HTTP/3) makes gwc's server answer HTTP/2
 * too. Here: a second server on gwc's listen address with `http2` (h2c by prior knowledge).
 *
 * Fixed: the bypass reads `$content_length` (nginx's length of the body it read: the header when
 * sent, else the count of DATA bytes once the body is read, which it is before proxy_cache_bypass
 * is evaluated, in ngx_http_upstream_init_request) and the route says `proxy_request_buffering on`
 * (an inherited `off` would start the upstream, and test the bypass, before the body is read).
 */
import http2 from 'node:http2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileGateway } from '../../src/api.js';
import type { State } from '../../src/diff/entity.js';
import { diffStates } from '../../src/diff/plan.js';
import { compiledState, readerOf } from '../../src/diff/run.js';
import type { OutputFile } from '../../src/targets/output-file.js';
import { gatewayOf, unsecuredPublic, writeSpec } from '../helpers/spec.js';
import { HOST, NGINX, startPolicyLab, type PolicyLab } from './helpers/nginx-policies.js';

const ok = '{ "200": { description: ok } }';
const param = '[{ name: n, in: path, required: true, schema: { type: string } }]';
const HS = 'cbh-jwt-secret-0123456789abcdef';
const SPEC = `openapi: 3.1.0
info: { title: nginx cache body h2, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: cbh
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    app: { credentials: { hk: "\${env:APP_KEY}" } }
paths:
  /me/{n}: { get: { operationId: me, parameters: ${param}, security: [{ hk: [] }], x-gateway: { cache: { ttl: 60s, keyQuery: false } }, responses: ${ok} } }
  /pub/{n}: { get: { operationId: pub, parameters: ${param}, x-gateway: { public: true, cache: { ttl: 60s } }, responses: ${ok} } }
  /tok: { get: { operationId: tok, security: [{ bear: [] }], responses: ${ok} } }
components:
  securitySchemes:
    hk: { type: apiKey, in: header, name: X-Key }
    bear:
      type: http
      scheme: bearer
      x-gateway: { issuer: "https://id.example/", audiences: [api], algorithms: [HS256], publicKeys: ["\${file:keys/hs.key}"] }
`;
const ENV = { APP_KEY: 'app-key-1' };

interface H2Reply { status: number; body: string; cache?: string }

/** One HTTP/2 request (h2c, prior knowledge); `body` goes in DATA frames with no content-length. */
function h2(port: number, path: string, headers: Record<string, string>, body?: string): Promise<H2Reply> {
  return new Promise((resolve, reject) => {
    const client = http2.connect(`http://127.0.0.1:${port}`);
    client.on('error', reject);
    const stream = client.request({ ':method': 'GET', ':path': path, ':authority': HOST, ...headers }, { endStream: body === undefined });
    let status = 0;
    let cache: string | undefined;
    let text = '';
    stream.on('response', (h) => {
      status = Number(h[':status']);
      cache = h['x-cache-status'] as string | undefined;
    });
    stream.on('data', (d) => (text += String(d)));
    stream.on('end', () => {
      client.close();
      resolve({ status, body: text, ...(cache ? { cache } : {}) });
    });
    stream.on('error', reject);
    if (body !== undefined) stream.end(body);
  });
}

const TOKEN = 'user2-token-zz';

for (const [label, inherited] of [
  ['another server on the address with http2', ''],
  ['and proxy_request_buffering off inherited from the http level', 'proxy_request_buffering off;'],
] as const) {
  describe.skipIf(!NGINX)(`nginx over HTTP/2 (${label}): a body without Content-Length keeps the request out of the cache`, () => {
    let lab: PolicyLab;
    let serial = 0;
    beforeAll(async () => {
      lab = await startPolicyLab(SPEC, {
        files: { 'keys/hs.key': HS },
        env: ENV,
        confAppend: (listen) => `${inherited}\nserver {\n    listen ${listen} http2;\n    server_name other.example;\n    return 404;\n}`,
      });
    });
    afterAll(async () => lab?.stop());
    const at = (route: string) => `/v1/${route}/${label.length}-${++serial}`;
    const key = { 'x-key': ENV.APP_KEY };

    it('control: gwc\'s server answers HTTP/2 here; a request with no body is cached', async () => {
      const path = at('me');
      const first = await h2(lab.ng.port, path, key);
      expect(first.status).toBe(200);
      expect(first.cache).toBe('MISS');
      expect((await h2(lab.ng.port, path, key)).cache).toBe('HIT');
    });

    for (const [what, body] of [['a form token', `access_token=${TOKEN}`], ['a JSON token', `{"access_token":"${TOKEN}"}`], ['a large form token (buffered to a file)', `access_token=${TOKEN}&pad=${'x'.repeat(40_000)}`]] as const) {
      it(`me: ${what} in a body with no Content-Length is not stored for the consumer`, async () => {
        const path = at('me');
        const hits = lab.backend.hits.length;
        const first = await h2(lab.ng.port, path, key, body);
        expect(first.status).toBe(200);
        expect(lab.backend.hits.slice(hits).map((h) => h.body.slice(0, 40))).toEqual([body.slice(0, 40)]);
        const next = await h2(lab.ng.port, path, key);
        expect(next.body, "the consumer's next request was served the body token's answer").not.toContain(TOKEN);
      });

      it(`me: ${what} in a body with no Content-Length is not answered from the consumer's entry`, async () => {
        const path = at('me');
        expect((await h2(lab.ng.port, path, key)).status).toBe(200);
        const hits = lab.backend.hits.length;
        const again = await h2(lab.ng.port, path, key, body);
        expect(again.cache ?? 'BYPASS').not.toBe('HIT');
        expect(lab.backend.hits.length - hits, 'the body request reached the backend').toBe(1);
      });

      it(`pub: ${what} in a body with no Content-Length is neither stored for nor served from the anonymous entry`, async () => {
        const path = at('pub');
        await h2(lab.ng.port, path, {}, body);
        expect((await h2(lab.ng.port, path, {})).body).not.toContain(TOKEN);
        const hits = lab.backend.hits.length;
        await h2(lab.ng.port, path, {}, body);
        expect(lab.backend.hits.length - hits).toBe(1);
      });
    }

    // Fails closed: a body of 0 bytes bypasses as `Content-Length: 0` does over HTTP/1.1 (the doubled
    // variable reads "00", which nginx does not take for unset); the entry stays the plain request's.
    it('an empty DATA frame (a body of 0 bytes) bypasses too, and leaves the entry as it was', async () => {
      const path = at('me');
      await h2(lab.ng.port, path, key);
      const empty = await h2(lab.ng.port, path, key, '');
      expect(empty.status).toBe(200);
      expect(empty.cache ?? 'BYPASS').not.toBe('HIT');
      expect((await h2(lab.ng.port, path, key)).cache).toBe('HIT');
    });
  });
}

describe('nginx: what the generated configuration says', async () => {
  const loaded = await gatewayOf(SPEC);
  const conf = compileGateway(unsecuredPublic(loaded.gateway!), 'nginx', {}).files.find((f) => f.path === 'conf.d/cbh.conf')!.contents;
  it('gwc writes no http2/quic on its listen lines (the protocol comes from the rest of the nginx)', () => {
    expect(conf.split('\n').filter((l) => /^\s*listen\b/.test(l)).every((l) => !/http2|quic|http3/.test(l))).toBe(true);
  });
  it('a cached route of a spec with a body carrier bypasses on $content_length and buffers the request body', () => {
    const bypass = conf.split('\n').filter((l) => /^\s*proxy_(no_cache|cache_bypass)\b/.test(l));
    expect(bypass.length).toBeGreaterThan(0);
    for (const l of bypass) expect(l).toContain('$content_length$content_length');
    expect(conf).toContain('proxy_request_buffering on;');
  });
});

describe('gwc diff nginx: the body bypass', async () => {
  const r = await compiledState(writeSpec(SPEC), 'nginx', {});
  const files = r.state!.files!;
  const read = (change: (s: string) => string): State => {
    const out = readerOf('nginx').reader!.normalise(files.map((f: OutputFile) => (f.path.startsWith('conf.d/') ? { ...f, contents: change(f.contents) } : f)), 'deployed');
    if (!out.state) throw new Error(out.diagnostics.map((d) => d.message).join('\n'));
    return out.state;
  };
  const built = read((t) => t);
  const security = (from: State, to: State) => diffStates(from, to).findings.filter((f) => f.class === 'security').map((f) => `${f.rule} ${f.key}`);
  // The previous release: the header only, no buffering line.
  const previous = read((t) => t.replaceAll('$content_length$content_length', '$http_content_length$http_content_length').replaceAll(/\n\s*#[^\n]*\n\s*proxy_request_buffering on;/g, ''));

  it('upgrading from the previous release\'s bypass ($http_content_length) is no weakening; going back is cache-key-narrowed', () => {
    expect(security(previous, built)).toEqual([]);
    expect(security(built, previous).filter((f) => f.startsWith('cache-key-narrowed')).length).toBeGreaterThan(0);
  });

  it('proxy_request_buffering off in the location (or no bypass on $content_length at all) is cache-key-narrowed', () => {
    const off = read((t) => t.replaceAll('proxy_request_buffering on;', 'proxy_request_buffering off;'));
    expect(security(built, off).filter((f) => f.startsWith('cache-key-narrowed')).length).toBeGreaterThan(0);
    const dropped = read((t) => t.replaceAll(' $content_length$content_length', ''));
    expect(security(built, dropped).filter((f) => f.startsWith('cache-key-narrowed')).length).toBeGreaterThan(0);
  });
});
