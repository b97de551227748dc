/**
 * The sources a scan can read, by name. Each is a folder (or file) under sources/ that yields
 * SourceEvents (types.ts); adding one is its folder plus one line here.
 */
export { filesystemSource } from './filesystem.js';
export type { Source, SourceEvent } from './types.js';
