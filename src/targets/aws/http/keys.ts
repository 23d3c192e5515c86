/**
 * The HTTP API flavour's key answers: the REST flavour's table (src/targets/aws/keys.ts) with the
 * keys whose answer differs on an HTTP API. The core says `key-refused`/`key-not-applied` at each
 * place the key is written; the others are this flavour's compile's (aws-http-* codes).
 */
import { policyBody, type KeyAnswer } from '../../key-table.js';
import type { KeyId } from '../../../model/keys.js';
import { AWS_KEYS } from '../keys.js';

export const AWS_HTTP_KEYS: Partial<Record<KeyId, KeyAnswer>> = {
  ...AWS_KEYS,
  // https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html
  ...policyBody('cors.exposeHeaders', { answer: 'native', note: 'CorsConfiguration ExposeHeaders' }),
  'backends.*.connectTimeout': {
    answer: 'warned',
    code: 'key-not-applied',
    why: 'an HTTP API integration has one timeout (TimeoutInMillis) and no separate connect timeout',
  },
  // A vpcLink would be dropped and the backend reached over the internet instead.
  'backends.*.vpcLink': {
    answer: 'refused',
    code: 'key-refused',
    why: 'gwc does not write HTTP API private integrations (a VPC link to a load balancer listener or Cloud Map service); build the REST flavour, which takes a VPC link id',
  },
  'scheme.lambdaAuthorizer': {
    answer: 'emulated',
    how: 'a REQUEST Lambda authorizer (payload 1.0) for a scheme HTTP APIs cannot verify themselves; a JWT scheme is verified by the JWT authorizer instead',
  },
};
