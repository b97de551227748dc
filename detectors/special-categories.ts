/**
 * Special categories of personal data (AVG/GDPR Art. 9: health, religion, ethnic origin,
 * political opinion, trade-union membership, sex life or sexual orientation, genetic and
 * biometric data) and criminal data (Art. 10, in the Netherlands also UAVG Art. 31-33: `VOG`,
 * `strafblad`). Term lists in Dutch, English, German and French; a term ending in `*` also
 * matches longer words (`diagnos*`: diagnose, diagnoses, diagnosis).
 *
 * A term says what a text is about, not whom: on its own it scores medium (0.55). The engine's
 * item step (`finalizeItem`, see engine.ts) raises it to high when the same item also holds an
 * identifier of a person, which is when Art. 9 really applies.
 */
import type { ContextWords, Detector } from './types.js';

type Terms = Record<'nl' | 'en' | 'de' | 'fr', string>;

const TERMS: Record<string, { label: string; terms: Terms }> = {
  'special-health': {
    label: 'health',
    terms: {
      nl: 'ziekteverzuim ziekmelding* ziek gemeld ziekgemeld arbo-arts arboarts bedrijfsarts arbodienst diagnose diagnoses gediagnosticeerd medicatie medicijngebruik burn-out burnout depressie* zwangerschap* arbeidsongeschikt* wia-uitkering re-integratie* psycholoog psychiater ggz behandelplan medisch dossier medische gegevens chemotherapie huisarts handicap* verslaving* revalidatie',
      en: 'sick leave sickness absence diagnosis diagnosed medical condition medical record* medication prescription* disability mental health depression pregnan* chemotherapy cancer hiv-positive hiv positive occupational health therapist psychiatric* addiction rehabilitation',
      de: 'krankmeldung* arbeitsunfähig* krankschreibung* diagnose krankheit* schwangerschaft* behinderung* schwerbehindert* medikament* psychotherapie* betriebsarzt depression* krankenakte',
      fr: 'arrêt maladie arrêt de travail diagnostic médical maladie* médecin du travail grossesse handicap* dossier médical traitement médical dépression invalidité',
    },
  },
  'special-religion': {
    label: 'religion',
    terms: {
      nl: 'religie geloofsovertuiging levensovertuiging godsdienst kerklid kerkelijke gezindte moslim* islamitisch* katholiek* protestants* joods* hindoe* boeddhist* moskeebezoek gereformeerd* ramadan',
      en: 'religion religious belief* muslim catholic protestant jewish hindu buddhist church member* mosque attendance',
      de: 'religion* konfession* religionszugehörigkeit glaubensrichtung muslimisch* katholisch* evangelisch* jüdisch* kirchensteuer',
      fr: 'religion* confession religieuse conviction religieuse musulman* catholique* protestant* juif juive',
    },
  },
  'special-ethnicity': {
    label: 'ethnic origin',
    terms: {
      nl: 'etniciteit etnische afkomst etnische achtergrond afkomst migratieachtergrond allochto* huidskleur',
      en: 'ethnicity ethnic origin ethnic background racial origin race/ethnicity skin colour skin color',
      de: 'ethnische herkunft ethnizität abstammung hautfarbe rassische herkunft migrationshintergrund',
      fr: 'origine ethnique ethnicité origine raciale couleur de peau',
    },
  },
  'special-politics': {
    label: 'political opinion',
    terms: {
      nl: 'politieke voorkeur politieke overtuiging partijlidmaatschap lid van de partij partijlid stemvoorkeur politieke kleur',
      en: 'political opinion* political affiliation political views party membership party member voting preference',
      de: 'politische meinung politische überzeugung parteimitglied* parteizugehörigkeit',
      fr: 'opinion* politique* appartenance politique membre du parti affiliation politique',
    },
  },
  'special-union': {
    label: 'trade-union membership',
    terms: {
      nl: 'vakbond* vakbondslid* vakbondslidmaatschap fnv cnv vakbondscontributie',
      en: 'trade union* union member* union membership union dues',
      de: 'gewerkschaft* gewerkschaftsmitglied* ver.di ig metall',
      fr: 'syndicat syndicats syndical* syndiqué* adhésion syndicale cotisation syndicale',
    },
  },
  'special-sexuality': {
    label: 'sex life or sexual orientation',
    terms: {
      nl: 'seksuele geaardheid seksuele voorkeur homoseksu* lesbisch* biseksu* transgender* seksleven',
      en: 'sexual orientation sexual preference homosexual* lesbian* bisexual* transgender* sex life',
      de: 'sexuelle orientierung sexuelle identität homosexu* lesbisch* bisexu* sexualleben',
      fr: 'orientation sexuelle homosexu* lesbienne* bisexu* vie sexuelle',
    },
  },
  'special-genetic': {
    label: 'genetic data',
    terms: {
      nl: 'dna-test* dna-profiel* dna-onderzoek genetisch onderzoek genetische gegevens erfelijkheidsonderzoek genoom*',
      en: 'dna test* dna profile* genetic test* genetic data genome sequenc* genetic screening',
      de: 'gentest* genetische daten dna-analyse* erbgut genomsequenz*',
      fr: 'test génétique tests génétiques données génétiques profil adn analyse adn',
    },
  },
  'special-biometric': {
    label: 'biometric data',
    terms: {
      nl: 'vingerafdruk* gezichtsherkenning irisscan* biometrisch* gezichtsscan* handpalmscan* stemherkenning',
      en: 'fingerprint* facial recognition face recognition iris scan* biometric* retina scan* voiceprint*',
      de: 'fingerabdr* gesichtserkennung irisscan* biometrisch* stimmerkennung',
      fr: 'empreinte* digitale* reconnaissance faciale biométri* scan de l’iris',
    },
  },
  'special-criminal': {
    label: 'criminal convictions and offences',
    terms: {
      nl: 'vog verklaring omtrent het gedrag strafblad strafrechtelijk* veroordeling* veroordeeld justitiële documentatie proces-verbaal strafzaak taakstraf gevangenisstraf delict* antecedenten',
      en: 'criminal record* criminal conviction* convicted dbs check criminal offence* criminal offense* prison sentence arrest record police record',
      de: 'führungszeugnis vorstrafe* vorbestraft strafregister verurteilung* straftat* strafverfahren',
      fr: 'casier judiciaire condamnation* condamné* infraction pénale peine de prison antécédents judiciaires',
    },
  },
};

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The phrases of a term list: words joined by spaces form a phrase only when written so (`arrêt maladie`). */
function phrases(list: string): string[] {
  // Multi-word terms are kept together by listing them in MULTI below; the rest split on spaces.
  const out: string[] = [];
  let rest = list;
  for (const phrase of MULTI) {
    if (rest.includes(phrase)) {
      out.push(phrase);
      rest = rest.split(phrase).join(' ');
    }
  }
  return [...out, ...rest.split(/\s+/).filter(Boolean)];
}

/** Multi-word terms, longest first, so their words are not also taken as separate terms. */
const MULTI = [
  'verklaring omtrent het gedrag',
  'justitiële documentatie',
  'antécédents judiciaires',
  'opinion* politique*',
  'kerkelijke gezindte',
  'ziek gemeld',
  'medisch dossier',
  'medische gegevens',
  'sickness absence',
  'sick leave',
  'medical condition',
  'medical record*',
  'mental health',
  'hiv positive',
  'occupational health',
  'arrêt maladie',
  'arrêt de travail',
  'médecin du travail',
  'dossier médical',
  'traitement médical',
  'religious belief*',
  'church member*',
  'mosque attendance',
  'confession religieuse',
  'conviction religieuse',
  'etnische afkomst',
  'etnische achtergrond',
  'ethnic origin',
  'ethnic background',
  'racial origin',
  'skin colour',
  'skin color',
  'ethnische herkunft',
  'rassische herkunft',
  'origine ethnique',
  'origine raciale',
  'couleur de peau',
  'politieke voorkeur',
  'politieke overtuiging',
  'lid van de partij',
  'politieke kleur',
  'political opinion*',
  'political affiliation',
  'political views',
  'party membership',
  'party member',
  'voting preference',
  'politische meinung',
  'politische überzeugung',
  'appartenance politique',
  'membre du parti',
  'affiliation politique',
  'trade union*',
  'union member*',
  'union membership',
  'union dues',
  'ig metall',
  'adhésion syndicale',
  'cotisation syndicale',
  'seksuele geaardheid',
  'seksuele voorkeur',
  'sexual orientation',
  'sexual preference',
  'sex life',
  'sexuelle orientierung',
  'sexuelle identität',
  'orientation sexuelle',
  'vie sexuelle',
  'genetisch onderzoek',
  'genetische gegevens',
  'dna test*',
  'dna profile*',
  'genetic test*',
  'genetic data',
  'genome sequenc*',
  'genetic screening',
  'genetische daten',
  'test génétique',
  'tests génétiques',
  'données génétiques',
  'profil adn',
  'analyse adn',
  'facial recognition',
  'face recognition',
  'iris scan*',
  'retina scan*',
  'empreinte* digitale*',
  'reconnaissance faciale',
  'scan de l’iris',
  'criminal record*',
  'criminal conviction*',
  'dbs check',
  'prison sentence',
  'arrest record',
  'police record',
  'casier judiciaire',
  'peine de prison',
  'criminal offence*',
  'criminal offense*',
  'infraction pénale',
  'diagnostic médical',
].sort((a, b) => b.length - a.length);

function termRegex(terms: readonly string[]): RegExp {
  const alternation = [...terms]
    .sort((a, b) => b.length - a.length)
    .map((t) => escapeRegex(t).replace(/\\\*/g, '\\p{L}{0,24}').replace(/ /g, '[ \\t]{1,3}'))
    .join('|');
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternation})(?![\\p{L}\\p{N}])`, 'giu');
}

/** The literal part of a term, for the keyword prefilter: `diagnos*` → `diagnos`, `arrêt maladie` → `arrêt`. */
const keywordOf = (term: string) => (term.split(/[ *]/)[0] as string).toLowerCase();

function specialDetector(id: string, label: string, terms: Terms): Detector {
  const all = [...new Set(Object.values(terms).flatMap(phrases))];
  return {
    id,
    category: 'special',
    description: `GDPR ${id === 'special-criminal' ? 'Art. 10' : 'Art. 9'} ${label}: terms in NL/EN/DE/FR; high only in an item that also identifies a person.`,
    keywords: [...new Set(all.map(keywordOf).filter((k) => k.length >= 2))],
    patterns: [{ name: 'term', regex: termRegex(all), score: 0.55 }],
    ...(NEGATIVE[id] ? { negativeContext: NEGATIVE[id] } : {}),
    normalize: (raw) => raw.replace(/\s+/g, ' ').toLowerCase(),
    // The term is evidence of a category, not a value about one person: show its start only.
    mask: (term) => `${term.slice(0, 3)}${'*'.repeat(Math.max(1, Math.min(8, term.length - 3)))}`,
    examples: EXAMPLES[id] as Detector['examples'],
  };
}

/** Where a term is also a technical word: a certificate's fingerprint is not a person's. */
const NEGATIVE: Record<string, ContextWords> = {
  'special-biometric': {
    en: ['ssh', 'tls', 'ssl', 'certificate', 'sha-1', 'sha-256', 'sha256', 'key', 'gpg', 'pgp', 'browser', 'device'],
    nl: ['certificaat', 'sleutel'],
    de: ['zertifikat', 'schlüssel'],
    fr: ['certificat', 'clé'],
  },
};

const EXAMPLES: Record<string, Detector['examples']> = {
  'special-health': {
    valid: [
      'Ziekmelding ontvangen',
      'Diagnose: hernia',
      'gesprek met de bedrijfsarts',
      'reason: sick leave',
      'Krankmeldung liegt vor',
      'arrêt maladie de 3 jours',
      'medicatie aangepast',
      'Burn-out klachten',
      'zwangerschapsverlof vanaf mei',
      'mental health support',
    ],
    invalid: [
      'Medicalisering van de zorg in het algemeen',
      'run diagnostics on the server',
      'diag',
      'The cancelled order',
      'disabled user account',
      'arbeidsovereenkomst',
      'Krankenhausstraße 3',
      'maladroit',
      'medisch',
      'gezondheid van de economie',
    ],
  },
  'special-religion': {
    valid: [
      'Religie: islam',
      'geloofsovertuiging niet vermeld',
      'hij is katholiek',
      'muslim prayer room',
      'Konfession: keine',
      'confession religieuse',
      'moslima collega',
      'kerkelijke gezindte: RK',
      'vrij voor ramadan',
      'jewish holidays',
    ],
    invalid: ['Kerkstraat 5', 'protest tegen de plannen', 'hindernis', 'Kathedraal', 'Joost', 'church road', 'islamabad', 'believe it', 'relikwie', 'katheter'],
  },
  'special-ethnicity': {
    valid: [
      'Etniciteit: onbekend',
      'etnische afkomst',
      'ethnic origin: n/a',
      'migratieachtergrond',
      'Ethnische Herkunft',
      'origine ethnique',
      'race/ethnicity field',
      'huidskleur',
      'ethnicity',
      'Hautfarbe',
    ],
    invalid: [
      'rasp',
      'Rasse',
      'race condition',
      'Herkunftsland',
      'origine du produit',
      'afkomstig uit Utrecht',
      'etnisch',
      'ethnic food market',
      'skin',
      'colour',
    ],
  },
  'special-politics': {
    valid: [
      'politieke voorkeur',
      'Partijlidmaatschap: ja',
      'political opinions',
      'party member since 2010',
      'Parteimitglied',
      'opinion politique',
      'stemvoorkeur',
      'politische Überzeugung',
      'political affiliation',
      'membre du parti',
    ],
    invalid: [
      'politiek',
      'party',
      'opinion',
      'Partei',
      'partijtje voetbal',
      'political science course',
      'birthday party members',
      'politie',
      'voorkeur',
      'membre',
    ],
  },
  'special-union': {
    valid: [
      'lid van de FNV',
      'vakbondslid',
      'trade union rep',
      'union membership',
      'Gewerkschaftsmitglied',
      'syndiqué depuis 2001',
      'vakbondscontributie',
      'CNV',
      'ver.di Mitglied',
      'union dues deducted',
    ],
    invalid: ['union', 'European Union', 'Union Street', 'syndicus', 'vakantie', 'fnvx', 'gewerk', 'verdi', 'reunion', 'syndrome'],
  },
  'special-sexuality': {
    valid: [
      'seksuele geaardheid',
      'homoseksueel',
      'sexual orientation',
      'lesbian',
      'bisexual',
      'transgender',
      'Sexuelle Orientierung',
      'orientation sexuelle',
      'Homosexualität',
      'sex life',
    ],
    invalid: ['seksueel', 'sexual', 'orientation', 'gender', 'trans', 'homogeen', 'lesbos', 'bisect', 'sexagesimal', 'orientatie'],
  },
  'special-genetic': {
    valid: [
      'DNA-test',
      'dna-profiel',
      'genetic test',
      'genetic data',
      'Gentest',
      'test génétique',
      'erfelijkheidsonderzoek',
      'genoomanalyse',
      'genome sequencing',
      'genetisch onderzoek',
    ],
    invalid: ['DNA', 'genetisch', 'genetic', 'test', 'gentle', 'genoemd', 'generic', 'gene', 'genre', 'genomen'],
  },
  'special-biometric': {
    valid: [
      'vingerafdruk',
      'gezichtsherkenning',
      'fingerprint',
      'facial recognition',
      'biometric',
      'Fingerabdruck',
      'reconnaissance faciale',
      'irisscan',
      'biometrische gegevens',
      'voiceprint',
    ],
    invalid: [
      'vinger',
      'gezicht',
      'finger',
      'SSH key fingerprint: SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8',
      'iris',
      'metric',
      'reconnaissance',
      'herkenning',
      'scan',
      'bio',
    ],
  },
  'special-criminal': {
    valid: [
      'VOG aangevraagd',
      'verklaring omtrent het gedrag',
      'strafblad',
      'criminal record',
      'Führungszeugnis',
      'casier judiciaire',
      'veroordeeld',
      'criminal conviction',
      'vorbestraft',
      'taakstraf',
    ],
    invalid: ['vogel', 'voga', 'strafschop', 'record', 'no offence meant', 'Zeugnis', 'casier', 'verordening', 'offensive', 'with conviction'],
  },
};

export const specialCategoryDetectors: readonly Detector[] = Object.entries(TERMS).map(([id, { label, terms }]) => specialDetector(id, label, terms));
