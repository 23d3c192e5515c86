/**
 * Red team 17, Traefik (request oracle): a kept query key sent twice, the second time in a spelling
 * the lenient reading rule (QUERY_NAME_RULE, src/targets/query-names.ts) does not read as the key,
 * but a common backend parser does: LEADING or TRAILING brackets.
 *
 * - Rack 2 (Rails 5.x-7.0, Sinatra on Rack 2; lib/rack/query_parser.rb normalize_params):
 *   `name =~ %r(\A[\[\]]*([^\[\]]+)\]*)`: leading `[`/`]` and trailing `]` are stripped, so
 *   `]api_key`, `api_key]`, `[api_key]` and `[[api_key]]` are all params['api_key'] (last wins).
 * - qs (Express's default `extended` query parser; lib/parse.js parseKeys/parseObject): `[api_key]`
 *   has an empty parent and one child segment, cleanRoot strips the brackets: { api_key: ... },
 *   merged with `api_key=` into an array.
 *
 * The rule reads an array form only when `[` is NOT the first character (open > 0), and never
 * strips a `]`; so 6d997b0's once-only redirect (query-names.ts onceQueryNames) does not match
 * `?api_key=<alice's>&]api_key=<forged>`: the forwardAuth service (Go Values.Get: the first
 * api_key) says 200, Traefik forwards the raw query whole, the Rails backend reads api_key = the
 * forged value nobody verified.
 *
 * Safe behaviour: such a request is redirected without its query (302, service never asked), as
 * `api_key=..&API_KEY=..` is. Fix class: the rule (and so nameRegex and Kong's/nginx's readers of
 * the same rule) also reads a name with leading `[`/`]` runs and trailing `]` runs stripped
 * (Rack 2), and `[name]` (qs) as `name`.
 *
 * FIXED (7b15f9b the rule; nameRegex, src/targets/traefik/query-names.ts, renders it: a run of
 * blanks, `[`, `]`, %5B, %5D in either hex case before the name, and a `]` anywhere after it ends
 * the name): every case below was red. Variants: both pair orders, `;` between pairs (Traefik's
 * RequestURI keeps it; Go's AllowQuerySemicolons makes it `&` for the backend), encodings and mixed
 * runs, Rack 2's `api_key]x`, the watched names (`_method` on a public POST, `access_token` beside a
 * verified bearer), and the rendered regex held to the rule over generated spellings.
 */
import { describe, expect, it } from 'vitest';
import { queryNameAsRead } from '../../src/targets/query-names.js';
import { queryNamesRedirect } from '../../src/targets/traefik/query-names.js';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { compileCase } from '../targets/traefik/cases.js';
import { send, type AuthCall } from '../targets/traefik/traefik-oracle.js';

const ok = "{ '200': { description: ok } }";
const SPEC = `${HEAD}servers: [{ url: 'https://api.test/v1' }]
x-gateway:
  name: rt17q
  backends: { app: { url: 'http://app.internal:8080' } }
  defaults: { backend: app }
paths:
  /q: { get: { operationId: q, security: [{ qk: [] }], responses: ${ok} } }
  /things: { post: { operationId: things, x-gateway: { public: true }, responses: ${ok} } }
  /me: { get: { operationId: me, security: [{ sso: [] }], responses: ${ok} } }
components:
  securitySchemes:
    qk: { type: apiKey, in: query, name: api_key, x-gateway: { hideCredentials: false, forwardAuth: { url: 'http://auth.internal/k' } } }
    sso: { type: http, scheme: bearer, x-gateway: { forwardAuth: { url: 'http://auth.internal/b' } } }
`;

const queryOf = (call: AuthCall) => {
  const uri = call.headers.get('X-Forwarded-Uri') ?? '';
  return new URLSearchParams(uri.includes('?') ? uri.slice(uri.indexOf('?') + 1) : '');
};
/** A Go key service: url.Values.Get, the FIRST api_key; the bearer service: the Authorization header. */
const firstQuery = (call: AuthCall) => {
  if (call.address === 'http://auth.internal/b') return { status: call.headers.get('Authorization') === 'Bearer good' ? 200 : 401 };
  return queryOf(call).get('api_key') === 'key-a' ? { status: 200 } : { status: 401 };
};

const decode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
/** Rack 2's top-level key of a raw query name (normalize_params' first match). */
const rack2Key = (raw: string) => /^[[\]]*([^[\]]+)\]*/.exec(decode(raw))?.[1] ?? '';
/** qs's top-level key: the parent before the first [..] segment, or the first segment's inside when the parent is empty. */
const qsKey = (raw: string) => {
  const k = decode(raw);
  const seg = /(\[[^[\]]*])/.exec(k);
  const parent = seg ? k.slice(0, seg.index) : k;
  return parent !== '' ? parent : seg ? seg[1]!.slice(1, -1) : '';
};
/** The values a backend reading names with `key` gets for api_key, in order. */
const valuesAs = (rawQuery: string, key: (raw: string) => string) =>
  rawQuery
    .split(/[&;]/)
    .filter((p) => p !== '')
    .filter((p) => key(p.split('=')[0]!) === 'api_key')
    .map((p) => p.slice(p.indexOf('=') + 1));

describe('red team 17, Traefik: a kept query key sent again with brackets a Rack 2 / qs backend strips', async () => {
  const { built } = await compileCase(writeSpec(SPEC));
  const config = built?.config as TraefikConfig;
  const go = (target: string) => send(config, { method: 'GET', host: 'api.test', target, headers: {}, tls: true }, { auth: firstQuery });

  it('control: builds; one key opens, the model readers read the plain key, a plain repeat is redirected', () => {
    expect(built?.result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(go('/v1/q?api_key=key-a').status).toBe(200);
    expect(go('/v1/q?api_key=nope').status).toBe(401);
    expect([rack2Key(']api_key'), rack2Key('api_key]'), rack2Key('[api_key]'), rack2Key('api_key[]'), qsKey('[api_key]'), qsKey('api_key[0]')]).toEqual(['api_key', 'api_key', 'api_key', 'api_key', 'api_key', 'api_key']);
    expect(go('/v1/q?api_key=key-a&API_KEY=bob-key').status).toBe(302);
    expect(go('/v1/q?api_key=key-a&api_key[]=bob-key').status).toBe(302);
  });

  it('control: a bracketed name alone is no key to the Go service (401), and other bracket names pass', () => {
    expect(go('/v1/q?[api_key]=key-a').status).toBe(401);
    expect(go('/v1/q?api_key=key-a&filter[api]=1&[x]=2').status).toBe(200);
  });

  const FORMS: Array<[string, string, (raw: string) => string]> = [
    ['a leading ] (Rack 2)', ']api_key', rack2Key],
    ['a trailing ] (Rack 2)', 'api_key]', rack2Key],
    ['[name] (Rack 2)', '[api_key]', rack2Key],
    ['[[name]] (Rack 2)', '[[api_key]]', rack2Key],
    ['%5D-encoded leading ] (Rack 2)', '%5Dapi_key', rack2Key],
    ['[name] (qs / Express)', '[api_key]', qsKey],
  ];
  for (const [what, name, key] of FORMS) {
    it(`api_key then ${what}: redirected, or the backend reads one api_key`, () => {
      const o = go(`/v1/q?api_key=key-a&${name}=bob-key`);
      if (o.status === 302) return;
      expect(o.status).toBe(200); // the service verified alice's key
      expect(valuesAs(o.backend!.rawQuery, key)).toEqual(['key-a']); // was ['key-a', 'bob-key']: Rack 2 reads bob-key
    });
  }

  // Variants: other spellings of the runs, both pair orders, `;` between pairs.
  const RUNS = (k: string) => [`[[${k}]]`, `%5b${k}%5d`, `%5B${k.toUpperCase()}%5D`, `%5D]${k}`, `]%5b${k}`, `+[%20${k}]+`, `${k}]]`, `${k}%5d`, `${k}]x`, `][${k}[]`, `[${k}][0]`, `%5B%5d${k}%5d%5D`];
  const ORDERS = RUNS('api_key').flatMap((f) => [`api_key=key-a&${f}=bob-key`, `${f}=bob-key&api_key=key-a`, `api_key=key-a;${f}=bob-key`, `x=1;${f}=bob-key&api_key=key-a`]);
  it.each(ORDERS)('?%s: redirected without its query, the key service never asked', (q) => {
    const o = go(`/v1/q?${q}`);
    expect([o.status, o.authCalls.length, o.backend]).toEqual([302, 0, undefined]);
  });
  it.each(RUNS('_method'))('?%s=DELETE on a public POST: redirected (307), the backend never sees it', (f) => {
    const o = send(config, { method: 'POST', host: 'api.test', target: `/v1/things?a=1&${f}=DELETE`, headers: {}, tls: true }, { auth: firstQuery });
    expect([o.status, o.backend]).toEqual([307, undefined]);
  });
  it.each(RUNS('access_token'))('?%s=forged beside a verified bearer: redirected', (f) => {
    const o = send(config, { method: 'GET', host: 'api.test', target: `/v1/me?${f}=forged&a=1`, headers: { Authorization: 'Bearer good' }, tls: true }, { auth: firstQuery });
    expect([o.status, o.backend]).toEqual([302, undefined]);
  });
  it('controls: a public POST and a bearer route pass names holding brackets elsewhere', () => {
    const q = 'a[]=1&filter[_method]=2&x]=3&access_token_x[]=4&[x]=5';
    expect(send(config, { method: 'POST', host: 'api.test', target: `/v1/things?${q}`, headers: {}, tls: true }, { auth: firstQuery }).backend?.rawQuery).toBe(q);
    expect(send(config, { method: 'GET', host: 'api.test', target: `/v1/me?${q}`, headers: { Authorization: 'Bearer good' }, tls: true }, { auth: firstQuery }).backend?.rawQuery).toBe(q);
  });
});

/**
 * The rendered regex against the rule (queryNameAsRead): every raw name built from the pieces below
 * that the rule reads as the name matches; the few that match without the rule reading them so are
 * the documented over-reach (a `[` read as `_` before a trailing run, a NUL inside the run).
 */
describe('red team 17: the redirect regex reads the bracket runs as the rule does', () => {
  const PRE = ['', '[', ']', '%5B', '%5d', '[]', '][', '%20[', '[%20', '+]+', '[[', '%5B%5D', 'x[', '%00['];
  const POST = ['', ']', '%5D', ']]', ']x', '][0]', '[]', '[0]]', '%20]', ']%20', '[', '%5B', 'x]', ']%00', '%00]'];
  for (const name of ['api_key', '_method', 'access_token']) {
    it(`${name}: every PRE + spelling + POST the rule reads as ${name} matches; the others do not`, () => {
      const re = new RegExp(queryNamesRedirect([name]).regex);
      const cores = [name, name.toUpperCase(), name.replace('_', '.'), name.replace('_', '%5F')];
      const missed: string[] = [];
      const over: string[] = [];
      for (const pre of PRE) for (const c of cores) for (const post of POST) {
        const raw = `${pre}${c}${post}`;
        const reads = queryNameAsRead(raw) === name;
        const hit = re.test(`https://h/p?a=1&${raw}=v`) && re.test(`https://h/p?${raw}=v;a=1`);
        if (reads && !hit) missed.push(raw);
        if (!reads && hit) over.push(raw);
      }
      expect(missed).toEqual([]);
      expect(over.filter((r) => !r.includes('%00'))).toEqual([]);
    });
  }
});
