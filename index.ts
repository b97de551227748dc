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
export type { AccessOptions } from './scanner/access/collector.js';
export { DEFAULT_BROAD_GROUPS } from './scanner/access/principals.js';
export { ConfigError, type InzageConfig, loadConfig } from './scanner/config.js';
export type { CustomDetectorConfig } from './scanner/config-file.js';
export type { ChildContent, ExtractContext, Extracted, Extractor, ItemContent } from './scanner/extractors/types.js';
export { ExtractError } from './scanner/extractors/types.js';
export type { Access, AccessEntry, ErrorCode, Hotspot, ItemError, ItemKind, Report, ReportFolder, ReportItem, Risk, RiskLevel } from './scanner/model.js';
export { type ScanOptions, scan } from './scanner/pipeline/scan.js';
export { DEFAULT_RETENTION_RULES, type RetentionRule, type RiskOptions } from './scanner/report/risk.js';
