/**
 * gwc's own JSON Schemas for the `config` of every plugin it emits, written from Kong Gateway
 * 3.x's plugin reference (https://docs.konghq.com/hub/kong-inc/<plugin>/configuration/). decK's
 * schema leaves `config` open, so these are what catches a misspelt or mistyped field before Kong
 * does. Only fields present in every Kong 3.x release are allowed (e.g. basic-auth `realm`, added
 * in 3.6, is not written), so the file loads on any Kong 3.
 */
type Schema = Record<string, unknown>;

const str = { type: 'string', minLength: 1 };
const strs = { type: 'array', items: str };
const bool = { type: 'boolean' };
const posInt = { type: 'integer', minimum: 0 };
const nullableStr = { type: ['string', 'null'] };
const obj = (properties: Record<string, unknown>, required: string[] = []): Schema => ({
  type: 'object',
  additionalProperties: false,
  properties,
  required,
});
/** `name:value` pairs as request/response-transformer take them. */
const headerPairs = { type: 'array', items: { type: 'string', pattern: '^[^:]+:.*$' } };
const httpMethods = { type: 'array', items: { enum: ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT'] } };
const anonymous = { type: ['string', 'null'] };

/** Header and field names only (the `remove` lists), never `name:value`. */
const names = { type: 'array', items: { type: 'string', pattern: '^[^:]+$' } };
const transformerOps = (items: unknown, extra: Record<string, unknown> = {}) =>
  obj({ headers: items, querystring: items, body: items, ...extra });
const jsonTypes = { type: 'array', items: { enum: ['boolean', 'number', 'string'] } };
const respOps = (items: unknown) => obj({ headers: items, json: items, json_types: jsonTypes });

export const PLUGIN_SCHEMAS: Record<string, Schema> = {
  // https://docs.konghq.com/hub/kong-inc/key-auth/configuration/
  'key-auth': obj(
    {
      key_names: { type: 'array', minItems: 1, items: { type: 'string', pattern: '^[A-Za-z0-9!#$%&\'*+.^_`|~-]+$' } },
      key_in_header: bool,
      key_in_query: bool,
      key_in_body: bool,
      hide_credentials: bool,
      run_on_preflight: bool,
      anonymous,
    },
    ['key_names', 'hide_credentials'],
  ),
  // https://docs.konghq.com/hub/kong-inc/basic-auth/configuration/
  'basic-auth': obj({ hide_credentials: bool, anonymous }, ['hide_credentials']),
  // https://docs.konghq.com/hub/kong-inc/jwt/configuration/
  jwt: obj(
    {
      header_names: strs,
      uri_param_names: strs,
      cookie_names: strs,
      key_claim_name: str,
      claims_to_verify: { type: 'array', items: { enum: ['exp', 'nbf'] } },
      maximum_expiration: { type: 'number', minimum: 0, maximum: 31536000 },
      secret_is_base64: bool,
      run_on_preflight: bool,
      anonymous,
    },
    ['claims_to_verify', 'key_claim_name'],
  ),
  // https://docs.konghq.com/hub/kong-inc/acl/configuration/
  acl: obj({ allow: strs, deny: strs, hide_groups_header: bool }),
  // https://docs.konghq.com/hub/kong-inc/rate-limiting/configuration/
  'rate-limiting': {
    ...obj({
      second: posInt,
      minute: posInt,
      hour: posInt,
      day: posInt,
      month: posInt,
      year: posInt,
      limit_by: { enum: ['consumer', 'credential', 'ip', 'service', 'header', 'path'] },
      header_name: str,
      path: str,
      policy: { enum: ['local', 'cluster', 'redis'] },
      fault_tolerant: bool,
      hide_client_headers: bool,
    }),
    anyOf: ['second', 'minute', 'hour', 'day', 'month', 'year'].map((k) => ({ required: [k] })),
  },
  // https://docs.konghq.com/hub/kong-inc/proxy-cache/configuration/
  'proxy-cache': obj(
    {
      strategy: { enum: ['memory'] },
      cache_ttl: { type: 'integer', minimum: 1 },
      request_method: httpMethods,
      response_code: { type: 'array', items: { type: 'integer', minimum: 100, maximum: 900 } },
      content_type: strs,
      vary_headers: strs,
      vary_query_params: strs,
      cache_control: bool,
    },
    ['strategy'],
  ),
  // https://docs.konghq.com/hub/kong-inc/cors/configuration/
  cors: obj({
    origins: strs,
    methods: httpMethods,
    headers: strs,
    exposed_headers: strs,
    credentials: bool,
    max_age: { type: ['number', 'null'] },
    preflight_continue: bool,
    private_network: bool,
  }),
  // https://docs.konghq.com/hub/kong-inc/request-transformer/configuration/
  'request-transformer': obj({
    http_method: nullableStr,
    remove: transformerOps(names),
    rename: transformerOps(headerPairs),
    replace: transformerOps(headerPairs, { uri: nullableStr }),
    add: transformerOps(headerPairs),
    append: transformerOps(headerPairs),
  }),
  // https://docs.konghq.com/hub/kong-inc/response-transformer/configuration/
  'response-transformer': obj({
    remove: obj({ headers: names, json: names }),
    rename: obj({ headers: headerPairs, json: headerPairs }),
    replace: respOps(headerPairs),
    add: respOps(headerPairs),
    append: respOps(headerPairs),
  }),
  // https://docs.konghq.com/hub/kong-inc/ip-restriction/configuration/
  'ip-restriction': {
    ...obj({ allow: strs, deny: strs, status: { type: 'integer' }, message: str }),
    anyOf: [{ required: ['allow'] }, { required: ['deny'] }],
  },
  // https://docs.konghq.com/hub/kong-inc/request-size-limiting/configuration/
  'request-size-limiting': obj(
    { allowed_payload_size: { type: 'integer', minimum: 0 }, size_unit: { enum: ['megabytes', 'kilobytes', 'bytes'] }, require_content_length: bool },
    ['allowed_payload_size'],
  ),
  // https://docs.konghq.com/hub/kong-inc/file-log/configuration/
  'file-log': obj({ path: { type: 'string', pattern: '^[^*&%\\\\`]+$' }, reopen: bool }, ['path']),
  // https://docs.konghq.com/hub/kong-inc/pre-function/configuration/ (gwc writes `access` only)
  'pre-function': obj({ access: { type: 'array', minItems: 1, items: str } }, ['access']),
  // https://docs.konghq.com/hub/kong-inc/post-function/configuration/ (the same schema; gwc writes `access` only)
  'post-function': obj({ access: { type: 'array', minItems: 1, items: str } }, ['access']),
  // https://docs.konghq.com/hub/kong-inc/request-termination/configuration/
  'request-termination': {
    ...obj({ status_code: { type: 'integer', minimum: 100, maximum: 599 }, message: str, body: { type: 'string' }, content_type: str }),
    not: { required: ['message', 'body'] },
  },
};
