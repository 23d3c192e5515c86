/**
 * nginx (DESIGN.md 7.1, 7.3): an API key's name in the place the gateway does not read it, beside
 * the key it verified. Many backends read a key from the header OR the query parameter of one name
 * (FastAPI APIKeyHeader/APIKeyQuery pairs, DRF key libraries, Spring getParameter fallbacks; CGI,
 * PHP and Rack read a header `Api-Key` as HTTP_API_KEY, the name `api_key`): a caller verified by
 * its own `?api_key=` who adds an `Api-Key: <another key>` header (or the converse) hands the
 * backend a key nobody verified. Kong removes both (kong-second-credential); Traefik denies the
 * header key's name in the query (redteam3-traefik-credentials). Real nginx; the backend stub
 * records what it received.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST, NGINX, startLab, type AuthLab } from './helpers/nginx-auth.js';
import { readsAs, spellingsOf } from '../helpers/name-readings.js';
import { diffStates } from '../../src/diff/plan.js';
import { readerOf } from '../../src/diff/run.js';
import type { OutputFile } from '../../src/targets/output-file.js';
import { diffState } from '../helpers/diff-edits.js';

const Q_KEY = 'qkey-alice-0001';
const H_KEY = 'hkey-alice-0003';
const ok = '{ "200": { description: ok } }';

const SPEC = `openapi: 3.1.0
info: { title: elsewhere lab, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: elsewhere
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { qkey: "\${env:Q_KEY}", hkey: "\${env:H_KEY}" } }
paths:
  /q: { get: { operationId: q, security: [{ qkey: [] }], responses: ${ok} } }
  /h: { get: { operationId: h, security: [{ hkey: [] }], responses: ${ok} } }
components:
  securitySchemes:
    qkey: { type: apiKey, in: query, name: api_key }
    hkey: { type: apiKey, in: header, name: x-api-key }
`;

/** A header name as CGI, PHP, Rack and WSGI read it (HTTP_API_KEY): lower case, `_` for `-`. */
const cgi = (h: string) => h.toLowerCase().replace(/-/g, '_');
/** Every `&`/`;` pair of a raw query whose name a lenient backend reads as `name` (name-readings.ts). */
const pairsReadAs = (query: string, name: string) => query.split(/[&;]/).filter((kv) => {
  if (kv === '') return false;
  let n = kv.split('=')[0]!.replace(/\+/g, ' ');
  try { n = decodeURIComponent(n); } catch { /* kept as sent */ }
  return readsAs(n, name);
});

describe.skipIf(!NGINX)('nginx: a key\'s name in the other place, beside the verified key', () => {
  let lab: AuthLab;
  beforeAll(async () => {
    lab = await startLab(SPEC, { env: { Q_KEY, H_KEY } });
  });
  afterAll(async () => lab?.stop());

  it('control: each key verifies in its own place', async () => {
    expect((await lab.call('GET', `/v1/q?api_key=${Q_KEY}`)).r.status).toBe(200);
    expect((await lab.call('GET', '/v1/h', { 'x-api-key': H_KEY })).r.status).toBe(200);
    expect((await lab.call('GET', '/v1/q', { 'api-key': Q_KEY })).r.status).toBe(401);
  });

  for (const h of ['Api-Key', 'API-KEY', 'api-key', 'aPi-kEy']) {
    it(`an ${h} header beside the verified ?api_key= never reaches the backend`, async () => {
      const { r, hits } = await lab.call('GET', `/v1/q?api_key=${Q_KEY}`, { [h]: 'forged' });
      expect(r.status === 200 || r.status === 400).toBe(true);
      for (const hit of hits) expect(Object.keys(hit.headers).filter((k) => cgi(k) === 'api_key'), `${h}: backend saw ${JSON.stringify(hit.headers)}`).toEqual([]);
    });
  }

  it('an api_key header (underscore) is dropped by nginx itself (underscores_in_headers off)', async () => {
    const { hits } = await lab.call('GET', `/v1/q?api_key=${Q_KEY}`, { api_key: 'forged' });
    for (const hit of hits) expect(Object.keys(hit.headers).filter((k) => cgi(k) === 'api_key')).toEqual([]);
  });

  it('?x-api-key=forged, in every spelling a backend reads as it, beside the verified header key never reaches the backend', async () => {
    const reached: string[] = [];
    for (const q of ['x-api-key', ...spellingsOf('x-api-key')]) {
      const { r, hits } = await lab.call('GET', `/v1/h?${q}=forged&x=1`, { 'x-api-key': H_KEY });
      expect(r.status, q).toBe(200);
      for (const hit of hits) {
        const query = hit.path.includes('?') ? hit.path.slice(hit.path.indexOf('?') + 1) : '';
        if (pairsReadAs(query, 'x-api-key').length > 0) reached.push(`${q} -> ${hit.path}`);
        expect(query, q).toContain('x=1');
      }
    }
    expect(reached).toEqual([]);
  });

  it('control: a query name unlike the header key (x_api_key, api-key) passes on /h', async () => {
    const { hits } = await lab.call('GET', '/v1/h?x_api_key=1&api-key=2', { 'x-api-key': H_KEY });
    expect(hits.map((h) => h.path)).toEqual(['/h?x_api_key=1&api-key=2']);
  });
});

/** gwc's nginx files for SPEC -> the same files edited by `change`, read back: the security findings. */
async function weakened(change: (text: string) => string, identity = false): Promise<string[]> {
  const files = (await diffState(SPEC, 'nginx')).files!;
  const reader = readerOf('nginx').reader!;
  const read = (fs: OutputFile[]) => reader.normalise(fs, 'files').state!;
  const edited = files.map((f) => {
    const contents = change(f.contents);
    return { ...f, contents };
  });
  expect(edited.some((f, i) => f.contents !== files[i]!.contents), 'the edit changed nothing').toBe(identity === false);
  return diffStates(read(files), read(edited)).findings.filter((f) => f.class === 'security').map((f) => `${f.rule} ${f.key}`);
}

describe('gwc diff, nginx: the removals are read back', () => {
  it("gwc's files read back are no change", async () => {
    expect(await weakened((t) => t, true)).toEqual([]);
  }, 30_000);
  it('/q without its Api-Key clear is request-header-passed', async () => {
    expect(await weakened((t) => t.replace(/\n\s*proxy_set_header api-key "";/, ''))).toEqual(['request-header-passed route q']);
  }, 30_000);
  it('/h without x-api-key in its query cleaning is credential-unverified-passed', async () => {
    expect(await weakened((t) => t.replace(/"hideQuery": \[\s*"x-api-key"\s*\],?/, ''))).toContain('credential-unverified-passed route h');
  }, 30_000);
});
