/**
 * Kong 3.x's own defaults for what a decK document or the Admin API may leave out
 * (https://docs.konghq.com/gateway/latest/admin-api/ and each plugin's configuration reference),
 * filled on both sides of `gwc diff` so an explicit default and an omitted one compare equal, and
 * the small readers of decK's shapes (deployed-normalise.ts and its parts).
 */
import type { Json } from '../../diff/entity.js';
import { isObject, type JsonObject } from '../../diff/json-util.js';

/** Written by Kong, never by a user: dropped before comparing. */
export const GENERATED = ['id', 'created_at', 'updated_at', 'ws_id'];

export const SERVICE_DEFAULTS: JsonObject = { protocol: 'http', port: 80, retries: 5, connect_timeout: 60000, read_timeout: 60000, write_timeout: 60000, enabled: true };
export const ROUTE_DEFAULTS: JsonObject = {
  protocols: ['http', 'https'],
  https_redirect_status_code: 426,
  regex_priority: 0,
  strip_path: true,
  preserve_host: false,
  request_buffering: true,
  response_buffering: true,
  path_handling: 'v0',
};
export const UPSTREAM_DEFAULTS: JsonObject = { algorithm: 'round-robin', slots: 10000, hash_on: 'none', hash_fallback: 'none', hash_on_cookie_path: '/', use_srv_name: false };
export const PLUGIN_DEFAULTS: JsonObject = { enabled: true, protocols: ['grpc', 'grpcs', 'http', 'https'] };
export const ALL_METHODS = ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT'];
export const CONFIG_DEFAULTS: Record<string, JsonObject> = {
  'key-auth': { key_names: ['apikey'], hide_credentials: false, key_in_header: true, key_in_query: true, key_in_body: false, run_on_preflight: true },
  'basic-auth': { hide_credentials: false },
  jwt: { uri_param_names: ['jwt'], key_claim_name: 'iss', secret_is_base64: false, run_on_preflight: true, maximum_expiration: 0, header_names: ['authorization'] },
  'rate-limiting': { limit_by: 'consumer', policy: 'local', fault_tolerant: true, hide_client_headers: false, error_code: 429, error_message: 'API rate limit exceeded', sync_rate: -1,
    // Kong >= 3.6 nests the Redis settings; earlier 3.x writes them flat. Both spellings' defaults.
    redis: { port: 6379, timeout: 2000, database: 0, ssl: false, ssl_verify: false },
    redis_port: 6379, redis_timeout: 2000, redis_database: 0, redis_ssl: false, redis_ssl_verify: false,
  },
  'response-ratelimiting': { fault_tolerant: true },
  'request-size-limiting': { allowed_payload_size: 128, size_unit: 'megabytes', require_content_length: false },
  cors: { methods: ALL_METHODS, credentials: false, private_network: false, preflight_continue: false },
  'request-termination': { status_code: 503, echo: false },
  acl: { hide_groups_header: false, include_consumer_groups: false },
  // serverless-functions: every phase an empty list unless set (kong/plugins/pre-function/_schema.lua).
  'pre-function': { certificate: [], rewrite: [], access: [], header_filter: [], body_filter: [], log: [] },
  'post-function': { certificate: [], rewrite: [], access: [], header_filter: [], body_filter: [], log: [] },
  'proxy-cache': { strategy: 'memory', cache_ttl: 300, cache_control: false, ignore_uri_case: false, response_code: [200, 301, 404], request_method: ['GET', 'HEAD'] },
};
export const AUTH_PLUGINS = ['key-auth', 'basic-auth', 'jwt', 'hmac-auth', 'ldap-auth', 'oauth2', 'openid-connect', 'mtls-auth'];
export const WINDOWS: Record<string, number> = { second: 1, minute: 60, hour: 3600, day: 86400, month: 2592000, year: 31536000 };
export const UNITS: Record<string, number> = { bytes: 1, kilobytes: 1024, megabytes: 1024 * 1024 };

export const str = (v: Json | undefined): string | undefined => (typeof v === 'string' ? v : undefined);
export const list = (v: Json | undefined): JsonObject[] => (Array.isArray(v) ? v.filter(isObject) : []);
/** A reference to another entity: decK writes a name (or id), the Admin API `{ id }`. */
export const ref = (v: Json | undefined): string | undefined => str(v) ?? (isObject(v) ? str(v.name) ?? str(v.username) ?? str(v.id) : undefined);
