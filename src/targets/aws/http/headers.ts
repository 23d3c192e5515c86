/**
 * Header names an HTTP API parameter mapping may not touch ("Reserved headers",
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-parameter-mapping.html#http-api-mapping-reserved-headers):
 * a credential in one of them cannot be removed before the backend, and a requestHeaders
 * operation on one is refused rather than dropped by API Gateway at deploy time.
 */
const RESERVED = new Set([
  'authorization', 'connection', 'content-encoding', 'content-length', 'content-location', 'forwarded', 'host',
  'keep-alive', 'origin', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailers', 'transfer-encoding',
  'upgrade', 'via', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto',
]);
const RESERVED_PREFIXES = ['access-control-', 'apigw-', 'x-amz-', 'x-amzn-'];

export function isReservedHeader(name: string): boolean {
  const n = name.toLowerCase();
  return RESERVED.has(n) || RESERVED_PREFIXES.some((p) => n.startsWith(p));
}

/** An HTTP header name (RFC 9110 token) that a mapping key `remove:header.NAME` can carry. */
export function isMappableHeader(name: string): boolean {
  return /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name) && !isReservedHeader(name);
}
