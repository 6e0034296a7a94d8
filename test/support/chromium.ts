// Real Chromium for browser tests: the Debian package (installed here when missing and we are root), driven by playwright-core.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

function aptGet(args: string[]): void {
  execFileSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, timeout: 600_000 });
}

/** Makes sure /usr/bin/chromium exists; never downloads a browser of its own (`npx playwright install` fails here). */
export function ensureChromium(): string {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    throw new Error(
      `Browser tests need Debian's Chromium at ${CHROMIUM_PATH}, which is missing, and this user cannot install it. ` +
        'Run `sudo apt-get install -y chromium` (or run the tests as root) and try again.',
    );
  }
  try {
    aptGet(['install', '-y', 'chromium']);
  } catch {
    // A fresh machine may have no package lists yet.
    aptGet(['update']);
    aptGet(['install', '-y', 'chromium']);
  }
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`apt-get install chromium finished but ${CHROMIUM_PATH} is still missing.`);
  return CHROMIUM_PATH;
}

/** Headless Chromium with a fresh profile (playwright's launch makes one per browser). */
export async function launchChromium(): Promise<Browser> {
  const executablePath = ensureChromium();
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
