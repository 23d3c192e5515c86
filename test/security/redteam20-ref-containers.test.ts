/**
 * Red team 20, class: a `$ref` drops what is written beside it in the containers red team 19's
 * fix does not visit. 650294b6 made Walker.refSibling a check called per site (path item,
 * operation, security list, security requirement, security scheme); Walker.child still reads any
 * other object holding a string `$ref` as its target alone, with no diagnostic from build, lint or
 * validate (openapi-unexpected-key is not raised for them either: x-gateway objects are the only
 * ones whose schema refuses a `$ref`).
 *
 * Attack 1 (critical, every target): the Paths Object itself,
 *     paths: { $ref: "#/x-paths", /users/me: { get: { security: [{ key: [] }] } } }
 * (a split spec whose shared paths file is pulled in, the keyed literal written beside it; JSON
 * Reference bundlers such as json-schema-ref-parser merge such siblings). gwc builds the shared
 * paths only: the keyed `/users/me` is gone, so `GET /v1/users/me` without a key takes the public
 * `/users/{id}` and reaches the backend at /users/me (the handler the author keyed). nginx (real),
 * Kong, Traefik and AWS all build clean and forward it.
 *
 * Attack 2 (high): a Server Object `{ $ref: "#/x-servers/public", url: "https://internal.test/v1" }`
 * in an operation's servers: the internal-host scope (routes.ts scopeOf: "served on that host
 * only, never on the document's public one") is dropped and the public operation answers on the
 * public host api.test.
 *
 * Variant (fails closed, but silently wrong): `components.securitySchemes: { $ref, partner: {...} }`
 * drops `partner`; a route requiring it is refused as "components.securitySchemes does not define".
 *
 * Suggested fix (the class, not the sites): refuse a `$ref` with any key beside it other than
 * summary/description wherever the model reads through Walker.child (record it in child() itself,
 * or from the loader's RefSite.alone === false outside Schema Objects, where JSON Schema 2020-12
 * gives siblings a meaning), at the first sibling's line; lint relays the model error.
 *
 * Fixed (refused, fail closed; the class, not the sites): Walker.child and Walker.itemValues keep
 * every key beside a `$ref` they follow, or beside one along its chain (Walker.siblings; summary
 * and description aside), and normalise refuses each as ref-sibling-ignored at that key
 * (refuseSiblings, src/model/normalise/node.ts), after the model, the Kong and the AWS inputs have
 * read everything they read. Schema Objects are read with `{ schema: true }` (request-schema.ts).
 * The attacks below now meet a refused build (nothing to deploy); the controls still build.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileGateway } from '../../src/api.js';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { lint } from '../../src/lint/index.js';
import { gatewayOf, writeSpec } from '../helpers/spec.js';
import { AwsOracle } from '../targets/aws/oracle.js';
import { evaluate, type DeckDoc } from '../targets/kong/kong-oracle.js';
import { send } from '../targets/traefik/traefik-oracle.js';
import { HOST, NGINX, startLab, type AuthLab } from './helpers/nginx-auth.js';

const KEY = 'alice-key-rt20-0123456789';
const ok = '{ "200": { description: ok } }';
const idParam = '[{ name: id, in: path, required: true, schema: { type: string } }]';
const HEAD = `openapi: 3.1.0
info: { title: rt20 ref containers, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: rt20ref
  backends: { echo: { url: "http://echo.internal:8080", pathMatching: exact } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { key: "\${env:ALICE_KEY}" } }
`;
const SCHEMES = `components:
  securitySchemes:
    key: { type: apiKey, in: header, name: x-api-key, x-gateway: { forwardAuth: { url: "http://auth.internal/check" } } }
`;
/** Attack 1: the keyed literal /users/me written beside the paths' $ref. */
const PATHS = `${HEAD}x-paths:
  /users/{id}:
    get: { operationId: user, parameters: ${idParam}, x-gateway: { public: true }, responses: ${ok} }
paths:
  $ref: "#/x-paths"
  /users/me:
    get: { operationId: me, security: [{ key: [] }], responses: ${ok} }
${SCHEMES}`;
/** The same routes written plainly: the keyed literal is kept and shields /users/me. */
const PLAIN = `${HEAD}paths:
  /users/{id}:
    get: { operationId: user, parameters: ${idParam}, x-gateway: { public: true }, responses: ${ok} }
  /users/me:
    get: { operationId: me, security: [{ key: [] }], responses: ${ok} }
${SCHEMES}`;
/** Attack 2: an internal-host server written beside a server $ref. */
const SERVERS = `${HEAD}x-servers:
  public: { url: "https://${HOST}/v1" }
paths:
  /internal/stats:
    get:
      operationId: stats
      servers: [{ $ref: "#/x-servers/public", url: "https://internal.test/v1" }]
      x-gateway: { public: true }
      responses: ${ok}
${SCHEMES}`;
/** Variant: a scheme written beside the securitySchemes' $ref. */
const SCHEME_MAP = `${HEAD}x-schemes:
  key: { type: apiKey, in: header, name: x-api-key, x-gateway: { forwardAuth: { url: "http://auth.internal/check" } } }
paths:
  /items:
    get: { operationId: items, security: [{ partner: [] }], responses: ${ok} }
components:
  securitySchemes:
    $ref: "#/x-schemes"
    partner: { type: apiKey, in: header, name: x-partner-key, x-gateway: { forwardAuth: { url: "http://auth.internal/check" } } }
`;

const siblingRefused = (ds: ReadonlyArray<{ severity: string; code: unknown; params?: unknown }>) =>
  ds.some((d) => d.severity === 'error' && (d.code === 'ref-sibling-ignored' || (d.code === 'target-compile' && (d.params as { code?: string }).code === 'ref-sibling-ignored')));

describe('red team 20: a $ref with keys beside it, outside path items, operations and security', () => {
  it('the paths object: the keyed literal beside its $ref is refused, not dropped', async () => {
    const loaded = await gatewayOf(PATHS);
    expect(siblingRefused(loaded.diagnostics)).toBe(true);
    expect(loaded.gateway).toBeUndefined();
  });

  it('a server object: the internal url beside its $ref is refused, not dropped', async () => {
    const loaded = await gatewayOf(SERVERS);
    expect(siblingRefused(loaded.diagnostics)).toBe(true);
  });

  it('components.securitySchemes: a scheme beside its $ref is refused as such (not "does not define")', async () => {
    const loaded = await gatewayOf(SCHEME_MAP);
    expect(siblingRefused(loaded.diagnostics)).toBe(true);
  });

  it('build, lint (with and without --target) and the model say it at the same key', async () => {
    const at = (ds: ReadonlyArray<{ severity: string; code: unknown; params?: unknown; loc?: { pointer: string } }>) =>
      ds.filter((d) => d.severity === 'error' && (d.code === 'ref-sibling-ignored' || (d.code === 'target-compile' && (d.params as { code?: string }).code === 'ref-sibling-ignored'))).map((d) => d.loc?.pointer);
    const file = writeSpec(PATHS);
    expect(at((await gatewayOf(PATHS)).diagnostics)).toEqual(['/paths/~1users~1me']);
    expect(at((await lint(file, { target: 'nginx' })).diagnostics)).toEqual(['/paths/~1users~1me']);
    expect(at((await lint(file, {})).diagnostics)).toEqual(['/paths/~1users~1me']);
    expect(at((await gatewayOf(SERVERS)).diagnostics)).toEqual(['/paths/~1internal~1stats/get/servers/0/url']);
    expect(at((await gatewayOf(SCHEME_MAP)).diagnostics)).toEqual(['/components/securitySchemes/partner']);
  });

  it('control: a Schema Object keeps its keywords beside $ref (JSON Schema 2020-12), and summary/description pass', async () => {
    const spec = PLAIN.replace('paths:\n', `x-schemas:\n  id: { type: string }\npaths:\n  /notes:\n    post:\n      operationId: notes\n      security: [{ key: [] }]\n      x-gateway: { validate: { body: true } }\n      requestBody: { required: true, content: { application/json: { schema: { $ref: "#/x-schemas/id", maxLength: 8 } } } }\n      responses: ${ok}\n`);
    const loaded = await gatewayOf(spec);
    expect(loaded.diagnostics.filter((d) => d.code === 'ref-sibling-ignored')).toEqual([]);
  });

  it('control: written plainly, both routes are built and /users/me stays keyed', async () => {
    const g = (await gatewayOf(PLAIN)).gateway!;
    expect(g.routes.map((r) => `${r.id}:${r.security.length}`).sort()).toEqual(['me:1', 'user:0']);
  });
});

/** The build of `spec` as it stands, or undefined once the model refuses it (the fix). */
async function built(spec: string) {
  const loaded = await gatewayOf(spec);
  return loaded.gateway;
}

describe('red team 20, oracles: GET /v1/users/me without a key (attack 1 as built)', () => {
  it('kong: does not reach the backend at /users/me', async () => {
    const g = await built(PATHS);
    if (!g) return; // refused: closed
    const kong = parse(compileGateway(g, 'kong', {}).files.find((f) => f.path === 'kong.yaml')!.contents) as DeckDoc;
    expect(evaluate(kong, { method: 'GET', host: HOST, path: '/v1/users/me' }, { DECK_ALICE_KEY: KEY }).upstream).toBeUndefined();
  });

  it('traefik: does not reach the backend at /users/me', async () => {
    const g = await built(PATHS);
    if (!g) return;
    const traefik = parse(compileGateway(g, 'traefik', {}).files.find((f) => /\.ya?ml$/.test(f.path))!.contents) as TraefikConfig;
    expect(send(traefik, { method: 'GET', host: HOST, target: '/v1/users/me', tls: true }, { auth: () => ({ status: 401 }) }).backend).toBeUndefined();
  });

  it('aws: does not reach the backend at /users/me', async () => {
    const g = await built(PATHS);
    if (!g) return;
    const aws = new AwsOracle(JSON.parse(compileGateway(g, 'aws', { publicHosts: 'echo.internal' }).files.find((f) => f.path.endsWith('.json'))!.contents));
    expect(aws.request({ method: 'GET', path: '/users/me', headers: {} }).upstream).toBeUndefined();
  });

  it('control: written plainly, each refuses GET /v1/users/me without a key', async () => {
    const g = (await gatewayOf(PLAIN)).gateway!;
    const kong = parse(compileGateway(g, 'kong', {}).files.find((f) => f.path === 'kong.yaml')!.contents) as DeckDoc;
    expect(evaluate(kong, { method: 'GET', host: HOST, path: '/v1/users/me' }, { DECK_ALICE_KEY: KEY }).upstream).toBeUndefined();
    const traefik = parse(compileGateway(g, 'traefik', {}).files.find((f) => /\.ya?ml$/.test(f.path))!.contents) as TraefikConfig;
    expect(send(traefik, { method: 'GET', host: HOST, target: '/v1/users/me', tls: true }, { auth: () => ({ status: 401 }) }).backend).toBeUndefined();
    // API Gateway cannot restrict {id}'s values: AWS refuses the shape outright (aws-path-param-confusable).
    const aws = compileGateway(g, 'aws', { publicHosts: 'echo.internal' });
    expect(aws.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toContain('aws-path-param-confusable');
  });
});

describe.skipIf(!NGINX)('red team 20, nginx (real requests): attack 1 as built', () => {
  let lab: AuthLab | undefined;
  let plain: AuthLab;
  beforeAll(async () => {
    const deny = { key: () => ({ status: 401 }) };
    if (await built(PATHS)) lab = await startLab(PATHS, { env: { ALICE_KEY: KEY }, forward: deny });
    plain = await startLab(PLAIN, { env: { ALICE_KEY: KEY }, forward: deny });
  });
  afterAll(async () => {
    await lab?.stop();
    await plain?.stop();
  });

  // Now: 200, and the backend is asked for /users/me with no key.
  it('GET /v1/users/me without a key does not reach the backend', async () => {
    if (!lab) return;
    const { r, hits } = await lab.call('GET', '/v1/users/me');
    expect(hits.map((h) => h.path)).toEqual([]);
    expect(r.status).not.toBe(200);
  });

  it('control: written plainly, GET /v1/users/me without a key is 401 and the backend is not asked', async () => {
    const { r, hits } = await plain.call('GET', '/v1/users/me');
    expect(r.status).toBe(401);
    expect(hits).toEqual([]);
    expect((await plain.call('GET', '/v1/users/42')).r.status).toBe(200);
  });
});
