/**
 * Precedence through a real nginx, held against the reference matcher (src/model/paths.ts):
 * overlapping templates at every depth (deeper than the `^~` nesting limit), concrete vs
 * templated, mixed segments, 404 and 405, with the routes given in precedence order and reversed.
 * Every URL over a small alphabet up to three segments is sent, plus deep ones.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comparePrecedence, matchRoute } from '../../../src/model/paths.js';
import type { Gateway, HttpMethod } from '../../../src/model/types.js';
import { compileOrThrow, freePort, fullOptions, NGINX, prefixDir, send, startNginx, startStub, writeFiles, type RunningNginx, type Stub } from './harness.js';
import { gateway, httpBackend, route } from './model.js';

const PATHS: Array<[string, HttpMethod[]]> = [
  ['/a/b/c', ['GET']],
  ['/a/{x}/c', ['GET', 'POST']],
  ['/{y}/b/c', ['GET']],
  ['/a/b/{z}', ['GET']],
  ['/{y}/{z}/{w}', ['GET', 'DELETE']],
  ['/a/{x}/{w}', ['GET']],
  ['/{y}/b/{w}', ['GET']],
  ['/a/b', ['GET']],
  ['/a/{x}', ['POST']],
  ['/{y}/b', ['GET']],
  ['/{y}', ['GET']],
  ['/files/{name}.json', ['GET']],
  ['/files/{name}', ['GET']],
  ['/x/y/z/w/{p}', ['GET']],
  ['/x/y/z/{q}/v', ['GET']],
  ['/x/{r}/z/w/v', ['GET']],
  ['/x/y/{s}/w/v', ['GET']],
  ['/{t}/y/z/w/v', ['GET']],
  ['/{t}/y/z/w/v/u', ['GET']],
  ['/a/b/{z}/q', ['GET']],
  ['/{y}/b/{w}/d', ['GET']],
  ['/c/', ['GET']],
  ['/c/{x}/', ['GET']],
];
const ALPHABET = ['a', 'b', 'c', 'd', 'q', 'x', 'files', 'n.json'];

function build(order: 'sorted' | 'reversed', port: number): Gateway {
  const routes = PATHS.flatMap(([path, methods], i) =>
    methods.map((m) => {
      const r = route(`r${i}${m}`, m, path);
      r.upstreamPath = { template: `/r${i}${r.params.map((p) => `/{${p}}`).join('')}`, loc: r.loc };
      return r;
    }),
  );
  routes.sort(comparePrecedence);
  if (order === 'reversed') routes.reverse();
  return gateway(routes, { backends: [httpBackend('app', '127.0.0.1', port)] });
}

function urls(): string[] {
  const out: string[] = [];
  const rec = (prefix: string[], depth: number) => {
    if (prefix.length > 0) out.push(`/${prefix.join('/')}`);
    if (depth === 0) return;
    for (const s of ALPHABET) rec([...prefix, s], depth - 1);
  };
  rec([], 4);
  out.push('/', '/c/', '/c/a/', '/c/a/b/', '/a/', '/files/', '/files/.json');
  for (const deep of ['/x/y/z/w/v', '/x/y/z/w/q', '/x/y/z/q/v', '/x/q/z/w/v', '/x/y/q/w/v', '/q/y/z/w/v', '/q/q/z/w/v', '/x/y/z/w/v/u', '/x/y/z/w', '/x/y/z/w/v/q', '/a/y/z/w/v/u'])
    out.push(deep);
  return out;
}

describe.skipIf(!NGINX)('precedence through a real nginx matches the reference matcher', () => {
  let stub: Stub;
  const running: Record<string, RunningNginx> = {};
  const reference = () => {
    const g = build('sorted', 0);
    return g;
  };

  beforeAll(async () => {
    stub = await startStub('app');
    for (const order of ['sorted', 'reversed'] as const) {
      const dir = prefixDir();
      const port = await freePort();
      writeFiles(dir, compileOrThrow(build(order, stub.port), fullOptions(dir, port)));
      running[order] = await startNginx(dir, port);
    }
  });
  afterAll(async () => {
    for (const n of Object.values(running)) await n.stop();
    await stub?.close();
  });

  it.each(['sorted', 'reversed'])('routes in %s order', async (order) => {
    const ng = running[order]!;
    const g = reference();
    const mismatches: string[] = [];
    for (const url of urls()) {
      for (const method of ['GET', 'POST'] as const) {
        const want = matchRoute(g, method, url);
        const got = await send(ng.port, method, url, {}, method === 'POST' ? '' : undefined);
        if ('route' in want) {
          const i = want.route.id.match(/^r(\d+)/)![1];
          const expected = `/r${i}${want.route.params.map((p) => `/${want.params[p]}`).join('')}`;
          const path = got.status === 200 ? got.json().path : `status ${got.status}`;
          if (path !== expected) mismatches.push(`${method} ${url}: want ${expected} got ${path}`);
        } else if (got.status !== want.status || (want.status === 405 && got.headers.allow !== want.allow.join(', '))) {
          mismatches.push(`${method} ${url}: want ${want.status} ${want.allow.join(',')} got ${got.status} ${got.headers.allow ?? ''}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });
});
