import { Flags } from '@oclif/core';
import { GwcCommand } from '../cli/command.js';
import { jsonResult } from '../cli/render.js';
import { documentSchema } from '../schema/document.js';
import { xGatewaySchema } from '../validate/extensions.js';

export default class Schema extends GwcCommand {
  static override description =
    'Print the JSON Schema of a gwc spec (an OpenAPI document with x-gateway), for editors: save it and add `# yaml-language-server: $schema=gwc.schema.json` as the first line of the spec. --part x-gateway prints the x-gateway object alone.';
  static override examples = [
    '<%= config.bin %> schema > gwc.schema.json',
    '<%= config.bin %> schema --part x-gateway > x-gateway.schema.json',
    '<%= config.bin %> schema --json',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    part: Flags.string({ description: 'document: the whole spec (default); x-gateway: the root x-gateway object and its definitions', options: ['document', 'x-gateway'], default: 'document' }),
  };

  async run() {
    const { flags } = await this.parse(Schema);
    const schema = flags.part === 'x-gateway' ? xGatewaySchema() : documentSchema(xGatewaySchema() as Record<string, unknown>);
    this.log(JSON.stringify(schema, null, 2));
    return jsonResult(true, [], schema);
  }
}
