/**
 * The sources a scan can read, by name. Each is a folder (or file) under sources/ that yields
 * SourceEvents (types.ts); adding one is its folder plus one line here. (The scan loads the
 * Microsoft 365 source from its own module, and only when asked: the Azure libraries slow every start.)
 */
export { filesystemSource } from './filesystem.js';
export { m365Source } from './m365/source.js';
export { mergeStreams } from './merge.js';
export type { Source, SourceEvent, SourceReader } from './types.js';
