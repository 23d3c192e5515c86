import { test } from 'vitest';
import { buildTarget, loadGateway } from '../../../src/api.js';
test('x', async () => {
  const r = await buildTarget('/work/main/fixtures/plain-openapi/gateway.yaml', { target: 'traefik' });
  console.log(r.diagnostics.map((d) => `${d.severity} ${d.code} ${d.message}`).join('\n'));
  console.log(r.files[0]?.contents);
});
