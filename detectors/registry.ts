/**
 * The registry: the list of detectors a scan runs. Core detectors are listed here; detectors
 * from the config file and from plugin modules are added through `registerDetectors`.
 */
import { creditCardDetector } from './credit-card.js';
import { emailDetector } from './email.js';
import { ibanDetector } from './iban.js';
import { ipAddressDetector } from './ip-address.js';
import { nlBsnDetector } from './nl-bsn.js';
import { phoneDetector } from './phone.js';
import type { Detector } from './types.js';

export const coreDetectors: readonly Detector[] = [emailDetector, phoneDetector, ibanDetector, creditCardDetector, ipAddressDetector, nlBsnDetector];

/** Returns the detectors to run: the core set, minus disabled ids, plus extra ones. */
export function selectDetectors(options: { disable?: readonly string[]; extra?: readonly Detector[] } = {}): Detector[] {
  const disabled = new Set(options.disable ?? []);
  const all = [...coreDetectors, ...(options.extra ?? [])];
  return all.filter((d) => !disabled.has(d.id));
}
