import { Command } from '@oclif/core';
import { jsonResult } from '../cli/render.js';
import { xGatewaySchema } from '../validate/extensions.js';

export default class Schema extends Command {
  static override description = 'Print the x-gateway JSON Schema, for editors (yaml-language-server) and other tools.';
  static override examples = ['<%= config.bin %> schema > x-gateway.schema.json', '<%= config.bin %> schema --json'];
  static override enableJsonFlag = true;

  async run() {
    await this.parse(Schema);
    const schema = xGatewaySchema();
    this.log(JSON.stringify(schema, null, 2));
    return jsonResult(true, [], schema);
  }
}
