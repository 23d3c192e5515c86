/**
 * Document-level API Gateway extensions: what each would have done on a REST API imported by API
 * Gateway, and whether dropping it changes who can call what (an error, fail closed) or only how
 * the API is run (a warning). None of them is carried into the model: the AWS target writes the
 * equivalents gwc controls itself (api-key-source, gateway-responses, binary-media-types option).
 */
import { isObj } from '../../model/normalise/node.js';

/** A verdict on one extension value: undefined when gwc already does the same. */
export type Verdict = { severity: 'error' | 'warn'; detail: string } | undefined;

const error = (detail: string): Verdict => ({ severity: 'error', detail });
const warn = (detail: string): Verdict => ({ severity: 'warn', detail });

/**
 * Gateway responses API Gateway sends when it refuses a credential: a status code set on one of
 * them is the answer callers and their clients act on (a 401 made a 404 hides a route's existence).
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html
 */
const AUTH_RESPONSES = new Set([
  'ACCESS_DENIED',
  'AUTHORIZER_CONFIGURATION_ERROR',
  'AUTHORIZER_FAILURE',
  'DEFAULT_4XX',
  'EXPIRED_TOKEN',
  'INVALID_API_KEY',
  'INVALID_SIGNATURE',
  'MISSING_AUTHENTICATION_TOKEN',
  'UNAUTHORIZED',
  'WAF_FILTERED',
]);

/** One verdict per document-level extension (the key without its `x-amazon-apigateway-` prefix). */
export function documentVerdict(key: string, value: unknown): Verdict {
  switch (key) {
    case 'api-key-source':
      // https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-api-key-source.html
      if (String(value).toUpperCase() === 'HEADER') return undefined; // what the AWS target writes for an x-api-key scheme
      return error('AUTHORIZER takes the usage-plan key from a Lambda authorizer, which gwc does not run; declare the key as an apiKey scheme in the x-api-key header');
    case 'binary-media-types':
      return warn('the media types would reach the backend as text; on AWS set them with the target option binaryMediaTypes (gwc build --target aws -o binaryMediaTypes=...)');
    case 'cors':
      // https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-cors-configuration.html
      return warn('without it no CORS headers are sent (browsers refuse cross-origin calls, nothing opens); write it as the x-gateway cors policy');
    case 'documentation':
      return warn('documentation parts are not part of the gateway');
    case 'endpoint-configuration':
      return endpointConfiguration(value);
    case 'endpoint-access-mode':
      // https://docs.aws.amazon.com/apigateway/latest/developerguide/openapi-extensions-endpoint-access-mode.html
      if (String(value).toUpperCase() === 'BASIC') return warn('BASIC is the default access mode');
      return error(`access mode ${JSON.stringify(value)} restricts which host names and TLS connections reach the API, and gwc does not set it`);
    case 'security-policy':
      // https://docs.aws.amazon.com/apigateway/latest/developerguide/openapi-extensions-security-policy.html
      return error(`the TLS policy ${JSON.stringify(value)} would fall back to API Gateway's default, which accepts older TLS versions and ciphers`);
    case 'gateway-responses':
      return undefined; // per response, see gatewayResponseVerdict
    case 'importexport-version':
      return warn('the HTTP API import algorithm version changes nothing gwc emits');
    case 'minimum-compression-size':
      return warn('responses would not be compressed by the gateway');
    case 'policy':
      // https://docs.aws.amazon.com/apigateway/latest/developerguide/openapi-extensions-policy.html
      return error('a resource policy decides who may invoke the API (source IPs, VPC endpoints, accounts); without it every caller gwc admits would get in; write IP rules as x-gateway ipAllow/ipDeny');
    default:
      return undefined;
  }
}

/**
 * `types: [PRIVATE]`, `vpcEndpointIds` or `disableExecuteApiEndpoint: true` keep the API off the
 * internet (or off its default URL, past a custom domain's mutual TLS): dropping any opens it.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-endpoint-configuration.html
 */
function endpointConfiguration(value: unknown): Verdict {
  const v = isObj(value) ? value : {};
  const types = Array.isArray(v.types) ? v.types.map((t) => String(t).toUpperCase()) : [];
  if (types.includes('PRIVATE')) return error('a PRIVATE endpoint is reachable only from a VPC; on AWS set the target option endpointType=PRIVATE and remove this key');
  if (Array.isArray(v.vpcEndpointIds) && v.vpcEndpointIds.length > 0) return error('vpcEndpointIds bind the API to VPC endpoints, which gwc does not write');
  if (v.disableExecuteApiEndpoint === true) return error('disableExecuteApiEndpoint closes the default execute-api URL, so callers must come through the custom domain (and its checks); gwc leaves it open');
  return warn(`the endpoint type ${types.join(', ') || '(none)'} is the AWS target option endpointType, not a spec key`);
}

/** One gateway response of `x-amazon-apigateway-gateway-responses` (key: the response type). */
export function gatewayResponseVerdict(type: string, value: unknown): Verdict {
  const v = isObj(value) ? value : {};
  // gwc's own answer to an unknown route is MISSING_AUTHENTICATION_TOKEN as 404 (src/targets/aws/cors.ts)
  const same = type.toUpperCase() === 'MISSING_AUTHENTICATION_TOKEN' && String(v.statusCode) === '404';
  if (AUTH_RESPONSES.has(type.toUpperCase()) && v.statusCode !== undefined && !same) {
    return error(`it changes the status of API Gateway's answer to a refused or missing credential (${type} -> ${JSON.stringify(v.statusCode)}), which gwc does not write`);
  }
  return warn(`API Gateway's own ${type} answer keeps its default status, headers and body`);
}
