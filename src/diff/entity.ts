/**
 * The one model both sides of `gwc diff` are loaded into (decK's reconciler idea): the deployed
 * state and the compiled output are each turned into normalised entities by the target's reader,
 * then compared like with like. Nothing here knows a target.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { OutputFile } from '../targets/output-file.js';
import type { BackendTls, ClientTls, Guards, Mechanism } from './facts-parts.js';

// What Facts is made of (guards, TLS, mechanisms, authAtom): facts-parts.ts.
export { authAtom, type BackendTls, type ClientTls, type GuardKind, type Guards, type Mechanism } from './facts-parts.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * A CORS origin (Facts.cors) meaning the gateway lets the backend's own CORS answer through: any
 * origin the backend names, so wider than any list.
 */
export const BACKEND_CORS = "the backend's own CORS headers";

/**
 * What a target's normaliser knows about an entity's effect on clients and on security. Target
 * neutral: the comparison rules in `classify.ts` read only these.
 */
export interface Facts {
  /**
   * Present when the entity is a client-facing route; `match` is what clients call (method, host,
   * path). `paths`: JS regular expressions over the request path that the route answers (paths.ts),
   * `methods` the methods (absent or `[]`: any), when the reader can tell: `gwc diff` then asks which
   * remaining route answers the path of one that went away.
   */
  route?: {
    match: string;
    paths?: string[];
    methods?: string[];
    /**
     * The gateway's order for each of `paths` (same length), in the reader's terms: compared
     * element by element, the greater first, the routes answering a request with the greatest rank
     * take it (several when equal: the gateway's pick among them is not fixed). Absent: the reader
     * cannot tell, and the route takes no part in the precedence check (precedence.ts).
     */
    ranks?: number[][];
  };
  /**
   * Authentication, as OpenAPI security: alternatives (OR), each a list of requirements (AND).
   * `[]` means public; an empty alternative (`[[]]`, `[['key-auth'], []]`) means optional.
   * A requirement is a mechanism name (the reader's words: a scheme, a plugin), or a scope or role
   * that mechanism requires, written `MECHANISM scope NAME` / `MECHANISM role NAME` (authAtom).
   */
  auth?: string[][];
  /** What each mechanism named in `auth` accepts, by the same name. Absent: the reader cannot tell. */
  mechanisms?: Record<string, Mechanism>;
  /** What requests are counted together for `rateLimit`: `ip`, `consumer`, `header NAME`, or the reader's words. */
  rateLimitKey?: string;
  /** Requests allowed over the rate at once (a burst), in the target's terms, comparable on one target. */
  burst?: number;
  /**
   * Whether a limit lets requests through uncounted when its counter store fails (Kong's
   * `fault_tolerant`). Absent: the reader cannot tell, or the target's limits never fail open.
   */
  rateLimitFailsOpen?: boolean;
  /**
   * Whether each gateway node counts the limit apart (Kong `policy: local`): N nodes then let N
   * times the rate through, where a shared store (cluster, redis) counted once. Absent: the reader
   * cannot tell, or the target counts in one place.
   */
  rateLimitPerNode?: boolean;
  /** Whether the gateway answers from a response cache. */
  cache?: boolean;
  /**
   * The request parts a response cache keys on, in the reader's words (`header x-tenant`,
   * `query q`), when the cache is on. A part dropped lets one request be answered with the
   * response to another that differs only there. Absent: the reader cannot tell.
   */
  cacheKey?: string[];
  /** The path the backend is sent (its template), when the gateway rewrites it. */
  upstreamPath?: string;
  /**
   * Where the route sends what it admits: the server(s) (origins, a VPC link, a function), as one
   * comparable text in the reader's words. Absent: the route sends to no backend, or the reader
   * cannot tell.
   */
  backend?: string;
  /** Host names the route answers; `[]` means any Host. Absent: the reader cannot tell. */
  hosts?: string[];
  /** Client-facing protocols the route answers on (`http`, `https`). Absent: the reader cannot tell. */
  protocols?: string[];
  /** Source CIDRs refused. Absent or `[]`: none. */
  ipDeny?: string[];
  /** Requests allowed per window, window in seconds -> requests. Absent: no limit. */
  rateLimit?: Record<string, number>;
  /**
   * Connections one limit key may hold open at once (nginx `limit_conn`, gwc's cap on WebSocket
   * routes). Absent: no cap, or the reader cannot tell.
   */
  connectionLimit?: number;
  /**
   * What `connectionLimit` counts by, in the reader's words (`ip`, `consumer`, `host`: one cap for
   * every caller of the host, `header NAME`: one per value the client writes). Absent: the reader
   * cannot tell.
   */
  connectionLimitKey?: string;
  /** Largest request body in bytes. Absent: no limit set by the gateway. */
  bodyLimit?: number;
  /** Source CIDRs allowed. Absent: every address. */
  ipAllow?: string[];
  /**
   * Where the gateway reads the client address its IP rules and per-address limits check (the
   * connection, or an X-Forwarded-For entry), in the reader's words. Another source is another
   * check: an address the client writes itself, or every client seen as its proxy.
   */
  clientAddress?: string;
  /**
   * CORS as the gateway answers it. Absent: no CORS headers sent. `expose`: the response headers
   * an allowed origin's scripts may read (Access-Control-Expose-Headers); absent when the reader
   * cannot tell.
   */
  cors?: { origins: string[]; methods: string[]; headers: string[]; credentials: boolean; expose?: string[] };
  /**
   * Request headers (lower-case names) the gateway sets or removes before the backend, whatever the
   * client sent: one dropped reaches the backend as the client wrote it, where the backend trusted
   * the gateway's value (a tenant, an identity, a debug switch). Absent: the reader cannot tell.
   */
  requestHeaders?: string[];
  /**
   * The literal value the gateway sets each request header to (lower-case name -> value as the
   * reader reads it: the spec's requestHeaders, nginx `proxy_set_header NAME "literal"`, Traefik
   * customRequestHeaders): the backend trusts it (a tenant, an environment, an internal key), so
   * another value is a finding. Absent: the reader cannot tell.
   */
  requestHeaderValues?: Record<string, string>;
  /**
   * Whether the route hands the backend a client's connection upgrade (a WebSocket): an upgraded
   * connection stays open after one check of its credential, so a key revoked or a token expired
   * keeps it (nginx: up to the idle timeout, an hour on gwc's websocket routes), and limits count
   * it once. Absent: the reader cannot tell, or the gateway upgrades on every route alike (Kong's
   * and Traefik's do: nothing moves there).
   */
  upgrade?: boolean;
  /**
   * Whether the backend is sent the client's Host header instead of its own name: the client then
   * picks the virtual host of a shared backend server. Absent: the reader cannot tell.
   */
  clientHost?: boolean;
  /**
   * What the gateway refuses or removes on a request for its backend's sake, besides auth, limits
   * and the header rules of `requestHeaders`: checks a backend would otherwise be trusted to make
   * itself (Kong's pre- and post-functions, nginx's query and body checks). One text per check in
   * the reader's words, grouped by what the check keeps from the backend (GuardKind); a text gone
   * from a group is a security finding (guardRules in classify.ts). Absent: the reader cannot tell,
   * or the target has no such checks.
   */
  guards?: Guards;
  /**
   * What the gateway checks a request against before its backend (request validation), one text
   * per check in the reader's words (`header x-tenant required`, `body (any content type) matches
   * {...}`): a text gone is `validation-weakened`, a check changed (another model) too, since the
   * diff cannot rank two schemas. `[]`: nothing validated. Absent: the reader cannot tell, or the
   * target does not validate.
   */
  validation?: string[];
  /**
   * Steps the entity runs that the reader cannot judge (a Traefik plugin middleware, or one another
   * provider defines), each as one comparable text (its name and configuration). Any difference,
   * either way, is `unread-changed`: the diff cannot say whether the step checks callers or lets
   * them in (a plugin may verify a JWT, or set the Authorization a later check accepts).
   */
  unread?: string[];
  /**
   * The code the gateway runs its checks in, as the reader identifies it (nginx: a hash of gwc's
   * njs runtime, CFG left out): another one is another release's or an edited runtime, whose
   * checks (a body token, a charset, a `_` header line) the reader cannot tell apart from today's
   * by their configuration alone. Compared only when both sides have it (`runtime-changed`).
   */
  runtime?: string;
  /**
   * TLS from the gateway to the backend (or auth service) this entity sends requests to, as the
   * gateway applies it (inherited and default settings resolved by the reader). `tls: false` is
   * plain HTTP; `verify` is whether the gateway checks the backend's certificate; `ca` is the trust
   * root it checks against in the target's words (a CA file, CA certificate ids), absent for the
   * gateway's default store. Absent: the entity sends nothing to a backend, or the reader cannot tell.
   */
  backendTls?: BackendTls;
  /** TLS towards clients (ClientTls). Absent: the route answers plain HTTP, or the reader cannot tell. */
  clientTls?: ClientTls;
  /**
   * What the gateway takes on the spec's word instead of checking (src/diff/trust.ts), one text per
   * assumption. Only the compiled side can know these; a new one is a security finding.
   */
  trusts?: string[];
  /**
   * What one consumer can present (src/diff/consumers.ts): `credential SCHEME` per credential
   * (`credential SCHEME #N` for its Nth of one scheme),
   * `basic user NAME` per basic user name, `group NAME` per group. Only the compiled side of
   * `gwc diff --base` knows these; a new one is someone who can now call routes they could not.
   */
  holds?: string[];
}

export interface Entity {
  /** The entity's kind in the target's own words: `route`, `service`, `AWS::ApiGateway::Method`... */
  kind: string;
  /** Stable name inside its kind (never a server-generated id, never a position). */
  key: string;
  /**
   * When set, entities are matched on this instead of `key`, and a different key on both sides
   * means the entity is replaced (AWS: a Deployment's logical id changes with its content).
   */
  identity?: string;
  /**
   * What the entity does, in the reader's words (Kong: a service's backend, an upstream's targets):
   * an entity whose key has no partner on the other side is paired with the one entity of its
   * kind that does the same (a rename, e.g. another tool's names), instead of a delete and a
   * create. Routes pair on `facts.route.match` without it.
   */
  matchBy?: string;
  /** Normalised: defaults filled, generated fields dropped, canonical order, secrets masked. */
  fields: { [key: string]: Json };
  facts?: Facts;
  /**
   * Set on a view the reader adds over several deployed entities that together decide one thing
   * (Traefik: the routers of one operation, one per security alternative, whose OR is the
   * operation's access). It is compared for findings only, never listed as a change, and a finding
   * one of `members` (same kind as the view's `memberKind`) already raised is not repeated.
   */
  view?: { memberKind: string; members: string[] };
}

/** One side of the diff. `files` are the rendered files when there are any (for `--format unified`). */
export interface State {
  entities: Entity[];
  files?: OutputFile[];
  /**
   * Parts of a gwc build the deployed side did not include (path suffixes of the build's files,
   * e.g. nginx's `.js` module that `nginx -T` does not print): the compiled side is read without
   * them too, so both sides know the same, and the reader warns what was not compared.
   */
  lacks?: string[];
  /** The build's layout in the target's words (nginx `include` or `full`): both sides must match. */
  layout?: string;
}

/**
 * A setting a deployed-state reader declares for itself (Kong's Admin API token, AWS's stack name):
 * `gwc diff --option TARGET.NAME=VALUE`, listed by `gwc targets` beside the target's build options,
 * so `gwc diff` carries no flag of any one target. Names never repeat a build option's of the same
 * target (test/diff/reader-options.test.ts).
 */
export interface ReaderOption {
  name: string;
  description: string;
  /**
   * The environment variable read when the option is not given, so a secret can stay off the
   * command line (read at the edge, src/cli/reader-options.ts; the library takes values only).
   */
  env?: string;
  /** A credential: never printed back (the diff's "from" label, `gwc targets`). */
  secret?: boolean;
  /**
   * The `gwc diff --FLAG` that said this before readers declared their options; still accepted,
   * with a deprecation warning, as `--option TARGET.NAME`.
   */
  deprecatedFlag?: string;
}

export interface ReadOptions {
  /** Values of the reader's declared options (`ReaderOption.name` -> value); unknown names never reach a reader. */
  options?: Record<string, string>;
  /** More deployed files or folders, from `--deployed` given again (nginx: the njs module beside an `nginx -T` dump). */
  more?: string[];
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
}

export interface ReadResult {
  state?: State;
  diagnostics: Diagnostic[];
}

/**
 * A target's deployed-state reader (DESIGN.md section 6). `read` is the only place that does file
 * or network I/O for deployed state; `normalise` is pure and is used for the compiled side too, so
 * an unchanged gateway shows no change by construction.
 */
export interface DeployedReader {
  /** What `--deployed` accepts for this target, for help and diagnostics. */
  accepts: string;
  /** The settings `read` takes besides the source (`ReadOptions.options`); none when absent. */
  options?: readonly ReaderOption[];
  read(source: string | undefined, options?: ReadOptions): Promise<ReadResult>;
  /** Pure: the files gwc would write (or the deployed files) into entities. */
  normalise(files: OutputFile[], source: string): ReadResult;
}
