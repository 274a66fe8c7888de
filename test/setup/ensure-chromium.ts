import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const DEFAULT_PATH = '/usr/bin/chromium';

/**
 * The Swagger UI test drives a real browser. When Debian's Chromium is missing and this process may
 * install packages (root, with apt-get), it is installed once; otherwise that test says what to do.
 */
export function ensureChromium(say: (message: string) => void): void {
  if (process.env.CHROMIUM_PATH || existsSync(DEFAULT_PATH)) return;
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) return;
  say("Installing Debian's chromium for the browser tests (once)");
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], {
      env,
      stdio: 'ignore',
    }).status === 0;
  if (install()) return;
  spawnSync('apt-get', ['update', '-qq'], { env, stdio: 'ignore' });
  if (!install()) say('Could not install chromium; the browser tests will fail');
}
