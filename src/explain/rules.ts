/** Explanations for the lint rules of rules/gwc.yaml that are not diagnostic codes of their own. */
import { ex, type Explanations } from './explanation.js';

export const RULES: Explanations = {
  'operation-operationId': ex(
    'An operation has no operationId; gwc derives one from the method and path.',
    'Route names and ids in every target derive from it: a derived id changes when the path does, so a deploy deletes and recreates the route (and its plugins, limits, metrics).',
    'Give the operation an operationId.',
    "/users:\n  get: { responses: {...} }   # fix: operationId: listUsers",
  ),
  'operation-operationId-valid-in-url': ex(
    'An operationId has characters that are not URL-safe.',
    'It names routes and resources in targets; unsafe characters are rewritten differently by each, breaking names and diffs.',
    'Use letters, digits, - and _.',
    "operationId: 'list users/all'",
  ),
  'jwt-any-audience': ex(
    'A JWT scheme says anyAudience: true: the gateway admits a token its keys verify whatever application it was minted for.',
    'Right when the issuer mints tokens for this API alone (its own signing key); if the key or key set is a shared identity provider\'s (Google, Auth0, Cognito, Entra ID), a token an attacker got for their own client of that provider opens the routes.',
    'Keep it only for the API\'s own issuer; otherwise replace it with audiences: the aud values tokens for this API carry.',
    "x-gateway: { issuer: https://auth.shop.example/, publicKeys: ['${file:keys/shop-issuer.pem}'], anyAudience: true }",
  ),
  'path-params': ex(
    'A path parameter is used but not declared (in: path), declared but not used, or not required.',
    'Targets build their matchers from declared parameters; a mismatch matches more or fewer URLs than the spec says.',
    'Declare each {name} of the template as a required path parameter, and only those.',
    "/users/{id}:\n  get:\n    parameters: [{ name: id, in: path, required: true, schema: { type: string } }]",
  ),
  'server-base-path': ex(
    'A server URL cannot be used as a base path: a variable without default, a query or fragment, or servers that disagree.',
    'Routes would be served at a base path the clients do not call, or not at all.',
    'Give variables defaults, drop the query, use one base path.',
    "servers:\n  - url: https://api.example.com/{version}   # fix: variables: { version: { default: v1 } }",
  ),
  'oas3-server-trailing-slash': ex(
    'A server URL ends with a slash.',
    'Base path + path gives //, which gateways fold differently (a route served twice, or not matched).',
    'Remove the trailing slash.',
    "servers: [{ url: https://api.example.com/v1/ }]",
  ),
  'path-keys-no-trailing-slash': ex(
    'A path ends with a slash.',
    'Gateways disagree on folding /users/ into /users: the same request routed differently per target.',
    'Remove the trailing slash.',
    "paths:\n  /users/: {}",
  ),
  'path-not-include-query': ex(
    'A path key includes a query string.',
    'No gateway routes on the query; the route would never match or match everything.',
    'Declare query parameters (in: query) instead.',
    "paths:\n  /users?active=true: {}",
  ),
  'path-trailing-slash-twin': ex(
    'Two paths differ only by a trailing slash.',
    'Targets that fold the slash serve one of them for both, with that one\'s security.',
    'Keep one path.',
    "paths:\n  /users: {}\n  /users/: {}",
  ),
  'security-missing': ex(
    'An operation has no security requirement and no x-gateway public: true, or admits anonymous callers through an empty {} alternative.',
    'A forgotten security line is an open route; gwc build refuses it (security-undecided), lint says it first.',
    'Add security, or x-gateway public: true if the route is meant to be open.',
    "/orders:\n  get:\n    security: [{ apiKey: [] }]",
  ),
  'path-param-shadows-protected': ex(
    'A template route with weaker security (/users/{id}, public) takes values such as ME, me.json or me. that a backend may read as a protected literal route (/users/me).',
    'Case-insensitive or suffix-matching backends (Spring, Rails formats) serve the protected resource through the weaker route.',
    'Give the template the same security, or a parameter schema (pattern, enum, integer, uuid) that excludes those values.',
    "/users/{id}:\n  get:\n    x-gateway: { public: true }\n    parameters: [{ name: id, in: path, required: true, schema: { type: integer } }]   # fix",
  ),
  'secret-literal': ex(
    'A value anywhere in the spec looks like a secret (an AWS key, a token, a password field holding a literal).',
    'Secrets in the spec end up in git history, CI logs and every generated file.',
    'Write a reference: ${env:NAME}, ${file:PATH} or ${vault:REF}.',
    "consumers:\n  ops: { credentials: { basic: { username: ops, password: hunter2 } } }",
  ),
  'backend-plain-http': ex(
    'A backend outside local/dev environments and private networks is reached over plain http.',
    'Credentials the gateway forwards and responses travel in clear text on the public network.',
    'Use https://.',
    "backends:\n  billing: { url: http://billing.example.com }",
  ),
  'cors-credentials-wildcard': ex(
    'CORS combines origin * with credentials: true.',
    'Any web site could make logged-in users\' browsers call the API and read the answers.',
    'List the allowed origins.',
    "cors: { origins: ['*'], credentials: true }   # fix: origins: [https://shop.example.com]",
  ),
  'public-no-rate-limit': ex(
    'A public route has no rate limit.',
    'Anyone can call it as fast as they like: scraping, credential stuffing on a login route, or load on the backend.',
    'Add x-gateway rateLimit, or a policy with one.',
    "x-gateway:\n  public: true\n  rateLimit: { requests: 100, per: minute }",
  ),
  'request-body-unvalidated': ex(
    'An operation declares a request body and the gateway does not validate it (no x-gateway validate with body on).',
    'Every malformed or hostile body reaches the backend, whose own parsing is then the only check; the schema the spec already has could stop it at the gateway with a 400.',
    'Add x-gateway validate: { body: true } to the operation, its path item or the root defaults (on targets that enforce it: nginx; see gwc targets).',
    "x-gateway:\n  defaults: { validate: { body: true, parameters: true } }",
  ),
  'timeout-ceiling': ex(
    'A route\'s backend timeout is above a target\'s ceiling (AWS REST: 29 s).',
    'The build for that target would fail, or the gateway would cut requests the spec lets run.',
    'Lower the timeout, or make the endpoint asynchronous.',
    "backends:\n  reports: { url: https://r.example.com, timeout: 60s }",
  ),
  'target-compile': ex(
    'What a checked target\'s own compile refuses or warns about, relayed under the build\'s code and at the build\'s position.',
    '"lint green means build green": every refusal of gwc build --target T is reported by gwc lint for T first.',
    'See `gwc explain` for the code in the finding\'s params.',
    'gwc lint gateway.yaml --target kong',
  ),
};
