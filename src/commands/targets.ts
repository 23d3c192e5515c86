import { Command } from '@oclif/core';
import { table } from '../cli/table.js';
import { capabilityMatrix } from '../targets/matrix.js';

export default class Targets extends Command {
  static override description = 'The capability matrix (feature x target), generated from the targets\' own tables.';
  static override enableJsonFlag = true;

  async run() {
    await this.parse(Targets);
    const matrix = capabilityMatrix();
    if (!this.jsonEnabled()) this.log(table(matrix.header, matrix.rows));
    return matrix.json;
  }
}
