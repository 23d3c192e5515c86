/**
 * Red team 4 (redB), Traefik method override through a query name PHP truncates at NUL (class:
 * method override; credentials/names as PHP reads them). Not the leading-space form (another engineer).
 *
 * clears.ts keeps `_method` off an operation's routers with a rule guard over
 * METHOD_OVERRIDE_QUERY_FORMS (`_method`, `.method`, ` method`, `[method`, `_method[]`), each an exact
 * `QueryRegexp` key of Go's parsed query. PHP builds $_GET with php_register_variable_ex
 * (main/php_variables.c), which takes the decoded name as a C string, `var_len = strlen(var_name)`:
 * `?_method%00=DELETE` (also `_method%00x`) is `$_GET['_method'] = 'DELETE'`, and Laravel (method
 * parameter override on by default) / Symfony's Request::getMethod read it on a POST as the method.
 * Go keeps the key as `_method\x00`, no guard matches, and the POST router passes the request to
 * the backend, which runs DELETE /items, an admin-only operation, for a caller allowed only POST.
 * nginx refuses it (its runtime METHOD_KEY ends a name at `\x00`). The backend here says
 * `methodOverride: none` (its BODY's `_method` is never run; without it Traefik refuses the POST
 * beside the admin DELETE, traefik-body-method-override), and the schema promises "Query and header
 * overrides are refused or stripped on every target either way": this query form is not. Severity
 * lower than on Kong (redteam4-kong-override-nul), where no declaration is needed. Fix: the guard reads the name as
 * PHP does (QueryRegexp cannot match a key pattern: refuse a NUL in any query name, e.g. a router
 * rule on the raw query, or list `_method\x00`-prefixed keys Traefik can see).
 */
import { describe, expect, it } from 'vitest';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { compileCase } from '../targets/traefik/cases.js';
import { htpasswdFiles } from '../targets/traefik/operator.js';
import { send } from '../targets/traefik/traefik-oracle.js';

const ok = "{ '200': { description: ok } }";
const SPEC = `${HEAD}servers: [{ url: 'https://api.test/v1' }]
x-gateway:
  name: rt4nul
  backends: { app: { url: 'http://app.internal:8080', methodOverride: none } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { basic: { username: alice, password: '\${env:A}' } } }
    root: { groups: [admin], credentials: { basic: { username: root, password: '\${env:R}' } } }
paths:
  /items:
    post: { operationId: addItem, security: [{ basic: [] }], responses: ${ok} }
    delete: { operationId: dropItems, security: [{ basic: [admin] }], responses: ${ok} }
components:
  securitySchemes:
    basic: { type: http, scheme: basic }
`;
const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
/** The method name PHP reads from the query as `_method` (php_register_variable_ex: leading spaces dropped, name ends at NUL or `[`, ' ' and '.' read as '_'). */
function phpMethod(rawQuery: string): string | undefined {
  let out: string | undefined;
  for (const kv of rawQuery.split('&')) {
    const eq = kv.indexOf('=');
    const name = decodeURIComponent((eq < 0 ? kv : kv.slice(0, eq)).replace(/\+/g, ' ')).replace(/^ +/, '').split('\0')[0]!.split('[')[0]!.replace(/[ .]/g, '_');
    if (name === '_method') out = decodeURIComponent(eq < 0 ? '' : kv.slice(eq + 1));
  }
  return out;
}

describe('red team 4: Traefik, ?_method%00=DELETE on a POST', async () => {
  const { built } = await compileCase(writeSpec(SPEC));
  const config = built!.config as TraefikConfig;
  const files = htpasswdFiles(built!.result.files[0]!.contents, (n) => (n === 'R' ? 'pw-root' : 'pw-alice'));
  const post = (target: string) =>
    send(config, { method: 'POST', host: 'api.test', target, headers: { Authorization: basic('alice', 'pw-alice') }, tls: true }, { files });

  it('control: alice may POST, not DELETE; ?_method=DELETE on her POST never reaches the backend', () => {
    expect(post('/v1/items').status).toBe(200);
    expect(send(config, { method: 'DELETE', host: 'api.test', target: '/v1/items', headers: { Authorization: basic('alice', 'pw-alice') }, tls: true }, { files }).status).toBe(401);
    const o = post('/v1/items?_method=DELETE');
    expect(o.backend).toBeUndefined();
  });

  // Hole: the guard's QueryRegexp keys are exact; Go reads `_method\x00`, PHP reads `_method`.
  for (const q of ['_method%00=DELETE', '_method%00x=DELETE']) {
    it(`?${q}: alice's POST never reaches the backend with a method PHP reads as DELETE`, () => {
      const o = post(`/v1/items?${q}`);
      if (!o.backend) return;
      expect(phpMethod(o.backend.rawQuery)).toBeUndefined();
    });
  }
});
