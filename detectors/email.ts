/**
 * E-mail addresses. The pattern bounds every part (local part at most 64 characters, labels at
 * most 63, as RFC 5321 does), so a long run of letters cannot make matching quadratic.
 */
import type { Detector } from './types.js';

export const emailDetector = {
  id: 'email',
  category: 'contact',
  description: 'E-mail addresses (local part, domain, top-level domain of letters).',
  keywords: ['@'],
  patterns: [
    {
      name: 'address',
      regex:
        /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}_%+-](?:[\p{L}\p{N}._%+-]{0,62}[\p{L}\p{N}_%+-])?@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.){1,8}(?:\p{L}{2,24}|[Xx][Nn]--[A-Za-z0-9-]{1,59}[A-Za-z0-9])(?![\p{L}\p{N}-])/gu,
      score: 0.9,
    },
  ],
  context: {
    nl: ['e-mail', 'email', 'mail', 'e-mailadres', 'mailadres'],
    en: ['e-mail', 'email', 'mail', 'contact'],
    de: ['e-mail', 'mail', 'e-mail-adresse'],
    fr: ['courriel', 'e-mail', 'mél', 'adresse électronique'],
  },
  normalize: (raw) => raw.toLowerCase(),
  // Outlook inline-image ids look like addresses: image001.png@01D9A3B2.4F5E6A70.
  invalidate: (value) => /^image\d+\.(png|jpe?g|gif)@/.test(value) || value.includes('..'),
  mask(value) {
    const at = value.lastIndexOf('@');
    return `${value.slice(0, 1)}***${value.slice(at)}`;
  },
  examples: {
    valid: [
      'Mail jan.jansen@example.nl voor vragen',
      'Contact: j.de.vries+hr@example.com',
      'e-mail: piet_klaassen@mail.example.org',
      'Sophie.Bakker@Example.NL',
      'reply-to <anna-maria.oconnor@example.co.uk>',
      'Stuur naar info@gemeente-voorbeeld.nl.',
      'mehmet.yilmaz@example.be; tel onbekend',
      'Zoë Müller <zoë.müller@example.de>',
      '"Dr. K. Smit" k.smit@example.nl, tel. onbekend',
      'E-mailadres\tl.dijkstra@example.nl',
      // Internationalised domains, in their ASCII (punycode) and their Unicode form.
      'a@xn--d1acufc.xn--p1ai',
      'a@домен.рф',
    ],
    invalid: [
      'no address here',
      'jan.jansen at example.nl',
      '@example.nl',
      'jan@',
      'jan@example',
      'image001.png@01D9A3B2.4F5E6A70',
      'version 1.2.3@build',
      'user@localhost',
      'a..b@example.nl',
      'twitter handle @jansen',
      'a@xn--d1acufc.xn--', // punycode label without its encoded part
      'a@домен.р', // one-letter top-level domain
    ],
  },
} satisfies Detector;
