/**
 * Red team 4 (redB), Kong query API keys and a name PHP truncates at NUL (class: credentials as PHP
 * reads them; key schemes merged with an unverified key). Not the array form (another engineer's).
 *
 * A query key (`?api_key=`) gets the query-spellings pre-function (src/targets/kong/query-spellings.ts),
 * which removes every pair a lenient backend reads as the key, by the one rule of
 * src/targets/query-names.ts (+ a space, %XX decoded, blanks trimmed, case folded, array form,
 * ' ' '.' '[' read as '_'). The rule has no NUL: PHP's php_register_variable_ex takes the decoded
 * name as a C string (`var_len = strlen(var_name)`, main/php_variables.c), so `api_key%00=forged`
 * (or `api_key%00x=`) is `$_GET['api_key']`, registered after the real pair, and PHP keeps the last:
 * Kong verifies alice's `api_key=key-a`, hides it (hide_credentials), and the backend reads
 * `api_key` = forged, a key no one verified (another consumer's, or an admin's the backend trusts
 * because the gateway "verified" it). Fix: QUERY_NAME_RULE ends a name at its first NUL (then the
 * Lua rendering and njs runtime follow the table, query-name-rule.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileGateway } from '../../src/api.js';
import { queryNameAsRead } from '../../src/targets/query-names.js';
import { gatewayOf } from '../helpers/spec.js';
import { evaluate, type DeckDoc } from '../targets/kong/kong-oracle.js';

const ok = '{ "200": { description: ok } }';
const SPEC = `openapi: 3.1.0
info: { title: k4qn, version: "1" }
servers: [{ url: "https://api.test/v1" }]
x-gateway:
  name: k4qn
  backends: { app: { url: "http://app.internal:8080" } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { qk: "\${env:A}" } }
paths:
  /q: { get: { operationId: q, security: [{ qk: [] }], responses: ${ok} } }
components:
  securitySchemes:
    qk: { type: apiKey, in: query, name: api_key }
`;
const env = { DECK_A: 'key-a' };
/** The value PHP's $_GET['api_key'] ends with (the last registration wins; name ends at NUL). */
const phpKey = (query: Record<string, string>) =>
  Object.entries(query).filter(([k]) => k.replace(/^ +/, '').split('\0')[0]!.split('[')[0]!.replace(/[ .]/g, '_') === 'api_key').map(([, v]) => v).pop();

describe('red team 4: Kong query key, api_key%00 beside the verified key', async () => {
  const loaded = await gatewayOf(SPEC);
  const built = compileGateway(loaded.gateway!, 'kong', {});
  const doc = parse(built.files.find((f) => f.path === 'kong.yaml')!.contents) as DeckDoc;
  const go = (rawQuery: string) => evaluate(doc, { method: 'GET', host: 'api.test', path: '/v1/q', rawQuery }, env);

  it('control: the verified key is hidden; api.key=forged (a PHP spelling in the rule) is removed', () => {
    const o = go('api_key=key-a');
    expect(o.status).toBe(200);
    expect(phpKey(o.upstream!.query)).toBeUndefined();
    const s = go('api_key=key-a&api.key=forged');
    if (s.status === 200) expect(phpKey(s.upstream!.query)).toBeUndefined();
  });

  it('the rule itself: api_key%00 is read as api_key (PHP ends a name at NUL)', () => {
    expect(queryNameAsRead('api_key%00')).toBe('api_key');
  });

  // Fixed (QUERY_NAME_RULE.nulEnds): the pre-function drops every pair the rule reads as api_key.
  // Variants: NUL after a folded, cased, blank-led, array or escaped spelling, and NUL runs.
  for (const q of ['api_key%00=forged', 'api_key%00x=forged', 'API_KEY%00=forged', 'api.key%00=forged', '+api_key%00=forged', 'api_key%00%00=forged', 'api_key%00[]=forged', 'api%5Fkey%00=forged', 'api_key%00%3D=forged']) {
    it(`?api_key=key-a&${q}: the backend never reads an unverified api_key`, () => {
      const o = go(`api_key=key-a&${q}`);
      if (o.status !== 200) return;
      expect(phpKey(o.upstream!.query)).toBeUndefined();
    });
  }

  it('control: a name a NUL cuts into another name stays (%00api_key is "", api%00_key is api)', () => {
    const o = go('api_key=key-a&%00api_key=x&api%00_key=y');
    expect(o.status).toBe(200);
    expect(Object.keys(o.upstream!.query).sort()).toEqual(['\0api_key', 'api\0_key']);
  });
});
