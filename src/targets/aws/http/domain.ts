/**
 * The public hosts of `servers` as HTTP API custom domains (DomainName + ApiMapping with the base
 * path as its mapping key), the execute-api endpoint disabled so the API answers on those hosts
 * only; without a usable host, the stage URL on execute-api.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-custom-domain-names.html
 */
import { type Cfn, ref, sub } from '../context.js';
import { HTTP_IDS, type HttpCtx } from './context.js';

const NOT_A_DOMAIN = /(\.execute-api\.[a-z0-9-]+\.amazonaws\.com|^localhost|^127\.|\.local|\.internal)$/;
const HOST = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

export function buildDomain(ctx: HttpCtx, api: Cfn): void {
  const { gateway, options } = ctx;
  const hosts = gateway.hosts.map((h) => h.toLowerCase());
  for (const route of gateway.routes) {
    if (route.hosts.map((h) => h.toLowerCase()).join(',') !== hosts.join(',') && ctx.plan.enforced(route.id, 'hostRouting')) {
      ctx.report('aws-http-hosts-differ', { route: route.id, hosts: route.hosts.join(', '), apiHosts: hosts.join(', ') || 'any host' }, route.loc);
    }
  }
  const server = gateway.servers[0];
  const usable = hosts.filter((h) => !NOT_A_DOMAIN.test(h));
  const segments = gateway.basePath.split('/').filter(Boolean);
  ctx.outputs.HttpApiId = { Description: 'the HTTP API id', Value: ref(HTTP_IDS.api) };
  if (hosts.length === 0 || !options.customDomain || usable.length < hosts.length) {
    ctx.outputs.InvokeUrl = {
      Description: 'the stage URL on the execute-api endpoint',
      Value: sub(`https://\${${HTTP_IDS.api}}.execute-api.\${AWS::Region}.\${AWS::URLSuffix}/\${${HTTP_IDS.stage}}`),
    };
    return;
  }
  if (segments.length > 1 || segments.some((s) => !/^[A-Za-z0-9._-]+$/.test(s))) {
    ctx.report('aws-http-domain-invalid', { detail: `base path ${gateway.basePath} cannot be an API mapping key (one segment of letters, digits, . _ -)` }, server?.loc);
    return;
  }
  const bad = usable.find((h) => !HOST.test(h));
  if (bad) {
    ctx.report('aws-http-domain-invalid', { detail: `servers names host "${bad}", which is not a DNS name API Gateway can serve as a custom domain` }, server?.loc);
    return;
  }
  api.DisableExecuteApiEndpoint = true;
  const single = usable.length === 1;
  for (const host of usable) {
    const cert = single ? HTTP_IDS.certificate : ctx.namer.id('CertificateArn', host);
    const domain = single ? HTTP_IDS.domain : ctx.namer.id('CustomDomain', host);
    ctx.parameters[cert] = {
      Type: 'String',
      Description: `ACM certificate ARN for ${host} (in the stack region)`,
      AllowedPattern: '^arn:aws[a-z-]*:acm:[a-z0-9-]+:\\d{12}:certificate/[A-Za-z0-9-]+$',
    };
    ctx.resources[domain] = {
      Type: 'AWS::ApiGatewayV2::DomainName',
      Properties: { DomainName: host, DomainNameConfigurations: [{ CertificateArn: ref(cert), EndpointType: 'REGIONAL', SecurityPolicy: 'TLS_1_2' }] },
    };
    const mapping: Cfn = { ApiId: ref(HTTP_IDS.api), DomainName: ref(domain), Stage: ref(HTTP_IDS.stage) };
    if (segments[0]) mapping.ApiMappingKey = segments[0];
    ctx.resources[single ? HTTP_IDS.mapping : ctx.namer.id('ApiMapping', host)] = { Type: 'AWS::ApiGatewayV2::ApiMapping', Properties: mapping };
    const suffix = single ? '' : ctx.namer.id('', host);
    ctx.outputs[`Url${suffix}`] = { Description: `the public URL of the API on ${host}`, Value: `https://${host}${segments[0] ? `/${segments[0]}` : ''}` };
    ctx.outputs[`DomainTarget${suffix}`] = { Description: `the DNS name ${host} must point to (alias or CNAME)`, Value: { 'Fn::GetAtt': [domain, 'RegionalDomainName'] } };
  }
}
