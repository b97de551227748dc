/**
 * The registry: the list of detectors a scan runs. Core detectors are listed here; detectors
 * from the config file and from plugin modules are added through `selectDetectors({ extra })`.
 */

import type { CountryCode } from 'libphonenumber-js/max';
import { beNationalNumberDetector } from './be-national-number.js';
import { creditCardDetector } from './credit-card.js';
import { dateOfBirthDetector } from './date-of-birth.js';
import { deTaxIdDetector } from './de-tax-id.js';
import { dkCprDetector } from './dk-cpr.js';
import { emailDetector } from './email.js';
import { esDniDetector } from './es-dni.js';
import { esNieDetector } from './es-nie.js';
import { fiHetuDetector } from './fi-hetu.js';
import { frNirDetector } from './fr-nir.js';
import { ibanDetector } from './iban.js';
import { iePpsnDetector } from './ie-ppsn.js';
import { ipAddressDetector } from './ip-address.js';
import { itFiscalCodeDetector } from './it-fiscal-code.js';
import { nlBsnDetector } from './nl-bsn.js';
import { nlIdDocumentDetector } from './nl-id-document.js';
import { nlLicensePlateDetector } from './nl-license-plate.js';
import { passportMrzDetector } from './passport-mrz.js';
import { personNameDetector } from './person-name.js';
import { createPhoneDetector, phoneDetector } from './phone.js';
import { plPeselDetector } from './pl-pesel.js';
import { postalAddressDetector } from './postal-address.js';
import { ptNifDetector } from './pt-nif.js';
import { sePersonnummerDetector } from './se-personnummer.js';
import { specialCategoryDetectors } from './special-categories.js';
import type { Detector } from './types.js';
import { ukNhsNumberDetector } from './uk-nhs-number.js';
import { ukNinoDetector } from './uk-nino.js';
import { usSsnDetector } from './us-ssn.js';

/** The first six: contact, online and financial data and the Dutch BSN. */
export const coreDetectors: readonly Detector[] = [emailDetector, phoneDetector, ibanDetector, creditCardDetector, ipAddressDetector, nlBsnDetector];

/** National identifiers of other countries, each with its check where one exists. */
export const nationalIdDetectors: readonly Detector[] = [
  beNationalNumberDetector,
  deTaxIdDetector,
  frNirDetector,
  esDniDetector,
  esNieDetector,
  itFiscalCodeDetector,
  ukNinoDetector,
  ukNhsNumberDetector,
  plPeselDetector,
  sePersonnummerDetector,
  dkCprDetector,
  fiHetuDetector,
  ptNifDetector,
  iePpsnDetector,
  usSsnDetector,
  nlIdDocumentDetector,
  passportMrzDetector,
  nlLicensePlateDetector,
];

/** Personal data without a checksum: names, addresses, dates of birth. */
export const identityDetectors: readonly Detector[] = [personNameDetector, postalAddressDetector, dateOfBirthDetector];

/** Every built-in detector, in the order they run. */
export const builtinDetectors: readonly Detector[] = [...coreDetectors, ...nationalIdDetectors, ...identityDetectors, ...specialCategoryDetectors];

/**
 * Returns the detectors to run: all built-in ones, minus disabled ids, plus extra ones (config,
 * plugins). `phoneRegions` (ISO codes, first one first) are where numbers without a country code belong.
 */
export function selectDetectors(options: { disable?: readonly string[]; extra?: readonly Detector[]; phoneRegions?: readonly CountryCode[] } = {}): Detector[] {
  const disabled = new Set(options.disable ?? []);
  const regions = options.phoneRegions;
  const builtin = regions?.length ? builtinDetectors.map((d) => (d === phoneDetector ? createPhoneDetector(regions) : d)) : builtinDetectors;
  const all = [...builtin, ...(options.extra ?? [])];
  return all.filter((d) => !disabled.has(d.id));
}
