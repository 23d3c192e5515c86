/**
 * The HTTP API flavour's options: the REST flavour's parser for the settings both share (format,
 * stage, maxTimeout, customDomain, publicHosts), and a refusal for each REST-only setting given.
 */
import { diag, type Diagnostic } from '../../../diagnostics/diagnostic.js';
import { AWS_OPTIONS, parseOptions, type AwsOptions } from '../options.js';

/** Options an HTTP API has no use for: given explicitly they are refused, not dropped. */
const REST_ONLY = ['endpointType', 'binaryMediaTypes', 'cacheClusterSize', 'tracing', 'vpcLink'] as const;

export const AWS_HTTP_OPTIONS = AWS_OPTIONS.filter((o) => !(REST_ONLY as readonly string[]).includes(o.name));

export function parseHttpOptions(raw: Record<string, string>, basePath: string): { options: AwsOptions; diagnostics: Diagnostic[] } {
  const parsed = parseOptions(raw, basePath);
  const diagnostics = [...parsed.diagnostics];
  for (const name of REST_ONLY) {
    if (raw[name] !== undefined) diagnostics.push(diag('aws-http-option-unsupported', { option: name }, undefined, { target: 'aws' }));
  }
  return { options: parsed.options, diagnostics };
}
