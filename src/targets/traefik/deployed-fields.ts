/**
 * A Traefik dynamic configuration read as Traefik's file provider reads it (red team 21), before
 * the deployed-state reader takes it. traefik/paerser decodes the YAML into untyped text nodes and
 * then fills the Go structs (parser/nodes_metadata.go, element_fill.go):
 *
 * - a struct field is found by its name compared case-blind (strings.EqualFold):
 *   `TrustForwardHeader: true` sets trustForwardHeader, which gwc read as an unknown key. Keys are
 *   written here in their documented spelling; two keys naming one field are refused (which one
 *   Traefik keeps depends on its decoding order, not on what gwc could show).
 * - a scalar is parsed by the field's Go type from its text: a bool by strconv.ParseBool
 *   (`"true"`, `"1"`, `t`, `1` are true), an integer by strconv.ParseInt (`"100"` is 100). gwc read
 *   the quoted `"true"` of trustForwardHeader as a string, not as the trust it turns on.
 *
 * Keys of maps (router, service, middleware and transport names, header names in
 * customRequestHeaders, a health check's headers, plugin configurations) are names, not fields,
 * and are kept as written. The field names are Traefik v3's file-provider schema's (schemastore)
 * and the ones gwc writes (emitted.schema.json).
 */
import type { Json } from '../../diff/entity.js';
import { isObject, type JsonObject } from '../../diff/json-util.js';

const FIELDS = (
  'accessControlAllowCredentials accessControlAllowHeaders accessControlAllowMethods accessControlAllowOriginList ' +
  'accessControlAllowOriginListRegex accessControlExposeHeaders accessControlMaxAge addAuthCookiesToResponse addPrefix ' +
  'addVaryHeader address allowOrigins allowedHosts amount attempts authRequestHeaders authResponseHeaders ' +
  'authResponseHeadersRegex autoDetect average basicAuth browserXssFilter buffering burst ca caFiles cert certFile ' +
  'certResolver certificates chain checkPeriod cipherSuites circuitBreaker clientAuth clientAuthType commonName compress ' +
  'contentSecurityPolicy contentSecurityPolicyReportOnly contentType contentTypeNosniff cookie country curvePreferences ' +
  'customBrowserXSSValue customFrameOptionsValue customRequestHeaders customResponseHeaders defaultCertificate ' +
  'defaultEncoding defaultGeneratedCert depth dialTimeout digestAuth domain domainComponent domains encodings entryPoints ' +
  'errors excludedContentTypes excludedIPs expression failover fallback fallbackDuration featurePolicy flushInterval ' +
  'followRedirects forceSTSHeader forceSlash forwardAuth forwardBody forwardingTimeouts frameDeny grpcWeb headerField ' +
  'headers healthCheck hostname hostsProxyHeaders http httpOnly inFlightReq includedContentTypes info initialInterval ' +
  'insecureSkipVerify interval ipAllowList ipStrategy ipWhiteList ipv6Subnet isDevelopment issuer key keyFile ' +
  'loadBalancer locality main maxBodySize maxIdleConnsPerHost maxRequestBodyBytes maxResponseBodyBytes ' +
  'maxResponseBodySize maxVersion memRequestBodyBytes memResponseBodyBytes method middlewares minResponseBodyBytes ' +
  'minVersion mirroring mirrors name notAfter notBefore options organization passHostHeader passTLSClientCert ' +
  'passthrough path pem percent period permanent permissionsPolicy plugin port preferServerCipherSuites ' +
  'preserveLocationHeader preservePath preserveRequestMethod prefix prefixes priority province proxyProtocol publicKey ' +
  'query rateLimit realm recoveryDuration redirectRegex redirectScheme referrerPolicy regex rejectStatusCode removeHeader ' +
  'replacePath replacePathRegex replacement requestHeaderName requestHost resolver responseCode responseForwarding ' +
  'responseHeaderTimeout retry retryExpression rootCAs routers rule ruleSyntax sameSite sans scheme secure serialNumber ' +
  'serverName servers serversTransport serversTransports service services sniStrict sourceCriterion sourceRange ' +
  'sslForceHost sslHost sslProxyHeaders sslRedirect sslTemporaryRedirect status sticky stores stripPrefix ' +
  'stripPrefixRegex stsIncludeSubdomains stsPreload stsSeconds subject tcp terminationDelay timeout tls ' +
  'trustForwardHeader udp url users usersFile version weight weighted'
).split(' ');
const CANONICAL = new Map(FIELDS.map((f) => [f.toLowerCase(), f]));

/** Fields of Go type bool and of an integer type (paerser parses their text with ParseBool / ParseInt). */
const BOOLS = new Set(
  ('accessControlAllowCredentials addVaryHeader autoDetect browserXssFilter commonName contentTypeNosniff country ' +
    'domainComponent followRedirects forceSTSHeader forceSlash forwardBody frameDeny httpOnly insecureSkipVerify ' +
    'isDevelopment locality notAfter notBefore organization passHostHeader passthrough pem permanent ' +
    'preferServerCipherSuites preserveLocationHeader preservePath preserveRequestMethod province removeHeader requestHost ' +
    'sans secure serialNumber sniStrict sslForceHost sslRedirect sslTemporaryRedirect stsIncludeSubdomains stsPreload ' +
    'trustForwardHeader').split(' '),
);
const INTS = new Set(
  ('accessControlMaxAge amount attempts average burst depth ipv6Subnet maxIdleConnsPerHost maxRequestBodyBytes ' +
    'maxResponseBodyBytes memRequestBodyBytes memResponseBodyBytes minResponseBodyBytes port priority rejectStatusCode ' +
    'responseCode stsSeconds version weight').split(' '),
);

/** Fields whose value, when an object, is a map of names (each entry a struct, or a scalar). */
const NAME_MAPS = new Set(['routers', 'services', 'middlewares', 'serversTransports', 'options', 'stores', 'customRequestHeaders', 'customResponseHeaders', 'sslProxyHeaders']);

/** strconv.ParseBool. */
function parseBool(v: string | number): boolean | undefined {
  const t = String(v);
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(t)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(t)) return false;
  return undefined;
}

/** The configuration with its field names and typed scalars as paerser reads them, or why it cannot be. */
export function paerserRead(doc: JsonObject): { doc: JsonObject } | { error: string } {
  try {
    return { doc: struct(doc, '', '') };
  } catch (e) {
    if (e instanceof FieldError) return { error: e.message };
    throw e;
  }
}

class FieldError extends Error {}

/** `o` is the struct held by the field `self` ('' for the document, a map entry's map field for an entry). */
function struct(o: JsonObject, at: string, self: string): JsonObject {
  const out: JsonObject = {};
  const from: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) {
    const name = CANONICAL.get(k.toLowerCase()) ?? k;
    if (name in from) throw new FieldError(`${at || '/'}: ${JSON.stringify(from[name])} and ${JSON.stringify(k)} are one field for Traefik, which compares field names case-blind`);
    from[name] = k;
    out[name] = field(name, v, `${at}/${k}`, self);
  }
  return out;
}

function field(name: string, v: Json, at: string, self: string): Json {
  if (typeof v === 'string' || typeof v === 'number') {
    if (BOOLS.has(name)) return parseBool(v) ?? v;
    if (INTS.has(name) && typeof v === 'string' && /^[+-]?\d+$/.test(v)) return Number(v);
    return v;
  }
  if (Array.isArray(v)) return v.map((x, i) => (isObject(x) ? struct(x, `${at}/${i}`, name) : x));
  if (!isObject(v)) return v;
  if (name === 'plugin') return v; // a plugin's own configuration: not Traefik's fields
  // A health check's headers are header names; a middleware's headers are the Headers struct.
  if (!NAME_MAPS.has(name) && !(name === 'headers' && self === 'healthCheck')) return struct(v, at, name);
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) out[k] = isObject(x) ? struct(x, `${at}/${k}`, name) : x;
  return out;
}
