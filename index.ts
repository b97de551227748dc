/** The public API for plugin authors and programmatic use. */

export {
  CONTEXT_BOOST,
  type ConfidenceLevel,
  confidenceLevel,
  createEngine,
  DEFAULT_MIN_CONFIDENCE,
  type Engine,
  type EngineOptions,
  HIGH_CONFIDENCE,
  NEGATIVE_CONTEXT_PENALTY,
} from './detectors/engine.js';
export { PRESIDIO_ENTITY_TYPES, type PresidioOptions, presidioRecognizer, type RecognizedEntity, type Recognizer } from './detectors/ner.js';
export { builtinDetectors, coreDetectors, identityDetectors, nationalIdDetectors, selectDetectors } from './detectors/registry.js';
export { specialCategoryDetectors } from './detectors/special-categories.js';
export type { Candidate, Category, ContextWords, Detector, DetectorPattern, Finding, Hasher, Lang, Segment, Where } from './detectors/types.js';
export { type ValidatorName, validators } from './detectors/validators.js';
export { ConfigError, type CustomDetectorConfig, type InzageConfig, loadConfig } from './scanner/config.js';
export type { ChildContent, ExtractContext, Extracted, Extractor, ItemContent } from './scanner/extractors/types.js';
export { ExtractError } from './scanner/extractors/types.js';
export type { Access, ErrorCode, ItemError, ItemKind, Report, ReportItem, Risk, RiskLevel } from './scanner/model.js';
export { type ScanOptions, scan } from './scanner/pipeline.js';
