/** Confidence thresholds and levels, shared by the engine and the report code. */

/** The default reporting threshold: "likely personal data". */
export const DEFAULT_MIN_CONFIDENCE = 0.5;
/** Levels shown to people: low is below the default threshold, high needs a checksum or strong context. */
export type ConfidenceLevel = 'low' | 'medium' | 'high';
export const HIGH_CONFIDENCE = 0.8;
export function confidenceLevel(confidence: number): ConfidenceLevel {
  return confidence >= HIGH_CONFIDENCE ? 'high' : confidence >= DEFAULT_MIN_CONFIDENCE ? 'medium' : 'low';
}
