/**
 * `gwc diff`'s standing coverage test (DESIGN.md 7.8), shared by one test file per target
 * (test/security/diff-coverage-<target>.test.ts, one file each so vitest spreads them over its
 * workers): for each target, a security-rich build
 * (keys, basic, roles, forward auth with scopes, a JWT on nginx, per-consumer cache, rate limits by
 * address, consumer and header, bursts, IP allow and deny lists, CORS with credentials, a body
 * limit, a verified TLS backend, a WebSocket connection limit on nginx), and every setting gwc wrote
 * found by walking the output (test/helpers/diff-mutations.ts: each decK/Traefik leaf, each nginx
 * directive line, each njs CFG leaf) made weaker the ways a hand edit would (removed, disabled,
 * flipped, widened, raised), plus the settings gwc never writes that a hand edit adds
 * (handEdits). Each mutation M of the build B is read back by the target's reader:
 *
 * - B -> M is a release deploying M where B runs; M -> B is `gwc diff --deployed M` of the
 *   unchanged spec (the deployed copy was loosened, or tightened, by hand: drift).
 * - Whichever of B and M is weaker, the diff towards it must hold a security finding, and the diff
 *   the other way a finding (a security setting the release tightens: `tightened`, or a breaking
 *   one). A reader blind to the setting finds nothing either way: the test lists it.
 * - A mutation both readings leave equal (a default written out, an order) changes nothing.
 * - ALLOWED (per target file): settings that are genuinely neutral for access control, each with its reason.
 * - KNOWN_GAPS (per target file): holes not fixed, `it.fails` naming the mechanism.
 *
 * The suite runs the readers and the planner directly (what `gwc diff` runs, run.ts); one case per
 * target goes through diffDeployed with the weakened file, as the CLI does.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compiledState, readerOf } from '../../../src/diff/run.js';
import { diffStates, type Plan } from '../../../src/diff/plan.js';
import type { State } from '../../../src/diff/entity.js';
import type { OutputFile } from '../../../src/targets/output-file.js';
import { documentMutations, nginxAddition, nginxLineMutations, njsMutations, type Mutation } from '../../helpers/diff-mutations.js';
import { writeSpec } from '../../helpers/spec.js';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';

const ok = "{ '200': { description: ok } }";
const id = "[{ name: id, in: path, required: true, schema: { type: string } }]";

/** The rich spec; `t` picks what each target can build (Traefik: forward auth for keys, no cache). */
export function richSpec(t: 'kong' | 'nginx' | 'traefik'): string {
  const keyAuth = t === 'traefik' ? ", forwardAuth: { url: 'https://auth.internal/key' }" : '';
  const qkeyAuth = t === 'traefik' ? ", x-gateway: { backendCookies: none, forwardAuth: { url: 'https://auth.internal/qkey' } }" : '';
  // Traefik cannot remove a hidden query key (refused, traefik-credential-not-hidden): there the second
  // key of /upload is a hidden cookie, whose routers delete the whole Cookie header (the backend reads
  // no cookie: backendCookies: none, without which Traefik refuses it too).
  const qkeyIn = t === 'traefik' ? 'cookie' : 'query';
  const mineCache = t === 'traefik' ? '' : ', cache: { ttl: 60s, keyHeaders: [X-Tenant] }';
  const publicCache = t === 'nginx' ? ', cache: { ttl: 30s }' : '';
  // Roles on Traefik only where Traefik checks them (basic users' files), not behind forward auth.
  const admin = t === 'traefik' ? '[{ basic: [admin] }]' : '[{ apiKey: [admin] }]';
  const extra =
    t === 'nginx'
      ? `  /token:\n    get: { operationId: getToken, security: [{ bearer: [tokens:read] }], responses: ${ok} }\n` +
        `  /live:\n    get: { operationId: live, security: [{ apiKey: [] }], x-gateway: { websocket: true, rateLimit: { requests: 2, per: second, by: consumer } }, responses: ${ok} }\n` +
        // An OR route whose kept credentials go on only for the alternative that passed (kept-credentials.ts).
        `  /either:\n    get: { operationId: getEither, security: [{ basic: [] }, { keptH: [] }, { keptQ: [] }, { keptC: [] }], responses: ${ok} }\n`
      : '';
  // Kong OSS has no forward auth (refused).
  const fwd = t === 'kong' ? '' : `  /fwd:\n    get: { operationId: getFwd, security: [{ fwd: [read] }], responses: ${ok} }\n`;
  // A scheme the target verifies itself whose forwardAuth service the backend relies on (its answer
  // headers, a request header it verifies): asked after the own check (forward-fallback.ts
  // needsService); nginx an API key, Traefik basic (its only native check). Kong and AWS refuse it.
  const svc = t === 'kong' ? '' : `  /svc:\n    get: { operationId: getSvc, security: [{ svc: [] }], responses: ${ok} }\n`;
  const svcScheme =
    t === 'nginx'
      ? "    svc: { type: apiKey, in: header, name: x-svc-key, x-gateway: { forwardAuth: { url: 'http://auth.internal:9000/svc', requestHeaders: [X-Session], responseHeaders: [X-User-Id] } } }\n"
      : t === 'traefik'
        ? "    svc: { type: http, scheme: basic, x-gateway: { forwardAuth: { url: 'https://auth.internal/svc', requestHeaders: [X-Session], responseHeaders: [X-User-Id] } } }\n"
        : '';
  const svcHolder = t === 'nginx' ? "    dave: { credentials: { svc: '\${env:DAVE_KEY}' } }\n" : t === 'traefik' ? "    dave: { credentials: { svc: { username: dave, password: '\${env:DAVE_PW}' } } }\n" : '';
  const bearer =
    t === 'nginx'
      ? "    bearer: { type: http, scheme: bearer, bearerFormat: JWT, x-gateway: { issuer: 'https://id.cov.example.com/', audiences: [cov], algorithms: [RS256], jwksUri: 'https://id.cov.example.com/jwks', clockSkew: 30s } }\n" +
        '    keptH: { type: apiKey, in: header, name: x-kept-key, x-gateway: { hideCredentials: false } }\n' +
        '    keptQ: { type: apiKey, in: query, name: kept_key, x-gateway: { hideCredentials: false } }\n' +
        '    keptC: { type: apiKey, in: cookie, name: kept_sid, x-gateway: { hideCredentials: false } }\n'
      : '';
  // A value the backend trusts, set by the gateway (request-header-value-changed when edited; Kong's reader does not read it).
  const setHeader = t === 'kong' ? '' : ', requestHeaders: { set: { X-Env: prod } }';
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
${svcHolder}paths:
  /keys:
    get: { operationId: getKeys, security: [{ apiKey: [] }], x-gateway: { rateLimit: { requests: 100, per: minute, by: ip, burst: 10 }${setHeader} }, responses: ${ok} }
  /mine:
    get: { operationId: getMine, security: [{ apiKey: [] }], x-gateway: { rateLimit: { requests: 50, per: minute, by: consumer }${mineCache} }, responses: ${ok} }
  /admin:
    get: { operationId: getAdmin, security: ${admin}, x-gateway: { ipAllow: [10.0.0.0/8], ipDeny: [10.9.0.0/16] }, responses: ${ok} }
  /upload:
    post: { operationId: upload, security: [{ basic: [] }, { qkey: [] }], x-gateway: { bodyLimit: 64k, rateLimit: { requests: 10, per: second, by: { header: X-Tenant } } }, responses: ${ok} }
  /secure/{id}:
    get: { operationId: getSecure, security: [{ apiKey: [] }], parameters: ${id}, x-gateway: { backend: secure, upstreamPath: '/records/{id}' }, responses: ${ok} }
${fwd}${svc}  /public:
    get: { operationId: getPublic, security: [], x-gateway: { public: true, rateLimit: { requests: 5, per: second }${publicCache} }, responses: ${ok} }
${extra}components:
  securitySchemes:
    apiKey: { type: apiKey, in: header, name: x-api-key, x-gateway: { hideCredentials: true${keyAuth} } }
    qkey: { type: apiKey, in: ${qkeyIn}, name: api_key${qkeyAuth} }
    basic: { type: http, scheme: basic }
    fwd: { type: http, scheme: bearer, x-gateway: { forwardAuth: { url: 'https://auth.internal/check' } } }
${bearer}${svcScheme}`;
}

// ---- what is genuinely neutral --------------------------------------------------------------

/** [sig, mutation, reason, optionally where (the unfolded place)]. A sig is the place with route-specific parts folded (diff-mutations.ts); `what` the mutation. */
export type Allowed = readonly [RegExp, RegExp, string, RegExp?];

/** A hole the suite finds that is not fixed (it.fails): [target, sig, mutation, mechanism]. */
export type KnownGap = readonly [string, RegExp, RegExp, string];

export const ANSWER_ONLY = 'a route that only answers (405, CORS preflight: no service) reaches no backend: a change refuses callers or answers otherwise, never lets one in (its CORS is read)';
export const NOT_A_VALUE = 'not a value the gateway accepts (a `*` protocol, method, path, header, middleware): the file is refused or the entry matches nothing';
export const NAMES = 'a name: entities pair by what they do (a route by its match, a service by its backend)';
export const CLOSED = 'fails closed: the request is refused or the gateway refuses the file';
export const DEFAULT = "the gateway's default is the value gwc writes";
export const NOT_ACCESS = 'not access control: timeouts, status codes and texts of refusals, response headers, buffers, cache lifetimes and sizes';

/** Settings gwc never writes that a hand edit adds to the deployed copy (the blind spots of the last closing note). */
function handEdits(target: string, files: OutputFile[]): Mutation[] {
  if (target === 'traefik') return traefikHandEdits(files);
  if (target !== 'nginx') return [];
  const server = /^\s*server_name [^;]+;/m;
  return [
    nginxAddition(files, server, ['    ssl_verify_client on;', '    ssl_client_certificate /etc/nginx/client-ca.pem;'], 'server: ssl_verify_client on (mTLS)'),
    nginxAddition(files, / *set \$gwc_cov_route \d+;(?=(?:\n(?! *location).*)*?\n *allow 10\.0\.0\.0\/8;)/, ['        satisfy any;'], 'route: satisfy any (IP rule OR auth)'),
    // gwc's support locations (deployed-unread.ts supportUnread): an error page copying the refused
    // request elsewhere, a JWKS fetch including a file the reader does not follow.
    nginxAddition(files, /location = \/_gwc_internal\/e\/401 \{/, ['        mirror /_gwc_internal/m;'], 'error page: mirror'),
    nginxAddition(files, /location = \/_gwc_internal\/x\/\d+\/401 \{/, ['        proxy_pass http://elsewhere.example;'], 'error step: proxy_pass'),
    nginxAddition(files, /location = \/_gwc_internal\/k\/0 \{/, ['        include /etc/nginx/jwks-extra.conf;'], 'JWKS fetch: include'),
  ];
}

/**
 * Traefik middlewares gwc never writes that change what a router's backend gets or where its caller
 * goes (red team 16): path rewrites (upstream-path-changed), an error page served by another
 * service sent the caller's headers, redirects elsewhere, a client-certificate header, grpc-web's
 * CORS (unread-changed), an in-flight cap (a connection limit). Each on a keyed router (before its
 * auth) and on the public one.
 */
function traefikHandEdits(files: OutputFile[]): Mutation[] {
  const fi = files.findIndex((f) => /\.ya?ml$/.test(f.path));
  const added: Array<[string, Record<string, unknown>]> = [
    ['stripPrefix', { stripPrefix: { prefixes: ['/keys', '/public'] } }],
    ['stripPrefixRegex', { stripPrefixRegex: { regex: ['/[a-z]+'] } }],
    ['addPrefix', { addPrefix: { prefix: '/admin' } }],
    ['errors', { errors: { status: ['401-403'], service: 'cov-app', query: '/internal/{status}' } }],
    ['redirectScheme', { redirectScheme: { scheme: 'http', port: '8080' } }],
    ['redirectRegex', { redirectRegex: { regex: '^https://([^/]+)/(.*)', replacement: 'https://evil.example/$2' } }],
    ['passTLSClientCert', { passTLSClientCert: { pem: true } }],
    ['grpcWeb', { grpcWeb: { allowOrigins: ['*'] } }],
    ['inFlightReq', { inFlightReq: { amount: 10 } }],
  ];
  return ['cov-getkeys', 'cov-getpublic'].flatMap((router) =>
    added.map(([type, m]) => {
      const doc = parseYaml(files[fi]!.contents) as { http: { routers: Record<string, { middlewares?: string[] }>; middlewares: Record<string, unknown> } };
      if (!doc.http.routers[router]) throw new Error(`no router ${router}`);
      doc.http.middlewares[`cov-hand-${type}`] = m;
      (doc.http.routers[router]!.middlewares ??= []).unshift(`cov-hand-${type}`);
      const contents = stringifyYaml(doc);
      return { at: `http.routers.${router}.middlewares: + ${type}`, sig: `http.routers.*.middlewares+${type}`, what: 'add', files: files.map((f, j) => (j === fi ? { ...f, contents } : f)) };
    }),
  );
}

// ---- the check --------------------------------------------------------------------------------

const security = (p: Plan) => p.findings.filter((f) => f.class === 'security').map((f) => `${f.rule} ${f.key}`);

export interface Verdict {
  m: Mutation;
  result: 'covered' | 'unchanged' | 'refused' | 'allowed' | 'gap' | 'blind' | 'one-way' | 'crash';
  detail?: string;
}

export function judge(target: string, built: State, m: Mutation, allowedList: readonly Allowed[], knownGaps: readonly KnownGap[], readerTarget = target): Verdict {
  const reader = readerOf(readerTarget).reader!;
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
  // Unchanged only when neither reading has a change or a finding: a fact the reader reads from
  // the njs CFG moves no field of the location, so a plan may hold findings and no change.
  if (weaker.changes.length + stronger.changes.length + weaker.findings.length + stronger.findings.length === 0) return { m, result: 'unchanged' };
  const w = security(weaker);
  const s = security(stronger);
  if ((w.length > 0 && stronger.findings.length > 0) || (s.length > 0 && weaker.findings.length > 0)) return { m, result: 'covered' };
  if (knownGaps.some(([t, sig, what]) => t === target && sig.test(m.sig) && what.test(m.what))) return { m, result: 'gap' };
  const allowed = allowedList.find(([sig, what, , at]) => sig.test(m.sig) && what.test(m.what) && (!at || at.test(m.at)));
  if (allowed) return { m, result: 'allowed', detail: allowed[2] };
  if (w.length > 0 || s.length > 0) return { m, result: 'one-way', detail: `release weakens: ${w.join('; ') || '-'}; drift back: ${stronger.findings.map((f) => f.rule).join(', ') || 'nothing'}` };
  return { m, result: 'blind', detail: `B->M ${weaker.findings.map((f) => f.rule).join(', ') || 'no finding'}; M->B ${stronger.findings.map((f) => f.rule).join(', ') || 'no finding'}` };
}

export type CoverageTarget = 'kong' | 'nginx' | 'traefik';

/**
 * A coverage run of another build than richSpec's (AWS: one per API flavour): `name` in titles and
 * KNOWN_GAPS, `reader` the target whose deployed reader reads the mutations.
 */
export interface CoverageSetup {
  reader: string;
  build(): Promise<{ files: OutputFile[]; built: State }>;
  mutations(files: OutputFile[]): Mutation[];
}

export async function build(target: CoverageTarget) {
  const r = await compiledState(writeSpec(richSpec(target)), target, {});
  if (!r.state) throw new Error(r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`).join('\n'));
  const files = r.state.files!;
  const built = readerOf(target).reader!.normalise(files, 'built').state!;
  return { files, built };
}

export function mutationsOf(target: string, files: OutputFile[]): Mutation[] {
  if (target === 'nginx') return [...nginxLineMutations(files), ...njsMutations(files), ...handEdits(target, files)];
  const file = files.find((f) => /\.ya?ml$/.test(f.path))!;
  // Generated ids, tags and decK's header are no settings; Traefik's entries are named per route.
  const skip = (l: { sig: string }) => /(^|\.)(id|tags|_info|_format_version)$/.test(l.sig) || /\.tags\b|\b_info\b/.test(l.sig);
  const fold = (p: Array<string | number>, k: string) => (p.length === 2 && p[0] === 'http' ? '*' : k);
  return [...documentMutations(file, skip, fold).map((m) => ({ ...m, files: files.map((f) => (f === file ? m.files[0]! : f)) })), ...handEdits(target, files)];
}

/**
 * The two standing checks of one target: its known gaps (it.fails until a reader compares them)
 * and every other mutation seen both ways, unless `allowed` names it.
 */
export function describeCoverage(target: CoverageTarget | string, allowed: readonly Allowed[], knownGaps: readonly KnownGap[], setup?: CoverageSetup): void {
  const make = setup?.build ?? (() => build(target as CoverageTarget));
  const mutations = setup?.mutations ?? ((files: OutputFile[]) => mutationsOf(target, files));
  const reader = setup?.reader ?? target;
  // Mechanism of each: KNOWN_GAPS. The mutations there are expected to be read as no security change.
  // A target with no gap left has no such suite (an empty describe fails in vitest).
  if (knownGaps.some(([t]) => t === target)) {
    describe('gwc diff coverage: known gaps (it.fails until a reader compares them)', () => {
      it.fails(`${target}: ${knownGaps.filter(([t]) => t === target).map(([, , , why]) => why).join('; ')}`, { timeout: 600_000 }, async () => {
        const { files, built } = await make();
        const gaps = mutations(files).filter((m) => knownGaps.some(([t, sig, what]) => t === target && sig.test(m.sig) && what.test(m.what)));
        expect(gaps.length).toBeGreaterThan(0);
        expect(gaps.map((m) => judge(target, built, m, allowed, knownGaps, reader)).filter((v) => v.result === 'gap').map((v) => `${v.m.what} ${v.m.at}`)).toEqual([]);
      });
    });
  }

  describe('gwc diff coverage: every weakening of what gwc writes is a security finding', () => {
    it(`${target}: each mutation of the build is seen both ways`, { timeout: 600_000 }, async () => {
      const { files, built } = await make();
      const out = process.env.DIFF_COVERAGE_OUT;
      if (out) for (const f of files) writeFileSync(path.join(out, `${target}-${f.path.replace(/\//g, '_')}`), f.contents);
      if (out) return;
      const verdicts = mutations(files).map((m) => judge(target, built, m, allowed, knownGaps, reader));
      const count = (r: Verdict['result']) => verdicts.filter((v) => v.result === r).length;
      const figures = `${target}: ${verdicts.length} mutations: ${count('covered')} covered, ${count('unchanged')} unchanged, ${count('refused')} refused, ${count('allowed')} allowed, ${count('gap')} known gaps, ${count('one-way')} one-way, ${count('blind')} blind, ${count('crash')} crashed`;
      if (process.env.DIFF_COVERAGE_REPORT) {
        console.log(figures);
        for (const v of verdicts.filter((x) => x.result === 'blind' || x.result === 'one-way' || x.result === 'crash')) console.log(`  ${v.result} [${v.m.what}] ${v.m.sig}\n      at ${v.m.at}\n      ${v.detail}`);
      }
      const missed = verdicts.filter((v) => v.result === 'blind' || v.result === 'one-way' || v.result === 'crash').map((v) => `${v.result} [${v.m.what}] ${v.m.sig} (${v.detail})`);
      expect(missed, figures).toEqual([]);
    });
  });
}

// ---- drift helpers ------------------------------------------------------------------------------

/** The build's files written as a deployed folder (nginx) or file (Kong, Traefik), each passed through `edit`. */
export function deployed(target: string, files: OutputFile[], edit: (f: OutputFile) => string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `gwc-drift-${target}-`));
  for (const f of files) {
    mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true });
    writeFileSync(path.join(dir, f.path), edit(f));
  }
  return target === 'nginx' ? dir : path.join(dir, files[0]!.path);
}

export const once = (text: string, from: string | RegExp, to: string) => {
  const next = text.replace(from, to);
  if (next === text) throw new Error(`no ${String(from)}`);
  return next;
};

