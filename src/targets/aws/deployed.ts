/**
 * AWS's deployed-state reader for `gwc diff` (DESIGN.md section 6): a template file (JSON or
 * YAML), the output of `aws cloudformation get-template`, or `--option aws.stack=NAME` through the AWS SDK,
 * an optional dependency loaded only when asked for.
 */
import { diag } from '../../diagnostics/diagnostic.js';
import type { DeployedReader, ReadResult } from '../../diff/entity.js';
import type { JsonObject } from '../../diff/json-util.js';
import { fileReader } from '../deployed-reader.js';
import { httpTemplateEntities, isHttpApiTemplate } from './http/deployed.js';
import { foreignShape, parseTemplateText, templateEntities, TemplateShapeError, transformIn, unwrapTemplate } from './deployed-template.js';

const SDK = '@aws-sdk/client-cloudformation';

function fromText(text: string, source: string): ReadResult {
  let doc: unknown;
  try {
    doc = unwrapTemplate(parseTemplateText(text));
  } catch (e) {
    return { diagnostics: [diag('deployed-invalid', { target: 'aws', source, detail: `not JSON or YAML: ${e instanceof Error ? e.message.split('\n')[0]! : String(e)}` })] };
  }
  const foreign = foreignShape(doc);
  if (foreign) return { diagnostics: [diag('deployed-foreign', { target: 'aws', source, looksLike: foreign })] };
  const transform = transformIn(doc);
  if (transform) {
    const detail = `the template holds ${transform}, which CloudFormation applies at deploy time and gwc diff cannot: give the processed template (aws cloudformation get-template --template-stage Processed)`;
    return { diagnostics: [diag('deployed-invalid', { target: 'aws', source, detail })] };
  }
  // An HTTP API (--option aws.api=http) has its own reader; both sides of a diff go through here.
  if (isHttpApiTemplate(doc)) return { state: { entities: httpTemplateEntities(doc as JsonObject) }, diagnostics: [] };
  try {
    return { state: { entities: templateEntities(doc as JsonObject) }, diagnostics: [] };
  } catch (e) {
    if (e instanceof TemplateShapeError) return { diagnostics: [diag('deployed-invalid', { target: 'aws', source, detail: e.message })] };
    throw e;
  }
}

interface CloudFormationModule {
  CloudFormationClient: new (config: object) => { send(command: unknown): Promise<{ TemplateBody?: string }> };
  GetTemplateCommand: new (input: { StackName: string; TemplateStage?: string }) => unknown;
}

/** The Processed stage: what CloudFormation deployed, its transforms applied (the same text when it has none). */
async function readStack(stack: string): Promise<ReadResult> {
  let sdk: CloudFormationModule;
  try {
    // A variable specifier keeps TypeScript from requiring the optional package at build time.
    const name: string = SDK;
    sdk = (await import(name)) as CloudFormationModule;
  } catch (e) {
    return { diagnostics: [diag('deployed-sdk-missing', { package: SDK, detail: e instanceof Error ? e.message.split('\n')[0]! : String(e) })] };
  }
  try {
    const out = await new sdk.CloudFormationClient({}).send(new sdk.GetTemplateCommand({ StackName: stack, TemplateStage: 'Processed' }));
    return fromText(out.TemplateBody ?? '', `stack ${stack}`);
  } catch (e) {
    return { diagnostics: [diag('deployed-unreadable', { source: `stack ${stack}`, detail: e instanceof Error ? e.message : String(e) })] };
  }
}

export const awsDeployed: DeployedReader = fileReader({
  target: 'aws',
  accepts: 'a CloudFormation template file, `aws cloudformation get-template` output, or --option aws.stack=NAME',
  options: [
    {
      name: 'stack',
      description: 'read the deployed template of this CloudFormation stack instead of --deployed (needs @aws-sdk/client-cloudformation and AWS credentials)',
      deprecatedFlag: 'stack',
    },
  ],
  // A named stack wins over --deployed, as --stack did.
  from: (_source, options) => (options.options?.stack ? readStack(options.options.stack) : undefined),
  normalise(files, source) {
    const file = files.find((f) => /\.(json|ya?ml|template)$/i.test(f.path)) ?? files[0];
    return fromText(file?.contents ?? '', source);
  },
});
