/**
 * IP addresses (IPv4 dotted quads and IPv6). An IP address is personal data when it can be tied to
 * a person (CJEU C-582/14, Breyer). Version strings (`10.0.19045.2965`, `v1.2.3.4`) are not
 * addresses: a fifth part, a letter glued before, or the word "version" nearby rules them out.
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { Detector } from './types.js';

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`(?<![\\p{L}\\p{N}.])${OCTET}(?:\\.${OCTET}){3}(?![\\p{L}\\p{N}]|\\.\\d)`, 'gu');
// Not followed by `.digit`: `::ffff:256.0.0.1` is an IPv4-mapped address whose IPv4 part is
// invalid, not the IPv6 `::ffff:256`; a valid mapped address is found by its IPv4 part.
const IPV6 = /(?<![\p{L}\p{N}:.])(?:[0-9A-Fa-f]{1,4}|:)?(?::[0-9A-Fa-f]{0,4}){2,7}(?![\p{L}\p{N}:]|\.\d)/gu;

export const ipAddressDetector = {
  id: 'ip-address',
  category: 'online',
  description: 'IPv4 and IPv6 addresses; unspecified, loopback, broadcast and netmask values are dropped.',
  requires: /[.:]/,
  patterns: [
    { name: 'ipv4', regex: IPV4, score: 0.7 },
    { name: 'ipv6', regex: IPV6, score: 0.7 },
  ],
  context: {
    nl: ['ip', 'ip-adres', 'ipadres', 'adres', 'client', 'host', 'inlog', 'ingelogd'],
    en: ['ip', 'ip address', 'remote', 'client', 'host', 'login', 'from', 'src', 'source'],
    de: ['ip', 'ip-adresse'],
    fr: ['ip', 'adresse ip'],
  },
  negativeContext: {
    nl: ['versie', 'build', 'release'],
    en: ['version', 'ver', 'build', 'release', 'firmware', 'oid'],
    de: ['version'],
    fr: ['version'],
  },
  normalize: (raw) => raw.toLowerCase(),
  validate: (ip) => isIPv4(ip) || (isIPv6(ip) && ip.split(':').filter(Boolean).length >= 2),
  invalidate: (ip) => /^(0\.|127\.|255\.|::1?$)/.test(ip) || ip === '::',
  mask: (ip) => (ip.includes(':') ? `${ip.split(':')[0] || ''}:*` : `${ip.split('.')[0]}.*.*.*`),
  examples: {
    valid: [
      'login from 192.0.2.44 at 09:12',
      'client=203.0.113.7 status=200',
      'IP-adres: 198.51.100.23',
      '10.20.30.40 - - [12/Mar/2024:10:00:00] "GET /"',
      'remote 2001:db8::8a2e:370:7334',
      'src=2001:0db8:85a3:0000:0000:8a2e:0370:7334',
      'host 172.16.254.1 is up',
      'Verbonden met 8.8.4.4.',
      'fe80::1ff:fe23:4567:890a%eth0',
      'ip=100.64.12.9',
    ],
    invalid: [
      'Windows version 10.0.19045.2965',
      'v1.2.3.4',
      'release 2.4.1.0',
      '127.0.0.1',
      '0.0.0.0',
      '255.255.255.0',
      '256.1.1.1',
      'at 10:30:45',
      'mac 00:1A:2B:3C:4D:5E',
      'price 1.234.567',
      '::ffff:256.0.0.1', // IPv4-mapped IPv6 with an octet over 255
      'client ::ffff:10.0.0.300', // IPv4-mapped IPv6 with an octet over 255
    ],
  },
} satisfies Detector;
