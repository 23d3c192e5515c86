/**
 * Red team 20, class: Kong-compatible input reads a plugin disabled on a path or operation as
 * taking away the document's plugin of that name (src/input/kong/plugins.ts effective(): the
 * nearest level wins, then `enabled: false` is skipped with a warning, kong-extension-ignored).
 *
 * That is not what the spec means where it came from. openapi2kong puts document-level plugins on
 * the SERVICE and path/operation ones on the ROUTE (go-apiops openapi2kong; its examples: "The
 * document level plugins end up on the service. The path and operation level plugins on the
 * route"), and Kong never lets a disabled plugin stand in for an enabled one of a wider scope:
 * kong/runloop/plugins_iterator.lua should_process_plugin skips `enabled: false` plugins outright,
 * so the service's plugin runs on that route (Kong/kong#1882, maintainer: a disabled plugin on an
 * API is not exempt from the global one, "Kong does not support such a use case"; #5233 likewise
 * for a service plugin and one of its routes). On Kong, as deployed from this spec, the operation
 * keeps the document's plugin. gwc builds it without, on every target, with a warning only:
 *
 * - `x-kong-plugin-key-auth` on the document, `{ enabled: false }` on an operation that also says
 *   `security: [{ basic: [] }]`: Kong asks a key AND the password; gwc asks the password only
 *   (nginx, real: bob's password alone gets 200 and the backend).
 * - `x-kong-plugin-ip-restriction` (allow 10.0.0.0/8) on the document, disabled on an operation:
 *   Kong keeps the office-only rule; gwc answers the internet (nginx, real: 200 from 127.0.0.1).
 * - `x-kong-plugin-request-termination` (403) on the document, disabled on an operation: Kong
 *   answers 403; gwc sends the operation to its backend.
 *
 * Suggested fix: per plugin name, the route's plugin (operation, else path) wins only while it is
 * enabled; a disabled one leaves the document's in force (Kong's service plugin), with a warning
 * at `enabled` saying so. A disabled path or operation plugin with no document plugin of that name
 * stays a no-op (the same as Kong). Access plugins an author truly wants off for one operation
 * are then written the gwc way (x-gateway on that operation), never inferred from `enabled: false`.
 *
 * Fixed (src/input/kong/plugins.ts effective): a path or operation plugin with `enabled: false`
 * leaves the document's plugin of that name in force, as Kong does, with a warning at `enabled`;
 * all 4 it.fails are it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayOf } from '../helpers/spec.js';
import { basic, HOST, NGINX, startLab, type AuthLab } from './helpers/nginx-auth.js';

const KEY = 'alice-key-rt20-kong-input-0123';
const PW = 'bob-password-rt20';
const ok = '{ "200": { description: ok } }';
const SPEC = `openapi: 3.1.0
info: { title: rt20 kong disabled, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-kong-plugin-key-auth:
  config: { key_names: [x-api-key] }
x-kong-plugin-ip-restriction:
  config: { allow: [127.0.0.0/8, 10.0.0.0/8] }
x-gateway:
  name: rt20kin
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    bob: { credentials: { basic: { username: bob, password: "\${env:BOB_PW}" } } }
paths:
  /reports:
    get:
      operationId: reports
      security: [{ basic: [] }]
      x-kong-plugin-key-auth: { enabled: false }
      responses: ${ok}
  /board:
    get:
      operationId: board
      security: [{ basic: [] }]
      x-kong-plugin-ip-restriction: { enabled: false }
      responses: ${ok}
  /closed:
    get:
      operationId: closed
      security: [{ basic: [] }]
      x-kong-plugin-request-termination: { enabled: false }
      responses: ${ok}
  /office:
    get: { operationId: office, security: [{ basic: [] }], responses: ${ok} }
components:
  securitySchemes:
    basic: { type: http, scheme: basic }
`;
/** The termination variant: the document's request-termination on every operation. */
const CLOSED = SPEC.replace('x-kong-plugin-key-auth:\n  config: { key_names: [x-api-key] }\n', 'x-kong-plugin-request-termination:\n  config: { status_code: 403, message: closed }\n');

const route = async (spec: string, id: string) => {
  const loaded = await gatewayOf(spec);
  return { refused: !loaded.gateway || loaded.diagnostics.some((d) => d.severity === 'error'), route: loaded.gateway?.routes.find((r) => r.id === id) };
};

describe('red team 20: a disabled x-kong plugin on an operation does not take away the document one', () => {
  it('key-auth: the operation still needs the key beside the password (or the build is refused)', async () => {
    const { refused, route: r } = await route(SPEC, 'reports');
    if (refused) return;
    expect(r!.security.every((alt) => alt.some((i) => i.scheme.startsWith('kong-apikey')))).toBe(true);
  });

  it('ip-restriction: the operation keeps the allow list (or the build is refused)', async () => {
    const { refused, route: r } = await route(SPEC, 'board');
    if (refused) return;
    expect(r!.policy.ipRule?.allow).toEqual(['127.0.0.0/8', '10.0.0.0/8']);
  });

  it('request-termination: the operation is still answered by the termination (or the build is refused)', async () => {
    const { refused, route: r } = await route(CLOSED, 'closed');
    if (refused) return;
    expect(r!.backend.startsWith('kong-termination')).toBe(true);
  });

  it('control: an operation without the disabled plugin gets all three document plugins', async () => {
    const { route: office } = await route(SPEC, 'office');
    expect(office!.security).toEqual([[{ scheme: 'basic', scopes: [] }, { scheme: 'kong-apikey', scopes: [] }]]);
    expect(office!.policy.ipRule?.allow).toEqual(['127.0.0.0/8', '10.0.0.0/8']);
    expect((await route(CLOSED, 'office')).route!.backend.startsWith('kong-termination')).toBe(true);
  });
});

describe.skipIf(!NGINX)('red team 20, nginx (real requests): the operation with key-auth disabled', () => {
  let lab: AuthLab;
  beforeAll(async () => {
    lab = await startLab(SPEC, { env: { BOB_PW: PW } });
  });
  afterAll(async () => lab?.stop());

  // Now: 200 and the backend is asked, with bob's password and no key (Kong: 401, no key).
  it('bob with his password and no key does not reach the backend of /v1/reports', async () => {
    const { r, hits } = await lab.call('GET', '/v1/reports', basic('bob', PW));
    expect(hits).toEqual([]);
    expect(r.status).toBe(401);
  });

  it('control: the same caller on /v1/office (no disabled plugin) is 401 without the key', async () => {
    const { r, hits } = await lab.call('GET', '/v1/office', basic('bob', PW));
    expect(r.status).toBe(401);
    expect(hits).toEqual([]);
  });
});
