/**
 * The Microsoft 365 part of a scan: signs in, then reads the mailboxes in scope through the
 * session's worker pool into the session's state. Items of this source live under the root
 * `m365://<tenant id>`; they are not swept as gone at the end of a scan (a delta round returns
 * only changes), but dropped when Graph reports them removed.
 */
import { InzageError } from '../../errors.js';
import type { ProgressEvent, ScanSession } from '../../pipeline/scan.js';
import { buildScanEngine } from '../../pipeline/scan-engine.js';
import { scanDrives, unreadAccess } from './drives.js';
import { GraphApi, GraphCallError } from './graph.js';
import { listMailboxes, type MailboxRef, recordFailure, scanMailboxes } from './mail.js';
import { type M365Settings, m365Root } from './settings.js';

export interface M365RunOptions {
  disabledDetectors?: string[];
  /** The config file, whose custom and plugin detectors mask subjects as they do everywhere else. */
  configPath?: string;
  /** `--phone-region`: subjects are masked with the phone regions the workers read numbers in. */
  phoneRegions?: string[];
  maxAttachmentSize: number;
  onItem?: (event: ProgressEvent) => void;
  /** For tests: a credential other than the one the settings describe. */
  api?: GraphApi;
}

export async function scanM365(session: ScanSession, scanId: string, settings: M365Settings, options: M365RunOptions): Promise<{ requests: number }> {
  const api = options.api ?? new GraphApi(settings);
  // Masking only, with the detectors the workers use: the hash of a value in a subject is never needed, so the hasher is a stub.
  const engine = await buildScanEngine(
    {
      minConfidence: session.minConfidence,
      ...(options.disabledDetectors ? { disabledDetectors: options.disabledDetectors } : {}),
      ...(options.configPath ? { configPath: options.configPath } : {}),
      ...(options.phoneRegions?.length ? { phoneRegions: options.phoneRegions } : {}),
    },
    () => '',
  );
  const ctx = {
    session,
    scanId,
    api,
    settings,
    root: m365Root(settings),
    redact: (text: string) => engine.redact(text),
    maxAttachmentSize: options.maxAttachmentSize,
    ...(options.onItem ? { onItem: options.onItem } : {}),
  };
  try {
    let users: MailboxRef[] = [];
    if (settings.mail || settings.oneDrive) {
      // The users in scope: when they cannot be listed that is one item with its error; sites are still read.
      const place = { path: 'mailbox', uri: `${ctx.root}/users` };
      try {
        users = await listMailboxes(api, settings);
        session.state.markUriGone(scanId, place.uri);
      } catch (err) {
        if (err instanceof GraphCallError && err.code === 'auth-failed') throw err;
        await recordFailure(ctx, { ...place, access: unreadAccess(undefined, 'the users in scope were not listed') }, err);
      }
    }
    if (settings.mail) await scanMailboxes(ctx, users);
    if (settings.oneDrive || settings.sites.length > 0) await scanDrives(ctx, users);
  } catch (err) {
    // Only a failed sign-in gets here: without a token nothing at all can be read.
    if (err instanceof GraphCallError) throw new InzageError(`m365-${err.code}`, `Microsoft 365: ${err.message}`);
    throw err;
  }
  return { requests: api.requests };
}
