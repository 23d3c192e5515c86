/**
 * The nginx target: open-source nginx (1.22+) with the njs module. See README.md in this folder.
 */
import type { Target } from '../target.js';
import { NGINX_CAPABILITIES } from './capabilities.js';
import { compileNginx } from './compile.js';
import { nginxDeployed } from './deployed.js';
import { nginxDeployHint } from './deploy-hint.js';
import { NGINX_OPTIONS } from './options.js';
import { NGINX_POLICIES } from './policy-map.js';

export const nginxTarget: Target = {
  name: 'nginx',
  title: 'NGINX (open source, with njs)',
  output: 'conf.d/<name>.conf (http-context include), gwc/<name>.js (njs), gwc/<name>.main.conf (env directives); nginx.conf with mode=full',
  capabilities: NGINX_CAPABILITIES,
  policies: NGINX_POLICIES,
  deployed: nginxDeployed,
  deployHint: nginxDeployHint,
  options: NGINX_OPTIONS,
  compile: compileNginx,
};
