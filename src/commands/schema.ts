import { Command } from '@oclif/core';
import { xGatewaySchema } from '../validate/extensions.js';

export default class Schema extends Command {
  static override description = 'Print the x-gateway JSON Schema, for editors (yaml-language-server) and other tools.';
  static override examples = ['<%= config.bin %> schema > x-gateway.schema.json'];

  async run() {
    await this.parse(Schema);
    this.log(JSON.stringify(xGatewaySchema(), null, 2));
  }
}
