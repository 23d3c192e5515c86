/** What the x-amazon-apigateway-* readers (src/input/aws/) share. */
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import type { Gateway } from '../../model/types.js';
import type { Located } from '../../spec/loaded-spec.js';
import type { Walker } from '../../model/normalise/node.js';

export interface AwsInput {
  w: Walker;
  gateway: Gateway;
  /** The document. */
  root: Located;
  /** Reports each (code, place, params) once, however many routes share the node. */
  report(d: Diagnostic): void;
}

/** Every API Gateway extension's prefix; keys are matched in lower case, as API Gateway's import does. */
export const AWS_PREFIX = 'x-amazon-apigateway-';

/**
 * The extensions API Gateway documents, by the level it reads them at ("OpenAPI extensions for API
 * Gateway", https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions.html).
 * A key at another level, or not in this list, is said as ignored: API Gateway does not read it either.
 */
export const AWS_EXTENSIONS = {
  doc: [
    'api-key-source',
    'binary-media-types',
    'cors',
    'documentation',
    'endpoint-access-mode',
    'endpoint-configuration',
    'gateway-responses',
    'importexport-version',
    'minimum-compression-size',
    'policy',
    'request-validator',
    'request-validators',
    'security-policy',
  ],
  path: ['any-method'],
  op: ['auth', 'integration', 'request-validator'],
  scheme: ['authtype', 'authorizer'],
  components: ['integrations'],
  tag: ['tag-value'],
} as const;
