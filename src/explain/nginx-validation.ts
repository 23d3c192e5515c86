/** Explanations of request validation on nginx (src/targets/nginx/validate.ts, validate-schema.ts). */
import { ex, type Explanations } from './explanation.js';

export const NGINX_VALIDATION: Explanations = {
  'nginx-validate-schema': ex(
    "A keyword of a validated schema cannot be checked by the validator gwc compiles into nginx's njs module: a regular expression njs 0.7 cannot run (lookbehind, \\p{...}), a format whose check is not ported (url, iso-time, regex), a JSON Schema keyword newer than draft-07 (prefixItems, unevaluatedProperties, dependentRequired), or a schema ajv refuses to compile.",
    'A validator that skipped the keyword would let through requests the spec rejects (and that other targets answer 400); gwc refuses the build rather than validate less.',
    'Rewrite the keyword in draft-07 terms (a lookbehind as a lookahead, format: url as format: uri), switch validation off for the operation (validate: { body: false } or { parameters: false }), or accept the gap for nginx (x-gateway.accept).',
    'properties:\n  code: { type: string, pattern: "(?<=A)B" }   # fix: pattern: "^AB$"',
  ),
  'nginx-validate-format-ignored': ex(
    'A validated schema names a format the nginx validator does not know (OpenAPI and JSON Schema allow any format name).',
    'JSON Schema treats an unknown format as an annotation, so the value is checked for everything else but not for the format: said so the spec author does not rely on it.',
    'Use a known format (date, date-time, time, email, uuid, uri, hostname, ipv4, ipv6, byte, int32, int64, ...) or a pattern.',
    'properties:\n  sku: { type: string, format: sku }   # fix: pattern: "^[A-Z]{3}-[0-9]{4}$"',
  ),
  'nginx-validate-parameter': ex(
    'A validated parameter is one the nginx validator cannot read as the spec serialises it: an object, an array in a cookie or of objects, a parameter given by content (a media type), or a style other than the default of its place (simple in path and header, form in query and cookie).',
    'The validator would read a different value than the backend does, or none: the parameter would pass unchecked.',
    'Declare the parameter with a scalar or array-of-scalars schema in its default style, or switch parameter validation off for the operation (validate: { parameters: false }).',
    'parameters:\n  - { name: filter, in: query, style: deepObject, schema: { type: object } }   # not readable by the nginx validator',
  ),
  'nginx-validate-media-type': ex(
    'A validated request body declares a media type besides JSON (a form, multipart, XML, text), which the nginx validator cannot check.',
    'Bodies sent with that content type would reach the backend unchecked while the route says it validates them.',
    'Validate only the JSON body (drop the other media type or move it to an operation of its own), or switch body validation off for the operation (validate: { body: false }).',
    'requestBody:\n  content:\n    application/json: { schema: { $ref: "#/components/schemas/Order" } }\n    multipart/form-data: {}   # not validatable on nginx',
  ),
};
