/**
 * Hostile-spec generator for `npm run fuzz` and its CI sample (issue 14, "Also"). One seed and one
 * index give one spec, byte for byte, so any finding is replayed with `GWC_FUZZ_ONLY=<index>`.
 *
 * Every user-text slot the spec language has (title, operation ids, summaries, tags, path
 * literals, base path, header names and values, removed headers, CORS origins and headers, cache
 * and rate-limit key headers, mock bodies, content types and headers, upstream and backend paths,
 * roles, basic usernames, realms, issuers, audiences, API-key parameter names, forward-auth paths
 * and headers) carries a MARKED payload: `zq<n>x` + hostile text + `xq<n>z`. The payload mixes
 * quotes, `;`, braces, `$`, `${{ }}` (decK), `{{ }}` (Go templates), backticks, backslashes, `#`,
 * percent escapes, non-BMP characters and, now and then, control characters (which must be refused
 * at the spec line). checks.ts parses every output back and asks that each opened marker closes
 * inside the same token or scalar. Auth mixes (API key in header/query/cookie, basic, JWT,
 * forward auth, AND, OR, optional, roles), caches, rate limits by ip/consumer/header, and families
 * of more than 8 sibling templates with non-BMP literals (nginx's regex buckets) are drawn too.
 */
import { stringify } from 'yaml';

/** mulberry32: small, fast and deterministic. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A user-text slot the generator filled: where it went and the marked text put there. */
export interface Slot {
  slot: string;
  marker: number;
  text: string;
  /** The payload holds a control character (allowed in a mock body only). */
  control: boolean;
}

export interface HostileSpec {
  index: number;
  /** Which targets the spec was drawn to build on (portable: all four). */
  profile: string;
  yaml: string;
  slots: Slot[];
}

/** Text that means something to nginx, YAML, JSON, Go/decK templates, regexes or URLs. */
const FREE = ['"', "'", ';', '{', '}', '$', '${x}', '$1', '$host', '$${', '{{ .Env.HOME }}', '{{ "{" }}', '$(headers.authorization)', '$(', '${1}', '$$', '{{', '}}', '`', '\\', '\\"', '#', ' ', '|', '&', '<', '>', '%', '%0d%0a', '%7C', '%00', '%zz', '%C3%', '%2F', '\u{1F600}', '\u{1D518}', '\u00e9', '\u200b', ':', ': ', '=', ',', '(', ')', '*', '@', '!', '~', '..', '/', '?', '[', ']', '^', '- ', '&a', '*a', '!!str', '"}', "'}", '};', '";', "';", '\\x00', 'a', 'Z', '0', '-'];
/** Characters a URL path segment may hold literally (no `/`, `?`, `#`, `{`, `}`), plus non-BMP. */
const PATHY = ['a', 'b', '-', '.', '_', '~', '$', '$1', '$(', ';', "'", '(', ')', '*', '@', ':', '=', '&', '+', ',', '!', '\u00e9', '\u{1F600}', '\u{1D518}', '\u4e2d', '%41', '%3B', '%2F', '%zz', '%C3', '%25', '..', '"', '\\', '|', '^', '`', ' ', '<', '[', ']'];
/** RFC 9110 tchar: what the x-gateway schema lets a header name hold. */
const TCHAR = ['!', '#', '$', '%', '&', "'", '*', '+', '.', '^', '_', '`', '|', '~', '-', 'a', 'Z', '9'];
/** decK template openings: refused at the spec line wherever they could reach output (rare, so most specs load). */
const TEMPLATE = ['${{ env "DECK_X" }}', '${{ printf "%q" (env "DECK_KONNECT_TOKEN") }}', '${{'];
const CONTROL = ['\r\n', '\n', '\r', '\u0000', '\t', '\u007f', '\u0085', '\u2028', '\u001b'];

const METHODS = ['get', 'post', 'put', 'delete', 'patch'] as const;
const AUTH = ['public', 'public', 'key', 'key', 'key', 'basic', 'bearer', 'fwd', 'fwd', 'keyOrBasic', 'keyAndBearer', 'optional', 'role', 'qkey', 'ckey'] as const;
type Auth = (typeof AUTH)[number];
const SECURITY: Record<Auth, unknown> = {
  public: [],
  key: [{ key: [] }],
  qkey: [{ qkey: [] }],
  ckey: [{ ckey: [] }],
  basic: [{ basic: [] }],
  bearer: [{ bearer: [] }],
  fwd: [{ fwd: [] }],
  keyOrBasic: [{ key: [] }, { basic: [] }],
  keyAndBearer: [{ key: [], bearer: [] }],
  optional: [{}, { key: [] }],
  role: [{ key: ['ROLE'] }],
};
/** Gaps a spec may accept (never auth: accepting an auth gap opens the route and is refused). */
const ACCEPTABLE: string[] = ['bodyLimit', 'responseHeaders', 'backend.weighted', 'backend.retries', 'cache', 'backend.mock', 'backend.lambda', 'requestHeaders', 'rateLimit', 'cors', 'ipRule', 'upstreamPath', 'hostRouting'];

export function hostileSpec(seed: number, index: number): HostileSpec {
  const r = rng((seed * 2654435761 + index * 40503) >>> 0);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const chance = (p: number) => r() < p;
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const slots: Slot[] = [];
  let n = 0;
  /** A marked payload drawn from `alphabet`; control characters only where `control` allows. */
  // Per spec, the share of slots given hostile text: a spec with one hostile slot among benign ones
  // reaches the targets' emitters (most refusals are whole-target), one with many tests refusals.
  const rate = pick([0.02, 0.05, 0.1, 0.2, 0.4]);
  const mark = (slot: string, alphabet: readonly string[], opts: { control?: number; max?: number } = {}): string => {
    const m = n++;
    if (!chance(rate)) {
      const text = `zq${m}x${pick(['a', 'ab', 'Z9', 'a-b'])}xq${m}z`;
      slots.push({ slot, marker: m, text, control: false });
      return text;
    }
    let payload = '';
    let control = false;
    for (let i = int(1, opts.max ?? 5); i > 0; i--) {
      if (opts.control && chance(opts.control)) {
        payload += pick(CONTROL);
        control = true;
      } else if (opts.control && chance(opts.control)) payload += pick(TEMPLATE);
      else payload += pick(alphabet);
    }
    const text = `zq${m}x${payload}xq${m}z`;
    slots.push({ slot, marker: m, text, control });
    return text;
  };
  // Control characters: rare, so that most specs load and reach the targets.
  const ctl = 0.02;
  const free = (slot: string) => mark(slot, FREE, { control: ctl });
  const header = (slot: string) => (chance(0.5) ? pick(['X-A', 'X-Tenant', 'X-Api-Version']) : mark(slot, TCHAR, { max: 4 }));
  const segment = (slot: string) => (chance(0.45) ? pick(['users', 'items', 'v1', 'x.y', 'me', 'a-b']) : mark(slot, PATHY, { control: ctl, max: 3 }));

  // A third of the specs keep to what every target can enforce (API keys with a forward-auth
  // fallback for Traefik, no mocks, optional auth or roles), so AWS and Traefik outputs get checked.
  const profile = pick(['portable', 'portable', 'traefik', 'kong', 'any'] as const);
  const portable = profile === 'portable';
  // The auth mixes a profile draws from: what its targets enforce, plus the odd one they refuse.
  const mixes: readonly Auth[] = {
    portable: ['public', 'key', 'key'] as const,
    traefik: ['public', 'key', 'basic', 'fwd', 'keyOrBasic', 'qkey'] as const,
    kong: ['public', 'key', 'basic', 'keyOrBasic', 'role', 'qkey', 'bearer'] as const,
    any: AUTH,
  }[profile];
  // ---- paths: a few random ones, and sometimes a family of > 8 sibling templates (nginx buckets).
  const paths: string[][] = [];
  for (let i = int(1, 4); i > 0; i--) {
    const segs: string[] = [];
    for (let j = int(1, 3); j > 0; j--) segs.push(chance(0.35) ? '{}' : segment('path literal'));
    paths.push(segs);
  }
  if (chance(portable ? 0.1 : 0.3)) {
    const lits = new Set<string>();
    for (let i = int(7, 12); i > 0; i--) lits.add(!portable && chance(0.4) ? `${pick(['\u{1F600}', '\u{1D518}', '\u00e9', '\u4e2d'])}${pick(['', 'x', '\u{1F600}'])}` : segment('sibling literal'));
    for (const l of lits) paths.push(['t', '{}', l]);
    paths.push(['t', '{}', '{}']);
  }
  const seen = new Set<string>();
  const unique = paths.filter((p) => {
    const k = p.map((s) => (s === '{}' ? '{}' : s)).join('/');
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });

  const role = chance(0.5) ? 'admin' : mark('role', FREE, { control: ctl, max: 3 });
  const items: Record<string, Record<string, unknown>> = {};
  let ops = 0;
  for (const segs of unique) {
    let p = 0;
    // One parameter name per position, so sibling templates agree with each other (OpenAPI).
    const named = segs.map((s, i) => (s === '{}' ? `{p${i}}` : s));
    const params = named.filter((s) => s.startsWith('{')).map((s) => s.slice(1, -1));
    void p;
    const item: Record<string, unknown> = {};
    for (const m of METHODS) {
      if (!(chance(0.4) || m === 'get')) continue;
      const auth = chance(0.97) ? pick(mixes) : pick(AUTH);
      const x: Record<string, unknown> = {};
      const op: Record<string, unknown> = {};
      op.operationId = chance(0.7) ? `op${ops}` : free('operationId');
      if (chance(0.3)) op.summary = free('summary');
      if (chance(0.2)) op.tags = [free('tag')];
      op.security = JSON.parse(JSON.stringify(SECURITY[auth]).replace('"ROLE"', JSON.stringify(role)));
      if (auth === 'public') x.public = true;
      if (params.length) op.parameters = params.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
      if (chance(0.25)) x.requestHeaders = { set: { [header('request header name')]: free('request header value') }, ...(!portable && chance(0.5) ? { remove: [header('removed header')] } : {}) };
      if (chance(portable ? 0.03 : 0.2)) x.responseHeaders = { set: { [header('response header name')]: free('response header value') } };
      if (chance(0.2)) x.cache = { ttl: pick(['30s', '5m']), ...(chance(0.4) ? { keyHeaders: [header('cache key header')] } : {}) };
      if (chance(0.3)) {
        const by = pick(['ip', 'consumer', 'header', undefined]);
        x.rateLimit = { requests: int(1, 100), per: pick(['second', 'minute']), ...(by === 'header' ? { by: { header: header('rate-limit header') } } : by ? { by } : {}) };
      }
      if (chance(0.15)) x.cors = { origins: [chance(0.3) ? 'https://app.example.com' : chance(0.7) ? `https://${mark('cors origin host', PATHY, { max: 2 })}.example.com` : free('cors origin')], headers: [header('cors header')] };
      if (chance(0.15)) x.upstreamPath = `/in/${segment('upstream path')}${params.length ? `/{${params[0]}}` : ''}`;
      if (chance(0.25)) x.backend = portable ? 'app' : pick(['stub', 'other', 'fn']);
      if (chance(0.1)) x.ipAllow = ['10.0.0.0/8'];
      if (Object.keys(x).length) op['x-gateway'] = x;
      op.responses = { '200': { description: 'ok' } };
      item[m] = op;
      ops++;
    }
    items[`/${named.join('/')}`] = item;
  }

  // ---- hosts and base path
  const host = portable && chance(0.8) ? 'api.example.com' : pick(['api.example.com', 'api.example.com', 'localhost', 'xn--bcher-kva.example', 'api.example.com:8443', 'a-b.example.org', '10.0.0.1', 'ex$ample.com', 'api.example.com;x', "a'b.example.com"]);
  const basePath = pick(['', '', '/v1', `/${segment('base path')}`]);
  const servers = [{ url: `https://${host}${basePath}` }, ...(chance(0.2) ? [{ url: `https://${pick(['b.example.com', 'internal.example.net'])}${basePath}` }] : [])];

  const accept: Record<string, Array<{ feature: string; reason: string }>> = {};
  for (const t of ['aws', 'kong', 'nginx', 'traefik']) {
    if (!chance(0.7)) continue;
    const fs = ACCEPTABLE.filter(() => portable || profile === t || chance(0.6));
    if (t === 'traefik' && (portable || profile === 'traefik')) fs.push('cache', 'backend.mock');
    if (t === 'kong' && chance(0.7)) fs.push('auth.jwt'); // partial on Kong (signature, exp, nbf)
    if (fs.length) accept[t] = fs.map((feature) => ({ feature, reason: 'hostile fuzz' }));
  }
  const fwdHeaders = chance(0.5) ? { requestHeaders: [header('forward-auth request header')], responseHeaders: [header('forward-auth response header')] } : {};
  const doc = {
    openapi: '3.1.0',
    info: { title: chance(0.7) ? free('title') : 'Fuzz', version: '1.0.0' },
    servers,
    ...(chance(0.2) ? { security: [{ key: [] }] } : {}),
    'x-gateway': {
      name: 'fz',
      backends: {
        // queryNames: exact half the time: an authenticated cache beside a query carrier is refused without it (aws-cache-query-credential).
        app: { vpcLink: 'a1b2c3', url: `http://app.internal:8080${chance(0.3) ? `/${segment('backend path')}` : ''}`, ...(chance(0.5) ? { queryNames: 'exact' } : {}) },
        other: { targets: [{ url: 'http://blue.internal:8080', weight: 90 }, { url: 'http://green.internal:8080', weight: 10 }] },
        stub: {
          mock: {
            status: 200,
            contentType: chance(0.4) ? 'application/json' : chance(0.9) ? `application/${mark('mock content type', TCHAR, { max: 3 })}` : free('mock content type'),
            body: mark('mock body', FREE, { control: 0.05 }),
            ...(chance(0.5) ? { headers: { [header('mock header name')]: free('mock header value') } } : {}),
          },
        },
        fn: { lambda: { arn: 'arn:aws:lambda:eu-west-1:123456789012:function:fn', fallbackUrl: 'http://fn.internal:8080' } },
      },
      defaults: { backend: 'app' },
      consumers: {
        alice: { groups: [role], credentials: { key: '${env:ALICE_KEY}' } },
        bob: { credentials: { basic: { username: chance(0.5) ? 'bob' : free('basic username'), password: '${env:BOB_PASSWORD}' } } },
        carol: { credentials: { qkey: '${env:CAROL_KEY}' } },
        dave: { credentials: { ckey: '${env:DAVE_COOKIE}' } },
      },
      ...(Object.keys(accept).length ? { accept } : {}),
    },
    paths: items,
    components: {
      securitySchemes: {
        key: { type: 'apiKey', in: 'header', name: portable || chance(0.6) ? 'X-Api-Key' : mark('api key header name', TCHAR, { max: 4 }), ...(profile === 'traefik' || portable || chance(0.5) ? { 'x-gateway': { forwardAuth: { url: 'http://keys.internal:9000/check' } } } : {}) },
        qkey: { type: 'apiKey', in: 'query', name: chance(0.6) ? 'api_key' : free('api key query name'), ...(profile === 'traefik' || chance(0.6) ? { 'x-gateway': { forwardAuth: { url: 'http://keys.internal:9000/check' } } } : {}) },
        ckey: { type: 'apiKey', in: 'cookie', name: chance(0.6) ? 'sid' : free('api key cookie name'), ...(chance(0.6) ? { 'x-gateway': { forwardAuth: { url: 'http://keys.internal:9000/check' } } } : {}) },
        basic: { type: 'http', scheme: 'basic', ...(chance(0.7) ? { 'x-gateway': { realm: free('realm') } } : {}) },
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          'x-gateway': {
            issuer: chance(0.5) ? 'https://issuer.example.com/' : free('jwt issuer'),
            // Without audiences a public-key scheme is refused (jwt-audience-missing): say any audience instead.
            ...(chance(0.3) ? { audiences: [free('jwt audience')] } : { anyAudience: true }),
            publicKeys: ['${env:JWT_PUBLIC_KEY}'],
            algorithms: ['RS256'],
            ...(chance(0.5) ? { forwardAuth: { url: 'http://jwt.internal:9000/verify' } } : {}),
          },
        },
        fwd: { type: 'apiKey', in: 'header', name: 'X-Session', 'x-gateway': { forwardAuth: { url: `http://auth.internal:9000/${chance(0.5) ? 'check' : segment('forward-auth path')}`, ...fwdHeaders } } },
      },
    },
  };
  // Names: the API-key scheme and the consumers take the odd spellings their patterns allow
  // (dots, dashes, underscores, case twins), which targets fold into their own names.
  let json = JSON.stringify(doc);
  if (chance(0.3)) json = json.replaceAll('"key":', `"${pick(['k.e-y_1', 'Key', 'KEY', 'a..b', '_', '-k', 'k.'])}":`);
  if (chance(0.3)) json = json.replaceAll('"alice":', `"${pick(['a.b', '..', '_x', 'Bob', 'al-ice', '.', 'x'.repeat(64)])}":`);
  return { index, profile, yaml: stringify(JSON.parse(json), { lineWidth: 0 }), slots };
}
