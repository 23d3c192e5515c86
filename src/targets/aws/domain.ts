/**
 * The public hosts and base path of `servers`: a custom domain per host with a base path mapping
 * to the stage, the execute-api endpoint disabled so the API answers on those hosts only (the
 * model's hostRouting), and Outputs with the URLs. A REST API routes on path and method, never on
 * the host, so every route must share the same hosts.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-custom-domains.html
 */
import { type Cfn, type Ctx, IDS, ref, sub } from './context.js';

/** Hosts that cannot be a custom domain: API Gateway's own endpoint and local names. */
const NOT_A_DOMAIN = /(\.execute-api\.[a-z0-9-]+\.amazonaws\.com|^localhost|^127\.|\.local|\.internal)$/;
const HOST = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

/** Adds the domains to the template and disables the execute-api endpoint on `api` when it does. */
export function buildDomain(ctx: Ctx, api: Cfn): void {
  const { gateway, options } = ctx;
  const hosts = gateway.hosts.map((h) => h.toLowerCase());
  for (const route of gateway.routes) {
    if (route.hosts.map((h) => h.toLowerCase()).join(',') !== hosts.join(',') && ctx.plan.enforced(route.id, 'hostRouting')) {
      ctx.report('aws-host-routing', { route: route.id, hosts: route.hosts.join(', '), apiHosts: hosts.join(', ') }, route.loc);
    }
  }
  const server = gateway.servers[0];
  const usable = hosts.filter((h) => !NOT_A_DOMAIN.test(h));
  const segments = gateway.basePath.split('/').filter(Boolean);
  if (hosts.length === 0 || !options.customDomain || usable.length < hosts.length) {
    if (hosts.length > 0) {
      ctx.report('aws-execute-api-open', { hosts: hosts.join(', '), customDomain: options.customDomain }, server?.loc);
    }
    // Without a custom domain the stage name is the only path prefix API Gateway adds.
    if (gateway.basePath !== '' && gateway.basePath !== `/${options.stage}`) {
      ctx.report('aws-base-path-as-stage', { basePath: gateway.basePath, stage: options.stage }, server?.loc);
    }
    invokeUrl(ctx);
    return;
  }
  if (options.endpointType === 'PRIVATE') {
    ctx.report('aws-private-custom-domain', { hosts: usable.join(', ') }, server?.loc);
    return;
  }
  if (segments.length > 1 || segments.some((s) => !/^[A-Za-z0-9._-]+$/.test(s))) {
    ctx.report('aws-base-path-mapping', { basePath: gateway.basePath }, server?.loc);
    return;
  }
  for (const host of usable) {
    if (!HOST.test(host)) {
      ctx.report('aws-custom-domain-host', { host }, server?.loc);
      return;
    }
  }
  api.DisableExecuteApiEndpoint = true;
  const regional = options.endpointType === 'REGIONAL';
  const single = usable.length === 1;
  for (const host of usable) {
    const cert = single ? IDS.certificate : ctx.namer.id('CertificateArn', host);
    const domain = single ? IDS.domain : ctx.namer.id('CustomDomain', host);
    ctx.parameters[cert] = {
      Type: 'String',
      Description: `ACM certificate ARN for ${host}${regional ? ' (in the stack region)' : ' (in us-east-1, for an edge-optimized domain)'}`,
      AllowedPattern: '^arn:aws[a-z-]*:acm:[a-z0-9-]+:\\d{12}:certificate/[A-Za-z0-9-]+$',
    };
    ctx.resources[domain] = {
      Type: 'AWS::ApiGateway::DomainName',
      Properties: {
        DomainName: host,
        EndpointConfiguration: { Types: [options.endpointType] },
        SecurityPolicy: 'TLS_1_2',
        ...(regional ? { RegionalCertificateArn: ref(cert) } : { CertificateArn: ref(cert) }),
      },
    };
    const mapping: Cfn = { DomainName: ref(domain), RestApiId: ref(IDS.api), Stage: ref(IDS.stage) };
    if (segments[0]) mapping.BasePath = segments[0];
    ctx.resources[single ? IDS.mapping : ctx.namer.id('BasePathMapping', host)] = { Type: 'AWS::ApiGateway::BasePathMapping', Properties: mapping };
    const suffix = single ? '' : ctx.namer.id('', host);
    ctx.outputs[`Url${suffix}`] = { Description: `the public URL of the API on ${host}`, Value: `https://${host}${segments[0] ? `/${segments[0]}` : ''}` };
    ctx.outputs[`DomainTarget${suffix}`] = {
      Description: `the DNS name ${host} must point to (alias or CNAME)`,
      Value: { 'Fn::GetAtt': [domain, regional ? 'RegionalDomainName' : 'DistributionDomainName'] },
    };
  }
  ctx.outputs.RestApiId = { Description: 'the REST API id', Value: ref(IDS.api) };
}

function invokeUrl(ctx: Ctx): void {
  ctx.outputs.InvokeUrl = {
    Description: 'the stage URL on the execute-api endpoint',
    Value: sub(`https://\${${IDS.api}}.execute-api.\${AWS::Region}.\${AWS::URLSuffix}/\${${IDS.stage}}`),
  };
  ctx.outputs.RestApiId = { Description: 'the REST API id', Value: ref(IDS.api) };
}
