/**
 * Red team 19, class: a `$ref` drops what is written beside it (src/model/normalise/node.ts
 * Walker.child replaces any object holding a string `$ref` by its target; every sibling key is
 * lost, with no diagnostic from build, lint or validate).
 *
 * Attack 1 (critical, every target): an operation written as
 *     get: { $ref: "#/x-ops/report", security: [{ key: [] }] }
 * is a `$ref` OpenAPI does not define for operations, yet gwc accepts it silently (no
 * openapi-unexpected-key, unlike `<<` merge keys), follows it and drops the `security` beside it.
 * When the shared operation is public (a code-first generator's output, a template reused for a
 * health check), the route the reviewer reads as keyed compiles OPEN on nginx, Kong, Traefik and
 * AWS: `GET /v1/reports` with no key reaches the backend. (OpenAPI 3.1 Reference Objects let
 * `summary`/`description` beside a `$ref` override the target, and JSON Schema 2020-12 applies
 * sibling keywords with `$ref`: an author has every reason to believe a sibling counts.)
 *
 * Attack 2 (high, every target): a path item `$ref` is OpenAPI (3.0 and 3.1: "In case a Path Item
 * Object field appears both in the defined object and the referenced object, the behavior is
 * undefined" - so fields only beside it are the path item's). gwc drops them all: the path-item
 * `x-gateway: { policies: [office] }` (an IP allow-list: 10.0.0.0/8), its `servers` (internal host
 * scoping), and a `delete` operation written beside the `$ref`. The office-only route answers the
 * internet (nginx: 200 from 127.0.0.1, where the same policy on a plain path item gives 403).
 *
 * Suggested fix (class, in the walker, not per caller): Walker.child sees the siblings of every
 * `$ref` it follows. Where OpenAPI defines the object as a Path Item, merge: siblings apply, and a
 * key both sides hold is refused (undefined behaviour) at the sibling; everywhere else (an
 * operation, a scheme, a parameter) any sibling other than summary/description is refused
 * (`ref-sibling-ignored`, error, at the sibling's line), and a `$ref` where OpenAPI allows none (an
 * operation object) is refused as openapi-unexpected-key. Lint relays it (same pointer).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileGateway } from '../../src/api.js';
import { lint } from '../../src/lint/index.js';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { gatewayOf, writeSpec } from '../helpers/spec.js';
import { AwsOracle } from '../targets/aws/oracle.js';
import { evaluate, type DeckDoc } from '../targets/kong/kong-oracle.js';
import { send } from '../targets/traefik/traefik-oracle.js';
import { HOST, NGINX, startLab, type AuthLab } from './helpers/nginx-auth.js';

const KEY = 'alice-key-rt19-0123456789';
const ok = '{ "200": { description: ok } }';
const SPEC = `openapi: 3.1.0
info: { title: rt19 ref siblings, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: rt19ref
  backends: { echo: { url: "http://echo.internal:8080", pathMatching: exact } }
  defaults: { backend: echo }
  policies:
    office: { ipAllow: [10.0.0.0/8] }
  consumers:
    alice: { credentials: { key: "\${env:ALICE_KEY}" } }
x-ops:
  report: { operationId: report, security: [], x-gateway: { public: true }, responses: ${ok} }
paths:
  /reports:
    get:
      $ref: "#/x-ops/report"
      security: [{ key: [] }]
  /keyed: { get: { operationId: keyed, security: [{ key: [] }], responses: ${ok} } }
  /board:
    $ref: "#/components/pathItems/board"
    x-gateway: { policies: [office] }
    delete: { operationId: clearBoard, security: [{ key: [] }], responses: ${ok} }
  /office:
    x-gateway: { policies: [office] }
    get: { operationId: office, security: [{ key: [] }], responses: ${ok} }
components:
  pathItems:
    board:
      get: { operationId: board, security: [{ key: [] }], responses: ${ok} }
  securitySchemes:
    key: { type: apiKey, in: header, name: x-api-key, x-gateway: { forwardAuth: { url: "http://auth.internal/check" } } }
`;

describe('red team 19: a $ref drops the keys written beside it (model, build, lint)', () => {
  it('control: the spec builds on every target without a word about the siblings', async () => {
    const g = (await gatewayOf(SPEC)).gateway!;
    for (const [t, o] of [['nginx', {}], ['kong', {}], ['traefik', {}], ['aws', { publicHosts: 'echo.internal' }]] as const) {
      expect(compileGateway(g, t, o).diagnostics.filter((d) => d.severity === 'error'), t).toEqual([]);
    }
  });

  // Mechanism: Walker.child returns the $ref target alone.
  it.fails('FAILS: the operation beside its $ref keeps its security; the path item keeps its x-gateway and its delete', async () => {
    const g = (await gatewayOf(SPEC)).gateway!;
    const route = (id: string) => g.routes.find((r) => r.id === id);
    expect(route('report')?.security).toEqual([[{ scheme: 'key', scopes: [] }]]);
    expect(route('board')?.policy.ipRule?.allow).toEqual(['10.0.0.0/8']);
    expect(route('clearBoard')).toBeDefined();
  });

  it.fails('FAILS: or build and lint refuse the sibling at its line (never silently dropped)', async () => {
    const file = writeSpec(SPEC);
    const linted = (await lint(file, { target: 'nginx' })).diagnostics.filter((d) => d.severity === 'error').map((d) => d.loc?.pointer);
    expect(linted).toContain('/paths/~1reports/get/security');
    expect(linted).toContain('/paths/~1board/x-gateway');
  });
});

describe('red team 19, oracles: the keyed operation beside a $ref is open on Kong, Traefik and AWS', async () => {
  const g = (await gatewayOf(SPEC)).gateway!;
  const kong = parse(compileGateway(g, 'kong', {}).files.find((f) => f.path === 'kong.yaml')!.contents) as DeckDoc;
  const traefik = parse(compileGateway(g, 'traefik', {}).files.find((f) => /\.ya?ml$/.test(f.path))!.contents) as TraefikConfig;
  const aws = new AwsOracle(JSON.parse(compileGateway(g, 'aws', { publicHosts: 'echo.internal' }).files.find((f) => f.path.endsWith('.json'))!.contents));
  const kongEnv = { DECK_ALICE_KEY: KEY };

  it('control: the plain keyed route refuses a caller without a key on each', () => {
    expect(evaluate(kong, { method: 'GET', host: HOST, path: '/v1/keyed' }, kongEnv).upstream).toBeUndefined();
    expect(send(traefik, { method: 'GET', host: HOST, target: '/v1/keyed', tls: true }, { auth: () => ({ status: 401 }) }).backend).toBeUndefined();
    expect(aws.request({ method: 'GET', path: '/keyed', headers: {} }).upstream).toBeUndefined();
  });

  it.fails('FAILS (open): Kong: GET /v1/reports without a key never reaches the upstream', () => {
    expect(evaluate(kong, { method: 'GET', host: HOST, path: '/v1/reports' }, kongEnv).upstream).toBeUndefined();
  });
  it.fails('FAILS (open): Traefik: GET /v1/reports without a key never reaches the service', () => {
    expect(send(traefik, { method: 'GET', host: HOST, target: '/v1/reports', tls: true }, { auth: () => ({ status: 401 }) }).backend).toBeUndefined();
  });
  it.fails('FAILS (open): AWS: GET /reports without a key never reaches the integration', () => {
    expect(aws.request({ method: 'GET', path: '/reports', headers: {} }).upstream).toBeUndefined();
  });
});

describe.skipIf(!NGINX)('red team 19, nginx (real requests): what was beside the $ref is not enforced', () => {
  let lab: AuthLab;
  beforeAll(async () => {
    lab = await startLab(SPEC, { env: { ALICE_KEY: KEY } });
  });
  afterAll(async () => lab?.stop());

  it('control: the plain keyed route is 401 without a key; the office policy on a plain path item is 403 from 127.0.0.1', async () => {
    const k = await lab.call('GET', '/v1/keyed');
    expect(k.r.status).toBe(401);
    expect(k.hits).toEqual([]);
    expect((await lab.call('GET', '/v1/keyed', { 'x-api-key': KEY })).r.status).toBe(200);
    const o = await lab.call('GET', '/v1/office', { 'x-api-key': KEY });
    expect(o.r.status).toBe(403);
    expect(o.hits).toEqual([]);
  });

  it.fails('FAILS (open): GET /v1/reports without a key is refused before the backend', async () => {
    const { r, hits } = await lab.call('GET', '/v1/reports');
    expect(hits).toEqual([]);
    expect(r.status).toBe(401);
  });

  it.fails('FAILS (IP rule dropped): GET /v1/board from outside 10.0.0.0/8 is refused, as /v1/office is', async () => {
    const { r, hits } = await lab.call('GET', '/v1/board', { 'x-api-key': KEY });
    expect(hits).toEqual([]);
    expect(r.status).toBe(403);
  });
});
