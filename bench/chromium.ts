/**
 * Debian's Chromium, driven by playwright-core, for the HTML benchmark and the browser tests
 * (it sits in bench/ because the build compiles bench/, not test/).
 * We never download a browser: CI installs the `chromium` package (.ci/run), and a missing one is
 * an error that says so, not a skipped test.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = process.env.INZAGE_CHROMIUM ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is missing at ${CHROMIUM}: install it (apt-get install -y chromium) or point INZAGE_CHROMIUM at one. Browser tests do not skip.`);
  }
  // launch() gives each browser a fresh temporary profile (it refuses --user-data-dir); the flags
  // stop background traffic, so any request a test sees came from the page.
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
