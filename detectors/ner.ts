/**
 * The interface for model-based recognisers (named-entity recognition): a Presidio analyzer, a
 * JS NLP library, an in-house model. A recogniser returns spans with a finding type and a score;
 * the engine treats them as candidates of the detector with that id, so normalising, context,
 * overlap resolution, masking and hashing stay in one place and no raw value leaves the engine.
 * Recognisers are async (a model or an HTTP call); the engine's `detectAsync` awaits them.
 */
import type { Lang } from './types.js';

export interface RecognizedEntity {
  /** A finding type id of a registered detector (`person-name`, `email`, …); other types are ignored. */
  type: string;
  start: number;
  end: number;
  /** The recogniser's own confidence, 0..1; it takes the place of a pattern's base score. */
  score: number;
}

export interface Recognizer {
  /** Shown in a finding's basis as `ner:<id>`. */
  id: string;
  recognize(text: string): Promise<RecognizedEntity[]>;
}

/** Presidio entity types and the Inzage finding types they become; others are dropped. */
export const PRESIDIO_ENTITY_TYPES: Readonly<Record<string, string>> = {
  PERSON: 'person-name',
  EMAIL_ADDRESS: 'email',
  PHONE_NUMBER: 'phone',
  IBAN_CODE: 'iban',
  CREDIT_CARD: 'credit-card',
  IP_ADDRESS: 'ip-address',
  NL_BSN: 'nl-bsn',
  US_SSN: 'us-ssn',
  UK_NHS: 'uk-nhs-number',
  IT_FISCAL_CODE: 'it-fiscal-code',
  ES_NIF: 'es-dni',
  ES_NIE: 'es-nie',
};

export interface PresidioOptions {
  /** The analyzer's base URL, e.g. http://localhost:5002 (the request goes to `${url}/analyze`). */
  url: string;
  language?: Lang;
  /** Presidio's own score threshold; lower scores are not returned. */
  scoreThreshold?: number;
  /** Entity-type mapping; defaults to PRESIDIO_ENTITY_TYPES. */
  entities?: Readonly<Record<string, string>>;
  timeoutMs?: number;
}

interface PresidioResult {
  entity_type?: unknown;
  start?: unknown;
  end?: unknown;
  score?: unknown;
}

/**
 * A recogniser that asks a Presidio analyzer (`POST /analyze`). The text goes to that service:
 * run it where the data may go (on the scanning host or inside the same network). Errors name the
 * status only, never the text.
 */
export function presidioRecognizer(options: PresidioOptions): Recognizer {
  const endpoint = `${options.url.replace(/\/+$/, '')}/analyze`;
  const mapping = options.entities ?? PRESIDIO_ENTITY_TYPES;
  const entities = Object.keys(mapping);
  return {
    id: 'presidio',
    async recognize(text: string): Promise<RecognizedEntity[]> {
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          text,
          language: options.language ?? 'en',
          entities,
          ...(options.scoreThreshold !== undefined ? { score_threshold: options.scoreThreshold } : {}),
        }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      });
      if (!response.ok) throw new Error(`Presidio analyzer answered HTTP ${response.status}`);
      const body = (await response.json()) as unknown;
      if (!Array.isArray(body)) throw new Error('Presidio analyzer answered something other than a list of results');
      const out: RecognizedEntity[] = [];
      for (const r of body as PresidioResult[]) {
        const type = typeof r.entity_type === 'string' ? mapping[r.entity_type] : undefined;
        if (!type || typeof r.start !== 'number' || typeof r.end !== 'number' || typeof r.score !== 'number') continue;
        out.push({ type, start: r.start, end: r.end, score: r.score });
      }
      return out;
    },
  };
}
