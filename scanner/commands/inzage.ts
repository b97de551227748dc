#!/usr/bin/env node
/**
 * The `inzage` executable: turns on the compile cache (compile-cache.ts) before the command's
 * modules load, so that they are compiled from the cache too, then runs the command (cli.ts).
 */
import { enableCompileCache } from '../compile-cache.js';

enableCompileCache();
await import('./cli.js');
