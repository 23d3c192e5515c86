/**
 * Red team 3b, Kong identity (DESIGN.md 7.3: what reaches the backend as a credential is what the
 * gateway verified). Kong's basic-auth reads Proxy-Authorization FIRST and Authorization only when
 * that names no user (kong/plugins/basic-auth/access.lua, modelled by the Kong oracle); with
 * hide_credentials it clears only the header it read. A scheme with `hideCredentials: false` says
 * the backend reads the caller's Basic credential itself: bob authenticates with
 * Proxy-Authorization and sends `Authorization: Basic root:x`, which Kong never looked at and
 * forwards as sent: the backend reads user root. Fix: clear Proxy-Authorization before basic-auth
 * runs (a pre-function, priority above every auth plugin) on every route, or refuse
 * hideCredentials: false on Kong basic schemes; with it true the oracle shows both headers gone.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileGateway } from '../../src/api.js';
import { gatewayOf } from '../helpers/spec.js';
import { evaluate, type DeckDoc } from '../targets/kong/kong-oracle.js';
import { deckValidate } from '../targets/kong/validate.js';

const ok = '{ "200": { description: ok } }';
const SPEC = `openapi: 3.1.0
info: { title: k3id, version: "1" }
servers: [{ url: "https://api.test/v1" }]
x-gateway:
  name: k3id
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { basic: { username: alice, password: "\${env:PW}" } } }
    bob: { credentials: { passthru: { username: bob, password: "\${env:PW}" } } }
paths:
  /hidden: { get: { operationId: hidden, security: [{ basic: [] }], responses: ${ok} } }
  /passthru: { get: { operationId: passthru, security: [{ passthru: [] }], responses: ${ok} } }
components:
  securitySchemes:
    basic: { type: http, scheme: basic }
    passthru: { type: http, scheme: basic, x-gateway: { hideCredentials: false } }
`;
const env = { DECK_PW: 'pw' };
const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
/** The user a backend decodes from an Authorization header (what hideCredentials: false forwards it for). */
const userOf = (h: string | undefined) => (h && /^Basic /.test(h) ? Buffer.from(h.slice(6), 'base64').toString().split(':')[0] : undefined);

describe('red team 3b: Kong basic-auth and Proxy-Authorization', async () => {
  const loaded = await gatewayOf(SPEC);
  const built = compileGateway(loaded.gateway!, 'kong', {});
  const yaml = built.files.find((f) => f.path === 'kong.yaml')?.contents ?? '';
  const doc = parse(yaml) as DeckDoc;
  const send = (path: string, headers: Record<string, string>) => evaluate(doc, { method: 'GET', host: 'api.test', path, headers }, env);

  it('builds a decK file deck validates', () => {
    expect(built.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(deckValidate(yaml)?.ok ?? true).toBe(true);
  });

  it('control: hideCredentials false forwards the verified Authorization as sent', () => {
    const o = send('/v1/passthru', { authorization: basic('bob', 'pw') });
    expect(o.status).toBe(200);
    expect(userOf(o.upstream?.headers.authorization)).toBe('bob');
  });

  it('held: with hideCredentials true neither header reaches the backend, whichever Kong read', () => {
    const o = send('/v1/hidden', { 'proxy-authorization': basic('alice', 'pw'), authorization: basic('root', 'x') });
    expect(o.status).toBe(200);
    expect(o.upstream?.headers.authorization).toBeUndefined();
    expect(o.upstream?.headers['proxy-authorization']).toBeUndefined();
  });

  // Fixed: a post-function clears both headers when basic-auth authenticated and Proxy-Authorization was sent (src/targets/kong/unverified-credentials.ts).
  it('FIXED: hideCredentials false: bob verified through Proxy-Authorization, an unverified Authorization: Basic root:x never reaches the backend as the caller', () => {
    const o = send('/v1/passthru', { 'proxy-authorization': basic('bob', 'pw'), authorization: basic('root', 'x') });
    expect(o.consumer).toBe('k3id.bob');
    // Secure: refused, or the backend never reads a user Kong did not verify.
    if (o.status !== 200) return;
    expect(userOf(o.upstream?.headers.authorization) ?? 'bob').toBe('bob');
  });
});
