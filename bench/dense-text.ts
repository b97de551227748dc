/**
 * Text for the speed benchmarks, of the kinds users keep on a share: letters and notes in prose
 * (names, addresses, dates of birth among ordinary sentences), exports (a row per person) and
 * logs (addresses and e-mail in technical lines). `denseLine` carries about 17 personal values per
 * KB, as the issue-13 share did; `cleanLine` is office prose with numbers, dates and capitals but
 * no personal data, which is what most of a share is.
 */
import { pick } from '../fixtures/random.js';
import { bsn, documentationIp, emailFor, iban, invoiceDate, landline, mobile, notBsn, personName, trackingNumber } from '../fixtures/values.js';

type Random = () => number;

const STREETS = ['Kerkstraat', 'Dorpsstraat', 'Stationsweg', 'Molenlaan', 'Hoofdstraat', 'Lange Voorhout', 'Julianalaan', 'Wilhelminastraat'];
const CITIES = ['Amsterdam', 'Utrecht', 'Den Haag', 'Rotterdam', 'Groningen', 'Zwolle', 'Leiden', 'Eindhoven'];
const PROSE = [
  'Wij danken u voor uw bericht en nemen zo spoedig mogelijk contact met u op over de stand van zaken.',
  'The quarterly figures show a steady increase in both revenue and the number of active customers.',
  'Naar aanleiding van het overleg van vorige week sturen wij u hierbij de afspraken zoals besproken.',
  'De planning voor het tweede kwartaal is bijgewerkt; Team Noord neemt de migratie van het Intranet over.',
  'Please find attached the Project Plan for the new Warehouse in Tilburg, version 3 of 12 March 2024.',
  'In 2024 werkten 1200 mensen op de afdeling Service; het budget steeg met 4,5 procent tot EUR 2.300.000.',
];

const int = (r: Random, min: number, max: number) => min + Math.floor(r() * (max - min + 1));
const pad = (n: number) => String(n).padStart(2, '0');
const birthDate = (r: Random) => `${pad(int(r, 1, 28))}-${pad(int(r, 1, 12))}-${int(r, 1950, 2005)}`;
const postcode = (r: Random) => `${int(r, 1000, 9999)} ${pick(r, ['AB', 'CD', 'EF', 'GH', 'KL', 'MN', 'XK', 'EA'])}`;
const address = (r: Random) => `${pick(r, STREETS)} ${int(r, 1, 250)}, ${postcode(r)} ${pick(r, CITIES)}`;

const DENSE: ((r: Random) => string)[] = [
  // A letter paragraph: salutation, prose, an address, a date of birth, a closing.
  (r) => {
    const n = personName(r);
    return `Geachte heer ${n.last.replace(/^\p{Ll}+ /u, '')}, ${pick(r, PROSE)} Uw gegevens: ${n.full}, geboren op ${birthDate(r)}, wonende ${address(r)}. ${pick(r, PROSE)} Met vriendelijke groet, ${personName(r).full}`;
  },
  // A note with contact details in prose.
  (r) => {
    const n = personName(r);
    return `${pick(r, PROSE)} Contactpersoon is ${n.full} (tel. ${mobile(r)}, ${emailFor(n)}); BSN ${bsn(r)}, rekening ${iban(r)}. ${pick(r, PROSE)}`;
  },
  // An export row.
  (r) => {
    const n = personName(r);
    return `${n.full};${bsn(r)};${iban(r)};${emailFor(n)};${mobile(r)};${birthDate(r)};${address(r)}`;
  },
  (r) => `2024-03-12T09:00:00Z INFO login user=${emailFor(personName(r))} ip=${documentationIp(r)} phone=${landline(r)}`,
  (r) => `${documentationIp(r)} - - [12/Mar/2024:10:00:00 +0100] "GET /api/orders/${notBsn(r)} HTTP/1.1" 200 ${int(r, 100, 9000)}`,
  (r) => `Factuur ${notBsn(r)} d.d. ${invoiceDate(r)} bedrag EUR ${int(r, 10, 9000)},00 zending ${trackingNumber(r)} aan ${personName(r).full}`,
];

/** A line of a document full of personal data. */
export function denseLine(r: Random): string {
  return pick(r, DENSE)(r);
}

const WORDS = `de het een van en in is op te dat voor met zijn aan er niet om ook als bij of nog naar uit dan wordt kan door over tot project planning
overleg budget kosten offerte levering contract afspraak rapport kwartaal resultaat medewerkers afdeling systeem update versie server netwerk
klant product bestelling week maand jaar totaal bedrag procent nieuwe oude team directie beleid proces controle document bijlage`.split(/\s+/);

/** A line of office prose without personal data: words, some numbers, dates, capitalised terms. */
export function cleanLine(r: Random): string {
  const words: string[] = [];
  const n = int(r, 8, 30);
  for (let i = 0; i < n; i++) {
    const x = r();
    if (x < 0.05) words.push(String(int(r, 1, 99999)));
    else if (x < 0.07) words.push(invoiceDate(r));
    else if (x < 0.13) words.push(pick(r, ['Project', 'Team', 'Noord', 'Zuid', 'Planning', 'Intranet', 'Teams', 'Excel', 'Q2', 'SharePoint']));
    else words.push(pick(r, WORDS));
  }
  const line = words.join(' ');
  return `${line.charAt(0).toUpperCase()}${line.slice(1)}.`;
}

/** Lines of about `bytes` bytes made by `line`. */
export function textOf(bytes: number, r: Random, line: (r: Random) => string): string[] {
  const lines: string[] = [];
  let size = 0;
  while (size < bytes) {
    const l = line(r);
    lines.push(l);
    size += Buffer.byteLength(l) + 1;
  }
  return lines;
}
