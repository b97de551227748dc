/** The public API for plugin authors and programmatic use. */

export { createEngine, DEFAULT_MIN_CONFIDENCE } from './detectors/engine.js';
export { coreDetectors, selectDetectors } from './detectors/registry.js';
export type { Candidate, Category, ContextWords, Detector, DetectorPattern, Finding, Hasher, Lang, Segment, Where } from './detectors/types.js';
export { validators } from './detectors/validators.js';
export type { ChildContent, ExtractContext, Extracted, Extractor, ItemContent } from './scanner/extractors/types.js';
export { ExtractError } from './scanner/extractors/types.js';
export type { Access, ErrorCode, ItemError, ItemKind, Report, ReportItem, Risk, RiskLevel } from './scanner/model.js';
export { type ScanOptions, scan } from './scanner/pipeline.js';
