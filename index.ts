/** The public API for plugin authors and programmatic use. */

export { createEngine, DEFAULT_MIN_CONFIDENCE } from './detectors/engine.js';
export { coreDetectors, selectDetectors } from './detectors/registry.js';
export type { Candidate, Category, ContextWords, Detector, DetectorPattern, Finding, Hasher, Lang, Segment, Where } from './detectors/types.js';
export { validators } from './detectors/validators.js';
export type { AccessOptions } from './scanner/access/collector.js';
export { DEFAULT_BROAD_GROUPS } from './scanner/access/principals.js';
export type { ChildContent, ExtractContext, Extracted, Extractor, ItemContent } from './scanner/extractors/types.js';
export { ExtractError } from './scanner/extractors/types.js';
export type { Access, AccessEntry, ErrorCode, Hotspot, ItemError, ItemKind, Report, ReportFolder, ReportItem, Risk, RiskLevel } from './scanner/model.js';
export { type ScanOptions, scan } from './scanner/pipeline.js';
export { DEFAULT_RETENTION_RULES, type RetentionRule, type RiskOptions } from './scanner/risk.js';
