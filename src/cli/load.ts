/** The commands' way to a gateway model from their SPEC argument (a file, `-` or a URL; input.ts). */
import { loadGateway, type SpecOptions, type Validated } from '../validate/gateway.js';
import { specInput } from './input.js';

export async function loadFromArg(arg: string, options: SpecOptions): Promise<Validated> {
  const input = await specInput(arg, options);
  if (input.diagnostics.length > 0) return { diagnostics: input.diagnostics };
  return loadGateway(input.file, input.options);
}
