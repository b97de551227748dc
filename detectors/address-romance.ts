/**
 * Postal-address shapes of France, Spain and Italy, for postal-address.ts: the street word
 * (`rue`, `Calle`, `Via`) tells the country, the five-digit postcode may start with 0 (`08007
 * Barcelona`, `00184 Roma`), and the house number sits before the street in France and after it
 * in Spain and Italy. Data and patterns only; the finder reads them beside its own.
 */
import { FIVE_DIGITS_CAPITAL, hasDigitAnchor } from './address-anchors.js';
import type { AddressPattern } from './postal-address.js';

const B = '(?<![\\p{L}\\p{N}])';
const E = '(?![\\p{L}\\p{N}])';
const CITY = "\\p{Lu}[\\p{L}'-]{1,30}(?:[ -](?:\\p{Lu}[\\p{L}'-]{1,30}|de|del|la|sur|en|di|sul)){0,3}";
const POSTCODE = '\\d{5}';
/** French street types, as written in lower case after a number and capitalised at the start of a line. */
const FR_TYPE = '(?:[Rr]ue|[Aa]venue|[Aa]v\\.|[Bb]oulevard|[Bb]d|[Pp]lace|[Cc]hemin|[Aa]llée|[Ii]mpasse|[Qq]uai|[Cc]ours|[Rr]oute)';
const FR_WORD = "(?:de|du|des|la|le|les|l'|d'|aux|au|et|sur|\\p{Lu}[\\p{L}'-]{1,30})";
const ES_TYPE = '(?:Calle|C/|Avenida|Avda\\.?|Paseo|Plaza|Pza\\.|Camino|Carretera|Ronda|Travesía|Glorieta|Rambla)';
const ES_WORD = "(?:de|del|la|las|los|el|y|\\p{Lu}[\\p{L}'-]{1,30})";
const IT_TYPE = '(?:Via|Viale|Piazza|Piazzale|Corso|Largo|Vicolo|Strada|Contrada|Lungomare|Borgo|Vico)';
const IT_WORD = "(?:di|del|della|dei|degli|delle|dello|d'|San|Santa|\\d{1,2}|[IVX]{1,4}|\\p{Lu}[\\p{L}'-]{1,30})";
const NUMBER = '\\d{1,4}(?: ?(?:bis|ter)|[A-Za-z](?![\\p{L}]))?';
const rx = (body: string) => new RegExp(`${B}${body}${E}`, 'gu');
/** One anchor object for all four: the finder tests an anchor once per text. `\d{5} {1,2}\p{Lu}`, read with the other postcode anchors. */
const ANCHOR = hasDigitAnchor(FIVE_DIGITS_CAPITAL);
/** The street words each country's pattern must contain: its second anchor. */
const FR_ANCHOR = new RegExp(FR_TYPE, 'u');
const ES_ANCHOR = new RegExp(ES_TYPE, 'u');
const IT_ANCHOR = new RegExp(IT_TYPE, 'u');

export const ROMANCE_ADDRESS_PATTERNS: readonly AddressPattern[] = [
  // 12 rue de la Paix, 75002 Paris · 12, rue des Lilas 69002 Lyon
  { name: 'fr-full', regex: rx(`${NUMBER},? ${FR_TYPE}(?: ${FR_WORD}){1,5},? {1,2}${POSTCODE} {1,2}${CITY}`), score: 0.85, anchor: ANCHOR, also: FR_ANCHOR },
  // rue de la Paix 12, 75002 Paris (as a list assembles it, and as Belgians write it)
  {
    name: 'fr-street-first',
    regex: rx(`${FR_TYPE}(?: ${FR_WORD}){1,5},? ${NUMBER},? {1,2}${POSTCODE} {1,2}${CITY}`),
    score: 0.85,
    anchor: ANCHOR,
    also: FR_ANCHOR,
  },
  // Calle Mayor 5, 28013 Madrid · Calle de Alcalá, 12, 3º B, 28014 Madrid
  {
    name: 'es-full',
    regex: rx(`${ES_TYPE}(?: ${ES_WORD}){1,5},? (?:n\\.?º ?)?${NUMBER}(?:,? \\d{1,2}º(?: ?[A-Z])?)?,? {1,2}${POSTCODE} {1,2}${CITY}`),
    score: 0.85,
    anchor: ANCHOR,
    also: ES_ANCHOR,
  },
  // Via Roma 10, 00184 Roma · Via Garibaldi, 3 - 20121 Milano (MI)
  {
    name: 'it-full',
    regex: rx(`${IT_TYPE}(?: ${IT_WORD}){1,5},? ${NUMBER}(?:/[A-Za-z])?,? (?:- )?${POSTCODE} {1,2}${CITY}(?: \\([A-Z]{2}\\))?`),
    score: 0.85,
    anchor: ANCHOR,
    also: IT_ANCHOR,
  },
];

/** Address words of these countries, as context for the finder. */
export const ROMANCE_ADDRESS_CONTEXT = {
  es: ['dirección', 'domicilio', 'calle', 'código postal', 'reside en', 'vive en'],
  it: ['indirizzo', 'residenza', 'domicilio', 'residente in', 'abita in', 'cap'],
} as const;
