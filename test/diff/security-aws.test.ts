/**
 * Issue #15 on AWS API Gateway (REST): each security change of security-cases.ts that API Gateway
 * can express, compiled on both sides and read back through the template reader, is classified as
 * security on the method. The base reaches the .internal backends through a VPC link, verifies
 * JWTs with a Cognito user pool (the only native JWT check of REST APIs; it checks no audience and
 * takes no keys or leeway of the spec's),
 * and drops the roles (API keys carry none on AWS).
 */
import { securitySuite } from './security-cases.js';

securitySuite(
  'aws',
  [
    ['security: [{ apiKey: [admin] }]', 'security: [{ apiKey: [] }]'],
    // The app reads query names exactly: a cached route in a spec with a bearer scheme is refused
    // otherwise (aws-cache-query-credential: API Gateway keys ?access_token= by its exact name only).
    ['      url: http://app.internal:8080\n      timeout: 5s\n', '      url: http://app.internal:8080\n      timeout: 5s\n      vpcLink: a1b2c3\n      queryNames: exact\n'],
    ['      url: https://secure.internal:8443\n      timeout: 5s\n', '      url: https://secure.internal:8443\n      timeout: 5s\n      vpcLink: a1b2c3\n'],
    ['issuer: https://id.vault.example.com/', 'issuer: https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf'],
    // A Cognito authorizer admits any app client of the pool: the spec says so (anyAudience).
    ['        audiences: [vault]\n', '        anyAudience: true\n'],
    // A Cognito authorizer trusts the pool's own keys with no leeway: both are refused (key-refused).
    ["        publicKeys: ['${file:keys/jwt-public.pem}']\n", ''],
    ['        clockSkew: 30s\n', ''],
  ],
  (op, key) => key === `RestApi.${op}`,
);
