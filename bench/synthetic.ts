/**
 * Synthetic specs of N operations with auth, limits and parameters on every route: resources
 * /rK, /rK/{id}, /rK/{id}/items/{itemId}, four methods each where it makes sense, a literal
 * sibling (/rK/search) next to every template so precedence matters everywhere.
 *
 * Written the way a user who builds to all four targets would write it (fixtures/portable):
 * - every route needs an API key; the scheme names an x-gateway.forwardAuth service, which Traefik
 *   uses because open-source Traefik has no API key middleware. (Alternatives such as key OR basic
 *   are not portable: AWS REST APIs have no basic auth and one authorizer per method.)
 * - every route has a rate limit (a few distinct values, as real plans do) and a body limit; AWS
 *   REST APIs have a fixed 10 MB payload limit, so that gap is accepted for aws in x-gateway.accept,
 *   which is what lint reports and a user has to write on purpose.
 * AWS's own ceilings (1 MB template, 500 resources per stack) still refuse the largest specs: the
 * bench reports that refusal as expected rather than hiding it.
 */
import { stringify } from 'yaml';

export function syntheticSpec(operations: number): string {
  const paths: Record<string, Record<string, unknown>> = {};
  let count = 0;
  const op = (id: string, params: string[]) => ({
    operationId: id,
    security: [{ key: [] }],
    parameters: params.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
    'x-gateway': { rateLimit: { requests: 100 * (1 + (count % 5)), per: 'minute' }, bodyLimit: '1m' },
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
      defaults: { backend: 'app' },
      consumers: { c1: { credentials: { key: '${env:C1_KEY}' } } },
      accept: { aws: [{ feature: 'bodyLimit', reason: 'REST APIs cap payloads at 10 MB; the backends check 1 MB themselves' }] },
    },
    paths,
    components: {
      securitySchemes: {
        key: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Api-Key',
          'x-gateway': { forwardAuth: { url: 'http://keys.internal:9000/check' } },
        },
      },
    },
  });
}
