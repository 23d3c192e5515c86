/**
 * What open-source nginx (1.22 + njs) does with each gateway feature. The core reads this table
 * before compiling (src/targets/capability-check.ts).
 */
import type { CapabilityTable } from '../target.js';

export const NGINX_CAPABILITIES: CapabilityTable = {
  'auth.apiKey': { support: 'emulated', how: 'njs behind auth_request: exact, case-sensitive comparison with the consumer keys (read from env or files)' },
  'auth.basic': { support: 'emulated', how: 'njs behind auth_request: passwords are secret references, which htpasswd cannot hold' },
  'auth.jwt': { support: 'emulated', how: 'njs WebCrypto/HMAC behind auth_request with publicKeys; alg pinned; exp, nbf, iss, aud and scopes checked' },
  'auth.forward': { support: 'native', note: 'njs subrequest to an internal proxy location, behind auth_request' },
  // IAM (SigV4), feature added by the core (#13.10): refused until this target verifies it.
  'auth.iam': {
    support: 'unsupported',
    why: "nginx cannot verify AWS Signature Version 4 (it needs the caller's IAM secret key, which only AWS holds)",
  },
  'auth.lambda': {
    support: 'unsupported',
    why: 'nginx cannot call an AWS Lambda authorizer, the only verifier this scheme gives; give the scheme an issuer with publicKeys, or an x-gateway.forwardAuth service',
  },
  'auth.and': { support: 'emulated', how: 'one njs decision over all schemes of the alternative' },
  'auth.roles': { support: 'emulated', how: 'njs behind auth_request: the identified consumer must hold every listed role in its groups, else 403' },
  'auth.optional': {
    support: 'emulated',
    how: 'njs behind auth_request: no credential passes anonymous (identity headers cleared); a present credential is verified (401 if wrong) and stripped',
  },
  'auth.or': { support: 'emulated', how: 'one njs decision trying each alternative in order' },
  rateLimit: { support: 'native', note: 'limit_req (leaky bucket, burst = requests-1+burst, nodelay), 429; by consumer: the verified identity, after the auth check' },
  cors: { support: 'emulated', how: 'origin map, preflight location answering 204, headers added always (errors too)' },
  ipRule: { support: 'native', note: 'allow/deny' },
  bodyLimit: { support: 'native', note: 'client_max_body_size, 413' },
  cache: { support: 'native', note: 'proxy_cache keyed on a length-prefixed digest (njs) including the verified caller on secured routes' },
  requestHeaders: { support: 'native', note: 'proxy_set_header' },
  responseHeaders: { support: 'native', note: 'add_header always / proxy_hide_header' },
  validation: {
    support: 'emulated',
    how: 'njs before proxying (after the body limit, IP rules and auth check): parameters and JSON bodies against validators ajv compiles ahead of time (standalone code, no ajv at run time); 400/415 with an RFC 9457 problem naming the field',
  },
  websocket: { support: 'native', note: 'this route only: proxy_http_version 1.1, Upgrade and Connection passed from the client, proxy_read_timeout/proxy_send_timeout 3600s (other routes keep an empty Connection for upstream keep-alive)' },
  upstreamPath: { support: 'native', note: 'rewrite ... break, or njs upstreamPath (parameters percent-encoded as one segment)' },
  hostRouting: { support: 'native', note: 'server_name' },
  'backend.weighted': { support: 'native', note: 'upstream server weight' },
  'backend.healthCheck': { support: 'emulated', how: 'passive checks (max_fails/fail_timeout); active checks are NGINX Plus only' },
  'backend.lambda': { support: 'unsupported', why: 'nginx cannot invoke AWS Lambda', fallback: 'httpUrl' },
  'backend.mock': { support: 'native', note: 'return, or njs after the access checks when the route has any' },
  'backend.retries': { support: 'native', note: 'proxy_next_upstream / proxy_next_upstream_tries' },
  'backend.tls': { support: 'native', note: 'proxy_ssl_verify, proxy_ssl_name, proxy_ssl_trusted_certificate' },
  timeouts: { support: 'native', note: 'proxy_connect_timeout, proxy_read_timeout, proxy_send_timeout' },
  accessLog: { support: 'native', note: 'log_format escape=json' },
};
