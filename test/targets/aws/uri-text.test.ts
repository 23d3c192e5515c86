/**
 * body.ts uriText: the origin an integration URI is compared by (confusable.ts). String() of an
 * intrinsic printed `[object Object]`, one origin for every function or host so written, and a
 * Lambda one that did not start with `arn:` (read as an http backend).
 */
import { describe, expect, it } from 'vitest';
import { uriText } from '../../../src/targets/aws/body.js';

const LAMBDA = 'arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn}/invocations';

describe('aws uriText', () => {
  it('a written-out URI is itself', () => {
    expect(uriText('https://app.example.com/v1')).toBe('https://app.example.com/v1');
    expect(uriText('arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:fn/invocations')).toMatch(/^arn:aws:apigateway:/);
  });

  it('an Fn::Sub is its template text: a Lambda one still starts with arn:, an http one keeps its origin', () => {
    expect(uriText({ 'Fn::Sub': LAMBDA })).toBe(LAMBDA);
    expect(uriText({ 'Fn::Sub': [LAMBDA, {}] })).toBe(LAMBDA);
    expect(/^([a-z]+:\/\/[^/]+)(\/.*)?$/.exec(uriText({ 'Fn::Sub': 'https://${Host}/v1' }))?.slice(1)).toEqual(['https://${Host}', '/v1']);
  });

  it('never [object Object]: other intrinsics (and an Fn::Sub with variables) are their sorted JSON, distinct and deterministic', () => {
    const a = { 'Fn::Sub': [LAMBDA, { Fn: { Ref: 'A' } }] };
    const b = { 'Fn::Sub': [LAMBDA, { Fn: { Ref: 'B' } }] };
    const join = { 'Fn::Join': ['', ['https://', { Ref: 'Host' }, '/v1']] };
    for (const u of [a, b, join, { Ref: 'Uri' }]) expect(uriText(u)).not.toContain('[object');
    expect(uriText(a)).not.toBe(uriText(b));
    expect(uriText({ y: 1, x: 2 })).toBe(uriText({ x: 2, y: 1 }));
  });
});
