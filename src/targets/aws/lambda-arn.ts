/** Lambda function ARNs and the integration URI API Gateway calls them by (backends and authorizers). */

/** https://docs.aws.amazon.com/lambda/latest/dg/lambda-api-permissions-ref.html (function ARN, optionally qualified). */
const LAMBDA_ARN = /^arn:(aws[a-z-]*):lambda:([a-z0-9-]+):(\d{12}):function:([A-Za-z0-9_-]{1,64})(:[A-Za-z0-9_$-]{1,128})?$/;

export function lambdaArnParts(arn: string): { partition: string; region: string } | undefined {
  const m = LAMBDA_ARN.exec(arn);
  return m ? { partition: m[1] as string, region: m[2] as string } : undefined;
}

/**
 * The Lambda integration URI, written out from the function ARN's own partition and region so the
 * Body holds no intrinsic function and the Deployment's content hash covers the ARN
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html).
 */
export function lambdaUri(arn: string): string | undefined {
  const p = lambdaArnParts(arn);
  return p && `arn:${p.partition}:apigateway:${p.region}:lambda:path/2015-03-31/functions/${arn}/invocations`;
}
