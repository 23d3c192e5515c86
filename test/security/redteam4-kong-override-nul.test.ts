/**
 * Red team 4 (redB), Kong method override through a name PHP truncates at NUL (class: method
 * override; names as PHP reads them). Not the leading-space form nor multipart quoted names
 * (another engineer's).
 *
 * Kong removes `_method` (METHOD_OVERRIDE_QUERY_FORMS: `_method`, `.method`, ` method`, `[method`,
 * `_method[]`) from the query and from form/multipart/JSON bodies with request-transformer
 * (policies.ts requestTransformer, `remove.querystring` / `remove.body`), which deletes exact decoded
 * names (kong/plugins/request-transformer/access.lua). PHP registers query and form names with
 * php_register_variable_ex (main/php_variables.c), which takes the decoded name as a C string
 * (`var_len = strlen(var_name)`): `_method%00=DELETE` and `_method%00x=DELETE` are
 * `$_GET['_method']` / `$_POST['_method']` = 'DELETE', and Laravel (method override on by default)
 * and Symfony's Request::getMethod run DELETE for that POST. Kong keeps the name `_method\0`, so
 * alice, allowed to POST /items but not DELETE it (admin role), has the backend run DELETE /items.
 * No declaration is needed on Kong (it reads bodies and never refuses the pair as Traefik does).
 * nginx refuses it (runtime METHOD_KEY ends a name at `\x00`). Fix: a pre-function (as
 * query-spellings.ts does for keys) removing every query/body name PHP reads as `_method`
 * (NUL-truncated, leading blanks, `.`/` `/`[` folded), or refusing such a request (400).
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileGateway } from '../../src/api.js';
import { gatewayOf } from '../helpers/spec.js';
import { evaluate, type DeckDoc } from '../targets/kong/kong-oracle.js';

const ok = '{ "200": { description: ok } }';
const SPEC = `openapi: 3.1.0
info: { title: k4nul, version: "1" }
servers: [{ url: "https://api.test/v1" }]
x-gateway:
  name: k4nul
  backends: { app: { url: "http://app.internal:8080" } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { key: "\${env:A}" } }
    root: { groups: [admin], credentials: { key: "\${env:R}" } }
paths:
  /items:
    post: { operationId: addItem, security: [{ key: [] }], responses: ${ok} }
    delete: { operationId: dropItems, security: [{ key: [admin] }], responses: ${ok} }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: X-Api-Key }
`;
const env = { DECK_A: 'key-a', DECK_R: 'key-r' };
/** A name as PHP registers it: leading spaces dropped, ends at NUL or '[', ' ' and '.' read as '_'. */
const phpName = (n: string) => n.replace(/^ +/, '').split('\0')[0]!.split('[')[0]!.replace(/[ .]/g, '_');

describe('red team 4: Kong, _method%00 in the query or a form body of a POST', async () => {
  const loaded = await gatewayOf(SPEC);
  const built = compileGateway(loaded.gateway!, 'kong', {});
  const doc = parse(built.files.find((f) => f.path === 'kong.yaml')!.contents) as DeckDoc;
  const post = (rawQuery: string, body?: string) =>
    evaluate(doc, {
      method: 'POST', host: 'api.test', path: '/v1/items', rawQuery,
      headers: { 'x-api-key': 'key-a', ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) }, ...(body ? { body } : {}),
    }, env);

  it('control: alice may POST, not DELETE; _method=DELETE is removed from her query and body', () => {
    expect(built.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(evaluate(doc, { method: 'DELETE', host: 'api.test', path: '/v1/items', headers: { 'x-api-key': 'key-a' } }, env).status).toBe(403);
    const q = post('_method=DELETE');
    expect(q.status).toBe(200);
    expect(Object.keys(q.upstream!.query).map(phpName)).not.toContain('_method');
    const b = post('', '_method=DELETE&name=x');
    expect(Object.keys(b.upstream!.bodyFields ?? {}).map(phpName)).not.toContain('_method');
  });

  // Fixed: the name-readings pre-function (c5c4caf) reads names by the query-name rule, which ends a
  // name at NUL (08562f9). Variants: case, PHP folds, blanks, NUL runs, escapes, array forms.
  for (const q of ['_method%00=DELETE', '_method%00x=DELETE', '_METHOD%00=DELETE', '.method%00=DELETE', '+_method%00=DELETE', '_method%00%00=DELETE', '_method%00[]=DELETE', '%5Fmethod%00=DELETE', '_method%00%3D=DELETE']) {
    // Was a hole: request-transformer removes exact names; PHP reads `_method\0...` as `_method`.
    it(`query ?${q}: no name PHP reads as _method reaches the backend`, () => {
      const o = post(q);
      if (o.status !== 200) return;
      expect(Object.keys(o.upstream!.query).map(phpName)).not.toContain('_method');
    });
    // Was a hole: the same name in a urlencoded form body (remove.body is exact too).
    it(`form body ${q}: no field PHP reads as _method reaches the backend`, () => {
      const o = post('', `${q}&name=x`);
      if (o.status !== 200) return;
      expect(Object.keys(o.upstream!.bodyFields ?? {}).map(phpName)).not.toContain('_method');
    });
  }
});
