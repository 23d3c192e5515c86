/** The commands' way into the pipeline from their SPEC argument (a file, `-` or a URL; input.ts). */
import { runPipeline, type PipelineRequest, type PipelineResult } from '../pipeline.js';
import { specInput } from './input.js';

export async function runFromArg(arg: string, request: PipelineRequest): Promise<PipelineResult> {
  const input = await specInput(arg, request);
  if (input.diagnostics.length > 0) return { diagnostics: input.diagnostics, builds: [], usage: false };
  return runPipeline(input.file, { ...request, ...input.options });
}
