/**
 * Italian and Spanish given names, titles and name words for person-name detection, beside the
 * lists in names.ts (same rules: hand-picked common names, lower case, accents kept; INE and ISTAT
 * name frequencies give the order of magnitude). Data only.
 */

const IT = `giuseppe giovanni antonio mario luigi francesco angelo vincenzo pietro salvatore carlo franco domenico bruno paolo michele
giorgio aldo sergio luciano marco andrea alessandro lorenzo matteo leonardo riccardo davide stefano roberto massimo fabio simone luca
federico gabriele tommaso filippo emanuele edoardo maria anna giuseppina rosa angela giovanna teresa lucia carmela caterina francesca
antonietta elena chiara giulia sofia aurora alice ginevra martina beatrice federica valentina silvia paola laura alessandra sara
elisa ilaria roberta simona stefania daniela cristina monica barbara giorgia camilla arianna serena`;

const ES = `antonio josé manuel francisco david juan javier daniel carlos jesús alejandro miguel rafael pablo pedro ángel sergio fernando
jorge luis alberto álvaro adrián diego raúl enrique ramón vicente andrés joaquín santiago víctor mario hugo martín lucas mateo
maría carmen ana isabel laura dolores cristina marta lucía pilar elena rosa paula raquel manuela mercedes sara concepción rocío
julia beatriz silvia patricia teresa montserrat nuria irene alba andrea claudia sofía valeria daniela carla noelia inmaculada
esperanza josefa encarnación`;

const split = (s: string) => s.split(/\s+/).filter(Boolean);

/** Italian and Spanish given names, lower case. */
export const ROMANCE_FIRST_NAMES: readonly string[] = [...split(IT), ...split(ES)];

/** Titles before a surname in Italian and Spanish (`Sig. Rossi`, `Sra. García`), lower case, without the dot. */
export const ROMANCE_TITLES: readonly string[] = [
  'sig',
  'sigra',
  'signor',
  'signora',
  'signore',
  'dott',
  'dottssa',
  'sr',
  'sra',
  'srta',
  'señor',
  'señora',
  'don',
  'doña',
];

/** Name labels in Spanish and Italian, as context. */
export const ROMANCE_NAME_CONTEXT = {
  es: ['nombre', 'apellidos', 'apellido', 'nombre completo', 'empleado', 'empleada', 'estimado', 'estimada', 'atentamente', 'señor', 'señora', 'sr.', 'sra.'],
  it: ['nome', 'cognome', 'nome e cognome', 'dipendente', 'gentile', 'egregio', 'cordiali saluti', 'distinti saluti', 'sig.', 'sig.ra', 'signor', 'signora'],
} as const;
