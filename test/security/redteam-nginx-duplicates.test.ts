/**
 * Red team, nginx (DESIGN.md 7.1, 7.3): a credential header sent twice. The gateway verifies one
 * copy; where hideCredentials is off (a backend that reads the token's claims itself, a common
 * reason to keep it) both copies reach the backend, and backends disagree on which one they read
 * (PHP and many CGI/WSGI stacks the last, gunicorn joins them with ",", Go and Node the first).
 * A caller with a valid token of their own then puts a forged one, claiming any subject, where the
 * backend reads it. Real nginx; the backend stub records what it received; requests are written
 * byte for byte (Node's client would merge or refuse duplicates).
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { b64u, now, rsaKeys, token } from '../targets/nginx/jwt.js';
import { HOST, NGINX, basic, startLab, type AuthLab } from './helpers/nginx-auth.js';

const rs = rsaKeys();
const ok = '{ "200": { description: ok } }';
const PW = 'pw-bob-0001';

const SPEC = `openapi: 3.1.0
info: { title: dup lab, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: dup
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    bob: { credentials: { pw: { username: bob, password: "\${env:PW}" } } }
paths:
  /jwt: { get: { operationId: jwt, security: [{ rs: [] }], responses: ${ok} } }
  /jwt-opt: { get: { operationId: jwtOpt, security: [{}, { rs: [] }], responses: ${ok} } }
  /tok: { get: { operationId: tok, security: [{ tok: [] }], responses: ${ok} } }
  /basic: { get: { operationId: basicRoute, security: [{ pw: [] }], responses: ${ok} } }
components:
  securitySchemes:
    rs:
      type: http
      scheme: bearer
      x-gateway: { issuer: https://id.test/, anyAudience: true, algorithms: [RS256], publicKeys: ["\${file:keys/rs.pem}"], hideCredentials: false }
    tok:
      type: http
      scheme: bearer
      x-gateway: { issuer: https://id.test/, anyAudience: true, algorithms: [RS256], publicKeys: ["\${file:keys/rs.pem}"], header: X-Token, hideCredentials: false }
    pw: { type: http, scheme: basic, x-gateway: { hideCredentials: false } }
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

const forged = `${b64u(JSON.stringify({ alg: 'RS256', typ: 'JWT' }))}.${b64u(JSON.stringify({ sub: 'admin', exp: now() + 300 }))}.AAAA`;

describe.skipIf(!NGINX)('nginx: a credential header sent twice', () => {
  let lab: AuthLab;
  let good: string;
  beforeAll(async () => {
    lab = await startLab(SPEC, { files: { 'keys/rs.pem': rs.publicPem }, env: { PW } });
    good = token('RS256', { iss: 'https://id.test/', sub: 'mallory', exp: now() + 300 }, rs.privateKey);
  });
  afterAll(async () => lab?.stop());

  /** Sends `headers` (name, value pairs, in order); the status line and what the backend saw. */
  const send = async (path: string, headers: Array<[string, string]>) => {
    const before = lab.backend.hits.length;
    const reply = await raw(lab.ng.port, `GET ${path} HTTP/1.1\r\nHost: ${HOST}\r\n${headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}Connection: close\r\n\r\n`);
    return { status: reply.split('\r\n')[0]!, hits: lab.backend.hits.slice(before) };
  };

  it('the baseline: one valid token passes and reaches the backend as sent (hideCredentials off)', async () => {
    const { status, hits } = await send('/v1/jwt', [['Authorization', `Bearer ${good}`]]);
    expect(status).toBe('HTTP/1.1 200 OK');
    expect(hits[0]!.headers.authorization).toBe(`Bearer ${good}`);
  });

  it.each([
    ['/v1/jwt', 'Authorization', (t: string) => `Bearer ${t}`],
    ['/v1/jwt-opt', 'Authorization', (t: string) => `Bearer ${t}`],
    ['/v1/tok', 'X-Token', (t: string) => t],
  ])('%s: a valid %s beside a forged one never lets the forged one reach the backend', async (path, name, value) => {
    for (const pair of [[good, forged], [forged, good]]) {
      const { status, hits } = await send(path, pair.map((t): [string, string] => [name, value(t)]));
      // nginx answers 400 to a second Authorization; njs reads a doubled X-Token as no token (401).
      expect(['HTTP/1.1 400 Bad Request', 'HTTP/1.1 401 Unauthorized']).toContain(status);
      expect(hits).toEqual([]);
      for (const h of hits) expect(JSON.stringify(h.headers), `${path} ${status}`).not.toContain(forged);
    }
  });

  it('basic: a valid user beside a forged one never lets the forged one reach the backend', async () => {
    const real = basic('bob', PW).authorization;
    const fake = basic('admin', 'x').authorization;
    for (const pair of [[real, fake], [fake, real]]) {
      const { status, hits } = await send('/v1/basic', pair.map((v): [string, string] => ['Authorization', v]));
      expect(status).toBe('HTTP/1.1 400 Bad Request');
      for (const h of hits) expect(JSON.stringify(h.headers), status).not.toContain(fake.slice(6));
    }
  });
});
