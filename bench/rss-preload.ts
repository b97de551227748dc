/** Loaded with `node --import` into a benchmarked CLI run: writes the process's peak RSS (all threads) when it exits. */
import { writeFileSync } from 'node:fs';

const file = process.env.INZAGE_BENCH_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
