/**
 * `gwc diff`'s standing coverage test (DESIGN.md 7.8): for each target, a security-rich build
 * (keys, basic, roles, forward auth with scopes, a JWT on nginx, per-consumer cache, rate limits by
 * address, consumer and header, bursts, IP allow and deny lists, CORS with credentials, a body
 * limit, a verified TLS backend, a WebSocket connection limit on nginx), and every setting gwc wrote
 * found by walking the output (test/helpers/diff-mutations.ts: each decK/Traefik leaf, each nginx
 * directive line, each njs CFG leaf) made weaker the ways a hand edit would (removed, disabled,
 * flipped, widened, raised), plus the settings gwc never writes that a hand edit adds
 * (HAND_EDITS). Each mutation M of the build B is read back by the target's reader:
 *
 * - B -> M is a release deploying M where B runs; M -> B is `gwc diff --deployed M` of the
 *   unchanged spec (the deployed copy was loosened, or tightened, by hand: drift).
 * - Whichever of B and M is weaker, the diff towards it must hold a security finding, and the diff
 *   the other way a finding (a security setting the release tightens: `tightened`, or a breaking
 *   one). A reader blind to the setting finds nothing either way: the test lists it.
 * - A mutation both readings leave equal (a default written out, an order) changes nothing.
 * - ALLOWED: settings that are genuinely neutral for access control, each with its reason.
 *
 * The suite runs the readers and the planner directly (what `gwc diff` runs, run.ts); one case per
 * target goes through diffDeployed with the weakened file, as the CLI does.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compiledState, diffDeployed, readerOf } from '../../src/diff/run.js';
import { diffStates, type Plan } from '../../src/diff/plan.js';
import type { State } from '../../src/diff/entity.js';
import type { OutputFile } from '../../src/targets/output-file.js';
import { documentMutations, nginxAddition, nginxLineMutations, njsMutations, type Mutation } from '../helpers/diff-mutations.js';
import { writeSpec } from '../helpers/spec.js';

const ok = "{ '200': { description: ok } }";
const id = "[{ name: id, in: path, required: true, schema: { type: string } }]";

/** The rich spec; `t` picks what each target can build (Traefik: forward auth for keys, no cache). */
function richSpec(t: 'kong' | 'nginx' | 'traefik'): string {
  const keyAuth = t === 'traefik' ? ", forwardAuth: { url: 'https://auth.internal/key' }" : '';
  const qkeyAuth = t === 'traefik' ? ", x-gateway: { forwardAuth: { url: 'https://auth.internal/qkey' } }" : '';
  const mineCache = t === 'traefik' ? '' : ', cache: { ttl: 60s, keyHeaders: [X-Tenant] }';
  const publicCache = t === 'nginx' ? ', cache: { ttl: 30s }' : '';
  // Roles on Traefik only where Traefik checks them (basic users' files), not behind forward auth.
  const admin = t === 'traefik' ? '[{ basic: [admin] }]' : '[{ apiKey: [admin] }]';
  const extra =
    t === 'nginx'
      ? `  /token:\n    get: { operationId: getToken, security: [{ bearer: [tokens:read] }], responses: ${ok} }\n` +
        `  /live:\n    get: { operationId: live, security: [{ apiKey: [] }], x-gateway: { websocket: true, rateLimit: { requests: 2, per: second, by: consumer } }, responses: ${ok} }\n`
      : '';
  // Kong OSS has no forward auth (refused).
  const fwd = t === 'kong' ? '' : `  /fwd:\n    get: { operationId: getFwd, security: [{ fwd: [read] }], responses: ${ok} }\n`;
  const bearer =
    t === 'nginx'
      ? "    bearer: { type: http, scheme: bearer, bearerFormat: JWT, x-gateway: { issuer: 'https://id.cov.example.com/', audiences: [cov], algorithms: [RS256], jwksUri: 'https://id.cov.example.com/jwks', clockSkew: 30s } }\n"
      : '';
  return `openapi: 3.1.0
info: { title: Coverage API, version: "1" }
servers: [{ url: https://api.cov.example.com/v1 }]
x-gateway:
  name: cov
  backends:
    app: { url: http://app.internal:8080, timeout: 5s }
    secure: { url: https://secure.internal:8443, timeout: 5s, tls: { verify: true, serverName: secure.internal } }
  policies:
    web:
      cors: { origins: [https://web.cov.example.com], methods: [GET, POST], headers: [Content-Type, X-Api-Key], exposeHeaders: [X-Request-Id], credentials: true, maxAge: 600 }
  defaults: { backend: app, policies: [web] }
  consumers:
    alice: { groups: [admin], credentials: { apiKey: '\${env:ALICE_KEY}' } }
    carol: { groups: [admin], credentials: { basic: { username: carol, password: '\${env:CAROL_PW}' } } }
    bob: { credentials: { qkey: '\${env:BOB_KEY}' } }
paths:
  /keys:
    get: { operationId: getKeys, security: [{ apiKey: [] }], x-gateway: { rateLimit: { requests: 100, per: minute, by: ip, burst: 10 } }, responses: ${ok} }
  /mine:
    get: { operationId: getMine, security: [{ apiKey: [] }], x-gateway: { rateLimit: { requests: 50, per: minute, by: consumer }${mineCache} }, responses: ${ok} }
  /admin:
    get: { operationId: getAdmin, security: ${admin}, x-gateway: { ipAllow: [10.0.0.0/8], ipDeny: [10.9.0.0/16] }, responses: ${ok} }
  /upload:
    post: { operationId: upload, security: [{ basic: [] }, { qkey: [] }], x-gateway: { bodyLimit: 64k, rateLimit: { requests: 10, per: second, by: { header: X-Tenant } } }, responses: ${ok} }
  /secure/{id}:
    get: { operationId: getSecure, security: [{ apiKey: [] }], parameters: ${id}, x-gateway: { backend: secure, upstreamPath: '/records/{id}' }, responses: ${ok} }
${fwd}  /public:
    get: { operationId: getPublic, security: [], x-gateway: { public: true, rateLimit: { requests: 5, per: second }${publicCache} }, responses: ${ok} }
${extra}components:
  securitySchemes:
    apiKey: { type: apiKey, in: header, name: x-api-key, x-gateway: { hideCredentials: true${keyAuth} } }
    qkey: { type: apiKey, in: query, name: api_key${qkeyAuth} }
    basic: { type: http, scheme: basic }
    fwd: { type: http, scheme: bearer, x-gateway: { forwardAuth: { url: 'https://auth.internal/check' } } }
${bearer}`;
}

// ---- what is genuinely neutral --------------------------------------------------------------

/** [sig, mutation, reason, optionally where (the unfolded place)]. */
type Allowed = readonly [RegExp, RegExp, string, RegExp?];

const ANSWER_ONLY = 'a route that only answers (405, CORS preflight: no service) reaches no backend: a change refuses callers or answers otherwise, never lets one in (its CORS is read)';
const NOT_A_VALUE = 'not a value the gateway accepts (a `*` protocol, method, path, header, middleware): the file is refused or the entry matches nothing';
const NAMES = 'a name: entities pair by what they do (a route by its match, a service by its backend)';
const CLOSED = 'fails closed: the request is refused or the gateway refuses the file';
const DEFAULT = "the gateway's default is the value gwc writes";
const NOT_ACCESS = 'not access control: timeouts, status codes and texts of refusals, response headers, buffers, cache lifetimes and sizes';

/**
 * Mutations that do not weaken access control, by target, each with its reason. A sig is the place
 * with route-specific parts folded (diff-mutations.ts); `what` the mutation.
 */
const ALLOWED: Record<string, readonly Allowed[]> = {
  kong: [
    [/^routes(\[\*\](?!\.plugins\[cors\]\.config\.(origins|methods|headers|credentials|exposed_headers|preflight_continue)))?$|^routes\[\*\]\.(?!plugins\[cors\]\.config\.(origins|methods|headers|credentials|exposed_headers|preflight_continue))/, /./, ANSWER_ONLY],
    [/^services\[\*\](\.routes(\[\*\])?)?$/, /remove/, 'a route removed answers 404, or a remaining route answers its path (fallThrough compares it)'],
    [/\.(protocol|path_handling|size_unit|policy)$/, /change/, NOT_A_VALUE],
    [/cors\]\.config\.(max_age|private_network)$/, /./, NOT_ACCESS],
    [/acl\]\.config\.hide_groups_header$/, /./, 'the groups header Kong sets itself: the backend sees the verified groups or none, never a client\'s'],
    [/\.config\.(status|hide_client_headers|cache_control)$/, /./, NOT_ACCESS],
    [/key-auth\]\.config\.run_on_preflight$/, /./, "OPTIONS is answered by gwc's preflight route, never by this route's backend"],
    [/request-size-limiting\]\.config\.require_content_length$/, /./, 'true refuses bodies without Content-Length: stricter'],
    [/^services\[\*\]\.path$|^services\[\*\]\.routes\[\*\]\.strip_path$/, /./, "every gwc route rewrites with request-transformer replace.uri, which sets the whole upstream path (kong.service.request.set_path): the service path and strip_path do not reach it (read when there is no rewrite)"],
    [/^plugins\[request-termination\]\.config$/, /remove/, "Kong's defaults still terminate (503 instead of 401): the anonymous consumer is refused either way"],
    [/^consumers\[\*\]\.acls\[\*\](\.group)?$/, /./, "a consumer's derived roles-set group (names.ts rolesGroup): without it that consumer is refused where the roles are asked", /\.roles:/],
    [/(^|\.)name$/, /remove|change/, NAMES],
    [/protocols$/, /widen/, NOT_A_VALUE],
    [/\.(methods|paths)$/, /widen/, NOT_A_VALUE],
    [/plugins\[[a-z-]+\]\.protocols$/, /drop/, 'one http-subsystem protocol left: Kong runs the plugin on every HTTP request (deployed-normalise.ts acts, plugins_iterator.lua)'],
    [/\.(methods|paths)$/, /drop/, 'a route answers fewer methods or paths: callers refused (route-moved), never let in'],
    [/request-transformer\]\.config\.(add|append|rename|replace)\./, /widen/, NOT_A_VALUE],
    [/proxy-cache\]\.config\.(response_code|content_type|cache_ttl|storage_ttl|strategy)$/, /./, NOT_ACCESS],
    [/proxy-cache\]\.config\.request_method$/, /widen/, NOT_A_VALUE],
    [/\.(connect_timeout|read_timeout|write_timeout|retries|https_redirect_status_code|request_buffering|response_buffering)$/, /./, NOT_ACCESS],
    [/\.(status_code|message|error_code|error_message)$/, /./, NOT_ACCESS],
    [/key-auth\]\.config\.key_names$/, /empty|remove/, 'no key name, or decK\'s default `apikey`: gwc\'s key name no longer carries the key (callers refused); `apikey` itself is read as a name added'],
  ],
  nginx: [
    [/^(error_page|return|try_files|root|default_type|limit_req_status|limit_conn_status|proxy_cache_valid|proxy_cache_path|proxy_cache_lock\w*|keepalive|proxy_http_version|proxy_(connect|read|send)_timeout|client_body_buffer_size|client_body_in_single_buffer|subrequest_output_buffer_size|server_tokens|uninitialized_variable_warn|recursive_error_pages|proxy_next_upstream\w*):/, /./, NOT_ACCESS],
    [/^add_header: add_header (X-Cache-Status|Allow|WWW-Authenticate|Vary|Access-Control-Max-Age)/, /./, NOT_ACCESS],
    [/^add_header: add_header Access-Control-Allow-(Origin|Credentials|Methods|Headers)/, /remove/, 'a preflight answer without it is refused by the browser: CORS narrowed'],
    [/^env:/, /remove/, 'njs cannot read the secret: every credential of the scheme is refused'],
    [/^(js_set|js_var|auth_request_set):/, /remove/, 'nginx refuses a configuration that uses an undefined variable (nginx -t)'],
    [/^underscores_in_headers: underscores_in_headers off|^ignore_invalid_headers: ignore_invalid_headers on/, /remove/, DEFAULT],
    [/^listen: listen N;/, /./, 'the port nginx listens on (80 is its default): plain HTTP either way'],
    [/^proxy_ssl_server_name:/, /./, 'SNI only: the certificate is still checked for proxy_ssl_name'],
    [/^proxy_cache_methods:/, /remove/, DEFAULT],
    [/^(proxy_method|proxy_cache|proxy_cache_key): .*(jwks|GET;)/, /./, "the key set fetch (jwks.ts): a change fetches the same URL differently or fails (tokens refused)"],
    [/^proxy_pass: proxy_pass "https:\/\/[^"]+";/, /remove/, CLOSED],
    [/^proxy_set_header: proxy_set_header (authorization|Content-Length|Accept)\b/, /remove/, 'what the auth or key service is sent of the credential: without it the service refuses'],
    [/^(proxy_pass_request_body):/, /./, 'the auth service sent the request body or not: it decides on the headers gwc names'],
    [/^set: set \$gwc_cov_route/, /remove/, 'every fact keyed by the route id changes with it (cache key, guards); what stays is read as unchanged, and njs refuses an auth check without its route'],
    [/^set: set \$gwc_cov_(vary|path)/, /remove/, NOT_ACCESS],
    [/^websocket:|^"~\*\^websocket\$"|^"~\^OPTIONS:/, /remove/, 'the upgrade or preflight map: without the entry the request is a plain one (no tunnel) or no preflight'],
    [/^default: default "\$";/, /remove/, 'the literal-$ helper (geo): text, no check'],
    [/^default: default "";/, /remove/, DEFAULT],
    [/^limit_conn_zone:/, /remove/, 'nginx refuses a limit_conn naming a zone that is not there (nginx -t)'],
    [/^add_header: add_header Access-Control-Expose-Headers/, /remove/, 'fewer response headers exposed: CORS narrowed'],
    [/^proxy_ignore_headers:/, /remove/, "nginx honours the backend's caching headers again: a response with Set-Cookie, private or Vary is stored less, never for more callers (its lifetime aside)"],
    [/^server: server /, /raise/, 'an upstream server\'s port or weight: backend-changed reads the address'],
  ],
  traefik: [
    [/^http\.routers\.\*/, /./, ANSWER_ONLY, /-(other-methods|preflight)(\.|$)(?!middlewares\[)/],
    [/^http\.middlewares\.\*\.ipAllowList/, /./, ANSWER_ONLY, /method-not-allowed/],
    [/^http\.middlewares\.\*$/, /remove/, ANSWER_ONLY, /-allow$|method-not-allowed$/],
    [/^http\.routers\.\*$/, /remove/, 'a router removed answers 404, or a remaining router answers its path (fallThrough compares it)'],
    [/\.middlewares$/, /widen/, NOT_A_VALUE],
    [/headers\.(customResponseHeaders|accessControlMaxAge|addVaryHeader)/, /./, NOT_ACCESS],
    [/redirectRegex\.permanent$/, /./, NOT_ACCESS],
    [/ipStrategy\.depth$/, /remove/, DEFAULT],
    [/ipAllowList\.rejectStatusCode$/, /./, NOT_ACCESS],
    [/serversTransports\.\*\.forwardingTimeouts/, /./, NOT_ACCESS],
    [/serversTransports\.\*\.insecureSkipVerify$/, /remove/, DEFAULT],
    [/^http\.serversTransports(\.\*)?$/, /remove/, 'a service naming a transport that is not there is refused by Traefik (closed); one without a transport is read with the default (verified)'],
    [/loadBalancer\.serversTransport$/, /./, 'a transport that is not there: Traefik refuses the service (closed); on a plain HTTP service none applies'],
    [/basicAuth\.(headerField|realm)$/, /./, 'the header Traefik names the verified user in (cleared before, so a removed one reaches the backend empty) and the prompt text'],
    [/forwardAuth\.trustForwardHeader$/, /remove/, DEFAULT],
    [/^http\.middlewares\.\*\.headers$/, /remove/, ANSWER_ONLY, /-allow\.headers$/],
    [/headers\.customRequestHeaders\./, /change/, 'still a value the gateway sets: the client\'s never reaches the backend'],
  ],
};

/**
 * Holes the suite finds that are not fixed (it.fails below): [target, sig, mutation, mechanism].
 * Route precedence: Kong `regex_priority` and Traefik router `priority` decide which of two routes
 * answering one path wins (a public `/files/{name}` over a keyed `/files/secret`), and no reader
 * compares the order; Traefik `tls.options` names a TLS options set the dynamic file does not hold;
 * nginx `internal;` removed makes gwc's internal locations callable from outside.
 */
const KNOWN_GAPS: ReadonlyArray<readonly [string, RegExp, RegExp, string]> = [
  ['kong', /regex_priority$/, /./, 'route precedence: regex_priority is not compared'],
  ['traefik', /^http\.routers\.\*\.priority$/, /./, 'route precedence: priority is not compared'],
  ['traefik', /^http\.routers\.\*\.tls\.options$/, /./, 'TLS options are named, not read (client certificates, versions)'],
  ['nginx', /^internal;/, /remove/, 'an internal location made public is read as the same entity'],
];

/** Settings gwc never writes that a hand edit adds to the deployed copy (the blind spots of the last closing note). */
function handEdits(target: string, files: OutputFile[]): Mutation[] {
  if (target !== 'nginx') return [];
  const server = /^\s*server_name [^;]+;/m;
  return [
    nginxAddition(files, server, ['    ssl_verify_client on;', '    ssl_client_certificate /etc/nginx/client-ca.pem;'], 'server: ssl_verify_client on (mTLS)'),
    nginxAddition(files, / *set \$gwc_cov_route \d+;(?=(?:\n(?! *location).*)*?\n *allow 10\.0\.0\.0\/8;)/, ['        satisfy any;'], 'route: satisfy any (IP rule OR auth)'),
  ];
}

// ---- the check --------------------------------------------------------------------------------

const security = (p: Plan) => p.findings.filter((f) => f.class === 'security').map((f) => `${f.rule} ${f.key}`);

interface Verdict {
  m: Mutation;
  result: 'covered' | 'unchanged' | 'refused' | 'allowed' | 'gap' | 'blind' | 'one-way' | 'crash';
  detail?: string;
}

function judge(target: string, built: State, m: Mutation): Verdict {
  const reader = readerOf(target).reader!;
  const read = reader.normalise(m.files, 'mutated');
  // A deployed copy the reader refuses stops `gwc diff` with an error: nothing passes silently.
  if (!read.state) return { m, result: 'refused' };
  let weaker: Plan;
  let stronger: Plan;
  try {
    weaker = diffStates(built, read.state);
    stronger = diffStates(read.state, built);
  } catch (e) {
    return { m, result: 'crash', detail: e instanceof Error ? e.stack?.split('\n').slice(0, 3).join(' ') : String(e) };
  }
  if (weaker.changes.length === 0 && stronger.changes.length === 0) return { m, result: 'unchanged' };
  const w = security(weaker);
  const s = security(stronger);
  if ((w.length > 0 && stronger.findings.length > 0) || (s.length > 0 && weaker.findings.length > 0)) return { m, result: 'covered' };
  if (KNOWN_GAPS.some(([t, sig, what]) => t === target && sig.test(m.sig) && what.test(m.what))) return { m, result: 'gap' };
  const allowed = ALLOWED[target]!.find(([sig, what, , at]) => sig.test(m.sig) && what.test(m.what) && (!at || at.test(m.at)));
  if (allowed) return { m, result: 'allowed', detail: allowed[2] };
  if (w.length > 0 || s.length > 0) return { m, result: 'one-way', detail: `release weakens: ${w.join('; ') || '-'}; drift back: ${stronger.findings.map((f) => f.rule).join(', ') || 'nothing'}` };
  return { m, result: 'blind', detail: `B->M ${weaker.findings.map((f) => f.rule).join(', ') || 'no finding'}; M->B ${stronger.findings.map((f) => f.rule).join(', ') || 'no finding'}` };
}

const TARGETS = ['kong', 'nginx', 'traefik'] as const;

async function build(target: (typeof TARGETS)[number]) {
  const r = await compiledState(writeSpec(richSpec(target)), target, {});
  if (!r.state) throw new Error(r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`).join('\n'));
  const files = r.state.files!;
  const built = readerOf(target).reader!.normalise(files, 'built').state!;
  return { files, built };
}

function mutationsOf(target: string, files: OutputFile[]): Mutation[] {
  if (target === 'nginx') return [...nginxLineMutations(files), ...njsMutations(files), ...handEdits(target, files)];
  const file = files.find((f) => /\.ya?ml$/.test(f.path))!;
  // Generated ids, tags and decK's header are no settings; Traefik's entries are named per route.
  const skip = (l: { sig: string }) => /(^|\.)(id|tags|_info|_format_version)$/.test(l.sig) || /\.tags\b|\b_info\b/.test(l.sig);
  const fold = (p: Array<string | number>, k: string) => (p.length === 2 && p[0] === 'http' ? '*' : k);
  return documentMutations(file, skip, fold).map((m) => ({ ...m, files: files.map((f) => (f === file ? m.files[0]! : f)) }));
}

// Mechanism of each: KNOWN_GAPS. The mutations there are expected to be read as no security change.
describe('gwc diff coverage: known gaps (it.fails until a reader compares them)', () => {
  for (const target of TARGETS) {
    if (!KNOWN_GAPS.some(([t]) => t === target)) continue;
    it.fails(`${target}: ${KNOWN_GAPS.filter(([t]) => t === target).map(([, , , why]) => why).join('; ')}`, { timeout: 600_000 }, async () => {
      const { files, built } = await build(target);
      const gaps = mutationsOf(target, files).filter((m) => KNOWN_GAPS.some(([t, sig, what]) => t === target && sig.test(m.sig) && what.test(m.what)));
      expect(gaps.length).toBeGreaterThan(0);
      expect(gaps.map((m) => judge(target, built, m)).filter((v) => v.result === 'gap').map((v) => `${v.m.what} ${v.m.at}`)).toEqual([]);
    });
  }
});

describe('gwc diff coverage: every weakening of what gwc writes is a security finding', () => {
  for (const target of TARGETS) {
    it(`${target}: each mutation of the build is seen both ways`, { timeout: 600_000 }, async () => {
      const { files, built } = await build(target);
      const out = process.env.DIFF_COVERAGE_OUT;
      if (out) for (const f of files) writeFileSync(path.join(out, `${target}-${f.path.replace(/\//g, '_')}`), f.contents);
      if (out) return;
      const verdicts = mutationsOf(target, files).map((m) => judge(target, built, m));
      const count = (r: Verdict['result']) => verdicts.filter((v) => v.result === r).length;
      const figures = `${target}: ${verdicts.length} mutations: ${count('covered')} covered, ${count('unchanged')} unchanged, ${count('refused')} refused, ${count('allowed')} allowed, ${count('gap')} known gaps, ${count('one-way')} one-way, ${count('blind')} blind, ${count('crash')} crashed`;
      if (process.env.DIFF_COVERAGE_REPORT) {
        console.log(figures);
        for (const v of verdicts.filter((x) => x.result === 'blind' || x.result === 'one-way' || x.result === 'crash')) console.log(`  ${v.result} [${v.m.what}] ${v.m.sig}\n      at ${v.m.at}\n      ${v.detail}`);
      }
      const missed = verdicts.filter((v) => v.result === 'blind' || v.result === 'one-way' || v.result === 'crash').map((v) => `${v.result} [${v.m.what}] ${v.m.sig} (${v.detail})`);
      expect(missed, figures).toEqual([]);
    });
  }
});

// ---- drift: the deployed copy loosened by hand while the spec did not change -------------------

/** The build's files written as a deployed folder (nginx) or file (Kong, Traefik), each passed through `edit`. */
function deployed(target: string, files: OutputFile[], edit: (f: OutputFile) => string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `gwc-drift-${target}-`));
  for (const f of files) {
    mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true });
    writeFileSync(path.join(dir, f.path), edit(f));
  }
  return target === 'nginx' ? dir : path.join(dir, files[0]!.path);
}

const once = (text: string, from: string | RegExp, to: string) => {
  const next = text.replace(from, to);
  if (next === text) throw new Error(`no ${String(from)}`);
  return next;
};

/**
 * What `gwc diff --deployed` says of a gateway loosened outside gwc (DESIGN.md 7.8, src/diff/README.md
 * "Drift"): the release puts the setting back, a `tightened` finding (breaking: a caller relying on
 * the loosened setting may fail) naming the security rule it undoes, and no security finding, so
 * `--fail-on security` never blocks the release that repairs it. A release whose spec adopts the
 * loosened setting changes nothing on the gateway: `--deployed` shows no change there, and the
 * weakening is the spec's, shown by `--base` (both sides compiled) as a security finding.
 */
describe('gwc diff --deployed: drift, the deployed gateway weaker than the unchanged spec', () => {
  const spec = (t: 'kong' | 'nginx' | 'traefik') => writeSpec(richSpec(t));
  const findings = (p: Plan | undefined) => (p?.findings ?? []).map((f) => `${f.class} ${f.rule}${f.undoes ? ` undoes ${f.undoes}` : ''} ${f.key}`);

  it('kong: hide_credentials turned off by hand: the release tightens it (tightened, undoes credentials-forwarded)', async () => {
    const file = spec('kong');
    const { files } = await build('kong');
    const where = deployed('kong', files, (f) => once(f.contents, /(name: "cov\.getkeys"[\s\S]*?hide_credentials: )true/, '$1false'));
    const r = await diffDeployed(file, { target: 'kong', deployed: where });
    expect(findings(r.plan)).toContain('breaking tightened undoes credentials-forwarded cov.getkeys');
    expect(findings(r.plan).filter((f) => f.startsWith('security'))).toEqual([]);
  });

  it('traefik: trustForwardHeader set true by hand (gwc always writes false): tightened, undoes request-header-passed', async () => {
    const file = spec('traefik');
    const { files } = await build('traefik');
    const where = deployed('traefik', files, (f) => f.contents.replace(/trustForwardHeader: false/g, 'trustForwardHeader: true'));
    const r = await diffDeployed(file, { target: 'traefik', deployed: where });
    expect(findings(r.plan)).toContain('breaking tightened undoes request-header-passed cov-getfwd');
    expect(findings(r.plan).filter((f) => f.startsWith('security'))).toEqual([]);
  });

  it('nginx: a WebSocket connection cap raised by hand: the release lowers it (rate-limit-lowered), no security finding', async () => {
    const file = spec('nginx');
    const { files } = await build('nginx');
    const where = deployed('nginx', files, (f) => (f.path.endsWith('.conf') ? f.contents.replace(/(limit_conn gwc_cov_wc\d+) 2;/, '$1 200;') : f.contents));
    const r = await diffDeployed(file, { target: 'nginx', deployed: where });
    expect(findings(r.plan)).toContain('breaking rate-limit-lowered route live');
    expect(findings(r.plan).filter((f) => f.startsWith('security'))).toEqual([]);
  });

  it('nginx: mutual TLS added by hand (gwc writes none): the release that drops it is security (auth-weakened, auth-removed on public routes)', async () => {
    const file = spec('nginx');
    const { files } = await build('nginx');
    const where = deployed('nginx', files, (f) => (f.path.endsWith('.conf') ? f.contents.replace(/^(\s*server_name [^;]+;)/m, '$1\n    ssl_verify_client on;\n    ssl_client_certificate /etc/nginx/client-ca.pem;') : f.contents));
    const r = await diffDeployed(file, { target: 'nginx', deployed: where });
    expect(findings(r.plan)).toContain('security auth-weakened route getKeys');
    expect(findings(r.plan)).toContain('security auth-removed route getPublic');
  });

  it('kong: a release whose spec adopts the loosened setting: no change against the deployed gateway; --base (both compiled) shows the spec weakening it', async () => {
    const loosened = richSpec('kong').replace('x-api-key, x-gateway: { hideCredentials: true', 'x-api-key, x-gateway: { hideCredentials: false');
    // The deployed gateway was loosened by hand exactly as the new spec now says.
    const next = await compiledState(writeSpec(loosened), 'kong', {});
    const where = deployed('kong', next.state!.files!, (f) => f.contents);
    const r = await diffDeployed(writeSpec(loosened), { target: 'kong', deployed: where });
    expect(r.plan?.findings).toEqual([]);
    const base = await compiledState(spec('kong'), 'kong', {});
    expect(findings(diffStates(base.state!, next.state!))).toContain('security credentials-forwarded cov.getkeys');
  });
});
