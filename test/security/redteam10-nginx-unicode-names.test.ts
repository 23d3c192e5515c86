/**
 * Red team 10, nginx: a credential's name spelt with one of the four non-ASCII letters a Unicode
 * case-blind reader takes for an ASCII one (QUERY_NAME_RULE.unicodeFold: KELVIN SIGN as `k`, LONG S
 * as `s`, dotless and dotted I as `i`). Echo's query and form binding falls back to
 * strings.EqualFold when no exact name is there, so `?acce%C5%BFs_token=` is its `access_token` and
 * `?%C5%BFession=` its `session`; Java's equalsIgnoreCase folds all four. The njs runtime read names
 * ASCII-case-blind only (nameAsRead; the body checks' TOKEN_KEY and bodyKeyPattern), so beside a
 * verified bearer, or after the verified `?session=` was hidden, such a spelling reached the
 * backend unverified, and on an optional route it passed anonymous. Real nginx; the backend stub
 * records what it received, read here as such a backend reads it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { now, token } from '../targets/nginx/jwt.js';
import { send } from '../targets/nginx/harness.js';
import { HOST, NGINX, startLab, type AuthLab } from './helpers/nginx-auth.js';

const HS = 'unicode-names-hmac-secret-0123456789';
const S_KEY = 'skey-alice-0001';
const ok = '{ "200": { description: ok } }';
const SPEC = `openapi: 3.1.0
info: { title: unicode names, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: un
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { skey: "\${env:S_KEY}" } }
paths:
  /tok: { get: { operationId: tokGet, security: [{ jwt: [] }], responses: ${ok} }, post: { operationId: tokPost, security: [{ jwt: [] }], responses: ${ok} } }
  /opt-tok: { get: { operationId: optTok, security: [{}, { jwt: [] }], responses: ${ok} } }
  /s: { get: { operationId: sGet, security: [{ skey: [] }], responses: ${ok} }, post: { operationId: sPost, security: [{ skey: [] }], responses: ${ok} } }
  /opt-s: { get: { operationId: optS, security: [{}, { skey: [] }], responses: ${ok} } }
components:
  securitySchemes:
    skey: { type: apiKey, in: query, name: session, x-gateway: { hideCredentials: true } }
    jwt:
      type: http
      scheme: bearer
      x-gateway: { issuer: "https://id.example/", algorithms: [HS256], publicKeys: ["\${file:keys/hs.key}"] }
`;

const FOLD: Record<string, string> = { '\u212a': 'k', '\u017f': 's', '\u0131': 'i', '\u0130': 'i' };
/** A name as a Unicode case-blind backend reads it (Echo's EqualFold fallback, Java's equalsIgnoreCase). */
function foldedRead(raw: string, plus: boolean): string {
  let n = plus ? raw.replace(/\+/g, ' ') : raw;
  try {
    n = decodeURIComponent(n);
  } catch {
    /* kept as sent */
  }
  return [...n].map((c) => FOLD[c] ?? c).join('').toLowerCase();
}
const queryNames = (path: string) => {
  const q = path.includes('?') ? path.slice(path.indexOf('?') + 1) : '';
  return q.split(/[&;]/).filter((kv) => kv !== '').map((kv) => foldedRead(kv.split('=')[0]!, true));
};

const forged = () => token('HS256', { iss: 'https://id.example/', sub: 'root', exp: now() + 300 }, 'not-the-key');
const good = () => token('HS256', { iss: 'https://id.example/', sub: 'u1', exp: now() + 300 }, HS);
const FORM = 'application/x-www-form-urlencoded';

/** Each of the four letters, %-encoded as its UTF-8 bytes (and once raw in a body). */
const TOKEN_SPELLINGS = ['acce%C5%BFs_token', 'ACCE%C5%BFS_TOKEN', 'access_to%E2%84%AAen', 'acces%C5%BF_to%E2%84%AAen[]'];
const SESSION_SPELLINGS = ['%C5%BFession', 'SE%C5%BFSION', 'sess%C4%B1on', 'SESS%C4%B0ON', '%C5%BFe%C5%BF%C5%BFion[]'];

describe.skipIf(!NGINX)('red team 10: non-ASCII letters a case-blind backend folds, on nginx', () => {
  let lab: AuthLab;
  beforeAll(async () => {
    lab = await startLab(SPEC, { files: { 'keys/hs.key': HS }, env: { S_KEY } });
  });
  afterAll(async () => lab?.stop());

  const call = async (method: string, path: string, headers: Record<string, string> = {}, body = '') => {
    const before = lab.backend.hits.length;
    const r = await send(lab.ng.port, method, path, { host: HOST, ...(body ? { 'content-length': String(Buffer.byteLength(body)) } : {}), ...headers }, body || undefined);
    return { r, hits: lab.backend.hits.slice(before) };
  };
  const bearer = () => ({ authorization: `Bearer ${good()}` });

  it('control: the exact names verify, are stripped, and other names pass', async () => {
    const t = await call('GET', '/v1/tok?a=1&acces=2', bearer());
    expect([t.r.status, t.hits[0]?.path]).toEqual([200, '/tok?a=1&acces=2']);
    const s = await call('GET', `/v1/s?session=${S_KEY}&x=1`);
    expect([s.r.status, s.hits[0]?.path]).toEqual([200, '/s?x=1']);
    expect((await call('GET', '/v1/opt-s?x=1')).r.status).toBe(200);
  });

  it.each(TOKEN_SPELLINGS.map((n) => [n]))('?%s=<forged> beside the verified bearer never reaches the backend as access_token', async (name) => {
    const { r, hits } = await call('GET', `/v1/tok?a=1&${name}=${forged()}`, bearer());
    for (const h of hits) expect(queryNames(h.path), `${r.status} ${h.path}`).not.toContain('access_token');
    const opt = await call('GET', `/v1/opt-tok?${name}=${forged()}`);
    expect([opt.r.status, opt.hits.length], 'optional route: never anonymous').toEqual([401, 0]);
  });

  it.each(SESSION_SPELLINGS.map((n) => [n]))('?%s=forged after the verified ?session= was hidden never reaches the backend', async (name) => {
    for (const q of [`session=${S_KEY}&${name}=forged`, `${name}=forged&session=${S_KEY}`]) {
      const { r, hits } = await call('GET', `/v1/s?${q}&x=1`);
      for (const h of hits) expect(queryNames(h.path), `${r.status} ${h.path}`).not.toContain('session');
    }
    const opt = await call('GET', `/v1/opt-s?${name}=forged`);
    expect([opt.r.status, opt.hits.length], 'optional route: never anonymous').toEqual([401, 0]);
  });

  it('a form or multipart body naming access_token so is refused (400 invalid_request)', async () => {
    const bodies: Array<[string, string]> = [
      ...TOKEN_SPELLINGS.map((n) => [FORM, `a=1&${n}=${forged()}`] as [string, string]),
      [FORM, `acce\u017fs_token=${forged()}`],
      ['multipart/form-data; boundary=XyZ', `--XyZ\r\nContent-Disposition: form-data; name="acce\u017fs_token"\r\n\r\n${forged()}\r\n--XyZ--\r\n`],
      ['multipart/form-data; boundary=XyZ', `--XyZ\r\nContent-Disposition: form-data; name="access_to%E2%84%AAen"\r\n\r\n${forged()}\r\n--XyZ--\r\n`],
    ];
    for (const [type, body] of bodies) {
      const { r, hits } = await call('POST', '/v1/tok', { ...bearer(), 'content-type': type }, body);
      expect([r.status, hits.length], body.slice(0, 50)).toEqual([400, 0]);
    }
  });

  it('a form or JSON body naming the query key so is refused (400)', async () => {
    const bodies: Array<[string, string]> = [
      [FORM, '%C5%BFession=forged'],
      [FORM, 'sess%C4%B1on=forged'],
      [FORM, '\u017fession=forged'],
      ['application/json', '{"\u017fession":"forged"}'],
      ['application/json', '{"\\u017fession":"forged"}'],
      ['application/json', '{"a":{"SESS\\u0130ON":"forged"}}'],
    ];
    for (const [type, body] of bodies) {
      const { r, hits } = await call('POST', `/v1/s?session=${S_KEY}`, { 'content-type': type }, body);
      expect([r.status, hits.length], body).toEqual([400, 0]);
    }
  });
});
