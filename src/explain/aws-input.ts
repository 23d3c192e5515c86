/** Explanations of the codes about API Gateway's own x-amazon-apigateway-* input (src/input/aws/). */
import { ex, type Explanations } from './explanation.js';

export const AWS_INPUT: Explanations = {
  'aws-extension-ignored': ex(
    'An x-amazon-apigateway-* extension of the spec is not applied (the message says why); dropping it changes how the API runs, not who can call it.',
    'A setting you relied on when API Gateway imported this spec may not carry over; said so you can check.',
    'Express it as x-gateway or a target option where the message names one, or remove the extension.',
    'x-amazon-apigateway-minimum-compression-size: 1024   # responses are not compressed',
  ),
  'aws-extension-unmapped': ex(
    'An x-amazon-apigateway-* extension cannot be carried over, and dropping it would open the API to more callers (a resource policy, a private endpoint, an authorizer, IAM auth) or route requests elsewhere (an ANY method).',
    'Refused rather than building a gateway more open than the API Gateway config it replaces.',
    'Rewrite it as x-gateway (ipAllow, security schemes, lambdaAuthorizer, target options), or keep deploying this API with API Gateway import.',
    'x-amazon-apigateway-policy:   # fix: x-gateway ipAllow, or remove it\n  Statement: [{ Effect: Deny, Principal: "*", Action: execute-api:Invoke, Condition: { NotIpAddress: { aws:SourceIp: 10.0.0.0/8 } } }]',
  ),
  'aws-integration-unmapped': ex(
    "An operation's x-amazon-apigateway-integration sends its requests somewhere other than the backend gwc builds for the route (an AWS service action, a mapping-template integration, a VPC link, another URL or function).",
    "gwc would proxy the route to its backend (for a plain OpenAPI document, the servers, often the API's own public host): the request would reach the wrong place, or loop.",
    'Declare the backend in x-gateway.backends (a URL, a lambda ARN, a mock, a vpcLink) and remove the integration, or keep deploying this API with API Gateway import.',
    'post:\n  x-amazon-apigateway-integration:\n    type: aws   # Step Functions StartExecution: not a backend gwc can call\n    uri: arn:aws:apigateway:eu-west-1:states:action/StartExecution',
  ),
  'aws-validator-unknown': ex(
    'x-amazon-apigateway-request-validator names a validator the document does not define in x-amazon-apigateway-request-validators.',
    'API Gateway refuses such a spec on import; guessing what it meant would validate more or less than the author wanted.',
    'Define the validator in x-amazon-apigateway-request-validators, fix the name, or write x-gateway validate.',
    'x-amazon-apigateway-request-validators: { all: { validateRequestBody: true, validateRequestParameters: true } }\nx-amazon-apigateway-request-validator: full   # fix: all',
  ),
};
