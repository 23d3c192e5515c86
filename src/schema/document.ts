/**
 * The editor schema for a whole gwc spec (#16.6): an OpenAPI 3.0/3.1 document with `x-gateway` at
 * the root, on path items, on operations and on security schemes, for yaml-language-server (a
 * `# yaml-language-server: $schema=gwc.schema.json` modeline) and other JSON Schema tools. The
 * `x-gateway` definitions are schemas/x-gateway.schema.json's own, copied in (one source of truth);
 * the OpenAPI levels around them declare the fixed fields of OpenAPI 3.0/3.1 with a description each,
 * extensions (`x-…`) anywhere, and leave the inside of schemas, parameters and responses to
 * OpenAPI tools: gwc's `validate` checks those, and an editor schema that guessed at them would flag
 * what is valid. Draft-07, as the x-gateway schema and yaml-language-server's default.
 * https://spec.openapis.org/oas/v3.1.0#schema ; https://github.com/redhat-developer/yaml-language-server#using-inlined-schema
 */

type Json = Record<string, unknown>;

export const DOCUMENT_SCHEMA_ID = 'https://gwc.dev/schemas/gwc.schema.json';

const EXT = { '^x-': { description: 'A specification extension (any value).' } };
const str = (description: string) => ({ type: 'string', description });
const obj = (description: string) => ({ type: 'object', description });
const ref = (name: string, description?: string) => ({ $ref: `#/definitions/${name}`, ...(description ? { description } : {}) });
/** An OpenAPI object: its fixed fields, extensions, nothing else (OpenAPI's own rule). */
const fixed = (description: string, properties: Json, extra: Json = {}) => ({
  type: 'object',
  description,
  properties,
  patternProperties: EXT,
  additionalProperties: false,
  ...extra,
});

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

function openApiDefinitions(): Json {
  const operation = fixed('An operation: one method on a path. gwc compiles one route per operation.', {
    $ref: str('A reference to an operation in another file (read by gwc as Redocly does).'),
    tags: { type: 'array', items: { type: 'string' }, description: 'Tags grouping the operation in docs.' },
    summary: str('A short summary.'),
    description: str('A longer description (CommonMark).'),
    externalDocs: obj('Link to more documentation.'),
    operationId: str('Unique id of the operation; gwc names the route after it in every target.'),
    parameters: { type: 'array', description: 'Parameters of this operation (path, query, header, cookie); path parameters must be declared.' },
    requestBody: obj('The request body.'),
    responses: obj('Responses by status code.'),
    callbacks: obj('Requests the API makes back (not routed by gwc).'),
    deprecated: { type: 'boolean', description: 'The operation is deprecated.' },
    security: ref('openapiSecurity', 'Who may call it: a list of alternatives (OR), each an object of schemes (AND); [] or [{}] is public. Overrides the root security.'),
    servers: { type: 'array', items: ref('openapiServer'), description: 'Servers for this operation only (with x-gateway backends: the hosts it is served on).' },
    'x-gateway': ref('routeSettings', 'gwc route settings for this operation: backend, policies, limits, cache, CORS; nearer than the path item and defaults.'),
  });
  const pathItem = fixed('The operations on one path template.', {
    $ref: str('A reference to a path item in another file.'),
    summary: str('A short summary for every operation on the path.'),
    description: str('A description for every operation on the path.'),
    ...Object.fromEntries(METHODS.map((m) => [m, ref('openapiOperation', `The ${m.toUpperCase()} operation.`)])),
    servers: { type: 'array', items: ref('openapiServer'), description: 'Servers for the operations on this path.' },
    parameters: { type: 'array', description: 'Parameters shared by the operations on this path.' },
    'x-gateway': ref('routeSettings', 'gwc route settings for every operation on this path (an operation\'s own win).'),
  });
  const scheme = fixed('A security scheme; gwc verifies it as its x-gateway says.', {
    $ref: str('A reference to a security scheme elsewhere.'),
    type: { type: 'string', enum: ['apiKey', 'http', 'oauth2', 'openIdConnect', 'mutualTLS'], description: 'The kind of credential.' },
    description: str('A description.'),
    name: str('apiKey: the header, query or cookie name carrying the key.'),
    in: { type: 'string', enum: ['query', 'header', 'cookie'], description: 'apiKey: where the key is sent.' },
    scheme: str('http: the HTTP auth scheme (basic, bearer, …), case-insensitive.'),
    bearerFormat: str('http bearer: a hint of the token format (JWT).'),
    flows: obj('oauth2: the OAuth flows.'),
    openIdConnectUrl: str('openIdConnect: the discovery URL.'),
    'x-gateway': ref('securityScheme', 'How gwc verifies this scheme: JWT issuer/keys, forwardAuth, lambdaAuthorizer, realm.'),
  });
  return {
    openapiOperation: operation,
    openapiPathItem: pathItem,
    openapiSecurityScheme: scheme,
    openapiPaths: {
      type: 'object',
      description: 'The API paths: each key a path template starting with /, relative to the server URL.',
      patternProperties: { '^/': ref('openapiPathItem'), ...EXT },
      additionalProperties: false,
    },
    openapiSecurity: {
      type: 'array',
      description: 'Security requirement alternatives (OR); each maps scheme names to scopes (AND); {} is anonymous.',
      items: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
    },
    openapiServer: fixed('A server: public URL (host and base path) of the API.', {
      url: str('The server URL; with x-gateway, the public host and base path the gateway serves.'),
      description: str('A description.'),
      variables: obj('Values for {variables} in the URL.'),
    }),
    openapiComponents: fixed('Reusable parts of the document.', {
      schemas: obj('Data schemas.'),
      responses: obj('Reusable responses.'),
      parameters: obj('Reusable parameters.'),
      examples: obj('Reusable examples.'),
      requestBodies: obj('Reusable request bodies.'),
      headers: obj('Reusable headers.'),
      securitySchemes: {
        type: 'object',
        description: 'The security schemes operations require by name; where their x-gateway goes.',
        additionalProperties: ref('openapiSecurityScheme'),
      },
      links: obj('Reusable links.'),
      callbacks: obj('Reusable callbacks.'),
      pathItems: { type: 'object', description: 'Reusable path items (3.1).', additionalProperties: ref('openapiPathItem') },
    }),
  };
}

/**
 * The document-level schema, built from the x-gateway schema (`definitions` kept under the same
 * names, so its `$ref`s still resolve). Pure: same input, same output.
 */
export function documentSchema(xGateway: Json): Json {
  const defs = (xGateway.definitions ?? {}) as Json;
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: DOCUMENT_SCHEMA_ID,
    title: 'gwc spec: OpenAPI 3 with x-gateway',
    description: 'An OpenAPI 3.0/3.1 document that gwc compiles to AWS API Gateway, Kong, NGINX and Traefik.',
    type: 'object',
    required: ['openapi', 'info'],
    properties: {
      openapi: { type: 'string', pattern: '^3\\.[01]\\.\\d+(-.+)?$', description: 'The OpenAPI version: 3.0.x or 3.1.x.' },
      info: fixed('About the API.', {
        title: str('The API title; the default x-gateway name is its slug.'),
        version: str('The API version.'),
        summary: str('A short summary (3.1).'),
        description: str('A description.'),
        termsOfService: str('Terms of service URL.'),
        contact: obj('Contact information.'),
        license: obj('The licence.'),
      }),
      jsonSchemaDialect: str('The default JSON Schema dialect of schemas (3.1).'),
      servers: { type: 'array', items: ref('openapiServer'), description: 'Public URLs of the API: the gateway serves their hosts and base path (the first absolute one is the backend of a spec without x-gateway).' },
      paths: ref('openapiPaths', 'The API paths and their operations.'),
      webhooks: obj('Requests the API makes (3.1); not routed by gwc.'),
      components: ref('openapiComponents', 'Reusable parts, among them securitySchemes.'),
      security: ref('openapiSecurity', 'Who may call every operation that has no security of its own.'),
      tags: { type: 'array', description: 'Tags with descriptions.' },
      externalDocs: obj('Link to more documentation.'),
      'x-gateway': ref('root', 'gwc gateway settings: backends, policies, defaults, consumers, environments, targets, accepted gaps.'),
    },
    patternProperties: EXT,
    additionalProperties: false,
    definitions: { ...defs, ...openApiDefinitions() },
  };
}
