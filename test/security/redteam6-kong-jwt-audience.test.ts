/**
 * Red team 6, Kong: a JWT minted for another application of the same issuer. Kong's jwt plugin checks
 * no `aud` (kong/plugins/jwt/handler.lua: signature, then claims_to_verify exp/nbf only), so on a
 * scheme declaring `audiences` a token the issuer signed for any other app of the tenant (one key,
 * one `iss`: jwt-audience.ts) opened the route; every other target checks it. The route's token
 * chunk (jwt-claims.ts, run before jwt and reading the token as jwt does) now answers 401 unless the
 * claims' top-level `aud` (the last, as cjson keeps) is one of the scheme's audiences exactly, or an
 * array holding one as a string; a token without aud is refused. Run for real: the chunk in the
 * sandbox harness (lua-headers.ts) on real token texts, and end to end through the request oracle
 * (kong-oracle.ts: jwt verifies a symbolic signature after it). gwc diff: a deployed chunk without
 * the audiences (a hand edit) is jwt-audience-widened.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileGateway } from '../../src/api.js';
import { diffStates } from '../../src/diff/plan.js';
import { kongEntities } from '../../src/targets/kong/deployed-normalise.js';
import { JWT_NBF_MARK, jwtNbfLua, readJwtNbf } from '../../src/targets/kong/jwt-claims.js';
import { gatewayOf } from '../helpers/spec.js';
import { runHeaderChunk } from '../targets/kong/lua-headers.js';
import { evaluate, symbolicJwt, type DeckDoc } from '../targets/kong/kong-oracle.js';

const NOW = 1_800_000_000;
const ISS = 'https://id.tenant.example/';
const SPEC = `openapi: 3.1.0
info: { title: kaud, version: "1" }
servers: [{ url: "https://api.test/v1" }]
x-gateway:
  name: kaud
  backends: { app: { url: "http://app.internal:8080" } }
  defaults: { backend: app }
  accept:
    kong: [{ feature: auth.jwt, reason: static keys }]
paths:
  /t: { get: { operationId: t, security: [{ jwt: [] }], responses: { "200": { description: ok } } } }
components:
  securitySchemes:
    jwt: { type: http, scheme: bearer, bearerFormat: JWT, x-gateway: { issuer: "${ISS}", audiences: [shop-api, "urn:shop:\u00fc"], algorithms: [RS256], publicKeys: ["\${env:IDP_PEM}"] } }
`;

describe('red team 6, Kong: a token for another audience never opens the route', async () => {
  const loaded = await gatewayOf(SPEC);
  if (!loaded.gateway) throw new Error(JSON.stringify(loaded.diagnostics));
  const built = compileGateway(loaded.gateway, 'kong', {});
  const doc = parse(built.files.find((f) => f.path === 'kong.yaml')?.contents ?? '') as DeckDoc;
  const preOf = (d: DeckDoc) => JSON.stringify(d).includes(JWT_NBF_MARK) ? findPre(d) : undefined;
  const chunk = (findPre(doc)?.config.access as string[]).find((c) => c.startsWith(JWT_NBF_MARK))!;
  const b64 = (s: string) => Buffer.from(s).toString('base64url');
  /** The chunk's verdict on a token whose claims are the JSON text `claims`: 401, or undefined (on to jwt). */
  const says = (claims: string) => runHeaderChunk(chunk, [['authorization', `Bearer ${b64('{"alg":"RS256"}')}.${b64(claims)}.c2ln`]], NOW * 1000).exit;
  // The scheme's issuer on every token here (its check: kong20-jwt-issuer-pin.test.ts).
  const exp = `"exp":${NOW + 600},"iss":"${ISS}"`;

  it('builds; the chunk names the scheme\'s audiences', () => {
    expect(built.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual([]);
    expect(preOf(doc)).toBeDefined();
    expect(readJwtNbf(chunk)).toEqual({ header: 'authorization', skew: 60, audiences: ['shop-api', 'urn:shop:\u00fc'], issuer: ISS });
  });

  it('control: aud one of the audiences, as a string or in an array (escaped as cjson reads it), passes on to jwt', () => {
    for (const aud of ['"shop-api"', '["other-app", "shop-api"]', '["shop-api"]', '"sh\\u006fp-api"', '"urn:shop:\\u00fc"', '"urn:shop:\u00fc"', '"urn:shop:\\u00FC"', '[1, null, {"a":"b"}, "shop-api"]']) {
      expect(says(`{${exp},"aud":${aud}}`), aud).toBeUndefined();
    }
    expect(says(`{"aud":"other","aud":"shop-api",${exp}}`), 'the last aud, as cjson').toBeUndefined();
    expect(says(`{"a\\u0075d":"shop-api",${exp}}`), 'an escaped name').toBeUndefined();
  });

  // Each failed before (no aud check on Kong): the chunk passed every one of them on to jwt.
  const ATTACKS: Array<[string, string]> = [
    ['a token minted for another app of the issuer', `{${exp},"aud":"other-app"}`],
    ['aud array of other apps', `{${exp},"aud":["other-app","billing"]}`],
    ['aud with a trailing space', `{${exp},"aud":"shop-api "}`],
    ['aud with a leading space', `{${exp},"aud":" shop-api"}`],
    ['aud in another case', `{${exp},"aud":"SHOP-API"}`],
    ['aud with an escaped trailing space', `{${exp},"aud":"shop-api\\u0020"}`],
    ['aud with a NUL after it', `{${exp},"aud":"shop-api\\u0000"}`],
    ['aud a prefix', `{${exp},"aud":"shop"}`],
    ['aud a longer name', `{${exp},"aud":"shop-api-admin"}`],
    ['aud a URL around it', `{${exp},"aud":"https://shop-api/"}`],
    ['no aud', `{${exp},"sub":"u1"}`],
    ['aud a number', `{${exp},"aud":1}`],
    ['aud true', `{${exp},"aud":true}`],
    ['aud null', `{${exp},"aud":null}`],
    ['aud an object naming it', `{${exp},"aud":{"shop-api":true}}`],
    ['aud an object holding it', `{${exp},"aud":{"aud":"shop-api"}}`],
    ['aud a nested array', `{${exp},"aud":[["shop-api"]]}`],
    ['aud an empty array', `{${exp},"aud":[]}`],
    ['aud an empty string', `{${exp},"aud":""}`],
    ['the audience only nested', `{${exp},"x":{"aud":"shop-api"},"aud":"other"}`],
    ['the audience first, another last (cjson keeps the last)', `{"aud":"shop-api",${exp},"aud":"other"}`],
    ['the audience under a name that is not aud', `{${exp},"aud ":"shop-api","AUD":"shop-api","aud":"other"}`],
    ['an escaped name that is not aud', `{${exp},"au\\u0064\\u0000":"shop-api"}`],
    ['a lone surrogate in aud', `{${exp},"aud":["\\ud800", "other"]}`],
    ['the audience as Latin-1 bytes', `{${exp},"aud":"urn:shop:\\u00c3\\u00bc"}`],
    ['aud in a claims text that is not JSON', `{${exp},"aud":"shop-api",}`],
  ];
  it.each(ATTACKS)('%s: 401 before jwt', (_label, claims) => {
    expect(says(claims)).toBe(401);
  });

  it('end to end (request oracle): another app\'s signed token 401, never reaching jwt; the API\'s own token 200', () => {
    const send = (claims: Record<string, unknown>) => evaluate(doc, { method: 'GET', host: 'api.test', path: '/v1/t', headers: { authorization: `Bearer ${symbolicJwt(ISS, { exp: NOW + 600, ...claims })}` }, startMs: NOW * 1000 }, { DECK_IDP_PEM: 'pem' });
    const other = send({ aud: 'other-app' });
    expect(other.status).toBe(401);
    expect(other.ran).not.toContain('jwt');
    expect(send({}).status).toBe(401);
    expect(send({ aud: ['x', 'shop-api'] }).status).toBe(200);
  });

  it('a scheme with anyAudience: no aud line, aud not read', async () => {
    const any = await gatewayOf(SPEC.replace('audiences: [shop-api, "urn:shop:\u00fc"]', 'anyAudience: true'));
    const d = parse(compileGateway(any.gateway!, 'kong', {}).files.find((f) => f.path === 'kong.yaml')!.contents) as DeckDoc;
    const c = (findPre(d)!.config.access as string[]).find((x) => x.startsWith(JWT_NBF_MARK))!;
    expect(readJwtNbf(c)).toEqual({ header: 'authorization', skew: 60, issuer: ISS });
    expect(runHeaderChunk(c, [['authorization', `Bearer ${b64('{}')}.${b64(`{${exp},"aud":"other"}`)}.c2ln`]], NOW * 1000).exit).toBeUndefined();
  });

  it('gwc diff: the audience check removed by hand (or one audience added) on the deployed route is jwt-audience-widened', () => {
    const state = (d: unknown) => ({ entities: kongEntities(d as never) });
    const edited = (f: (c: string) => string) => {
      const d = structuredClone(doc);
      const p = findPre(d)!;
      p.config.access = (p.config.access as string[]).map((c) => (c.startsWith(JWT_NBF_MARK) ? f(c) : c));
      return d;
    };
    const rules = (d: unknown) => diffStates(state(doc), state(d)).findings.filter((x) => x.class === 'security').map((x) => x.rule);
    expect(rules(doc)).toEqual([]);
    expect(rules(edited(() => jwtNbfLua({ header: 'authorization', skew: 60, issuer: ISS })))).toEqual(['jwt-audience-widened']);
    expect(rules(edited(() => jwtNbfLua({ header: 'authorization', skew: 60, audiences: ['other-app', 'shop-api', 'urn:shop:\u00fc'], issuer: ISS })))).toEqual(['jwt-audience-widened']);
    // The audiences line removed (the rest kept): read as no check.
    expect(rules(edited((c) => c.replace(/^local audiences = .*\n/m, '')))).not.toEqual([]);
    // The check's call edited away: not gwc's chunk, no guard at all.
    expect(rules(edited((c) => c.replace('return not aud_ok(top.aud)', 'return false')))).not.toEqual([]);
  });

  // Upgrade: a Kong deployed by the previous gwc (d591093) carries the nbf-only chunk. It checks nbf
  // as the current chunk does on a route without audiences, so gwc diff must not read it as gone.
  it('the nbf-only chunk of the previous release reads back as the same nbf check; one byte edited reads as none', () => {
    const v1 = readFileSync(new URL('./fixtures/kong-jwt-nbf-v1.lua', import.meta.url), 'utf8');
    expect(v1.startsWith(`${JWT_NBF_MARK}\n`)).toBe(true);
    expect(v1).not.toBe(jwtNbfLua({ header: 'authorization', skew: 60 }));
    expect(readJwtNbf(v1)).toEqual({ header: 'authorization', skew: 60 });
    expect(readJwtNbf(v1.replace('local header, skew = "authorization", 60', 'local header, skew = "x-token", 5'))).toEqual({ header: 'x-token', skew: 5 });
    expect(readJwtNbf(v1.replace('/ 1000 + skew', '/ 1000 + skew + 1e9'))).toBeUndefined();
    expect(readJwtNbf(`${v1}\n`)).toBeUndefined();
  });
});

/** The first pre-function anywhere in the decK file (route, service or global). */
function findPre(o: unknown): { config: Record<string, unknown> } | undefined {
  if (Array.isArray(o)) { for (const x of o) { const f = findPre(x); if (f) return f; } return undefined; }
  if (o && typeof o === 'object') {
    const r = o as Record<string, unknown>;
    if (r.name === 'pre-function' && r.config && typeof r.config === 'object') return r as { config: Record<string, unknown> };
    for (const v of Object.values(r)) { const f = findPre(v); if (f) return f; }
  }
  return undefined;
}
