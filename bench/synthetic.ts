/**
 * Synthetic specs of N operations with auth, limits and parameters on every route: resources
 * /rK, /rK/{id}, /rK/{id}/items/{itemId}, four methods each where it makes sense, a literal
 * sibling (/rK/search) next to every template so precedence matters everywhere.
 */
import { stringify } from 'yaml';

export function syntheticSpec(operations: number): string {
  const paths: Record<string, Record<string, unknown>> = {};
  let count = 0;
  const op = (id: string, params: string[]) => ({
    operationId: id,
    security: count % 3 === 0 ? [{ key: [] }, { basic: [] }] : [{ key: [] }],
    parameters: params.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
    'x-gateway': { rateLimit: { requests: 100 + (count % 50), per: 'minute' }, bodyLimit: '1m' },
    responses: { '200': { description: 'ok' } },
  });
  for (let k = 0; count < operations; k++) {
    const shapes: Array<[string, string[], string[]]> = [
      [`/r${k}`, ['get', 'post'], []],
      [`/r${k}/search`, ['get'], []],
      [`/r${k}/{id}`, ['get', 'put', 'delete'], ['id']],
      [`/r${k}/{id}/items/{itemId}`, ['get', 'delete'], ['id', 'itemId']],
    ];
    for (const [path, methods, params] of shapes) {
      for (const m of methods) {
        if (count >= operations) break;
        (paths[path] ??= {})[m] = op(`${m}R${k}${path.replace(/[^A-Za-z]/g, '')}`, params);
        count++;
      }
    }
  }
  return stringify({
    openapi: '3.1.0',
    info: { title: `Synthetic ${operations}`, version: '1.0.0' },
    servers: [{ url: 'https://api.example.com/v1' }],
    'x-gateway': {
      name: `synthetic-${operations}`,
      backends: { app: { url: 'http://app.internal:8080', timeout: '5s' } },
      consumers: { c1: { credentials: { key: '${env:C1_KEY}', basic: { username: 'u1', password: '${env:C1_PASSWORD}' } } } },
    },
    paths,
    components: {
      securitySchemes: {
        key: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
        basic: { type: 'http', scheme: 'basic' },
      },
    },
  });
}
