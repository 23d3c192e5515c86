/**
 * Explanations for the aws target's codes about backends (integrations, timeouts, TLS, request
 * headers, mocks), CORS and the template's size: split from aws.ts, which spreads them in order.
 */
import { ex, type Explanations } from './explanation.js';

export const AWS_BACKEND: Explanations = {
  'aws-lambda-upstream-path': ex(
    'A route to a Lambda backend sets upstreamPath, which a Lambda proxy integration has no use for.',
    'The function receives the request path itself; the rewrite would silently not happen.',
    'Remove upstreamPath, or route in the function.',
    'x-gateway: { backend: fn, upstreamPath: /internal/orders }',
  ),
  'aws-lambda-forwarded-host': ex(
    'A Lambda backend (REST or HTTP API) is handed the client\'s own X-Forwarded-Host in its event\'s headers (a warning once per Lambda backend, at the backend).',
    'A Lambda proxy integration takes no request parameters and API Gateway writes no X-Forwarded-Host, so the line is the client\'s. An adapter that trusts it (serverless-http with Express trust proxy, the Lambda Web Adapter with Django USE_X_FORWARDED_HOST, Rails, Spring) builds links, redirects and password-reset mails for evil.example.',
    'Take the public host from the function\'s configuration, not from X-Forwarded-Host; or route the operation to an HTTP backend on a REST API, which empties X-Forwarded-Host.',
    "backends: { fn: { lambda: { arn: 'arn:aws:lambda:eu-west-1:123456789012:function:shop' } } }   # fn must not trust X-Forwarded-Host",
  ),
  'aws-lambda-request-headers': ex(
    'A route to a Lambda backend sets request headers, but an aws_proxy integration takes no request parameters.',
    'The headers would never reach the function.',
    'Remove requestHeaders for the Lambda route, or set the value in the function.',
    "x-gateway: { backend: fn, requestHeaders: { set: { X-Tenant: shop } } }",
  ),
  'aws-timeout-too-long': ex(
    'A route\'s timeout exceeds API Gateway\'s integration timeout quota (29 s by default).',
    'API Gateway would cut requests off at the quota, earlier than the spec says.',
    'Lower the timeout, or request a higher quota (Regional and private APIs) and pass --option maxTimeout=<ms>.',
    'x-gateway: { timeout: 60s }   # fix: 29s',
  ),
  'aws-timeout-too-short': ex(
    'A route\'s timeout is below API Gateway\'s minimum integration timeout of 50 ms.',
    'CloudFormation refuses the integration.',
    'Set a timeout of 50ms or more.',
    'x-gateway: { timeout: 10ms }   # fix: 50ms',
  ),
  'aws-backend-no-url': ex(
    'An HTTP backend has no target URL.',
    'The integration would have nowhere to send requests.',
    'Give the backend a url (or targets).',
    'backends: { api: {} }   # fix: { url: https://api.internal.example.com }',
  ),
  'aws-backend-url-invalid': ex(
    'The integration URL (backend URL plus the route\'s path) holds characters outside RFC 3986, which API Gateway does not accept unencoded.',
    'The import fails, or the backend receives another path than intended.',
    'Percent-encode the backend URL and the path, or rename the path segments.',
    "backends: { api: { url: 'https://api.example.com/ü' } }",
  ),
  'aws-host-header-client': ex(
    'A backend asks for the client\'s Host header (hostHeader: client), but an http_proxy integration sends the backend\'s own host.',
    'A backend that routes on the client\'s host would see its own name instead.',
    'Route on another header at the backend, or remove hostHeader.',
    'backends: { api: { url: https://api.internal, hostHeader: client } }',
  ),
  'aws-tls-ca-file': ex(
    'An HTTPS backend names a custom CA file, but API Gateway verifies backend certificates against public CAs only.',
    'The private CA cannot be trusted, so the backend either fails every TLS handshake or would be reached unverified.',
    'Use a publicly trusted certificate on the backend, or verify: false knowingly.',
    'backends: { api: { url: https://api.internal, tls: { caFile: /etc/ca.pem } } }',
  ),
  'aws-tls-server-name': ex(
    'An HTTPS backend sets tls.serverName to another name than its URL host, which REST API HTTP integrations cannot do.',
    'API Gateway verifies and sends the URL\'s host; the certificate would be checked against another name than the spec says.',
    'Put the certificate\'s name in the backend URL, or remove serverName.',
    'backends: { api: { url: https://10.0.0.5, tls: { serverName: api.internal } } }',
  ),
  'aws-request-header-remove': ex(
    'A route removes request headers, which an API Gateway proxy integration cannot do (a parameter mapping can only set a value).',
    'The header the spec removes would still reach the backend.',
    'Ignore the header at the backend, or set it to a fixed value with requestHeaders.set.',
    'x-gateway: { requestHeaders: { remove: [X-Debug] } }',
  ),
  'aws-request-header-invalid': ex(
    'A route sets a request header whose name is not a token or whose value holds a single quote, which an API Gateway static value cannot carry.',
    'The mapping would be refused at import or send another value than the spec says.',
    'Use a header name of token characters and a value without \'.',
    "x-gateway: { requestHeaders: { set: { X-Gateway: \"it's\" } } }",
  ),
  'aws-mock-body-vtl': ex(
    'A mock backend\'s body holds $, # or \\, which API Gateway reads as a VTL template.',
    'The body would be evaluated as a template instead of served as written.',
    'Write the body without those characters.',
    "backends: { docs: { mock: { body: '{\"price\":\"$5\"}' } } }",
  ),
  'aws-mock-header-invalid': ex(
    'A mock backend\'s response header has a name that is not a token or a value with a single quote.',
    'API Gateway static values cannot carry it; the response would lack the header or carry another value.',
    'Use token characters in the name and no \' in the value.',
    "backends: { docs: { mock: { headers: { X-Note: \"it's\" } } } }",
  ),
  'aws-cors-origin-invalid': ex(
    'A CORS origin is not scheme://host[:port] or *.',
    'API Gateway compares and prints origins as static values; one it cannot hold safely would break the preflight or let in another origin.',
    'Write each origin as https://host[:port] (no path, no trailing slash).',
    "x-gateway: { cors: { origins: ['https://shop.example.com/'] } }   # fix: https://shop.example.com",
  ),
  'aws-cors-credentials-any-origin': ex(
    'A CORS policy allows credentials and origin *.',
    'Browsers refuse credentialed responses for *; echoing any origin instead would let every site read responses with the user\'s cookies.',
    'List the origins allowed to send credentials.',
    "x-gateway: { cors: { origins: ['*'], credentials: true } }",
  ),
  'aws-cors-options-declared': ex(
    'A path with a CORS policy also declares an OPTIONS operation itself.',
    'gwc answers preflights with its own OPTIONS method; API Gateway has one method per verb, so it cannot add it beside yours.',
    'Remove the OPTIONS operation (gwc answers the preflight), or the CORS policy on that path.',
    '/orders:\n  options: {...}\n  get: { x-gateway: { cors: {...} } }',
  ),
  'aws-cors-preflight-differs': ex(
    'Operations of one path use different CORS policies, and API Gateway answers a path\'s preflight with one OPTIONS method.',
    'The preflight follows the first operation\'s policy, so browsers may be allowed more or less than another operation\'s policy says.',
    'Give the operations of a path the same CORS policy.',
    "/orders:\n  get: { x-gateway: { cors: { origins: [https://a.example] } } }\n  post: { x-gateway: { cors: { origins: [https://b.example] } } }",
  ),
  'aws-cors-headers-invalid': ex(
    'A CORS allowed-headers list holds a quote or control character.',
    'The preflight\'s Access-Control-Allow-Headers is a static value that cannot carry it.',
    'List header names only.',
    "x-gateway: { cors: { headers: [\"X-It's\"] } }",
  ),
  'aws-cors-error-origins': ex(
    'The API allows several CORS origins, and API Gateway\'s own 4XX/5XX responses can name only one statically.',
    'Browsers cannot read the gateway\'s own errors (401, 403, 429, 504) from those origins; backend responses are not affected.',
    'Use one origin across the API if the browser must read gateway errors, or accept it.',
    "x-gateway: { cors: { origins: [https://a.example, https://b.example] } }",
  ),
  'aws-template-too-large': ex(
    'The CloudFormation template is larger than the 1 MB CloudFormation accepts at all.',
    'The stack cannot be created or updated.',
    'Split the API into several specs (one stack each), or drop routes.',
    'paths: {...}   # about 2000 operations',
  ),
  'aws-template-not-inline': ex(
    'The template is larger than the 51,200 bytes CloudFormation takes inline.',
    'aws cloudformation deploy without --s3-bucket fails for it.',
    'Deploy it through S3 (aws cloudformation deploy --s3-bucket BUCKET).',
    'aws cloudformation deploy --template-file template.json --stack-name shop --s3-bucket my-bucket',
  ),
  'aws-too-many-resources': ex(
    'The template declares more than the 500 resources CloudFormation allows per stack (routes, consumers\' API keys, permissions).',
    'The stack cannot be created.',
    'Split the API or its consumers across stacks.',
    'x-gateway: { consumers: {...} }   # 300 consumers with API keys',
  ),
  'aws-api-resource-quota': ex(
    'The API has more API Gateway resources (path nodes) than the default quota of 300 per REST API.',
    'The deployment fails until the quota is raised.',
    'Request a quota increase before deploying, or split the API.',
    'paths: {...}   # 350 distinct path segments',
  ),
};
