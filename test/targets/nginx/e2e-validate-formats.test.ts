/**
 * Formats through a real nginx (#19): ajv-formats' regular expressions as ajv inlines them and the
 * runtime's ports of its functions, on a gateway whose only njs is validation (a public GET: no
 * auth, no body check), which must still load the njs module.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayOf } from '../../helpers/spec.js';
import { compileOrThrow, freePort, fullOptions, NGINX, pointAt, prefixDir, send, startNginx, startStub, writeFiles, type RunningNginx, type Stub } from './harness.js';

const FORMATS = ['uri', 'date-time', 'date', 'time', 'byte', 'hostname', 'ipv4', 'ipv6', 'duration', 'email', 'uuid', 'uri-reference', 'json-pointer'];
const SPEC = `openapi: 3.0.3
info: { title: t, version: "1" }
servers: [{ url: https://api.example.com }]
x-gateway:
  backends: { app: { url: http://app.internal:8080 } }
  defaults: { public: true, validate: true }
paths:
  /a:
    get:
      operationId: a
      responses: { '200': { description: ok } }
      parameters:
${FORMATS.map((f) => `        - { name: ${f}, in: query, schema: { type: string, format: ${f} } }`).join('\n')}
        - { name: i32, in: query, schema: { type: integer, format: int32 } }
`;

const ROWS: Array<[string, string, number]> = [
  ['uri', 'https://a.example/x?y=1#z', 200], ['uri', 'x:', 400], ['uri', 'no-scheme', 400],
  ['date-time', '2024-02-29T12:00:00Z', 200], ['date-time', '2024-02-30T12:00:00Z', 400], ['date-time', '2024-02-29T12:00:00', 400],
  ['date', '2024-02-29', 200], ['date', '2023-02-29', 400],
  ['time', '23:59:60Z', 200], ['time', '24:00:00Z', 400],
  ['byte', 'YWI=', 200], ['byte', 'YQ', 400],
  ['hostname', 'a.example.com', 200], ['hostname', 'a..b', 400],
  ['ipv4', '10.0.0.1', 200], ['ipv4', '10.0.0.256', 400],
  ['ipv6', '::1', 200], ['ipv6', ':::', 400],
  ['duration', 'P1DT2H', 200], ['duration', 'P', 400],
  ['email', 'a@b.co', 200], ['email', 'a@', 400],
  ['uuid', '123e4567-e89b-12d3-a456-426614174000', 200], ['uuid', '123e4567', 400],
  ['uri-reference', '/a/b?c', 200], ['uri-reference', '/a b', 400],
  ['json-pointer', '/a/~0b', 200], ['json-pointer', 'a', 400],
  ['i32', '2147483647', 200], ['i32', '2147483648', 400],
];

describe.skipIf(!NGINX)('validation formats through a real nginx', () => {
  let app: Stub;
  let ng: RunningNginx;
  beforeAll(async () => {
    app = await startStub('app');
    const { gateway, diagnostics } = await gatewayOf(SPEC);
    if (!gateway) throw new Error(diagnostics.map((d) => d.message).join('\n'));
    pointAt(gateway, { app });
    const dir = prefixDir();
    const port = await freePort();
    writeFiles(dir, compileOrThrow(gateway, fullOptions(dir, port)));
    ng = await startNginx(dir, port);
  });
  afterAll(async () => {
    await ng?.stop();
    await app?.close();
  });

  it('answers each value as ajv-formats does', async () => {
    const got: string[] = [];
    for (const [name, value] of ROWS) got.push(`${name} ${value}: ${(await send(ng.port, 'GET', `/a?${name}=${encodeURIComponent(value)}`, { host: 'api.example.com' })).status}`);
    expect(got).toEqual(ROWS.map(([n, v, s]) => `${n} ${v}: ${s}`));
    expect(ng.errorLog().split('\n').filter((l) => /\[(error|crit|alert|emerg)\]/.test(l))).toEqual([]);
  });
});
