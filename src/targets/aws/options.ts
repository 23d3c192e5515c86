/** The aws target's `--option key=value` settings, parsed and checked. */
import { diag, type Diagnostic } from '../../diagnostics/diagnostic.js';
import type { TargetOption } from '../target.js';

/** API Gateway REST's default integration timeout quota; the lint rule reads it through Target.limits. */
export const AWS_DEFAULT_MAX_TIMEOUT_MS = 29_000;

/** https://docs.aws.amazon.com/apigateway/latest/api/API_CreateStage.html (cacheClusterSize) */
const CACHE_SIZES = ['0.5', '1.6', '6.1', '13.5', '28.4', '58.2', '118', '237'] as const;

export const AWS_OPTIONS: readonly TargetOption[] = [
  // http selects the HTTP API flavour (src/targets/aws/http/), with its own capability table.
  { name: 'api', description: 'API Gateway product: REST API, or HTTP API (JWT authorizers; no API keys, caching or resource policies)', values: ['rest', 'http'], default: 'rest' },
  { name: 'format', description: 'template format', values: ['json', 'yaml'], default: 'json' },
  {
    name: 'stage',
    description: 'stage name; default: the base path when it is one segment (/v1 -> v1), else "live"',
    default: '',
  },
  { name: 'endpointType', description: 'RestApi endpoint type', values: ['REGIONAL', 'EDGE', 'PRIVATE'], default: 'REGIONAL' },
  {
    name: 'maxTimeout',
    description: 'integration timeout quota in ms (29000 unless your account has a raised quota for Regional/private APIs)',
    default: String(AWS_DEFAULT_MAX_TIMEOUT_MS),
  },
  { name: 'binaryMediaTypes', description: 'comma-separated media types API Gateway passes as binary', default: '' },
  {
    name: 'customDomain',
    description: 'create DomainName + BasePathMapping for the host named in servers',
    values: ['auto', 'off'],
    default: 'auto',
  },
  { name: 'cacheClusterSize', description: 'stage cache size in GB when a route caches', values: CACHE_SIZES, default: '0.5' },
  { name: 'tracing', description: 'X-Ray tracing on the stage', values: ['true', 'false'], default: 'false' },
  {
    name: 'vpcLink',
    description: 'VPC link id for backends on private hosts (.internal, single-label, private IPs) that set no x-gateway vpcLink of their own',
    default: '',
  },
  { name: 'publicHosts', description: 'comma-separated backend hosts that look private but resolve publicly (connected over the internet)', default: '' },
];

export interface AwsOptions {
  format: 'json' | 'yaml';
  stage: string;
  endpointType: 'REGIONAL' | 'EDGE' | 'PRIVATE';
  maxTimeoutMs: number;
  binaryMediaTypes: string[];
  customDomain: boolean;
  cacheClusterSize: string;
  tracing: boolean;
  /** '' when not given. */
  vpcLink: string;
  /** Lower case, no trailing dot. */
  publicHosts: string[];
}

const STAGE_NAME = /^[A-Za-z0-9_-]{1,128}$/;
/** A media type or wildcard such as image/png or *\/*, nothing that could break out of a JSON string. */
const MEDIA_TYPE = /^[A-Za-z0-9*!#$&^_.+-]+\/[A-Za-z0-9*!#$&^_.+-]+$/;

export function parseOptions(raw: Record<string, string>, basePath: string): { options: AwsOptions; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  // Options come from the command line: no spec position.
  const bad = (option: string, value: string, expected: string) => diagnostics.push(diag('target-option-invalid', { target: 'aws', option, value, expected }));
  for (const key of Object.keys(raw).sort()) {
    const known = AWS_OPTIONS.find((o) => o.name === key);
    if (!known) diagnostics.push(diag('option-unknown', { name: key, target: 'aws', known: AWS_OPTIONS.map((o) => o.name).join(', ') }));
    else if (known.values && !known.values.includes(raw[key] ?? '')) bad(key, raw[key] ?? '', `one of ${known.values.join(', ')}`);
  }
  const get = (name: string): string => {
    const o = AWS_OPTIONS.find((x) => x.name === name);
    const v = raw[name];
    return v !== undefined && (!o?.values || o.values.includes(v)) ? v : (o?.default ?? '');
  };

  const segments = basePath.split('/').filter(Boolean);
  let stage = get('stage') || (segments.length === 1 && STAGE_NAME.test(segments[0] ?? '') ? (segments[0] as string) : 'live');
  if (!STAGE_NAME.test(stage)) {
    bad('stage', stage, '1-128 letters, digits, _ or -');
    stage = 'live';
  }
  let maxTimeoutMs = Number(get('maxTimeout'));
  if (!Number.isInteger(maxTimeoutMs) || maxTimeoutMs < 50) {
    bad('maxTimeout', get('maxTimeout'), 'an integer number of milliseconds >= 50');
    maxTimeoutMs = 29000;
  }
  const binaryMediaTypes = get('binaryMediaTypes')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const t of binaryMediaTypes) if (!MEDIA_TYPE.test(t)) bad('binaryMediaTypes', t, 'media types (type/subtype, such as image/png)');

  const vpcLink = get('vpcLink');
  if (vpcLink && !/^[A-Za-z0-9]{1,64}$/.test(vpcLink)) bad('vpcLink', vpcLink, 'a VPC link id (letters and digits)');
  const publicHosts = get('publicHosts')
    .split(',')
    .map((s) => s.trim().toLowerCase().replace(/\.$/, ''))
    .filter(Boolean);

  return {
    options: {
      format: get('format') as AwsOptions['format'],
      stage,
      endpointType: get('endpointType') as AwsOptions['endpointType'],
      maxTimeoutMs,
      binaryMediaTypes: binaryMediaTypes.filter((t) => MEDIA_TYPE.test(t)),
      customDomain: get('customDomain') === 'auto',
      cacheClusterSize: get('cacheClusterSize'),
      tracing: get('tracing') === 'true',
      vpcLink: /^[A-Za-z0-9]{1,64}$/.test(vpcLink) ? vpcLink : '',
      publicHosts,
    },
    diagnostics,
  };
}
