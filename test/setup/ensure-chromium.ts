import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const DEFAULT_PATH = '/usr/bin/chromium';

/**
 * The Swagger UI test drives a real browser. When Debian's Chromium is missing and this process may
 * install packages (as root, or through password-less sudo), it is installed once; otherwise that test
 * says what to do.
 */
export function ensureChromium(say: (message: string) => void): void {
  if (process.env.CHROMIUM_PATH || existsSync(DEFAULT_PATH) || !existsSync('/usr/bin/apt-get'))
    return;
  const asRoot = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
  if (asRoot.length > 0 && spawnSync('sudo', ['-n', 'true']).status !== 0) return;
  say("Installing Debian's chromium for the browser tests (once)");
  const apt = (...args: string[]) => {
    const [command, ...rest] = [
      ...asRoot,
      'env',
      'DEBIAN_FRONTEND=noninteractive',
      'apt-get',
      ...args,
    ];
    return spawnSync(command, rest, { stdio: 'ignore' }).status === 0;
  };
  const install = () => apt('install', '-y', '-qq', '--no-install-recommends', 'chromium');
  if (install()) return;
  apt('update', '-qq');
  if (!install()) say('Could not install chromium; the browser tests will fail');
}
