/**
 * DESIGN.md 7.5, one definition of a path parameter value (src/targets/param-value.ts) held on
 * every target that can restrict it: nginx (real requests and the regexes it writes), Kong (its
 * oracle and route paths), Traefik (its oracle and PathRegexp rules). Red team 16 found nginx's
 * `[^/]+` routing `..\admin\1` (sent `%5C` or raw) and a literal `%` (`%252e%252e%252f`) where Kong
 * and Traefik refused them: a backend reading `\` as `/` (IIS/http.sys, Tomcat allowBackslash) or
 * decoding again resolved the value to a keyed route. The drift test below evaluates each target's
 * emitted parameter regex over every ASCII character and the dot values, against the one predicate.
 *
 * API Gateway cannot restrict a value (a resource `{x}` takes any segment); aws/confusable.ts
 * refuses the routes a value could turn into others there, reading `\` and a second `%` decoding
 * as a separator beside `..` (see the AWS block at the end).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileGateway } from '../../src/api.js';
import { jsRegex } from '../../src/diff/regex-dialect.js';
import { paramValueAllowed } from '../../src/targets/param-value.js';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { gatewayOf, writeSpec } from '../helpers/spec.js';
import { evaluate, type DeckDoc } from '../targets/kong/kong-oracle.js';
import { allRoutes } from '../targets/kong/kong-router.js';
import { compileCase } from '../targets/traefik/cases.js';
import { send } from '../targets/traefik/traefik-oracle.js';
import { AwsOracle } from '../targets/aws/oracle.js';
import { lint } from '../../src/lint/index.js';
import { HOST, NGINX, startPolicyLab, type PolicyLab } from './helpers/nginx-policies.js';

const ok = '{ "200": { description: ok } }';
const SPEC = `openapi: 3.1.0
info: { title: param value guard, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: pvg
  backends: { echo: { url: "http://echo.internal:8080", pathMatching: exact } }
  defaults: { backend: echo }
paths:
  /public/me: { get: { operationId: mine, security: [{ key: [] }], responses: ${ok} } }
  /public/{file}: { get: { operationId: pub, x-gateway: { public: true }, responses: ${ok} } }
  /mixed/{name}.{ext}: { get: { operationId: mixed, x-gateway: { public: true }, responses: ${ok} } }
  /admin/{id}: { get: { operationId: adminOnly, security: [{ key: [] }], responses: ${ok} } }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: X-Api-Key, x-gateway: { forwardAuth: { url: "http://auth.internal/k" } } }
`;

/** Hostile values as sent on the wire, and the value the gateway matches (decoded once). */
const HOSTILE: Array<[wire: string, decoded: string]> = [
  ['..%5Cadmin%5C1', '..\\admin\\1'],
  ['..%5cadmin%5c1', '..\\admin\\1'],
  ['..\\admin\\1', '..\\admin\\1'],
  ['a%5Cb', 'a\\b'],
  ['%252e%252e%252fadmin%252f1', '%2e%2e%2fadmin%2f1'],
  ['%25', '%'],
  ['a%255Cb', 'a%5Cb'],
  ['me%3B', 'me;'],
  ['me;x', 'me;x'],
  ['..;', '..;'],
  ['me%00', 'me\0'],
  ['me%0A', 'me\n'],
  ['me%09', 'me\t'],
  ['me%1F', 'me\x1f'],
  ['me%7F', 'me\x7f'],
];
/** Dot segments and encoded slashes: each gateway resolves or splits them before matching (no value at all). */
const RESOLVED = ['%2e', '%2E%2E', '.%2e', 'a%2Fb', '..%2Fadmin%2F1', '%2e%2e%2fadmin%2f1'];
const REFUSED = [...HOSTILE.map(([w]) => w), ...RESOLVED];
/** Values every target routes: ordinary text, leading dots, non-ASCII (NFKC spellings of `/` `\` `.` included: no backend here applies NFKC). */
const ROUTED: Array<[wire: string, decoded: string]> = [
  ['report.pdf', 'report.pdf'],
  ['.hidden', '.hidden'],
  ['..x', '..x'],
  ['...', '...'],
  ['a%20b', 'a b'],
  ['a+b:c@d', 'a+b:c@d'],
  ['caf%C3%A9', 'café'],
  ['a%EF%BC%8Fb', 'a\uff0fb'],
  ['a%EF%BC%BCb', 'a\uff3cb'],
  ['%EF%BC%8E%EF%BC%8E', '\uff0e\uff0e'],
];

describe('the shared definition of a parameter value', () => {
  it('refuses every hostile value and routes the ordinary ones', () => {
    for (const [, v] of HOSTILE) expect(paramValueAllowed(v), JSON.stringify(v)).toBe(false);
    for (const v of ['', '.', '..', 'a/b']) expect(paramValueAllowed(v), JSON.stringify(v)).toBe(false);
    for (const [, v] of ROUTED) expect(paramValueAllowed(v), v).toBe(true);
  });
});

/** The parameter regex of `/v1/public/{file}` as each target wrote it, read back into JavaScript. */
async function emittedRegexes(): Promise<Record<string, RegExp>> {
  const g = (await gatewayOf(SPEC)).gateway!;
  const conf = compileGateway(g, 'nginx', {}).files.find((f) => f.path.endsWith('.conf') && f.path.startsWith('conf.d/'))!.contents;
  const quoted = /location ~ "(\^\/v1\/public\/(?:[^"\\]|\\.)*)"/.exec(conf)![1]!;
  const nginx = quoted.replace(/\\(["'\\])/g, '$1');
  const kongDoc = parse(compileGateway(g, 'kong', {}).files.find((f) => f.path === 'kong.yaml')!.contents) as DeckDoc;
  const kongPaths = allRoutes(kongDoc).flatMap((r) => r.paths ?? []);
  const kong = kongPaths.find((p) => p.startsWith('~/v1/public/('))!.slice(1);
  const { built } = await compileCase(writeSpec(SPEC));
  const rules = Object.values((built!.config as TraefikConfig).http.routers).map((r) => r.rule);
  const traefik = /PathRegexp\(`(\^\/v1\/public\/[^`]*)`\)/.exec(rules.find((r) => r.includes('/v1/public/('))!)![1]!;
  return { nginx: jsRegex(nginx)!, kong: jsRegex(`^${kong}`)!, traefik: jsRegex(traefik)! };
}

describe('no target drifts from the shared definition (its emitted regex over every ASCII character)', () => {
  let res: Record<string, RegExp>;
  beforeAll(async () => {
    res = await emittedRegexes();
  });
  const values: string[] = ['.', '..', '...', '.x', '..x', 'x', ...[...Array(128).keys()].flatMap((c) => [String.fromCharCode(c), `a${String.fromCharCode(c)}`, `..${String.fromCharCode(c)}`])];
  for (const target of ['nginx', 'kong', 'traefik']) {
    it(`${target}: matches a value exactly when paramValueAllowed does`, () => {
      const differ = values.filter((v) => res[target]!.test(`/v1/public/${v}`) !== paramValueAllowed(v));
      expect(differ.map((v) => JSON.stringify(v))).toEqual([]);
    });
  }
});

describe('kong and traefik oracles: a hostile value takes no public route', () => {
  let kong: DeckDoc;
  let traefik: TraefikConfig;
  beforeAll(async () => {
    const g = (await gatewayOf(SPEC)).gateway!;
    kong = parse(compileGateway(g, 'kong', {}).files.find((f) => f.path === 'kong.yaml')!.contents) as DeckDoc;
    traefik = (await compileCase(writeSpec(SPEC))).built!.config as TraefikConfig;
  });
  const kongHit = (path: string) => {
    const o = evaluate(kong, { method: 'GET', host: HOST, path });
    return o.status === 200 ? o.upstream?.path : undefined;
  };
  const traefikHit = (target: string) => {
    const o = send(traefik, { method: 'GET', host: HOST, target, tls: true }, { auth: {} });
    return o.status === 200 ? o.backend?.path : undefined;
  };
  for (const wire of REFUSED) {
    for (const path of [`/v1/public/${wire}`, `/v1/mixed/${wire}.txt`]) {
      it(`${path}: no backend reached anonymously`, () => {
        expect(kongHit(path), 'kong').toBeUndefined();
        if (!wire.includes('\\')) expect(traefikHit(path), 'traefik').toBeUndefined();
      });
    }
  }
  for (const [wire] of ROUTED) {
    it(`control: /v1/public/${wire} reaches the backend on both`, () => {
      expect(kongHit(`/v1/public/${wire}`), 'kong').toBeDefined();
      expect(traefikHit(`/v1/public/${wire}`), 'traefik').toBeDefined();
    });
  }
});

describe.skipIf(!NGINX)('nginx (real requests): a hostile value takes no public route', () => {
  let lab: PolicyLab;
  beforeAll(async () => {
    lab = await startPolicyLab(SPEC, { forward: { key: () => ({ status: 401 }) } });
  });
  afterAll(async () => lab?.stop());

  it('every hostile or resolved value: no backend hit, 4xx', async () => {
    const reached: string[] = [];
    for (const wire of REFUSED) {
      for (const path of [`/v1/public/${wire}`, `/v1/mixed/${wire}.txt`]) {
        const { r, hits } = await lab.call('GET', path);
        if (hits.length > 0 || r.status < 400 || r.status >= 500) reached.push(`${path} -> ${r.status} ${hits.map((h) => h.path).join(',')}`);
      }
    }
    expect(reached).toEqual([]);
  });

  // PCRE's `$` matches before a final newline too: `^/v1/public/(?<gwc_p0>...)$` took `me\n` with
  // the capture `me`, and the public route forwarded /public/me, the keyed literal route's path.
  it('a trailing %0A never turns a public value into the keyed literal beside it', async () => {
    expect((await lab.call('GET', '/v1/public/me')).hits).toEqual([]);
    for (const p of ['/v1/public/me%0A', '/v1/public/me%0D%0A', '/v1/mixed/a.txt%0A']) {
      const { r, hits } = await lab.call('GET', p);
      expect(hits.map((h) => h.path), p).toEqual([]);
      expect(r.status, p).toBeGreaterThanOrEqual(400);
    }
  });

  it('control: ordinary values, leading dots and non-ASCII reach the backend', async () => {
    for (const [wire] of ROUTED) {
      const { r, hits } = await lab.call('GET', `/v1/public/${wire}`);
      expect(r.status, wire).toBe(200);
      expect(hits.length, wire).toBe(1);
    }
    const { hits } = await lab.call('GET', '/v1/mixed/a.b.txt');
    expect(hits.map((h) => h.path)).toEqual(['/mixed/a.b.txt']);
    expect((await lab.call('GET', '/v1/admin/1')).hits).toEqual([]);
  });
});

/** The path a backend that decodes %XX and reads `\` as `/` (IIS/http.sys) routes on, dot segments resolved. */
function backslashReading(url: string): string {
  const decoded = decodeURIComponent(new URL(url).pathname).replace(/\\/g, '/');
  const out: string[] = [];
  for (const seg of decoded.split('/').slice(1)) {
    if (seg === '..') out.pop();
    else if (seg !== '.') out.push(seg);
  }
  return `/${out.join('/')}`;
}

const AWS_SPEC = `openapi: 3.0.3
info: { title: param value guard aws, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: pvga
  backends: { echo: { url: "https://echo.example.com" } }
  defaults: { backend: echo }
paths:
  /public/{file}: { get: { operationId: pub, x-gateway: { public: true }, responses: ${ok} } }
  /admin/{id}: { get: { operationId: adminOnly, security: [{ key: [] }], responses: ${ok} } }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: x-api-key }
`;

/** Each hostile spelling of `..\\admin\\1` (and its `%25` second level) as a REST client sends it. */
const AWS_HOSTILE = ['..%5Cadmin%5C1', '..%5cadmin%5c1', '..\\admin\\1', '..%5C..%5Cadmin%5C1', '%252e%252e%252fadmin%252f1', '..%255Cadmin%255C1'];

/** A backend that decodes %XX twice (behind another proxy, or a framework decoding a route value again) and reads `\` as `/`. */
function twiceDecodedReading(url: string): string {
  return backslashReading(`https://x${decodeURIComponent(new URL(url).pathname)}`);
}

const awsBuild = async (text: string, options: Record<string, string> = {}) => {
  const { gateway, spec } = await gatewayOf(text);
  return compileGateway(gateway!, 'aws', options, spec);
};
const confusable = (ds: Array<{ code: unknown; loc?: { pointer: string }; params: unknown }>) => ds.filter((d) => d.code === 'aws-path-param-confusable').map((d) => ({ pointer: d.loc?.pointer, params: d.params }));

describe('aws (REST, oracle): API Gateway cannot restrict a parameter value, so the pair is refused', () => {
  // API Gateway matches the decoded path (a resource {file} takes any one segment) and substitutes
  // the value into the http_proxy URI; request validation checks presence, never a pattern. A `\`
  // (sent %5C or raw) is text to API Gateway and '/' to IIS/http.sys or Tomcat (allowBackslash),
  // which then resolve `..`: `/public/..\admin\1` is /admin/1. A value sent with %25 is %2e%2e%2f
  // to a backend decoding once more: ../admin/1. confusable.ts reads a REST http_proxy value as
  // '/' and '..' together (as an HTTP API's) unless the backend says it never resolves dot
  // segments (dotSegments: rejected): a public {param} route beside a more protected route of the
  // same origin and method is refused at the templated route, in build and lint.
  it('refused at the public route (aws-path-param-confusable, "..%5C"); nothing is written', async () => {
    const built = await awsBuild(AWS_SPEC);
    expect(confusable(built.diagnostics)).toEqual([
      {
        pointer: '/paths/~1public~1{file}/get',
        params: { route: 'pub', param: 'file', other: 'adminOnly', upstream: '/public/{file}', value: '"..%5C" (a backslash: IIS and Tomcat read it as "/")', backend: 'echo' },
      },
    ]);
    expect(built.files).toEqual([]);
  });

  it('lint --target aws reports it at the same place', async () => {
    const file = writeSpec(AWS_SPEC);
    const linted = (await lint(file, { target: 'aws' })).diagnostics.filter((d) => d.code === 'aws-path-param-confusable');
    expect(linted.map((d) => [d.loc?.pointer, d.severity, d.position?.line])).toEqual([['/paths/~1public~1{file}/get', 'error', 9]]);
  });

  // What the refusal stands for: the same pair, declared (on the user's word), built and sent
  // through the oracle; every spelling reaches /admin/1 on an IIS-like backend anonymously.
  it('the mechanism: built anyway (dotSegments: rejected stated), every spelling reaches /admin/1 on an IIS-like backend', async () => {
    const built = await awsBuild(AWS_SPEC.replace('url: "https://echo.example.com"', 'url: "https://echo.example.com", dotSegments: rejected'));
    expect(confusable(built.diagnostics)).toEqual([]);
    const o = new AwsOracle(JSON.parse(built.files.find((f) => f.path.endsWith('.json'))!.contents));
    for (const wire of AWS_HOSTILE) {
      const d = o.request({ method: 'GET', path: `/public/${wire}` });
      expect(d.status, wire).toBe(200);
      expect([backslashReading(d.upstream!.url), twiceDecodedReading(d.upstream!.url)], wire).toContain('/admin/1');
    }
  });

  it('variants refused the same way: HEAD beside GET, another keyed route, a prefix, two parameters', async () => {
    const variants: Array<[string, string]> = [
      ['head', AWS_SPEC.replace('/public/{file}: { get:', '/public/{file}: { head:')],
      ['prefixed', AWS_SPEC.replace('/public/{file}:', '/files/v1/{file}:')],
      ['two params', AWS_SPEC.replace('/public/{file}:', '/public/{a}/{file}:')],
      ['other keyed', AWS_SPEC.replace('/admin/{id}:', '/internal/reports/2024/{id}:')],
    ];
    for (const [name, text] of variants) expect(confusable((await awsBuild(text)).diagnostics).map((d) => d.params), name).toHaveLength(1);
  });

  it('HTTP API: refused too (a value is decoded again: %255C is \\, %252F is /)', async () => {
    const http = AWS_SPEC.replace('key: { type: apiKey, in: header, name: x-api-key }', "key: { type: openIdConnect, openIdConnectUrl: 'https://id.example.com/.well-known/openid-configuration', x-gateway: { issuer: 'https://id.example.com/', audiences: [api], hideCredentials: false } }");
    const built = await awsBuild(http, { api: 'http' });
    expect(built.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['aws-path-param-confusable']);
    expect(confusable(built.diagnostics).map((d) => d.pointer)).toEqual(['/paths/~1public~1{file}/get']);
  });

  it('controls: builds where no value can climb to a differently protected route', async () => {
    const cases: Array<[string, string]> = [
      // the same security on both routes: nothing to reach that the public route does not admit
      ['both public', AWS_SPEC.replace("security: [{ key: [] }]", 'x-gateway: { public: true }')],
      // another backend origin: the value climbs on echo only
      ['other origin', AWS_SPEC.replace('/admin/{id}: { get: { operationId: adminOnly,', '/admin/{id}: { get: { operationId: adminOnly, x-gateway: { backend: other },').replace('backends: { echo: { url: "https://echo.example.com" } }', 'backends: { echo: { url: "https://echo.example.com" }, other: { url: "https://other.example.com" } }')],
      // another method: the integration fixes it
      ['other method', AWS_SPEC.replace('/admin/{id}: { get:', '/admin/{id}: { post:')],
      // a Lambda function: handed the path as a string, split on '/' only
      ['lambda', AWS_SPEC.replace('backends: { echo: { url: "https://echo.example.com" } }', "backends: { echo: { lambda: { arn: 'arn:aws:lambda:eu-west-1:123456789012:function:f' }, headerNames: exact } }")],
    ];
    for (const [name, text] of cases) {
      const built = await awsBuild(text);
      expect(built.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.params]), name).toEqual([]);
    }
  });
});
