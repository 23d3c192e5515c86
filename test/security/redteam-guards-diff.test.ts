/**
 * `gwc diff` and the checks a gateway makes for its backend's sake besides auth (Facts.guards,
 * DESIGN.md 7.8): Kong's query-spellings pre-function and kept-credentials post-function, its
 * request-transformer's `_method` and credential removals; nginx's query method-override refusal,
 * body check (`_method`, a form `access_token`), query/cookie credential cleaning and dropped
 * header names. Each case takes gwc's own output for a spec, edits the deployed file the way a hand
 * edit, an older tool or a lost plugin would, and reads it back with the target's deployed reader:
 * gwc's output -> the edited one (the edit deployed in gwc's place) must be a security finding
 * naming what the backend now receives; the same output read back unedited is no change.
 */
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { resolvePrecedence } from '../targets/kong/precedence.js';
import { diffStates } from '../../src/diff/plan.js';
import { readerOf } from '../../src/diff/run.js';
import type { State } from '../../src/diff/entity.js';
import type { OutputFile } from '../../src/targets/output-file.js';
import { NAME_READINGS_MARK } from '../../src/targets/kong/name-readings.js';
import { QUERY_SPELLINGS_MARK } from '../../src/targets/kong/query-spellings.js';
import { UNVERIFIED_MARK } from '../../src/targets/kong/unverified-credentials.js';
import { HEAD } from '../helpers/spec.js';
import { diffState, edit, securityFindings } from '../helpers/diff-edits.js';

type Files = OutputFile[];

/** gwc's build of `spec` for `target`, and the same files edited, read back by the target's reader. */
async function sides(target: string, spec: string, change: (files: Files) => Files): Promise<{ built: State; edited: State }> {
  const files = (await diffState(spec, target)).files!;
  const reader = readerOf(target).reader!;
  // Both sides through the reader alone (the compiled side of --base also carries gwc's consumer entities).
  const read = (fs: Files) => {
    const r = reader.normalise(fs, 'files');
    if (!r.state) throw new Error(r.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n'));
    return r.state;
  };
  return { built: read(files), edited: read(change(files.map((f) => ({ ...f })))) };
}

/** The security findings of gwc's output -> the edited output, as `rule key`. */
async function weakened(target: string, spec: string, change: (files: Files) => Files): Promise<string[]> {
  const { built, edited } = await sides(target, spec, change);
  return diffStates(built, edited).findings.filter((f) => f.class === 'security').map((f) => `${f.rule} ${f.key}`);
}

const ok = "{ '200': { description: ok } }";

// ---- Kong -------------------------------------------------------------------------------------

const KONG = `${HEAD}servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: gk
  backends: { app: { url: http://app.internal:8080 } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { key: '\${env:ALICE_KEY}' } }
    bob: { credentials: { basic: { username: bob, password: '\${env:BOB_PW}' } } }
paths:
  /or:
    post: { operationId: orr, security: [{ key: [] }, { basic: [] }], responses: ${ok} }
components:
  securitySchemes:
    key: { type: apiKey, in: query, name: api_key, x-gateway: { hideCredentials: false } }
    basic: { type: http, scheme: basic }
`;

type Plugin = { name: string; config: Record<string, unknown> };
/**
 * The decK file with each plugin of route gk.orr passed through `f` (undefined drops it); every route
 * carries its effective plugins itself first (a plugin its service holds for all, hoist.ts, #18).
 */
const kongPlugins = (f: (p: Plugin) => Plugin | undefined) => (files: Files): Files =>
  files.map((file) => {
    if (!file.path.endsWith('kong.yaml')) return file;
    const doc = resolvePrecedence(parse(file.contents) as { services: Array<{ routes?: Array<{ name: string; plugins?: Plugin[] }> }> });
    for (const s of doc.services) for (const r of s.routes ?? []) if (r.name === 'gk.orr') r.plugins = (r.plugins ?? []).flatMap((p) => f(p) ?? []);
    return { ...file, contents: stringify(doc) };
  });
/** gwc's chunk of a pre- or post-function (the one with the query-spellings or kept-credentials mark). */
const lua = (p: Plugin) => (p.config.access as string[]).find((c) => c.startsWith(QUERY_SPELLINGS_MARK) || c.startsWith(UNVERIFIED_MARK))!;

describe('gwc diff, Kong: the pre-function, the post-function and request-transformer removals are guards', () => {
  it('gwc\'s decK file read back is no change', async () => {
    const { built, edited } = await sides('kong', KONG, (f) => f);
    expect(diffStates(built, edited).changes).toEqual([]);
  });

  // unverified-credentials.ts: on an OR route bob (basic) sends ?api_key=forged; key-auth skips
  // (anonymous, already authenticated) and, the key being kept, it reached the backend as alice's.
  it('the post-function dropped (a forged ?api_key= beside bob\'s password reaches the backend) is credential-unverified-passed', async () => {
    expect(await weakened('kong', KONG, kongPlugins((p) => (p.name === 'post-function' ? undefined : p)))).toEqual(['credential-unverified-passed gk.orr']);
  });
  it('the post-function replaced by one that removes nothing is credential-unverified-passed', async () => {
    const found = await weakened('kong', KONG, kongPlugins((p) => (p.name === 'post-function' ? { ...p, config: { access: (p.config.access as string[]).map((c) => (c === lua(p) ? c.replace(/^ {2}if by ~= .*drop_query.*$/m, '') : c)) } } : p)));
    // The edited text is no release gwc wrote: Lua gwc did not write too (KNG4, deployed-chunks.ts).
    expect(found).toEqual(['credential-unverified-passed gk.orr', 'unread-changed gk.orr']);
  });

  // query-spellings.ts: API_KEY=forged, api.key=forged reach a lenient backend as the key. Read
  // before only for a hidden key (as hideCredentials), never for a kept one, and by its mark only.
  it('the query-spellings pre-function dropped on a kept key is credential-unverified-passed', async () => {
    // Only gwc's query-spellings chunk: the pre-function may hold other chunks of gwc's beside it.
    const drop = (p: Plugin) => {
      const access = (p.config.access as string[]).filter((c) => !c.startsWith(QUERY_SPELLINGS_MARK));
      return access.length ? { ...p, config: { ...p.config, access } } : undefined;
    };
    expect(await weakened('kong', KONG, kongPlugins((p) => (p.name === 'pre-function' ? drop(p) : p)))).toEqual(['credential-unverified-passed gk.orr']);
  });
  it('the pre-function for another key name (its mark kept) is credential-unverified-passed', async () => {
    const found = await weakened('kong', KONG, kongPlugins((p) => (p.name === 'pre-function' ? { ...p, config: { access: (p.config.access as string[]).map((c) => c.replace('local want, exact = "api_key", "api_key"', 'local want, exact = "token", "token"')) } } : p)));
    expect(found).toEqual(['credential-unverified-passed gk.orr']);
  });

  // name-readings.ts: ?_METHOD=DELETE, a form field ' method', api[method... reach a backend that
  // reads them as _method, where request-transformer removes the exact names only.
  // On a route with a query key the chunk also drops the key's name from a body (name-readings.ts
  // Watched.body): its loss is credential-unverified-passed as well.
  it('the name-readings pre-function chunk dropped is method-override-passed and credential-unverified-passed', async () => {
    const drop = (p: Plugin) => {
      const access = (p.config.access as string[]).filter((c) => !c.startsWith(NAME_READINGS_MARK));
      if (access.length === (p.config.access as string[]).length) throw new Error('no name-readings chunk');
      return access.length ? { ...p, config: { ...p.config, access } } : undefined;
    };
    expect(await weakened('kong', KONG, kongPlugins((p) => (p.name === 'pre-function' ? drop(p) : p)))).toEqual(['credential-unverified-passed gk.orr', 'method-override-passed gk.orr']);
  });

  it('request-transformer no longer removing _method from the query or the body is method-override-passed', async () => {
    const rt = (where: 'querystring' | 'body') => kongPlugins((p) => (p.name === 'request-transformer' ? { ...p, config: { ...p.config, remove: { ...(p.config.remove as object), [where]: [] } } } : p));
    expect(await weakened('kong', KONG, rt('querystring'))).toEqual(['method-override-passed gk.orr']);
    expect(await weakened('kong', KONG, rt('body'))).toEqual(['method-override-passed gk.orr']);
  });
});

// ---- nginx ------------------------------------------------------------------------------------

const NGINX = `${HEAD}servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: gn
  backends: { app: { url: http://app.internal:8080 } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { qkey: '\${env:ALICE_Q}', ckey: '\${env:ALICE_C}' } }
paths:
  /tok:
    post: { operationId: tok, security: [{ jwt: [] }], responses: ${ok} }
  /items:
    post: { operationId: addItem, security: [{ qkey: [] }], responses: ${ok} }
  /jar:
    get: { operationId: jar, security: [{ ckey: [] }], responses: ${ok} }
components:
  securitySchemes:
    qkey: { type: apiKey, in: query, name: api_key }
    ckey: { type: apiKey, in: cookie, name: sid }
    jwt:
      type: http
      scheme: bearer
      x-gateway: { issuer: 'https://id.example/', audiences: [api], algorithms: [HS256], publicKeys: ['\${env:JWT_SECRET}'] }
`;

/** The conf file's text with `edit` applied (which must change it). */
const conf = (edit: (text: string) => string) => (files: Files): Files =>
  files.map((f) => {
    if (!f.path.endsWith('.conf') || !/^server \{/m.test(f.contents)) return f;
    const contents = edit(f.contents);
    if (contents === f.contents) throw new Error('the edit changed nothing');
    return { ...f, contents };
  });
/** The internal route number of an operation in gwc's conf (`# METHOD /v1/path (op)` above `/_gwc_internal/r/N`). */
const routeNo = (text: string, op: string) => new RegExp(`\\(${op}\\)\\n\\s*location = /_gwc_internal/r/(\\d+)`).exec(text)![1]!;

describe('gwc diff, nginx: the query method-override refusal, the body check, njs cleaning and header names are guards', () => {
  it("gwc's files read back are no change", async () => {
    const { built, edited } = await sides('nginx', NGINX, (f) => f);
    expect(diffStates(built, edited).changes).toEqual([]);
  });

  // routes.ts bodyCheckView: POST /v1/tok goes through /_gwc_internal/b/N (njs bodyCheck), which
  // answers 400 to a form access_token (RFC 6750 invalid_request) and to a body _method. A method
  // rewritten straight to the route location skips both; the route location itself is unchanged.
  it('the body check skipped (POST rewritten straight to the route location) is credential-unverified-passed and method-override-passed', async () => {
    const skip = conf((t) => {
      const n = routeNo(t, 'tok');
      return t.replace(`rewrite ^ /_gwc_internal/b/${n} last;`, `rewrite ^ /_gwc_internal/r/${n} last;`);
    });
    expect((await weakened('nginx', NGINX, skip)).sort()).toEqual(['credential-unverified-passed route tok', 'method-override-passed route tok']);
  });

  it('the query _method refusal removed from a route is method-override-passed', async () => {
    const drop = conf((t) => {
      const n = routeNo(t, 'addItem');
      return t.replace(new RegExp(`(location = /_gwc_internal/r/${n} \\{\\n[\\s\\S]*?)if \\(\\$gwc_gn_override\\) \\{\\n\\s*return 400;\\n\\s*\\}\\n`), '$1');
    });
    expect(await weakened('nginx', NGINX, drop)).toEqual(['method-override-passed route addItem']);
  });

  it("the query map emptied (the if kept) is method-override-passed on every route", async () => {
    const found = await weakened('nginx', NGINX, conf((t) => t.replace(/(map \$args \$gwc_gn_override \{\n)\s*"~\*[^\n]*\n/, '$1')));
    // The map itself is read too (deployed-support.ts mapFacts): its lost entry is named there as well.
    expect(found.sort()).toEqual(['method-override-passed $gwc_gn_override', 'method-override-passed route addItem', 'method-override-passed route jar', 'method-override-passed route tok']);
  });

  // cleanArgs strips api_key and API_KEY, api.key, api_key[] (credentialPairs) before the backend;
  // without `set $args` the CFG still said hideQuery: read as hidden before.
  it('the query cleaning removed (set $args) is credential-unverified-passed and credentials-forwarded', async () => {
    const drop = conf((t) => {
      const n = routeNo(t, 'addItem');
      return t.replace(new RegExp(`(location = /_gwc_internal/r/${n} \\{\\n(?:(?!location )[\\s\\S])*?)\\s*set \\$args \\$gwc_gn_args;`), '$1');
    });
    expect((await weakened('nginx', NGINX, drop)).sort()).toEqual(['credential-unverified-passed route addItem', 'credentials-forwarded route addItem']);
  });

  it('the cookie cleaning removed is credential-unverified-passed', async () => {
    const found = await weakened('nginx', NGINX, conf((t) => t.replace(/\n\s*proxy_set_header Cookie \$gwc_gn_cookies;/, '')));
    expect(found).toContain('credential-unverified-passed route jar');
    expect(found).toContain('credentials-forwarded route jar');
  });

  // X_Consumer: forged reaches a CGI/Rack backend as X-Consumer past proxy_set_header X-Consumer.
  it('underscores_in_headers on is request-header-passed on every route', async () => {
    const found = await weakened('nginx', NGINX, conf((t) => t.replace('underscores_in_headers off;', 'underscores_in_headers on;')));
    expect(found.sort()).toEqual(['request-header-passed route addItem', 'request-header-passed route jar', 'request-header-passed route tok']);
  });

  // A backend's X-Accel-Redirect followed into another route's /_gwc_internal/r/N (red team 14).
  it('proxy_ignore_headers X-Accel-Redirect removed (or a route list without it) is credential-unverified-passed', async () => {
    const found = await weakened('nginx', NGINX, conf((t) => t.replace(/\n\s*proxy_ignore_headers X-Accel-Redirect;/, '')));
    expect(found.sort()).toEqual(['credential-unverified-passed route addItem', 'credential-unverified-passed route jar', 'credential-unverified-passed route tok']);
    const own = await weakened('nginx', NGINX, conf((t) => t.replace(/(location = \/_gwc_internal\/r\/\d+ \{\n)/, '$1        proxy_ignore_headers X-Accel-Expires;\n')));
    expect(own.filter((f) => f.startsWith('credential-unverified-passed'))).toHaveLength(1);
  });
});

// ---- AWS HTTP API: CORS exposed headers --------------------------------------------------------

// The Api's CorsConfiguration ExposeHeaders (aws/http/cors.ts) was not read (Facts.cors.expose
// absent: unknown), so letting every allowed origin's scripts read Authorization or Set-Cookie
// was no finding on AWS, where Kong, Traefik and nginx say cors-widened (redteam3-diff).
const AWS_HTTP = `${HEAD}servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: ga
  backends: { app: { url: https://app.example.com } }
  defaults: { backend: app }
paths:
  /me:
    get: { operationId: me, security: [{ jwt: [] }], x-gateway: { cors: { origins: ['https://app.example.com'], exposeHeaders: [X-Request-Id] } }, responses: ${ok} }
components:
  securitySchemes:
    jwt:
      type: http
      scheme: bearer
      x-gateway: { issuer: 'https://id.example/', audiences: [api], jwksUri: 'https://id.example/jwks.json', hideCredentials: false }
`;

describe('gwc diff, AWS HTTP API: CORS exposed headers', () => {
  const http = { api: 'http' };
  it('exposeHeaders gaining Authorization is cors-widened; losing one is cors-narrowed (breaking)', async () => {
    expect(await securityFindings('aws', AWS_HTTP, [['exposeHeaders: [X-Request-Id]', 'exposeHeaders: [X-Request-Id, Authorization]']], http)).toEqual(['cors-widened RouteMe']);
    const base = await diffState(AWS_HTTP, 'aws', http);
    const narrowed = diffStates(base, await diffState(edit(AWS_HTTP, [['exposeHeaders: [X-Request-Id]', 'exposeHeaders: []']]), 'aws', http));
    expect(narrowed.findings.map((f) => `${f.class} ${f.rule}`)).toContain('breaking cors-narrowed');
  });
});

// ---- nginx: what keeps a caller's answer out of a shared cache entry ---------------------------

// policies.ts anonymousBypass: a public cached route neither stores nor serves the answer to a
// request carrying a Cookie or another scheme's credential (proxy_no_cache, proxy_cache_bypass).
// Not read before: a deployed config without $http_cookie there (alice's session answer stored
// and served to every anonymous caller) compared equal to gwc's.
const CACHED = `${HEAD}servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: gc
  backends: { app: { url: http://app.internal:8080 } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { key: '\${env:ALICE_KEY}' } }
paths:
  /news:
    get: { operationId: news, x-gateway: { public: true, cache: { ttl: 60s } }, responses: ${ok} }
  /mine:
    get: { operationId: mine, security: [{ key: [] }], responses: ${ok} }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: x-api-key }
`;

describe('gwc diff, nginx: the anonymous cache bypass is part of the cache key', () => {
  for (const directive of ['proxy_no_cache', 'proxy_cache_bypass']) {
    it(`$http_cookie dropped from ${directive} on a public cached route is cache-key-narrowed`, async () => {
      const found = await weakened('nginx', CACHED, conf((t) => t.replace(new RegExp(`(${directive} [^;\\n]*) \\$http_cookie`), '$1')));
      expect(found).toEqual(['cache-key-narrowed route news']);
    });
  }
  // Each variable is written twice (`$v$v`): nginx reads a value of exactly "0" as unset, so a
  // hand edit back to `$v` stores the answer to `Cookie: 0` (red team 6).
  it('$http_cookie$http_cookie edited back to $http_cookie (a "0" value stored) is cache-key-narrowed', async () => {
    const found = await weakened('nginx', CACHED, conf((t) => t.replace(/(proxy_no_cache [^;\n]*)\$http_cookie\$http_cookie/, '$1$http_cookie')));
    expect(found).toEqual(['cache-key-narrowed route news']);
  });
  it("gwc's files read back are no change", async () => {
    const { built, edited } = await sides('nginx', CACHED, (f) => f);
    expect(diffStates(built, edited).changes).toEqual([]);
  });
});

// ---- nginx: where the client address comes from -----------------------------------------------

// gwc writes no realip directive: IP rules and per-address limits read the connection. A deployed
// server that trusts X-Forwarded-For from everywhere lets a client pick its own address
// (10.0.0.1 past ipAllow); not read before (Facts.clientAddress was Traefik's alone).
const OFFICE = `${HEAD}servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: gi
  backends: { app: { url: http://app.internal:8080 } }
  defaults: { backend: app }
paths:
  /internal:
    get: { operationId: internal, x-gateway: { public: true, ipAllow: [10.0.0.0/8] }, responses: ${ok} }
`;

describe('gwc diff, nginx: the client address IP rules read', () => {
  it('real_ip_header X-Forwarded-For trusted from 0.0.0.0/0 is client-address-changed', async () => {
    const found = await weakened('nginx', OFFICE, conf((t) => t.replace('    server_tokens off;\n', '    server_tokens off;\n    real_ip_header X-Forwarded-For;\n    set_real_ip_from 0.0.0.0/0;\n')));
    // real_ip_header/set_real_ip_from are outside gwc's vocabulary in gwc's server: also unread-changed (ab28671).
    expect(found).toEqual(['client-address-changed route internal', 'unread-changed route internal']);
  });
  it("gwc's files read back are no change", async () => {
    const { built, edited } = await sides('nginx', OFFICE, (f) => f);
    expect(diffStates(built, edited).changes).toEqual([]);
  });
});
