/**
 * Red team 2, Kong (DESIGN.md 7.1): roles whose names only look like the required one, AND/OR of
 * roles, and two key schemes, through the Kong request oracle (acl groups compared exactly, the
 * credential store global); the decK file passes deck validate.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileGateway } from '../../src/api.js';
import { gatewayOf } from '../helpers/spec.js';
import { evaluate, type DeckDoc } from '../targets/kong/kong-oracle.js';
import { deckValidate } from '../targets/kong/validate.js';

const ok = '{ "200": { description: ok } }';
const HOST = 'api.test';
const env = { DECK_A: 'key-a', DECK_B: 'key-b', DECK_C: 'key-c', DECK_D: 'key-d', DECK_E: 'key-e', DECK_T: 'key-t', DECK_PW: 'pw' };
const SPEC = `openapi: 3.1.0
info: { title: kong roles 2, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: kr2
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    alice: { groups: [admin, ops], credentials: { key: "\${env:A}" } }
    bob: { groups: [Admin, "admin ", ADMIN], credentials: { key: "\${env:B}" } }
    carl: { groups: ["admin,ops", "*"], credentials: { key: "\${env:C}" } }
    dana: { groups: ["ａｄｍｉｎ", "admın"], credentials: { key: "\${env:D}" } }
    erin: { groups: [ops], credentials: { key: "\${env:E}" } }
    tess: { groups: [admin], credentials: { tkey: "\${env:T}", basic: { username: tess, password: "\${env:PW}" } } }
paths:
  /admin: { get: { operationId: admin, security: [{ key: [admin] }], responses: ${ok} } }
  /admin-and-ops: { get: { operationId: adminAndOps, security: [{ key: [admin, ops] }], responses: ${ok} } }
  /admin-or-ops: { get: { operationId: adminOrOps, security: [{ key: [admin] }, { key: [ops] }], responses: ${ok} } }
  /comma: { get: { operationId: comma, security: [{ key: ["admin,ops"] }], responses: ${ok} } }
  /star: { get: { operationId: star, security: [{ key: ["*"] }], responses: ${ok} } }
  /t: { get: { operationId: t, security: [{ tkey: [] }], responses: ${ok} } }
  /basic-admin: { get: { operationId: basicAdmin, security: [{ basic: [admin] }], responses: ${ok} } }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: X-Api-Key }
    tkey: { type: apiKey, in: header, name: X-Tenant-Key }
    basic: { type: http, scheme: basic }
`;

describe('red team 2: Kong roles and key schemes', async () => {
  const loaded = await gatewayOf(SPEC);
  const built = compileGateway(loaded.gateway!, 'kong', {});
  const yaml = built.files.find((f) => f.path === 'kong.yaml')?.contents ?? '';
  const doc = parse(yaml) as DeckDoc;
  const status = (path: string, headers: Record<string, string>) => evaluate(doc, { method: 'GET', host: HOST, path, headers }, env).status;

  it('builds a file deck validates', () => {
    expect(built.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(deckValidate(yaml)?.ok ?? true).toBe(true);
  });

  it('admin is held exactly: Admin, "admin ", ADMIN, fullwidth and dotless-i admin, "admin,ops" and "*" are not admin', () => {
    expect(status('/v1/admin', { 'x-api-key': 'key-a' })).toBe(200);
    for (const k of ['key-b', 'key-c', 'key-d', 'key-e']) expect(status('/v1/admin', { 'x-api-key': k }), k).toBe(403);
  });

  it('[admin, ops] needs both; "admin,ops" is one other role; [admin] OR [ops] admits ops alone', () => {
    expect(status('/v1/admin-and-ops', { 'x-api-key': 'key-a' })).toBe(200);
    expect(status('/v1/admin-and-ops', { 'x-api-key': 'key-c' })).toBe(403);
    expect(status('/v1/admin-and-ops', { 'x-api-key': 'key-e' })).toBe(403);
    expect(status('/v1/admin-or-ops', { 'x-api-key': 'key-e' })).toBe(200);
    expect(status('/v1/admin-or-ops', { 'x-api-key': 'key-b' })).toBe(403);
    expect(status('/v1/comma', { 'x-api-key': 'key-c' })).toBe(200);
    expect(status('/v1/comma', { 'x-api-key': 'key-a' })).toBe(403);
    expect(status('/v1/star', { 'x-api-key': 'key-c' })).toBe(200);
    expect(status('/v1/star', { 'x-api-key': 'key-a' })).toBe(403);
  });

  it("a key of one key scheme never opens the other scheme's route, in either header", () => {
    expect(status('/v1/t', { 'x-tenant-key': 'key-t' })).toBe(200);
    expect(status('/v1/t', { 'x-tenant-key': 'key-a' })).toBe(403);
    expect(status('/v1/admin', { 'x-api-key': 'key-t' })).toBe(403);
  });

  it("the role's holder through another scheme (tess: admin, a tenant key and a password) opens the basic role route only with the password", () => {
    const basic = `Basic ${Buffer.from('tess:pw').toString('base64')}`;
    expect(status('/v1/basic-admin', { authorization: basic })).toBe(200);
    expect(status('/v1/basic-admin', { 'x-tenant-key': 'key-t' })).toBe(401);
  });
});
