/**
 * Month names and birth words of Spain and Italy for date-of-birth.ts, beside its own Dutch,
 * English, German and French ones. Data only.
 */
export const ROMANCE_MONTHS: readonly string[] = [
  'enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre',
  'gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre',
  'ene feb mar abr may jun jul ago sep oct nov dic',
  'gen feb mar apr mag giu lug ago set ott nov dic',
];

export const ROMANCE_BIRTH_CONTEXT = {
  es: ['fecha de nacimiento', 'f. nacimiento', 'nacido', 'nacida', 'nacimiento', 'cumpleaños'],
  it: ['data di nascita', 'nato il', 'nata il', 'nato', 'nata', 'nascita', 'compleanno'],
} as const;

export const ROMANCE_DATE_NEGATIVE = {
  es: ['fecha de factura', 'fecha de pedido', 'fecha de entrega', 'factura', 'pedido', 'caduca'],
  it: ['data fattura', 'data ordine', 'data di consegna', 'fattura', 'ordine', 'scadenza'],
} as const;
