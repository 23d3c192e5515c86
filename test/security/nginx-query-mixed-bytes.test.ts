/**
 * nginx, a credential's name spelt with one of the four letters a Unicode case-blind backend folds
 * (KELVIN SIGN, LONG S, dotless/dotted I) whose UTF-8 bytes are sent half %XX, half raw
 * (`acce%C5` + raw 0xBF + `s_token`; Traefik's 4c2de18). Go's url.ParseQuery decodes %XX to bytes
 * and copies raw bytes, then Echo's strings.EqualFold reads the letter; Tomcat decodes the same
 * bytes as UTF-8 before Java's equalsIgnoreCase. The njs runtime must read the name so too, whatever
 * njs makes of a raw byte that is no whole UTF-8 character in `$request_uri` / the body.
 * Real nginx, the request line written byte for byte on a socket. Node's HTTP parser refuses a raw
 * byte past 0x7e in a request target (400, also with insecureHTTPParser), so the lab's stub is
 * replaced on its port by a raw TCP backend that records each request line's target as bytes
 * (latin1), read here as such a backend reads it.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { now, token } from '../targets/nginx/jwt.js';
import { HOST, NGINX, startLab, type AuthLab } from './helpers/nginx-auth.js';

const HS = 'mixed-bytes-hmac-secret-0123456789ab';
const S_KEY = 'skey-alice-0001';
const ok = '{ "200": { description: ok } }';
const SPEC = `openapi: 3.1.0
info: { title: mixed bytes, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: mb
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { skey: "\${env:S_KEY}" } }
paths:
  /tok: { get: { operationId: tokGet, security: [{ jwt: [] }], responses: ${ok} }, post: { operationId: tokPost, security: [{ jwt: [] }], responses: ${ok} } }
  /opt-tok: { get: { operationId: optTok, security: [{}, { jwt: [] }], responses: ${ok} } }
  /s: { get: { operationId: sGet, security: [{ skey: [] }], responses: ${ok} } }
  /opt-s: { get: { operationId: optS, security: [{}, { skey: [] }], responses: ${ok} } }
components:
  securitySchemes:
    skey: { type: apiKey, in: query, name: session, x-gateway: { hideCredentials: true } }
    jwt:
      type: http
      scheme: bearer
      x-gateway: { issuer: "https://id.example/", algorithms: [HS256], publicKeys: ["\${file:keys/hs.key}"] }
`;

/** Each letter's UTF-8 bytes and the ASCII letter it folds to. */
const LETTERS: Array<[number[], string]> = [
  [[0xc5, 0xbf], 's'],
  [[0xe2, 0x84, 0xaa], 'k'],
  [[0xc4, 0xb1], 'i'],
  [[0xc4, 0xb0], 'i'],
];
const FOLD: Record<string, string> = { '\u212a': 'k', '\u017f': 's', '\u0131': 'i', '\u0130': 'i' };

/** %XX-decoded bytes of a query name (`+` a space), read as UTF-8 (a Go/Java backend), folded. */
function backendReads(rawName: Buffer): string {
  const out: number[] = [];
  for (let i = 0; i < rawName.length; i++) {
    const c = rawName[i]!;
    const h = rawName.subarray(i + 1, i + 3).toString('latin1');
    if (c === 0x25 && /^[0-9A-Fa-f]{2}$/.test(h)) {
      out.push(parseInt(h, 16));
      i += 2;
    } else out.push(c === 0x2b ? 0x20 : c);
  }
  return [...Buffer.from(out).toString('utf8')].map((ch) => FOLD[ch] ?? ch).join('').toLowerCase();
}
/** The query names of a path the stub recorded (latin1: one char a byte), as the backend reads them. */
const queryNames = (path: string) => {
  const b = Buffer.from(path, 'latin1');
  const q = b.indexOf(0x3f);
  if (q < 0) return [];
  return b.subarray(q + 1).toString('latin1').split(/[&;]/).filter((kv) => kv !== '').map((kv) => backendReads(Buffer.from(kv.split('=')[0]!, 'latin1')));
};

/**
 * `name` with its first occurrence of `ascii` replaced by the letter's bytes, every mix of raw and
 * %XX but all-%XX (the case redteam10-nginx-unicode-names holds); as latin1 text (one char a byte).
 */
function mixedSpellings(name: string): string[] {
  const out: string[] = [];
  for (const [bytes, ascii] of LETTERS) {
    const at = name.toLowerCase().indexOf(ascii);
    if (at < 0) continue;
    for (let mask = 1; mask < 1 << bytes.length; mask++) {
      const letter = bytes.map((b, i) => (mask & (1 << i) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase()}`)).join('');
      out.push(name.slice(0, at) + letter + name.slice(at + 1));
    }
  }
  return out;
}

const forged = () => token('HS256', { iss: 'https://id.example/', sub: 'root', exp: now() + 300 }, 'not-the-key');
const good = () => token('HS256', { iss: 'https://id.example/', sub: 'u1', exp: now() + 300 }, HS);

/**
 * One HTTP/1.1 request written byte for byte (target and body as latin1); the status it got. The
 * socket is not half-closed: nginx drops a request whose client closed its side (broken connection).
 */
function rawSend(port: number, method: string, target: string, headers: Record<string, string>, body = ''): Promise<number> {
  return new Promise((resolve, reject) => {
    const head = [`${method} ${target} HTTP/1.1`, `Host: ${HOST}`, 'Connection: close', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
    if (body) head.push(`Content-Length: ${Buffer.byteLength(body, 'latin1')}`);
    const s = net.connect(port, '127.0.0.1', () => s.write(Buffer.from(`${head.join('\r\n')}\r\n\r\n${body}`, 'latin1')));
    let data = '';
    s.on('data', (d) => (data += d.toString('latin1')));
    s.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0)));
    s.on('error', reject);
  });
}

const TOKEN_NAMES = ['access_token', 'ACCESS_TOKEN'].flatMap(mixedSpellings);
const SESSION_NAMES = mixedSpellings('session');

describe.skipIf(!NGINX)('nginx: a folded letter sent with its UTF-8 bytes half raw, half %XX', () => {
  let lab: AuthLab;
  let backend: net.Server;
  const seen: Array<{ path: string }> = [];
  beforeAll(async () => {
    lab = await startLab(SPEC, { files: { 'keys/hs.key': HS }, env: { S_KEY } });
    await lab.backend.close();
    backend = net.createServer((sock) => {
      let data = Buffer.alloc(0);
      sock.on('data', (d) => {
        data = Buffer.concat([data, d]);
        const end = data.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = data.subarray(0, end).toString('latin1');
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (data.length < end + 4 + length) return;
        seen.push({ path: head.split('\r\n')[0]!.split(' ')[1]! });
        sock.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok');
      });
      sock.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => backend.listen(lab.backend.port, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => backend?.close(resolve));
    await lab?.stop();
  });

  const call = async (method: string, target: string, headers: Record<string, string> = {}, body = '') => {
    const before = seen.length;
    const status = await rawSend(lab.ng.port, method, target, headers, body);
    return { status, hits: seen.slice(before) };
  };

  it('the spellings are what the backend model reads as the names (and the backend gets raw bytes as sent)', async () => {
    expect([TOKEN_NAMES.length, SESSION_NAMES.length]).toEqual([20, 9]);
    for (const n of TOKEN_NAMES) expect(backendReads(Buffer.from(n, 'latin1')), n).toBe('access_token');
    for (const n of SESSION_NAMES) expect(backendReads(Buffer.from(n, 'latin1')), n).toBe('session');
    const { status, hits } = await call('GET', '/v1/opt-tok?x\xbfy=1');
    expect([status, hits[0]?.path]).toEqual([200, '/opt-tok?x\xbfy=1']);
  });

  it.each(TOKEN_NAMES.map((n) => [JSON.stringify(n), n]))('?%s=<forged> beside the verified bearer never reaches the backend as access_token', async (_l, name) => {
    const { status, hits } = await call('GET', `/v1/tok?a=1&${name}=${forged()}`, { authorization: `Bearer ${good()}` });
    for (const h of hits) expect(queryNames(h.path), `${status} ${h.path}`).not.toContain('access_token');
    const opt = await call('GET', `/v1/opt-tok?${name}=${forged()}`);
    expect([opt.status, opt.hits.length], 'optional route: never anonymous').toEqual([401, 0]);
  });

  it.each(SESSION_NAMES.map((n) => [JSON.stringify(n), n]))('?%s=forged after the verified ?session= was hidden never reaches the backend', async (_l, name) => {
    for (const q of [`session=${S_KEY}&${name}=forged`, `${name}=forged&session=${S_KEY}`]) {
      const { status, hits } = await call('GET', `/v1/s?${q}&x=1`);
      for (const h of hits) expect(queryNames(h.path), `${status} ${h.path}`).not.toContain('session');
    }
    const opt = await call('GET', `/v1/opt-s?${name}=forged`);
    expect([opt.status, opt.hits.length], 'optional route: never anonymous').toEqual([401, 0]);
  });

  it.each(TOKEN_NAMES.map((n) => [JSON.stringify(n), n]))('a form body naming %s is refused (400)', async (_l, name) => {
    const { status, hits } = await call('POST', '/v1/tok', { authorization: `Bearer ${good()}`, 'Content-Type': 'application/x-www-form-urlencoded' }, `a=1&${name}=${forged()}`);
    expect([status, hits.length]).toEqual([400, 0]);
  });
});
