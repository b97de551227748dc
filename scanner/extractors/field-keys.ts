/**
 * What a column header or a JSON key says a field holds, in Dutch, English, German, French,
 * Spanish and Italian. Data only: records.ts reads it to type fields and to put the parts of a
 * name or an address back together. Keys are compared after `normalizeKey` (lower case, accents
 * dropped, camelCase and `_`/`-`/`.` split into words), so `birthDate`, `birth_date` and
 * `Birth date` are one key.
 */

/** The kinds of field a record can hold; parts of a name or an address are assembled into one value. */
export type FieldKind =
  | 'given-name'
  | 'name-particle'
  | 'family-name'
  | 'full-name'
  | 'street'
  | 'house-number'
  | 'house-number-addition'
  | 'postcode'
  | 'city'
  | 'address'
  | 'birth-date'
  | 'phone'
  | 'email'
  | 'national-id'
  /** Order, invoice, customer and article numbers: never typed from their values. */
  | 'reference'
  /** A neutral number column (`Nummer`, `ID`): typed from its values when they pass a checksum. */
  | 'number';

/** Keys per kind, comma-separated, as `normalizeKey` leaves them (lower case, no accents, words split by one space). */
const KEYS: Record<FieldKind, string> = {
  'given-name': `voornaam, voornamen, roepnaam, first name, firstname, given name, givenname, forename, vorname, vornamen, rufname,
    prenom, prenoms, nombre, nombres, nome, primo nome`,
  'name-particle': 'tussenvoegsel, tussenvoegsels, voorvoegsel, voorvoegsels',
  'family-name': `achternaam, geslachtsnaam, familienaam, last name, lastname, surname, family name, familyname, nachname,
    familienname, zuname, nom, nom de famille, apellido, apellidos, primer apellido, segundo apellido, apellido 1, apellido 2,
    cognome, cognomi`,
  'full-name': `naam, volledige naam, naam medewerker, klantnaam, contactpersoon, full name, fullname, name, employee name,
    customer name, contact name, contact person, display name, displayname, vollstandiger name, ansprechpartner, nom complet,
    nom et prenom, nom prenom, nombre completo, nombre y apellidos, nome completo, nome e cognome, nominativo`,
  street: `straat, straatnaam, adresregel 1, adresregel1, street, street name, streetname, address line 1, address line1, address1,
    strasse, strassenname, rue, voie, adresse ligne 1, calle, via, indirizzo riga 1`,
  'house-number': `huisnummer, huisnr, huis nr, nr, house number, housenumber, house no, street number, streetnumber, hausnummer,
    hausnr, numero de rue, num, numero civico, civico, n civico`,
  'house-number-addition': 'toevoeging, huisnummertoevoeging, huisnummer toevoeging, huisletter, hausnummerzusatz, zusatz',
  postcode: `postcode, postal code, postalcode, post code, zip, zipcode, zip code, plz, postleitzahl, code postal, codepostal, cp,
    codigo postal, cap`,
  city: `woonplaats, plaats, stad, city, town, ort, stadt, wohnort, ville, commune, localite, ciudad, localidad, poblacion,
    municipio, citta, comune, localita`,
  address: `adres, woonadres, huisadres, postadres, address, home address, postal address, street address, adresse, wohnadresse,
    anschrift, postanschrift, adresse postale, domicile, direccion, domicilio, direccion postal, indirizzo, residenza`,
  'birth-date': `geboortedatum, geb datum, geboren, date of birth, dob, birthdate, birth date, birthday, date naissance,
    date de naissance, geburtsdatum, geburtstag, fecha de nacimiento, fecha nacimiento, fechanacimiento, data di nascita,
    data nascita, datanascita`,
  phone: `telefoon, telefoonnummer, tel, telnr, mobiel, mobiel nummer, mobielnummer, gsm, phone, phone number, phonenumber,
    telephone, mobile, mobile number, cell, telefon, telefonnummer, handy, mobilnummer, mobil, portable, telefono, movil,
    telefono movil, cellulare, numero di telefono`,
  email: `email, e mail, emailadres, e mailadres, mail, mailadres, email address, courriel, adresse email, correo,
    correo electronico, posta elettronica`,
  'national-id': `bsn, burgerservicenummer, sofinummer, rijksregisternummer, insz, steuer id, steuerid, steueridentifikationsnummer,
    idnr, nir, numero de securite sociale, dni, nif, nie, codice fiscale, nino, national insurance number`,
  reference: `ordernummer, order, order number, ordernr, bestelnummer, factuurnummer, factuur, klantnummer, klantnr, artikelnummer,
    artikel, kenmerk, referentie, invoice, invoice number, customer number, customer id, sku, reference, ref, kundennummer,
    bestellnummer, rechnungsnummer, commande, numero de commande, facture, numero de facture, pedido, numero de pedido, factura,
    referencia, ordine, numero ordine, fattura, riferimento, n de commande, no de commande, numero commande, n pedido, no pedido,
    numero pedido, n ordine, no ordine, n fattura, n factura`,
  number: 'nummer, number, no, id, numero, identificatie, identification, kennung',
};

const KIND_OF = new Map<string, FieldKind>();
for (const [kind, list] of Object.entries(KEYS) as [FieldKind, string][]) {
  for (const key of list.split(',').map((k) => k.trim().replace(/\s+/g, ' '))) if (key && !KIND_OF.has(key)) KIND_OF.set(key, kind);
}

/** Lower case, accents off, camelCase and separators split into single-spaced words. */
export function normalizeKey(key: string): string {
  return key
    .replace(/(\p{Ll})(\p{Lu})/gu, '$1 $2')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Words in front of a key that qualify it without changing what it holds (`klant voornaam`, `customer phone`). */
const QUALIFIERS = new Set(
  'klant medewerker werknemer contact contactpersoon persoon prive privé student leerling patient client customer employee person user billing shipping home private personal kunde mitarbeiter privat client salarie cliente empleado utente dipendente cliente'.split(
    ' ',
  ),
);

/** The kind a header or key names, or undefined when it names none we know. */
export function kindOfKey(key: string): FieldKind | undefined {
  const words = normalizeKey(key).split(' ').filter(Boolean);
  // The whole key, then without the qualifying words in front (`klant voornaam`, `customer phone number`).
  for (let from = 0; from < words.length; from++) {
    const kind = KIND_OF.get(words.slice(from).join(' '));
    if (kind) return kind;
    if (!QUALIFIERS.has(words[from] as string)) return undefined;
  }
  return undefined;
}
