// Dutch and English texts and the locale-aware formatting of numbers, sizes and dates.

const TEXTS = {
  en: {
    title: 'Personal data report',
    overview: 'Overview',
    explorer: 'Explorer',
    print: 'Print',
    language: 'Language',
    scanned: 'Scanned {roots} on {date}',
    embeddedLimit:
      'This page holds the {shown} riskiest of {total} items; the other {more} are in report.json and items.csv (inzage report --format json,csv). Totals, charts, folders and hot spots cover all items.',
    generatedBy: 'inzage {version} · scan {id} · minimum confidence {conf}',
    items: 'Items',
    itemsWithFindings: 'With personal data',
    findings: 'Findings',
    bytes: 'Data scanned',
    broadWithFindings: 'Personal data, broad access',
    highRisk: 'High or critical risk',
    unscannable: 'Not scanned',
    skipped: 'Skipped',
    byCategory: 'Findings by category',
    byType: 'Findings by type',
    byRisk: 'Items by risk level',
    hotItems: 'Hot spots: items',
    hotFolders: 'Hot spots: folders',
    broadList: 'Personal data with broad access',
    retentionList: 'Past retention',
    unscannableList: 'Items that could not be scanned',
    unscannableHint: 'These items may hold personal data: check them by hand.',
    noneFound: 'None.',
    andMore: '… and {n} more',
    folder: 'Folder',
    item: 'Item',
    path: 'Path',
    types: 'Types',
    categories: 'Categories',
    risk: 'Risk',
    score: 'Score',
    access: 'Access',
    size: 'Size',
    modified: 'Modified',
    error: 'Error',
    reasons: 'Reasons',
    broad: 'broad',
    accessUnknown: 'access unknown',
    accessUnknownOnly: 'Access unknown (not read)',
    notes: 'Notes',
    search: 'Search path, type or masked value',
    allTypes: 'All types',
    allCategories: 'All categories',
    anyRisk: 'Any risk',
    riskAtLeast: 'Risk {level} or higher',
    anyAccess: 'Any access',
    broadOnly: 'Broad access only',
    notBroad: 'No broad access',
    anyStatus: 'All items',
    statusFindings: 'With personal data',
    statusNone: 'Without personal data',
    statusError: 'Not scanned',
    reset: 'Reset',
    shown: '{from}–{to} of {total} items',
    shownNone: 'No items match',
    prev: 'Previous',
    next: 'Next',
    allFolders: 'Everything',
    folders: 'Folders',
    mailboxes: 'Mailboxes',
    close: 'Close',
    kind: 'Kind',
    mediaType: 'Media type',
    uri: 'Location',
    entry: 'Entry',
    owner: 'Owner',
    group: 'Group',
    mode: 'Mode',
    principal: 'Who',
    rights: 'Rights',
    where: 'Where',
    masked: 'Masked value',
    type: 'Type',
    category: 'Category',
    confidence: 'Confidence',
    basis: 'Basis',
    sameValueElsewhere: 'Value also in {n} other items',
    truncated: '{total} findings in all; the first {kept} are listed (--max-findings)',
    line: 'line {n}',
    page: 'page {n}',
    paragraph: 'paragraph {n}',
    slide: 'slide {n}',
    part: 'part {v}',
    image: 'image {v}',
    metadata: 'metadata {v}',
    noFindings: 'No personal data found.',
    noAccess: 'No access information.',
    itemsInFolder: '{n} items, {f} with personal data',
    newFindings: 'New since last scan',
    resolvedFindings: 'Resolved since last scan',
    statusNew: 'With new findings',
    findingStatus: 'Status',
    isNew: 'new',
    suppressed: 'suppressed: {v}',
    triage: { open: 'open', 'false-positive': 'false positive', accepted: 'accepted', 'to-remediate': 'to remediate' },
    level: { none: 'none', low: 'low', medium: 'medium', high: 'high', critical: 'critical' },
    cat: {
      contact: 'Contact details',
      identity: 'Identity',
      online: 'Online identifiers',
      financial: 'Financial',
      'national-id': 'National ID numbers',
      special: 'Special categories (Art. 9/10)',
    },
  },
  nl: {
    title: 'Rapport persoonsgegevens',
    overview: 'Overzicht',
    explorer: 'Verkenner',
    print: 'Afdrukken',
    language: 'Taal',
    scanned: '{roots} gescand op {date}',
    embeddedLimit:
      'Deze pagina bevat de {shown} items met het hoogste risico van {total}; de andere {more} staan in report.json en items.csv (inzage report --format json,csv). Totalen, grafieken, mappen en hotspots tellen alle items.',
    generatedBy: 'inzage {version} · scan {id} · minimale zekerheid {conf}',
    items: 'Items',
    itemsWithFindings: 'Met persoonsgegevens',
    findings: 'Vondsten',
    bytes: 'Gescande data',
    broadWithFindings: 'Persoonsgegevens, ruime toegang',
    highRisk: 'Hoog of kritiek risico',
    unscannable: 'Niet gescand',
    skipped: 'Overgeslagen',
    byCategory: 'Vondsten per categorie',
    byType: 'Vondsten per soort',
    byRisk: 'Items per risiconiveau',
    hotItems: 'Brandhaarden: items',
    hotFolders: 'Brandhaarden: mappen',
    broadList: 'Persoonsgegevens met ruime toegang',
    retentionList: 'Bewaartermijn verstreken',
    unscannableList: 'Items die niet gescand konden worden',
    unscannableHint: 'Deze items kunnen persoonsgegevens bevatten: controleer ze met de hand.',
    noneFound: 'Geen.',
    andMore: '… en nog {n}',
    folder: 'Map',
    item: 'Item',
    path: 'Pad',
    types: 'Soorten',
    categories: 'Categorieën',
    risk: 'Risico',
    score: 'Score',
    access: 'Toegang',
    size: 'Grootte',
    modified: 'Gewijzigd',
    error: 'Fout',
    reasons: 'Redenen',
    broad: 'ruim',
    accessUnknown: 'toegang onbekend',
    accessUnknownOnly: 'Toegang onbekend (niet gelezen)',
    notes: 'Opmerkingen',
    search: 'Zoek op pad, soort of gemaskeerde waarde',
    allTypes: 'Alle soorten',
    allCategories: 'Alle categorieën',
    anyRisk: 'Elk risico',
    riskAtLeast: 'Risico {level} of hoger',
    anyAccess: 'Elke toegang',
    broadOnly: 'Alleen ruime toegang',
    notBroad: 'Geen ruime toegang',
    anyStatus: 'Alle items',
    statusFindings: 'Met persoonsgegevens',
    statusNone: 'Zonder persoonsgegevens',
    statusError: 'Niet gescand',
    reset: 'Wissen',
    shown: '{from}–{to} van {total} items',
    shownNone: 'Geen items gevonden',
    prev: 'Vorige',
    next: 'Volgende',
    allFolders: 'Alles',
    folders: 'Mappen',
    mailboxes: 'Postvakken',
    close: 'Sluiten',
    kind: 'Soort item',
    mediaType: 'Mediatype',
    uri: 'Locatie',
    entry: 'Onderdeel',
    owner: 'Eigenaar',
    group: 'Groep',
    mode: 'Rechten (mode)',
    principal: 'Wie',
    rights: 'Rechten',
    where: 'Waar',
    masked: 'Gemaskeerde waarde',
    type: 'Soort',
    category: 'Categorie',
    confidence: 'Zekerheid',
    basis: 'Grond',
    sameValueElsewhere: 'Waarde ook in {n} andere items',
    truncated: '{total} bevindingen in totaal; de eerste {kept} staan hier (--max-findings)',
    line: 'regel {n}',
    page: 'pagina {n}',
    paragraph: 'alinea {n}',
    slide: 'dia {n}',
    part: 'deel {v}',
    image: 'afbeelding {v}',
    metadata: 'metadata {v}',
    noFindings: 'Geen persoonsgegevens gevonden.',
    noAccess: 'Geen toegangsinformatie.',
    itemsInFolder: '{n} items, {f} met persoonsgegevens',
    newFindings: 'Nieuw sinds vorige scan',
    resolvedFindings: 'Opgelost sinds vorige scan',
    statusNew: 'Met nieuwe vondsten',
    findingStatus: 'Status',
    isNew: 'nieuw',
    suppressed: 'onderdrukt: {v}',
    triage: { open: 'open', 'false-positive': 'vals positief', accepted: 'geaccepteerd', 'to-remediate': 'op te lossen' },
    level: { none: 'geen', low: 'laag', medium: 'middel', high: 'hoog', critical: 'kritiek' },
    cat: {
      contact: 'Contactgegevens',
      identity: 'Identiteit',
      online: 'Online kenmerken',
      financial: 'Financieel',
      'national-id': 'Identificatienummers',
      special: 'Bijzondere gegevens (art. 9/10)',
    },
  },
};

export const LANGS = ['nl', 'en'];
const LOCALES = { nl: 'nl-NL', en: 'en-GB' };

let lang = 'en';
let numberFormat;
let percentFormat;
let dateFormat;
let dateTimeFormat;

export function setLang(next) {
  lang = TEXTS[next] ? next : 'en';
  const locale = LOCALES[lang];
  numberFormat = new Intl.NumberFormat(locale);
  percentFormat = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 });
  dateFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' });
  dateTimeFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  document.documentElement.lang = lang;
}

export function currentLang() {
  return lang;
}

/** The language to start in: the browser's, if it is one we have. */
export function preferredLang() {
  const wanted = (navigator.languages || [navigator.language || 'en']).map((l) => String(l).slice(0, 2).toLowerCase());
  return wanted.find((l) => TEXTS[l]) || 'en';
}

/** t('shown', { from: 1 }) → the text in the current language with {placeholders} filled. */
export function t(key, params) {
  const text = TEXTS[lang][key] ?? TEXTS.en[key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

/** A finding's triage status (set with `inzage triage`), translated. */
export function triageName(status) {
  return TEXTS[lang].triage[status] ?? status;
}

export function levelName(level) {
  return TEXTS[lang].level[level] ?? level;
}

/** Category names we know are translated; unknown categories (from plugins) show their id. */
export function categoryName(category) {
  return TEXTS[lang].cat[category] ?? category;
}

export function num(n) {
  return numberFormat.format(n);
}

export function pct(fraction) {
  return percentFormat.format(fraction);
}

export function date(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : dateFormat.format(d);
}

export function dateTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : dateTimeFormat.format(d);
}

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

export function bytes(n) {
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${new Intl.NumberFormat(LOCALES[lang], { maximumFractionDigits: digits }).format(value)} ${UNITS[unit]}`;
}

/** Where a finding sits, as the officer would look for it: "line 12", "Blad1!C7", "page 3". */
export function whereText(where) {
  if (!where) return '';
  const parts = [];
  if (where.sheet !== undefined || where.cell !== undefined) parts.push(`${where.sheet ?? ''}${where.sheet && where.cell ? '!' : ''}${where.cell ?? ''}`);
  if (where.page !== undefined) parts.push(t('page', { n: where.page }));
  if (where.slide !== undefined) parts.push(t('slide', { n: where.slide }));
  if (where.paragraph !== undefined) parts.push(t('paragraph', { n: where.paragraph }));
  if (where.line !== undefined) parts.push(t('line', { n: where.line }));
  if (where.part !== undefined) parts.push(t('part', { v: where.part }));
  if (where.image !== undefined) parts.push(t('image', { v: where.image }));
  if (where.metadata !== undefined) parts.push(t('metadata', { v: where.metadata }));
  return parts.join(', ');
}
