/**
 * Kong session 20: the JWT half of an AND accepted a token of any issuer the Kong holds a key for
 * (DESIGN.md 7.1). Kong's jwt plugin finds the credential by the token's own `iss` (claims, or the
 * JOSE header's when the claims have none: kong/plugins/jwt/handler.lua `claims[key_claim_name] or
 * header[key_claim_name]`) among every consumer's jwt_secrets, so it verifies a token against
 * whichever issuer's key the token names. acl pins the caller to the route's scheme group, but on
 * an AND Kong keeps the consumer of the plugin that runs last (key-auth 1250 or basic-auth 1100
 * after jwt 1450) and acl checks that one only: alice's key beside a token signed by another
 * gateway's issuer on a shared Kong (decK select_tags) passed as alice. The route's token chunk
 * (jwt-claims.ts, a pre-function before jwt) now answers 401 unless the claims' `iss` is the
 * scheme's issuer exactly (a string; jwt then looks up that key, unique in Kong and gwc's own), so
 * jwt can only ever verify against the route's scheme: AND, OR, one scheme, several issuers alike.
 * Mechanism: the Kong request oracle (kong-oracle.ts: the chunk run in the sandbox harness, jwt's
 * credential lookup as handler.lua's) on the decK file gwc writes, plus the other gateway's
 * consumer a shared Kong holds.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildTarget } from '../../src/api.js';
import { diffStates } from '../../src/diff/plan.js';
import { gwcChunk } from '../../src/targets/kong/deployed-chunks.js';
import { kongEntities } from '../../src/targets/kong/deployed-normalise.js';
import { JWT_NBF_LINE, JWT_NBF_MARK, readJwtNbfRelease } from '../../src/targets/kong/jwt-claims.js';
import { writeSpec } from '../helpers/spec.js';
import { evaluate, symbolicJwt, type DeckDoc } from '../targets/kong/kong-oracle.js';

const HOST = 'api.example.com';
const ISS_A = 'https://id-a.example.com/';
const ISS_B = 'https://id-b.example.com/';
/** Another gateway's issuer on the same Kong (its own decK file, select_tags). */
const FOREIGN = 'https://other-team.example.com/';
const NOW = Math.floor(Date.now() / 1000);
const bearer = (x: string) => `    ${x}: { type: http, scheme: bearer, bearerFormat: JWT, x-gateway: { issuer: "${x === 'bearerB' ? ISS_B : ISS_A}", anyAudience: true, publicKeys: ["\${env:${x.toUpperCase()}_PEM}"] } }`;
const SPEC = (security: string, two: boolean) => `openapi: 3.1.0
info: { title: kong20, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: k20
  backends: { app: { url: "http://app.internal:8080" } }
  defaults: { backend: app }
  accept: { kong: [{ feature: auth.jwt, reason: "static keys" }] }
  consumers:
    alice: { credentials: { hkey: "\${env:ALICE_KEY}", basic: { username: alice, password: "\${env:ALICE_PW}" } } }
paths:
  /r: { get: { operationId: r, security: ${security}, responses: { "200": { description: ok } } } }
${two ? '  /b: { get: { operationId: b, security: [{ bearerB: [] }], responses: { "200": { description: ok } } } }\n' : ''}components:
  securitySchemes:
    hkey: { type: apiKey, in: header, name: x-api-key }
    basic: { type: http, scheme: basic }
${bearer('bearer')}
${two ? `${bearer('bearerB')}\n` : ''}`;
const env = { DECK_ALICE_KEY: 'alice-key-0001', DECK_ALICE_PW: 'a-pw' };
const basic = `Basic ${Buffer.from('alice:a-pw').toString('base64')}`;
const token = (iss: string, claims: Record<string, unknown> = {}) => `Bearer ${symbolicJwt(iss, { exp: NOW + 600, ...claims })}`;
/** A token whose claims name no iss, its JOSE header does: jwt looks the key up by the header's. */
const headerIss = (iss: string, claimsIss?: unknown) => {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `Bearer ${part({ alg: 'RS256', typ: 'JWT', iss })}.${part({ exp: NOW + 600, ...(claimsIss === undefined ? {} : { iss: claimsIss }) })}.valid`;
};

async function kong(security: string, two = false) {
  const b = await buildTarget(writeSpec(SPEC(security, two)), { target: 'kong' });
  const yaml = b.files.find((f) => f.path === 'kong.yaml')?.contents;
  const doc = yaml ? (parse(yaml) as DeckDoc) : undefined;
  // The Kong is shared: another gateway's decK file put its issuer's consumer there.
  doc?.consumers?.push({ username: 'other-team-idp', id: 'other-team-idp', jwt_secrets: [{ key: FOREIGN }] });
  const errors = b.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);
  return { doc, errors, call: (path: string, headers: Record<string, string>) => evaluate(doc!, { method: 'GET', host: HOST, path, headers }, env).status };
}

describe('kong: the JWT half of a requirement takes only its own scheme\'s issuer', () => {
  it('AND of an API key and a JWT: alice\'s key beside another issuer\'s token is refused', async () => {
    const { errors, call } = await kong('[{ hkey: [], bearer: [] }]');
    expect(errors).toEqual([]);
    expect(call('/v1/r', { 'x-api-key': env.DECK_ALICE_KEY, authorization: token(ISS_A) })).toBe(200);
    expect(call('/v1/r', { 'x-api-key': env.DECK_ALICE_KEY, authorization: token(FOREIGN) })).toBe(401);
    // The key Kong looks up when the claims name none (or false): the JOSE header's iss.
    expect(call('/v1/r', { 'x-api-key': env.DECK_ALICE_KEY, authorization: headerIss(FOREIGN) })).toBe(401);
    expect(call('/v1/r', { 'x-api-key': env.DECK_ALICE_KEY, authorization: headerIss(FOREIGN, false) })).toBe(401);
    expect(call('/v1/r', { 'x-api-key': env.DECK_ALICE_KEY })).toBe(401);
  });

  it('AND of a basic user and a JWT: the same', async () => {
    const { errors, call } = await kong('[{ bearer: [], basic: [] }]');
    expect(errors).toEqual([]);
    expect(call('/v1/r', { authorization: token(ISS_A), 'proxy-authorization': basic })).toBe(200);
    expect(call('/v1/r', { authorization: token(FOREIGN), 'proxy-authorization': basic })).toBe(401);
    expect(call('/v1/r', { authorization: headerIss(FOREIGN), 'proxy-authorization': basic })).toBe(401);
  });

  it('one JWT scheme alone, and an OR with a key: no other issuer\'s token passes', async () => {
    for (const security of ['[{ bearer: [] }]', '[{ hkey: [] }, { bearer: [] }]']) {
      const { errors, call } = await kong(security);
      expect(errors, security).toEqual([]);
      expect(call('/v1/r', { authorization: token(ISS_A) }), security).toBe(200);
      for (const t of [token(FOREIGN), headerIss(FOREIGN)]) expect(call('/v1/r', { authorization: t }), security).not.toBe(200);
      // alice's key beside a foreign token on the OR: jwt (first) identifies the foreign consumer, key-auth is skipped.
      expect(call('/v1/r', { authorization: token(FOREIGN), 'x-api-key': env.DECK_ALICE_KEY }), security).not.toBe(200);
    }
  });

  it('two JWT schemes with different issuers: route A takes no token of issuer B, alone or on an OR', async () => {
    for (const security of ['[{ bearer: [] }]', '[{ hkey: [] }, { bearer: [] }]']) {
      const { errors, call } = await kong(security, true);
      expect(errors, security).toEqual([]);
      expect(call('/v1/r', { authorization: token(ISS_A) }), security).toBe(200);
      expect(call('/v1/b', { authorization: token(ISS_B) }), security).toBe(200);
      for (const t of [token(ISS_B), headerIss(ISS_B), token(FOREIGN)]) expect(call('/v1/r', { authorization: t }), security).not.toBe(200);
      expect(call('/v1/b', { authorization: token(ISS_A) }), security).not.toBe(200);
    }
  });

  // Was refused (kong-auth-identity-and: acl could not check the JWT item's scheme group behind
  // key-auth's consumer); the iss pin checks it, so it builds, and issuer B's token stays out.
  it('two JWT schemes and an AND naming one: builds, and the JWT half takes issuer A only', async () => {
    for (const [security, other] of [['[{ hkey: [], bearer: [] }]', { 'x-api-key': env.DECK_ALICE_KEY }], ['[{ bearer: [], basic: [] }]', { 'proxy-authorization': basic }]] as const) {
      const { errors, call } = await kong(security, true);
      expect(errors, security).toEqual([]);
      expect(call('/v1/r', { ...other, authorization: token(ISS_A) }), security).toBe(200);
      for (const t of [token(ISS_B), headerIss(ISS_B), token(FOREIGN), headerIss(FOREIGN)]) expect(call('/v1/r', { ...other, authorization: t }), security).toBe(401);
      expect(call('/v1/r', { authorization: token(ISS_A) }), security).toBe(401);
      expect(call('/v1/b', { ...other, authorization: token(ISS_A) }), security).not.toBe(200);
    }
  });

  it('a claims iss that is not the issuer\'s string is refused whatever the header says', async () => {
    const { call } = await kong('[{ hkey: [], bearer: [] }]');
    const key = { 'x-api-key': env.DECK_ALICE_KEY };
    for (const iss of [null, 1, ['x'], {}, '', `${ISS_A} `, ISS_A.toUpperCase(), ISS_A.slice(0, -1)]) {
      expect(call('/v1/r', { ...key, authorization: headerIss(ISS_A, iss) }), JSON.stringify(iss)).toBe(401);
    }
    // A token of the scheme's issuer named in the claims (escaped as cjson reads it) passes.
    const escaped = `Bearer ${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(`{"exp":${NOW + 600},"iss":"https:\\/\\/id-a.example.com\\u002f"}`).toString('base64url')}.valid`;
    expect(call('/v1/r', { ...key, authorization: escaped })).toBe(200);
  });
});

describe('gwc diff: the chunk before the issuer pin (5da6ef1 and before) reads as the weaker check', async () => {
  const { doc } = await kong('[{ hkey: [], bearer: [] }]');
  const chunkOf = (d: DeckDoc) => (JSON.stringify(d).match(/"(-- gwc: a bearer token whose nbf(?:[^"\\]|\\.)*)"/) ?? [])[1];
  const ours = JSON.parse(`"${chunkOf(doc!)!}"`) as string;
  const line = JWT_NBF_LINE.exec(ours)![0];
  /** The release fixture (written for x-token, skew 60) with the route's header and skew. */
  const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8').replace(JWT_NBF_LINE, line);
  const edited = (text: string) => {
    const d = structuredClone(doc) as unknown;
    const walk = (o: unknown): void => {
      if (Array.isArray(o)) o.forEach(walk);
      else if (o && typeof o === 'object') {
        const r = o as { name?: unknown; config?: { access?: string[] } };
        if (r.name === 'pre-function' && Array.isArray(r.config?.access)) r.config.access = r.config.access.map((c) => (c.startsWith(JWT_NBF_MARK) ? text : c));
        Object.values(r).forEach(walk);
      }
    };
    walk(d);
    return d;
  };
  const state = (d: unknown) => ({ entities: kongEntities(d as never) });
  const rules = (from: unknown, to: unknown) => diffStates(state(from), state(to)).findings.filter((x) => x.class === 'security').map((x) => x.rule);

  it('today\'s chunk names the issuer; the previous release is known, without it', () => {
    expect(readJwtNbfRelease(ours)).toEqual({ check: { header: 'authorization', skew: 60, issuer: ISS_A }, everySpelling: true, oneLine: true });
    for (const name of ['kong-jwt-nbf-v4.lua', 'kong-jwt-nbf-v4-aud.lua']) {
      const old = fixture(name);
      expect(gwcChunk(old), name).toBe(true);
      expect(readJwtNbfRelease(old)?.check.issuer, name).toBeUndefined();
      expect(readJwtNbfRelease(old)?.oneLine, name).toBe(true);
    }
    // One byte edited, or an issuer line added to the old text: not gwc's.
    expect(readJwtNbfRelease(fixture('kong-jwt-nbf-v4.lua').replace('return false\nend', 'return  false\nend'))).toBeUndefined();
    expect(readJwtNbfRelease(fixture('kong-jwt-nbf-v4.lua').replace(line, `${line}\nlocal issuer = "x"`))).toBeUndefined();
  });

  it('upgrade (deployed before the pin, compiled today): no security finding; downgrade: credential-unverified-passed', () => {
    const old = edited(fixture('kong-jwt-nbf-v4.lua'));
    expect(rules(doc, doc)).toEqual([]);
    expect(rules(old, doc)).toEqual([]);
    expect(rules(doc, old)).toEqual(['credential-unverified-passed']);
    // Another issuer pinned: a change of the check too.
    expect(rules(doc, edited(ours.replace(/^local issuer = .*$/m, 'local issuer = "https\\058\\047\\047evil"')))).not.toEqual([]);
  });
});
