/**
 * After `gwc build --target aws`: `aws cloudformation deploy` the template
 * (https://docs.aws.amazon.com/cli/latest/reference/cloudformation/deploy/). Consumers' API keys are
 * NoEcho template parameters (stage.ts), given as `--parameter-overrides`; each one's description
 * names the spec's reference, so a `${env:NAME}` key is passed as `Param=$NAME`.
 */
import path from 'node:path';
import { parse } from 'yaml';
import type { DeployHint, DeployHintInput } from '../target.js';

export function awsDeployHint({ dir, files, gateway }: DeployHintInput): DeployHint {
  const file = files.find((f) => /\.(json|ya?ml)$/.test(f.path)) ?? files[0];
  let params: Record<string, { NoEcho?: boolean; Description?: string }> = {};
  try {
    params = ((parse(file?.contents ?? '{}') as { Parameters?: typeof params }) ?? {}).Parameters ?? {};
  } catch {
    /* no parameters to name */
  }
  const env: DeployHint['env'] = [];
  const overrides: string[] = [];
  for (const [name, p] of Object.entries(params).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const m = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/.exec(p.Description ?? '');
    // A parameter that is no secret reference (a certificate ARN) takes its value on the command line.
    overrides.push(m ? `${name}="$${m[1]}"` : `${name}=<${name}>`);
    if (m) env.push({ name: m[1]!, for: `template parameter ${name}: ${p.Description ?? ''}`.trim() });
  }
  const iam = /AWS::IAM::/.test(file?.contents ?? '') ? ' --capabilities CAPABILITY_IAM' : '';
  const over = overrides.length > 0 ? ` --parameter-overrides ${overrides.join(' ')}` : '';
  return { next: `aws cloudformation deploy --template-file ${path.join(dir, file?.path ?? 'template.json')} --stack-name ${gateway.name}${over}${iam}`, env };
}
