/**
 * #21: x-kong-route-defaults.strip_path became an empty upstream path (nginx refused an
 * `upstreamPath ""` the user never wrote, gwc routes showed none): it is the backend's path alone.
 */
import { describe, expect, it } from 'vitest';
import { buildTarget } from '../../src/api.js';
import { HEAD, writeSpec } from '../helpers/spec.js';

const spec = (server: string) => `${HEAD}servers: [{ url: ${server} }]
x-kong-route-defaults: { strip_path: true }
paths:
  /things/{id}:
    get:
      operationId: thing
      x-gateway: { public: true }
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses: { '200': { description: ok } }
`;

describe('x-kong strip_path', () => {
  it('is the upstream path "/" and builds on nginx and Kong', async () => {
    const file = writeSpec(spec('https://app.example.com'));
    for (const target of ['nginx', 'kong']) {
      const b = await buildTarget(file, { target });
      expect(b.diagnostics.filter((d) => d.severity !== 'info'), target).toEqual([]);
      expect(b.gateway!.routes[0]!.upstreamPath?.template).toBe('/');
    }
  });

  it('with a backend path, the trailing slash Kong would not send is said', async () => {
    const b = await buildTarget(writeSpec(spec('https://app.example.com/api')), { target: 'nginx' });
    const d = b.diagnostics.find((x) => x.code === 'kong-strip-path-slash')!;
    expect(d.params).toEqual({ route: 'thing', path: '/api' });
    expect(d.position).toEqual({ line: 4, column: 26 });
  });
});
