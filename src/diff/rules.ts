/**
 * The ONE table of `gwc diff`'s target-neutral rules: every finding id, its class (security first
 * in every output, then breaking), its title, and the fact change that raises it. Readers attach
 * facts (entity.ts); classify.ts and classify-auth.ts apply these rules to them; no rule knows a
 * target. README.md (src/diff) lists the same ids for users; test/diff/rules.test.ts pins each
 * rule on facts alone.
 */
export type FindingClass = 'security' | 'breaking';

export interface Rule {
  class: FindingClass;
  title: string;
  /** The fact change that raises it (documentation and tests). */
  when: string;
}

export const RULES = {
  // ---- security: the front door lets in more than before ----
  'route-public': { class: 'security', title: 'new route is public', when: 'a new route has an anonymous alternative in auth' },
  'auth-removed': { class: 'security', title: 'auth removed: route is now public', when: 'auth becomes [] (or only the anonymous alternative)' },
  'auth-optional': { class: 'security', title: 'auth made optional', when: 'an anonymous alternative is added beside others' },
  'auth-weakened': { class: 'security', title: 'auth weakened: a new way in (a scheme added or swapped)', when: 'a new alternative includes no old alternative' },
  'auth-scope-removed': { class: 'security', title: 'required scope removed', when: 'an alternative keeps its mechanisms but loses a `scope` requirement' },
  'auth-roles-removed': { class: 'security', title: 'required role removed', when: 'an alternative keeps its mechanisms but loses a `role` requirement' },
  'jwt-issuer-changed': { class: 'security', title: 'JWT issuer changed or unchecked', when: 'mechanisms.*.jwt.issuer differs' },
  'jwt-audience-widened': { class: 'security', title: 'JWT audience widened or unchecked', when: 'jwt.audiences gains a value or becomes [] (unchecked)' },
  'jwt-algorithms-widened': { class: 'security', title: 'JWT algorithms widened', when: 'jwt.algorithms gains an algorithm' },
  'jwt-clock-skew-raised': { class: 'security', title: 'JWT clock skew raised', when: 'jwt.clockSkewSeconds grows' },
  'jwt-keys-changed': { class: 'security', title: 'JWT keys changed', when: 'jwt.keys (keys, key files, JWKS address) differs' },
  'credential-in-query': { class: 'security', title: 'credential accepted in the query string', when: 'mechanisms.*.in gains `query` (URLs are logged and cached)' },
  'credential-carrier-added': { class: 'security', title: 'credential accepted in another place', when: 'mechanisms.*.in gains a place other than the query (which is credential-in-query), or mechanisms.*.names a name (Kong key_names): a carrier the gateway\'s strips, clears and guards were not written for' },
  'credentials-forwarded': { class: 'security', title: 'credentials now reach the backend', when: 'mechanisms.*.hideCredentials true -> false' },
  'rate-limit-raised': { class: 'security', title: 'rate limit raised', when: 'rateLimit allows more requests in some window, or is removed, or is counted per node where it was counted once (rateLimitPerNode), or connectionLimit grows or is removed' },
  'rate-limit-key-changed': { class: 'security', title: 'rate limit counted by another key', when: 'rateLimitKey differs (ip, consumer, a client-chosen header), or connectionLimitKey while both sides cap connections (Traefik inFlightReq sourceCriterion: per request host, per address, per header)' },
  'burst-raised': { class: 'security', title: 'rate limit burst raised', when: 'burst grows' },
  'rate-limit-fail-open': { class: 'security', title: 'rate limit lifted when its counters fail', when: 'rateLimitFailsOpen false -> true (Kong fault_tolerant: a counter store outage lets every request through uncounted)' },
  'body-limit-raised': { class: 'security', title: 'body limit raised', when: 'bodyLimit grows or is removed' },
  'ip-widened': { class: 'security', title: 'IP rule widened', when: 'ipAllow covers an address it did not, or is removed' },
  'client-address-changed': { class: 'security', title: 'client address read from elsewhere', when: 'clientAddress differs (IP rules and per-address limits read the connection or another X-Forwarded-For entry)' },
  'ip-deny-narrowed': { class: 'security', title: 'IP deny list narrowed', when: 'ipDeny no longer covers an address it did' },
  'cors-widened': { class: 'security', title: 'CORS widened', when: 'cors gains an origin, method, header, exposed response header, or credentials' },
  'request-header-passed': { class: 'security', title: 'a request header now reaches the backend as the client sent it', when: 'requestHeaders loses a name (a header the gateway set or removed: the backend trusted its value), or guards.header a check (header names nginx dropped: X_Consumer read as X-Consumer past the clears)' },
  'request-header-value-changed': { class: 'security', title: 'a request header the gateway sets has another value', when: 'requestHeaderValues holds another value for a header both sides set (a tenant, an environment, an internal key the backend trusts: two values cannot be ranked)' },
  'credential-unverified-passed': { class: 'security', title: 'a credential the gateway did not verify now reaches the backend', when: 'guards.credential loses a check (another spelling of an API key, a kept credential another alternative verified, a token in a form body: the backend may take it as the caller)' },
  'method-override-passed': { class: 'security', title: 'a method override now reaches the backend', when: 'guards.method loses a check (`_method` in the query or a body: the backend runs another operation than the one the gateway authorised)' },
  'validation-weakened': { class: 'security', title: 'request validation weakened or changed', when: 'validation loses a check (a validator turned off or removed, a required parameter made optional, a body model removed, applied to fewer content types, or changed: the diff cannot rank two schemas): the backend gets requests the gateway refused' },
  'host-passed': { class: 'security', title: "the backend gets the client's Host header", when: 'clientHost false -> true (the client picks the virtual host of a shared backend server)' },
  'connection-upgraded': { class: 'security', title: 'the route now holds upgraded connections (WebSocket): its credential is checked once per connection', when: 'upgrade false -> true, or a new route with upgrade, where auth is not public (a key revoked or a token expired keeps its open connection; limits count the connection once)' },
  'cache-on-authenticated': { class: 'security', title: 'response cache on an authenticated route', when: 'cache turns on where auth is not public (one caller may be answered with another\'s response)' },
  'cache-key-narrowed': { class: 'security', title: 'response cache key narrowed', when: 'cacheKey loses a part while the cache stays on (requests that differ only there now share one cached response)' },
  'backend-tls-unverified': { class: 'security', title: 'backend certificate not verified', when: 'backendTls.verify true -> false' },
  'backend-ca-changed': { class: 'security', title: 'backend trusted CA changed', when: 'backendTls.ca differs while verifying' },
  'backend-server-name-changed': { class: 'security', title: 'backend TLS server name changed', when: 'backendTls.serverName differs (the certificate is checked for another name)' },
  'upstream-path-changed': { class: 'security', title: 'route re-pointed at another backend path', when: 'upstreamPath differs (an authenticated route sends its callers elsewhere; a public one exposes another backend path, /status -> /admin/dump)' },
  'backend-changed': { class: 'security', title: 'route re-pointed at another backend', when: 'backend (the servers, VPC link or function a route sends to) differs: a public route now exposes another server, an authenticated one sends its callers and identity headers elsewhere' },
  'auth-verifier-changed': { class: 'security', title: 'credential checked by another verifier', when: 'mechanisms.*.verifier differs (another authorizer function, other identity sources, its answer cached longer or shorter)' },
  'consumer-added': { class: 'security', title: 'a consumer can call more', when: 'holds gains an entry: a new consumer, a credential for another scheme, another basic user name, or a group (a role)' },
  'host-widened': { class: 'security', title: 'route answers more hosts', when: 'hosts gains a name or becomes [] (any Host)' },
  'route-widened': { class: 'security', title: 'route answers more paths or methods', when: 'route.methods gains a method (or becomes any), or route.paths answers a path it did not while still answering all it did' },
  'client-tls-weakened': { class: 'security', title: 'client TLS weakened', when: 'clientTls: minVersion lowered, a cipher suite or curve added (or a list replaced by the gateway\'s defaults), sniStrict turned off, or options named whose contents cannot be read changed' },
  'protocol-widened': { class: 'security', title: 'route answers plain HTTP', when: 'protocols gains `http`' },
  'runtime-changed': { class: 'security', title: 'the checks run in another runtime (an older release or an edited one)', when: 'runtime differs, both sides holding one (nginx: the njs module\'s code, CFG left out): what the other runtime checks cannot be read from the configuration, so a reviewer must' },
  'unread-changed': { class: 'security', title: 'a step the diff cannot judge was added, removed or changed', when: 'unread differs either way (a Traefik plugin middleware, or one another provider defines, on a router; an errors page, a redirect elsewhere, passTLSClientCert or grpcWeb; nginx: a directive, error_page, if, header value or earlier server gwc does not write; Kong: Lua that is not a gwc release (a chunk with a gwc mark counts as gwc\'s only when its whole text is a release gwc knows: the current text for the parameters it names, or an earlier one by text or hash), a plugin scoped to a consumer or consumer group, a request-transformer addition): whether it checks callers or lets them in is not compared, so a reviewer must' },
  'trust-added': { class: 'security', title: 'the gateway takes a backend at its word instead of checking', when: 'trusts gains an assumption (a backend declared methodOverride: none where the target cannot read a body, or dotSegments: rejected where API Gateway passes a path parameter into the backend path)' },
  // ---- breaking: clients that worked may fail ----
  'route-removed': { class: 'breaking', title: 'route removed', when: 'a route entity is deleted' },
  'route-moved': { class: 'breaking', title: 'route moved', when: 'route.match differs' },
  'auth-added': { class: 'breaking', title: 'auth added', when: 'an anonymous alternative is removed' },
  'auth-tightened': { class: 'breaking', title: 'auth tightened: a way in removed', when: 'an old alternative is covered by no new one' },
  'rate-limit-lowered': { class: 'breaking', title: 'rate limit lowered', when: 'rateLimit allows fewer requests in some window, or connectionLimit shrinks or is added' },
  'body-limit-lowered': { class: 'breaking', title: 'body limit lowered', when: 'bodyLimit shrinks' },
  'ip-narrowed': { class: 'breaking', title: 'IP rule narrowed', when: 'ipAllow no longer covers an address it did, or ipDeny grows' },
  'cors-narrowed': { class: 'breaking', title: 'CORS narrowed', when: 'cors loses an origin, method, header, exposed response header, or credentials' },
  'backend-tls-verified': { class: 'breaking', title: 'backend certificate now verified', when: 'backendTls.verify false -> true' },
  tightened: { class: 'breaking', title: 'tightened: runs weaker now than this release makes it', when: 'a security rule read backwards (new -> old) that no other rule says, named in `undoes`: with --deployed, what was loosened on the gateway outside gwc (drift) and this release puts back; with --base, what the spec tightens' },
} as const satisfies Record<string, Rule>;

export type RuleId = keyof typeof RULES;

export interface Verdict {
  rule: RuleId;
  old?: string;
  new?: string;
  /** On `tightened`: the security rule the change undoes (its reading backwards). */
  undoes?: RuleId;
}
