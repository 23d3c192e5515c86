/**
 * gwc diff reads the Kong websocket guard's earlier releases (websocket-guard-releases.ts) as
 * theirs, not as the guard gone: 0cc9869d (1), a3b8555f (2), 1495ab9b..d875111a (3), each rendered
 * at its commit (fixtures kong-ws-guard-v*.lua, their two parameter lines swapped for a route's).
 * An upgrade from any of them is no security finding; a downgrade to one that checked less (tokens:
 * no padded JWT before 3, no marker element or AppSync carrier before 68d8c453; own origin: no
 * scheme before 2) is a finding; to one that only lacks the default-port equality (a relaxation) none.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileGateway } from '../../src/api.js';
import { gwcChunk } from '../../src/targets/kong/deployed-chunks.js';
import { WS_GUARD_MARK } from '../../src/targets/kong/websocket-guard.js';
import { readWsGuardRelease } from '../../src/targets/kong/websocket-guard-releases.js';
import { editChunks, kongSecurityRules as rules } from '../helpers/kong-chunks.js';
import { gatewayOf } from '../helpers/spec.js';

const SPEC = `openapi: 3.1.0
info: { title: kong20 ws releases, version: "1" }
servers: [{ url: "https://api.test/v1" }]
x-gateway:
  name: k20ws
  backends: { app: { url: "http://app.internal:8080" } }
  defaults: { backend: app }
  accept: { kong: [{ feature: auth.jwt, reason: "static keys" }] }
  consumers:
    alice: { credentials: { basic: { username: alice, password: "\${env:ALICE_PW}" } } }
paths:
  /feed: { get: { operationId: feed, security: [{ basic: [] }], x-gateway: { websocket: true, cors: { origins: ["https://app.test"], credentials: true } }, responses: { "101": { description: upgraded } } } }
  /live: { get: { operationId: live, security: [{ basic: [] }], x-gateway: { websocket: true }, responses: { "101": { description: upgraded } } } }
  /jwt: { get: { operationId: jwt, security: [{ bearer: [] }], x-gateway: { websocket: true }, responses: { "101": { description: upgraded } } } }
components:
  securitySchemes:
    basic: { type: http, scheme: basic }
    bearer: { type: http, scheme: bearer, bearerFormat: JWT, x-gateway: { issuer: "https://id.test/", anyAudience: true, publicKeys: ["\${env:PEM}"] } }
`;

const PARAMS = /^local token_check = .*\nlocal origin_check = .*\n/m;
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
/** Release `v`'s text for the guard today's chunk `c` names (the fixture with the same token check, c's parameter lines; 4 without the token check: today's text, KN21). */
const release = (v: 1 | 2 | 3 | 4, c: string) => {
  const token = c.includes('\nlocal token_check = true\n');
  if (v === 4 && !token) return c;
  const name = `kong-ws-guard-v${v}-${token ? 'token' : v === 3 ? 'cors' : 'own'}.lua`;
  return fixture(name).replace(PARAMS, PARAMS.exec(c)![0]);
};

describe('gwc diff: the Kong websocket guard\'s earlier releases', async () => {
  const r = compileGateway((await gatewayOf(SPEC)).gateway!, 'kong', {});
  const doc = parse(r.files.find((f) => f.path === 'kong.yaml')!.contents) as unknown;
  const chunks: string[] = [];
  editChunks(doc, WS_GUARD_MARK, (c) => (chunks.push(c), c));
  const only = (pick: (c: string) => boolean, v: 1 | 2 | 3 | 4) => editChunks(doc, WS_GUARD_MARK, (c) => (pick(c) ? release(v, c) : c));
  const tokenRoute = (c: string) => c.includes('\nlocal token_check = true\n');
  const ownRoute = (c: string) => !tokenRoute(c) && c.includes('\nlocal origin_check = "own"\n');
  const corsRoute = (c: string) => c.includes('\nlocal origin_check = {');

  it('every release text is gwc\'s, read as its guard and release; an edited one is not', () => {
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    expect([tokenRoute, ownRoute, corsRoute].map((p) => chunks.filter(p).length > 0)).toEqual([true, true, true]);
    for (const c of chunks) {
      const today = readWsGuardRelease(c)!;
      expect(today.release).toBe(5);
      for (const v of [1, 2, 3, 4] as const) {
        const old = release(v, c);
        expect(gwcChunk(old), `v${v}`).toBe(true);
        expect(readWsGuardRelease(old)?.guard, `v${v}`).toEqual(today.guard);
        // 2 and 3 wrote one text without the token check: it reads as 3; 4's is today's (5).
        expect(readWsGuardRelease(old)?.release, `v${v}`).toBe(v === 2 && !today.guard.token ? 3 : v === 4 && !today.guard.token ? 5 : v);
        expect(gwcChunk(old.replace('kong.response.exit(403', 'kong.response.exit(200')), `v${v} edited`).toBe(false);
        expect(gwcChunk(old.replace(/^local origin_check = .*$/m, 'local origin_check = {["x"] = true, y = 1}')), `v${v} origin line`).toBe(false);
      }
    }
    // A release's fixed text with today's other token line: not gwc's (the hash is per token check).
    const c = chunks.find(ownRoute)!;
    expect(gwcChunk(release(2, c).replace('local token_check = false', 'local token_check = true'))).toBe(false);
  });

  it('upgrade from any release: no security finding', () => {
    for (const v of [1, 2, 3, 4] as const) expect(rules(only(() => true, v), doc), `v${v}`).toEqual([]);
  });

  it('downgrade: the token check of every release before 68d8c453 is weaker (no marker element, AppSync carrier; v1-2 no padded JWT)', () => {
    for (const v of [1, 2, 3] as const) expect(rules(doc, only(tokenRoute, v)), `v${v}`).toContain('credential-unverified-passed');
  });

  it('downgrade: the token check of 68d8c453..KN21 is weaker (no credential word but access token and bearer: id_token, api_key, x-api-key passed)', () => {
    expect(rules(doc, only(tokenRoute, 4))).toContain('credential-unverified-passed');
  });

  it('downgrade: the own-origin check of 0cc9869d (no scheme) is weaker; of a3b8555f..d875111a (no default-port equality) is not', () => {
    expect(rules(doc, only(ownRoute, 1))).not.toEqual([]);
    expect(rules(doc, only(ownRoute, 2))).toEqual([]);
    expect(rules(doc, only(ownRoute, 3))).toEqual([]);
    // A CORS route's exact-origin table checked alike in every release.
    for (const v of [1, 2, 3, 4] as const) expect(rules(doc, only(corsRoute, v)), `v${v}`).toEqual([]);
    expect(rules(doc, only(ownRoute, 4))).toEqual([]);
  });

  it('removing today\'s guard still reads as the checks gone', () => {
    expect(rules(doc, editChunks(doc, WS_GUARD_MARK, () => undefined)).length).toBeGreaterThan(0);
  });
});
