#!/usr/bin/env node
/**
 * The `inzage` command. Exit codes: 0 finished, 1 `--fail-on` met, 2 usage or fatal error.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import picomatch from 'picomatch';
import { reporterFor, reporters } from '../../reporters/index.js';
import { writeStreamedReports } from '../../reporters/stream.js';
import { renderSummaryJson } from '../../reporters/summary.js';
import { DEFAULT_BROAD_GROUPS } from '../access/principals.js';
import { type InzageConfig, loadConfig } from '../config.js';
import { addWorkerCommand, type DistributedFlags, DistributedProgressLine, distributedTarget, storeUrl } from '../distributed/cli.js';
import { InzageError } from '../errors.js';
import { DEFAULT_OCR_LANGUAGES, DEFAULT_OCR_SETTINGS, OCR_LANGUAGES, type OcrLanguage } from '../extractors/ocr-engine.js';
import {
  DEFAULT_ITEM_TIMEOUT_MS,
  DEFAULT_MAX_DEPTH,
  DEFAULT_MAX_FILE_SIZE,
  DEFAULT_MAX_FINDINGS_PER_ITEM,
  DEFAULT_WORKER_MEMORY_MB,
  loadBaseline,
  type ScanOptions,
  scanThen,
} from '../pipeline/scan.js';
import { lastScanContext } from '../report/from-state.js';
import { type FailRule, parseFailOn } from '../report/gate.js';
import { DEFAULT_RETENTION_RULES, overrideRetention } from '../report/risk.js';
import type { ReportSummary, StreamContext } from '../report/stream.js';
// serve and watch are loaded when their command runs: the server and file watcher (hono, SheetJS,
// chokidar) took about 0.35 s of every scan's start.
import { DEFAULT_SERVE_PORT } from '../serve/security.js';
import { formatSize, parseSize } from '../size.js';
import { type CloudName, NATIONAL_CLOUDS, resolveM365Settings } from '../sources/m365/settings.js';
import type { PostgresStore } from '../state/postgres.js';
import { keyFilePath, loadOrCreateKey } from '../state/secret-key.js';
import { ScanState, SqliteStore, stateDir, TRIAGE_STATUSES, type TriageStatus } from '../state/state.js';
import type { ScanStore } from '../state/store.js';
import { VERSION } from '../version.js';
import type { SubjectQuery } from './find.js';
import { ScanProgress } from './progress.js';
import type { ServeFlags } from './serve.js';

const collect = (value: string, previous: string[]) => [...previous, value];
const positiveInt = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a whole number of at least 1`);
  return n;
};
const confidence = (value: string) => {
  const n = Number(value);
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError('must be a number from 0 to 1');
  return n;
};
const size = (value: string) => {
  try {
    return parseSize(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
};
const csvDelimiter = (value: string): ',' | ';' => {
  const named: Record<string, ',' | ';'> = { ';': ';', ',': ',', semicolon: ';', comma: ',' };
  const d = named[value.trim().toLowerCase()];
  if (!d) throw new InvalidArgumentError('must be ";" or "," (or semicolon, comma)');
  return d;
};
const failOn = (value: string) => {
  try {
    return parseFailOn(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
};

interface CommonFlags {
  stateDir?: string;
  config?: string;
}

interface ScanFlags extends CommonFlags, DistributedFlags {
  out: string;
  format: string;
  include: string[];
  exclude: string[];
  maxFileSize: number;
  concurrency?: number;
  workers?: number;
  followSymlinks: boolean;
  minConfidence?: number;
  phoneRegion?: string;
  timeout: number;
  workerMemory: number;
  progress: boolean;
  baseline?: string;
  suppressions?: string;
  failOn?: FailRule[];
  summary?: 'json';
  csvDelimiter: ',' | ';';
  broadGroup: string[];
  acl: boolean;
  retention: string[];
  hotspots?: number;
  maxDepth?: number;
  maxFindings?: number;
  debug?: boolean;
  m365?: boolean;
  mailbox?: string[];
  group?: string;
  includeFolder?: string[];
  excludeFolder?: string[];
  graphEndpoint?: string;
  cloud?: CloudName;
  mail: boolean;
  deviceLogin?: boolean;
  onedrive?: boolean;
  site?: string[];
  ocr: boolean;
  ocrBudget?: number;
  ocrLanguages?: OcrLanguage[];
  ocrMaxPages?: number;
}

const CSV_DELIMITER_HELP = 'field separator of the csv and register formats: ";" (Excel in Dutch and most EU locales) or ","';

/** Options shared by scan and watch. */
function addScanOptions(cmd: Command): Command {
  return cmd
    .option('--include <glob>', 'scan only files matching this glob (repeatable)', collect, [])
    .option('--exclude <glob>', 'skip files and folders matching this glob (repeatable; .inzageignore files add more)', collect, [])
    .option(
      '--max-file-size <size>',
      `list larger files as too-large without reading them (default ${formatSize(DEFAULT_MAX_FILE_SIZE)})`,
      size,
      DEFAULT_MAX_FILE_SIZE,
    )
    .option('--concurrency <n>', 'items in flight at once (default: four times the workers)', positiveInt('--concurrency'))
    .option('--workers <n>', 'worker threads for parsing and detection (default: number of cores)', positiveInt('--workers'))
    .option('--follow-symlinks', 'follow symbolic links (loop-safe)', false)
    .option('--min-confidence <n>', 'report findings from this confidence on (0..1, default 0.5)', confidence)
    .option('--phone-region <codes>', 'where phone numbers without a country code belong, comma-separated, first one first (default NL; e.g. BE,NL)')
    .option('--timeout <seconds>', 'time limit per item', positiveInt('--timeout'), DEFAULT_ITEM_TIMEOUT_MS / 1000)
    .addOption(
      new Option('--worker-memory <mb>', 'heap limit per worker thread in MB').argParser(positiveInt('--worker-memory')).default(DEFAULT_WORKER_MEMORY_MB),
    )
    .option('--max-depth <n>', `how deep containers may nest (zip in mail in zip; default ${DEFAULT_MAX_DEPTH})`, positiveInt('--max-depth'))
    .option(
      '--max-findings <n>',
      `findings listed per item; beyond it they are counted per type and the item is marked truncated (default ${DEFAULT_MAX_FINDINGS_PER_ITEM})`,
      positiveInt('--max-findings'),
    )
    .option('--debug', 'show what parser libraries print in the workers on stderr, masked (hidden by default: it can quote the file)')
    .option('--state-dir <dir>', 'folder of the scan state and key (default $INZAGE_STATE_DIR or .inzage)')
    .option('--config <file>', 'config file with custom and plugin detectors (default: ./inzage.config.yaml if present)')
    .option('--broad-group <name>', `a group that stands for everyone (repeatable; replaces the defaults: ${DEFAULT_BROAD_GROUPS.join(', ')})`, collect, [])
    .option('--no-acl', 'do not read ACLs (getfacl, icacls, getcifsacl); owner, group and mode only')
    .option(
      '--retention <rule=duration>',
      `change a retention rule: RULE=7y, RULE=4w or RULE=off (repeatable; rules: ${DEFAULT_RETENTION_RULES.map((r) => r.id).join(', ')})`,
      collect,
      [],
    )
    .option('--no-ocr', 'do not read images and image-only PDF pages by OCR (they end as ocr-skipped or no-text-layer)')
    .option(
      '--ocr-budget <pages>',
      'pages and images OCR may read in this scan in all; the rest end as ocr-skipped (default: no limit)',
      nonNegativeInt('--ocr-budget'),
    )
    .option(
      '--ocr-languages <list>',
      `OCR languages, comma-separated, from ${OCR_LANGUAGES.join(', ')} (default ${DEFAULT_OCR_LANGUAGES.join(',')})`,
      ocrLanguages,
    )
    .option(
      '--ocr-max-pages <n>',
      `pages of one PDF or TIFF (or images in one document) that OCR reads (default ${DEFAULT_OCR_SETTINGS.maxPagesPerItem})`,
      positiveInt('--ocr-max-pages'),
    );
}

function nonNegativeInt(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${flag} must be a whole number of 0 or more`);
    return n;
  };
}

function ocrLanguages(value: string): OcrLanguage[] {
  const list = value
    .split(',')
    .map((l) => l.trim().toLowerCase())
    .filter(Boolean);
  for (const lang of list) {
    if (!(OCR_LANGUAGES as readonly string[]).includes(lang)) {
      throw new InvalidArgumentError(`"${lang}" is not an installed OCR language; choose from ${OCR_LANGUAGES.join(', ')}`);
    }
  }
  if (list.length === 0) throw new InvalidArgumentError('name at least one OCR language');
  return list as OcrLanguage[];
}

function ocrOptions(flags: ScanFlags): ScanOptions['ocr'] {
  return {
    enabled: flags.ocr,
    ...(flags.ocrLanguages ? { languages: flags.ocrLanguages } : {}),
    ...(flags.ocrMaxPages !== undefined ? { maxPagesPerItem: flags.ocrMaxPages } : {}),
    ...(flags.ocrBudget !== undefined ? { budgetPages: flags.ocrBudget } : {}),
  };
}

async function scanOptions(paths: string[], flags: ScanFlags, extraSkip: string[], config: InzageConfig): Promise<ScanOptions> {
  const minConfidence = flags.minConfidence ?? config.minConfidence;
  return {
    roots: paths,
    include: flags.include,
    exclude: flags.exclude,
    followSymlinks: flags.followSymlinks,
    maxFileSize: flags.maxFileSize,
    itemTimeoutMs: flags.timeout * 1000,
    workerMemoryMb: flags.workerMemory,
    skipFolders: extraSkip,
    ...(flags.stateDir ? { stateDir: flags.stateDir } : {}),
    ...(flags.workers !== undefined ? { workers: flags.workers } : {}),
    ...(flags.maxDepth !== undefined ? { maxDepth: flags.maxDepth } : {}),
    ...(flags.maxFindings !== undefined ? { maxFindingsPerItem: flags.maxFindings } : {}),
    ...(flags.debug ? { debug: true } : {}),
    ...(flags.concurrency !== undefined ? { concurrency: flags.concurrency } : {}),
    ...(minConfidence !== undefined ? { minConfidence } : {}),
    ...(flags.phoneRegion ? { phoneRegions: await phoneRegions(flags.phoneRegion) } : {}),
    ...(config.path ? { configPath: config.path } : {}),
    ...(flags.baseline ? { baseline: loadBaseline(flags.baseline) } : {}),
    ...(flags.suppressions ? { suppressionsFile: flags.suppressions } : {}),
    access: { acl: flags.acl, ...(flags.broadGroup.length > 0 ? { broadGroups: flags.broadGroup } : {}) },
    ...(flags.retention.length > 0 ? { risk: { retention: retentionRules(flags.retention) } } : {}),
    ...(flags.hotspots !== undefined ? { hotspots: flags.hotspots } : {}),
    ocr: ocrOptions(flags),
  };
}

async function phoneRegions(list: string): Promise<string[]> {
  // The numbering plans are loaded only when the flag is given: they cost about 0.1 s of every start.
  const { phoneRegionsOf } = await import('../../detectors/phone.js');
  try {
    return phoneRegionsOf(list.split(',').filter((c) => c.trim() !== ''));
  } catch (err) {
    throw new InzageError('usage', `--phone-region: ${(err as Error).message}`);
  }
}

function retentionRules(overrides: string[]) {
  try {
    return overrideRetention(DEFAULT_RETENTION_RULES, overrides);
  } catch (err) {
    throw new InzageError('usage', `--retention: ${(err as Error).message}`);
  }
}

export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('inzage')
    .description('Find personal data (GDPR/AVG) on file shares and in Microsoft 365, and who can reach it.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run inzage --help for usage)')
    .exitOverride();

  addScanOptions(
    program
      .command('scan')
      .description('scan folders or files, keep the results in the scan state, and write reports')
      .argument('[path...]', 'folders or files to scan (local, or a mounted SMB/NFS share)')
      .option('-o, --out <dir>', 'folder for the reports', 'inzage-report')
      .option('-f, --format <list>', `report formats, comma-separated (${reporters.map((r) => r.format).join(', ')})`, 'json')
      .option('--csv-delimiter <char>', CSV_DELIMITER_HELP, csvDelimiter, ';'),
  )
    .option('--baseline <report.json>', 'list changes against this earlier report instead of the previous scan')
    .option('--suppressions <file>', 'YAML or JSON file of accepted findings (by hash, path glob, type), each with a reason')
    .option('--fail-on <rules>', 'exit 1 when an item reaches this risk level: low, medium, high, critical, or new:LEVEL for new findings only', failOn)
    .addOption(new Option('--summary <format>', 'print a machine-readable summary on stdout').choices(['json']))
    .option('--hotspots <n>', 'length of the hot-spot list in the report (default 25)', positiveInt('--hotspots'))
    .option('--no-progress', 'no progress line on stderr')
    .option('--queue <url>', 'distributed mode: the Redis of the work queue, redis://host:6379 (default $INZAGE_QUEUE_URL; docs/distributed.md)')
    .option('--store <url>', 'distributed mode: the PostgreSQL store of the results, postgres://user@host/db (default $INZAGE_STORE_URL)')
    .option('--queue-prefix <name>', 'distributed mode: key prefix of the queue in Redis (default inzage)')
    .option('--m365', 'scan Microsoft 365 mailboxes through Microsoft Graph (credentials from AZURE_* variables; docs/m365.md)')
    .option('--mailbox <upn>', 'with --m365: scan this mailbox (repeatable; default: every user)', collect, [])
    .option('--group <id>', "with --m365: scan the mailboxes of this group's members (group object id)")
    .option('--include-folder <glob>', 'with --m365: scan only mail folders whose path matches (e.g. "Inbox/**"; repeatable)', collect, [])
    .option('--exclude-folder <glob>', 'with --m365: skip mail folders whose path matches (repeatable)', collect, [])
    .option('--device-login', 'with --m365: sign in as yourself with a device code and scan your own mailbox (delegated; needs only AZURE_CLIENT_ID)')
    .option('--onedrive', "with --m365: also scan each user's OneDrive")
    .option('--site <id>', 'with --m365: also scan the document libraries of this SharePoint site (site id, or all; repeatable)', collect, [])
    .option('--no-mail', 'with --m365: skip mailboxes (scan only --onedrive and --site)')
    .option('--graph-endpoint <url>', 'with --m365: the Microsoft Graph endpoint (default https://graph.microsoft.com, or the --cloud one)')
    .addOption(new Option('--cloud <name>', 'with --m365: the Microsoft cloud, for its Graph and login endpoints').choices(Object.keys(NATIONAL_CLOUDS)))
    .action(async (paths: string[], flags: ScanFlags) => {
      setExit(await runScan(paths, flags));
    });

  program
    .command('report')
    .description('write reports of the last scan from the scan state, without scanning')
    .option('-o, --out <dir>', 'folder for the reports', 'inzage-report')
    .option('-f, --format <list>', 'report formats, comma-separated', 'json')
    .option('--csv-delimiter <char>', CSV_DELIMITER_HELP, csvDelimiter, ';')
    .option('--suppressions <file>', 'suppression file to apply')
    .option('--state-dir <dir>', 'folder of the scan state')
    .option('--store <url>', 'read the PostgreSQL store of a distributed scan instead (default $INZAGE_STORE_URL)')
    .action(async (flags: { out: string; format: string; suppressions?: string; stateDir?: string; store?: string; csvDelimiter: ',' | ';' }) => {
      const formats = checkFormats(flags.format);
      const options = {
        ...(flags.stateDir ? { stateDir: flags.stateDir } : {}),
        ...(flags.suppressions ? { suppressionsFile: flags.suppressions } : {}),
      };
      const url = storeUrl(flags.store);
      // A distributed scan's PostgreSQL store or the local state: streamed alike, item by item.
      const pg = url ? await (await import('../distributed/store-commands.js')).openStore(url) : undefined;
      const store: ScanStore = pg ?? SqliteStore.open(flags.stateDir);
      try {
        // Streamed from the state, as the scan wrote it: the same items, marks and resolved findings.
        const ctx = await lastScanContext(store, { ...options, ...(pg ? { storeDescription: `the store ${pg.description}` } : {}) });
        const { written } = await writeStreamedReports(store, ctx, resolve(flags.out), formats, { csvDelimiter: flags.csvDelimiter });
        for (const file of written) process.stdout.write(`${file}\n`);
      } finally {
        await store.close();
      }
    });

  program
    .command('find')
    .description("list every item holding a person's data (right of access and erasure); values are hashed, never stored")
    .option('--email <address>', 'e-mail address (repeatable)', collect, [])
    .option('--bsn <number>', 'Dutch BSN (repeatable)', collect, [])
    .option('--iban <iban>', 'IBAN (repeatable)', collect, [])
    .option('--phone <number>', 'telephone number (repeatable)', collect, [])
    .option('--name <name>', 'person name (repeatable; needs the person-name detector)', collect, [])
    .option('--value <type=value>', 'any finding type, e.g. be-national-number=85073003328 (repeatable)', collect, [])
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'csv', 'xml']).default('table'))
    .option('--state-dir <dir>', 'folder of the scan state and key')
    .option('--store <url>', 'search the PostgreSQL store of a distributed scan instead (default $INZAGE_STORE_URL; key from INZAGE_KEY_FILE)')
    .action(async (flags: Record<string, string[]> & { format: 'table' | 'json' | 'csv' | 'xml'; stateDir?: string; store?: string }) => {
      const queries: SubjectQuery[] = [];
      const byFlag: [string, string][] = [
        ['email', 'email'],
        ['bsn', 'nl-bsn'],
        ['iban', 'iban'],
        ['phone', 'phone'],
        ['name', 'person-name'],
      ];
      for (const [flag, type] of byFlag) for (const value of flags[flag] ?? []) queries.push({ type, value });
      for (const pair of flags.value ?? []) {
        const eq = pair.indexOf('=');
        if (eq < 1) throw new InzageError('usage', '--value takes TYPE=VALUE, for example --value iban=NL91ABNA0417164300');
        queries.push({ type: pair.slice(0, eq), value: pair.slice(eq + 1) });
      }
      if (queries.length === 0) throw new InzageError('usage', 'say what to look for: --email, --bsn, --iban, --phone, --name or --value TYPE=VALUE');
      const url = storeUrl(flags.store);
      // Loaded here: find builds the detectors to normalise the values it looks for.
      const { findSubject, formatHits } = await import('./find.js');
      if (url) {
        const { findSubjectInStore } = await import('../distributed/store-commands.js');
        const key = (await import('../distributed/worker.js')).workerKey();
        process.stdout.write(formatHits(await withStore(url, (store) => findSubjectInStore(store, queries, key)), flags.format));
        return;
      }
      const dir = stateDir(flags.stateDir);
      if (!existsSync(join(dir, 'state.db'))) throw new InzageError('no-state', `no scan state in ${dir}; run inzage scan first (or pass --state-dir)`);
      const key = loadOrCreateKey(keyFilePath(process.env.INZAGE_KEY_FILE ? undefined : join(dir, 'secret.key')));
      const state = ScanState.open(dir);
      try {
        process.stdout.write(formatHits(findSubject(state, queries, key), flags.format));
      } finally {
        state.close();
      }
    });

  program
    .command('triage')
    .description('set the status of findings in bulk; it carries over to later scans and reports')
    .addOption(new Option('--status <status>', 'new status').choices([...TRIAGE_STATUSES]).makeOptionMandatory())
    .option('--note <text>', 'why (kept with the decision)')
    .option('--path <glob>', 'only items whose path matches')
    .option('--type <type>', 'only findings of this type')
    .option('--hash <hash>', 'only findings with this hash')
    .option('--state-dir <dir>', 'folder of the scan state')
    .option('--store <url>', 'set it in the PostgreSQL store of a distributed scan instead (default $INZAGE_STORE_URL)')
    .action(async (flags: { status: TriageStatus; note?: string; path?: string; type?: string; hash?: string; stateDir?: string; store?: string }) => {
      if (!flags.path && !flags.type && !flags.hash) throw new InzageError('usage', 'select findings with --path, --type or --hash');
      const matchPath = flags.path ? picomatch(flags.path, { dot: true }) : () => true;
      const url = storeUrl(flags.store);
      if (url) {
        const n = await withStore(url, (store) =>
          store.triage(
            (item, f) => matchPath(item.path) && (!flags.type || f.type === flags.type) && (!flags.hash || f.hash === flags.hash),
            flags.status,
            flags.note,
            new Date(),
          ),
        );
        process.stdout.write(`${n} finding${n === 1 ? '' : 's'} set to ${flags.status}.\n`);
        return;
      }
      const dir = stateDir(flags.stateDir);
      if (!existsSync(join(dir, 'state.db'))) throw new InzageError('no-state', `no scan state in ${dir}; run inzage scan first (or pass --state-dir)`);
      const state = ScanState.open(dir);
      try {
        const n = state.triage(
          (item, f) => matchPath(item.path) && (!flags.type || f.type === flags.type) && (!flags.hash || f.hash === flags.hash),
          flags.status,
          flags.note,
          new Date(),
        );
        process.stdout.write(`${n} finding${n === 1 ? '' : 's'} set to ${flags.status}.\n`);
      } finally {
        state.close();
      }
    });

  program
    .command('serve')
    .description("the privacy officer's workspace in the browser, over the scan state (docs/serve.md)")
    .option('--state-dir <dir>', 'folder of the scan state and key (default $INZAGE_STATE_DIR or .inzage)')
    .option('--store <url>', 'state store URL (postgres://…; not yet: SQLite only)')
    .option('--host <address>', 'address to listen on; other than loopback needs --password-file or --auth-header', '127.0.0.1')
    .option(
      '--port <n>',
      `port (default ${DEFAULT_SERVE_PORT}; 0 picks a free one)`,
      (v) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('--port must be a whole number from 0 to 65535');
        return n;
      },
      DEFAULT_SERVE_PORT,
    )
    .option('--read-only', 'no triage and no register edits (for auditors)', false)
    .option('--password-file <file>', 'sign-in with names and hashed passwords from this file (lines from --hash-password)')
    .option('--auth-header <name>', 'trust this header, set by an authenticating reverse proxy, for the user name (docs/serve.md)')
    .option('--secure-cookie', 'mark the session cookie Secure (when a TLS proxy is in front)', false)
    .option('--hash-password <name>', 'print a password-file line for NAME (password read from stdin) and exit')
    .action(async (flags: ServeFlags & { hashPassword?: string }) => {
      if (flags.hashPassword) {
        const { hashPasswordLine } = await import('../serve/security.js');
        const chunks: Buffer[] = [];
        for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
        const password = Buffer.concat(chunks)
          .toString('utf8')
          .replace(/\r?\n$/, '');
        if (!password) throw new InzageError('usage', '--hash-password reads the password from stdin; none came');
        process.stdout.write(`${hashPasswordLine(flags.hashPassword, password)}\n`);
        return;
      }
      const { startServe } = await import('./serve.js');
      const server = await startServe(flags, (line) => process.stdout.write(`${line}\n`));
      await new Promise<void>((done) => {
        process.once('SIGINT', done);
        process.once('SIGTERM', done);
      });
      await server.close();
    });

  addScanOptions(
    program
      .command('watch')
      .description('keep the scan state current as files change; prints a line per item whose findings changed')
      .argument('<path...>', 'folders to watch'),
  )
    .option('--debounce <ms>', 'wait this long after the last change before scanning', positiveInt('--debounce'), 300)
    .option('--no-initial-scan', 'do not start with an incremental scan')
    .action(async (paths: string[], flags: ScanFlags & { debounce: number; initialScan: boolean }) => {
      for (const p of paths) if (!existsSync(p)) throw new InzageError('usage', `cannot watch ${p}: no such folder`);
      const config = await loadConfig(flags.config);
      const { startWatch } = await import('./watch.js');
      const watcher = await startWatch(
        { ...(await scanOptions(paths, flags, [], config)), debounceMs: flags.debounce, initialScan: flags.initialScan },
        (line) => process.stdout.write(`${line}\n`),
      );
      await watcher.ready;
      process.stderr.write(`Watching ${paths.join(', ')}; stop with Ctrl-C.\n`);
      await new Promise<void>((done) => {
        const stop = () => done();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await watcher.close();
    });
  addWorkerCommand(program);
  return program;
}

/** Opens the PostgreSQL store, runs `work` on it, closes it. */
async function withStore<T>(url: string, work: (store: PostgresStore) => Promise<T>): Promise<T> {
  const store = await (await import('../distributed/store-commands.js')).openStore(url);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

function checkFormats(list: string): string[] {
  const formats = list
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  for (const f of formats) {
    if (!reporterFor(f)) throw new InzageError('usage', `unknown report format "${f}"; choose from ${reporters.map((r) => r.format).join(', ')}`);
  }
  return formats;
}

async function runScan(paths: string[], flags: ScanFlags): Promise<number> {
  const formats = checkFormats(flags.format);
  if (paths.length === 0 && !flags.m365) throw new InzageError('usage', 'say what to scan: one or more folders, or --m365');
  for (const p of paths) {
    if (!existsSync(p)) throw new InzageError('usage', `cannot scan ${p}: no such file or folder`);
  }
  // Loaded here first so a bad config stops the run with a usage error before any worker starts.
  const config = await loadConfig(flags.config);
  const given = (list: string[] | undefined) => (list && list.length > 0 ? list : undefined);
  // Only what was given on the command line overrides the config file's m365 section.
  const m365 = flags.m365
    ? resolveM365Settings(
        {
          mailboxes: given(flags.mailbox),
          group: flags.group,
          includeFolders: given(flags.includeFolder),
          excludeFolders: given(flags.excludeFolder),
          mail: flags.mail === false ? false : undefined,
          deviceLogin: flags.deviceLogin,
          oneDrive: flags.onedrive,
          sites: given(flags.site),
          graphEndpoint: flags.graphEndpoint,
          cloud: flags.cloud,
        },
        process.env,
        config.m365 ?? {},
      )
    : undefined;
  const out = resolve(flags.out);
  const rules = flags.failOn;
  const target = distributedTarget(flags);
  // Local or distributed, the reports are streamed from the store once the scan is in it.
  const consume = async (store: ScanStore, ctx: StreamContext) => {
    progress?.stop();
    const result = await writeStreamedReports(store, ctx, out, formats, { csvDelimiter: flags.csvDelimiter, ...(rules ? { failOn: rules } : {}) });
    return { result, changes: result.summary.changes };
  };
  let progress: ScanProgress | undefined;
  let streamed: Awaited<ReturnType<typeof consume>>['result'];
  if (target) {
    const line = flags.progress && process.stderr.isTTY ? new DistributedProgressLine() : undefined;
    const { distributedScanThen } = await import('../distributed/coordinator.js');
    streamed = await distributedScanThen(
      { ...(await scanOptions(paths, flags, [out], config)), ...(m365 ? { m365 } : {}), ...target, onProgress: (p) => line?.update(p) },
      async (store, ctx) => {
        line?.done();
        return consume(store, ctx);
      },
    );
  } else {
    progress = flags.progress && process.stderr.isTTY ? new ScanProgress(process.stderr) : undefined;
    streamed = await scanThen(
      { ...(await scanOptions(paths, flags, [out], config)), ...(m365 ? { m365 } : {}) },
      {
        onItem: (event) => progress?.done(event),
        onFound: (event) => progress?.found(event),
        onCrawlDone: () => progress?.crawlDone(),
      },
      consume,
    );
    progress?.stop();
  }
  const report: ReportSummary = streamed.summary;
  const written = streamed.written;
  const gate = { failed: streamed.failing.length > 0, items: streamed.failing };
  const byLevel = streamed.byLevel;
  const s = report.stats;
  const c = report.changes;
  // With --summary json, stdout carries only the JSON; the words go to stderr.
  const human = flags.summary === 'json' ? process.stderr : process.stdout;
  human.write(
    `Scanned ${s.items} items (${formatSize(s.bytes)}) in ${(s.durationMs / 1000).toFixed(1)} s: ` +
      `${s.findings} findings in ${s.itemsWithFindings} items, ${s.errors} errors, ${s.skipped} skipped` +
      `${s.reused ? `, ${s.reused} unchanged files not read again` : ''}.\n` +
      (c.since ? `Since ${c.since.baseline ?? 'the previous scan'}: ${c.new} new, ${c.resolved} resolved, ${c.unchanged} unchanged findings.\n` : ''),
  );
  if (gate.failed) human.write(`--fail-on met by ${gate.items.length} item(s), e.g. ${gate.items.slice(0, 3).join(', ')}\n`);
  for (const file of written) human.write(`${file}\n`);
  if (flags.summary === 'json') {
    process.stdout.write(renderSummaryJson(report, { failed: gate.failed, failOn: flags.failOn ?? null, failingItems: gate.items, byLevel, written }));
  }
  return gate.failed ? 1 : 0;
}

export async function main(argv: string[]): Promise<number> {
  // `inzage find … | head -1` closes stdout early: that is the reader's choice, not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  let code = 0;
  try {
    await buildProgram((c) => {
      code = c;
    }).parseAsync(argv);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return 0;
      return 2;
    }
    const message = err instanceof InzageError ? err.message : `unexpected error: ${(err as Error)?.message ?? String(err)}`;
    process.stderr.write(`inzage: ${message}\n`);
    return 2;
  }
}

main(process.argv).then((code) => {
  process.exitCode = code;
});
