/** Explanations of request validation on API Gateway REST (src/targets/aws/validators.ts, models.ts). */
import { ex, type Explanations } from './explanation.js';

export const AWS_VALIDATION: Explanations = {
  'aws-parameter-unvalidated': ex(
    'A validated parameter says more than "present": a type, an enum, a pattern, a limit, or it is a cookie; API Gateway checks only that a required query string parameter or header is there and not blank.',
    'The other targets answer 400 to a wrong value; on API Gateway it would reach the backend. Refused rather than validating less than the spec says.',
    'Validate the value in the backend and keep the parameter a plain string, switch parameter validation off for the route (validate: { parameters: false }), or accept the gap for aws (x-gateway.accept).',
    'parameters:\n  - { name: limit, in: query, schema: { type: integer, maximum: 100 } }   # API Gateway cannot check the type',
  ),
  'aws-body-media-type': ex(
    'A validated request body declares a JSON media type and another one (a form, XML, text).',
    "API Gateway validates a body against the model of its Content-Type only: gwc declares the model for every content type, so the other type's valid bodies would fail; declared for application/json only, a JSON body sent as text/plain would skip validation.",
    'Validate only the JSON body on a route of its own, or switch body validation off for the route (validate: { body: false }).',
    'requestBody:\n  content:\n    application/json: { schema: { $ref: "#/components/schemas/Order" } }\n    application/x-www-form-urlencoded: {}   # not validatable on AWS',
  ),
  'aws-schema-unsupported': ex(
    "A keyword of the request body's schema cannot be written as an API Gateway model (JSON Schema draft 4, with every reference inlined).",
    'A model that checks less than the schema would let through bodies the other targets answer 400; gwc refuses rather than weaken the check.',
    'Rewrite the keyword in draft-4 terms (a format as a pattern, prefixItems as a tuple in a 3.0 spec, a recursive schema bounded), switch body validation off for the route, or accept the gap for aws.',
    'properties:\n  email: { type: string, format: email }   # fix: pattern: "^[^@]+@[^@]+$"',
  ),
};
