/**
 * The Microsoft 365 part of a scan: signs in, then reads the mailboxes in scope through the
 * session's worker pool into the session's state. Items of this source live under the root
 * `m365://<tenant id>`; they are not swept as gone at the end of a scan (a delta round returns
 * only changes), but dropped when Graph reports them removed.
 */
import { createEngine } from '../../../detectors/engine.js';
import { selectDetectors } from '../../../detectors/registry.js';
import { InzageError } from '../../errors.js';
import type { ProgressEvent, ScanSession } from '../../pipeline/scan.js';
import { scanDrives } from './drives.js';
import { GraphApi, GraphCallError } from './graph.js';
import { listMailboxes, scanMailboxes } from './mail.js';
import { type M365Settings, m365Root } from './settings.js';

export interface M365RunOptions {
  disabledDetectors?: string[];
  maxAttachmentSize: number;
  onItem?: (event: ProgressEvent) => void;
  /** For tests: a credential other than the one the settings describe. */
  api?: GraphApi;
}

export async function scanM365(session: ScanSession, scanId: string, settings: M365Settings, options: M365RunOptions): Promise<{ requests: number }> {
  const api = options.api ?? new GraphApi(settings);
  // Masking only: the hash of a value in a subject is never needed, so the hasher is a stub.
  const engine = createEngine(selectDetectors({ disable: options.disabledDetectors ?? [] }), () => '', { minConfidence: session.minConfidence });
  try {
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
    const users = settings.mail || settings.oneDrive ? await listMailboxes(api, settings) : [];
    if (settings.mail) await scanMailboxes(ctx, users);
    if (settings.oneDrive || settings.sites.length > 0) await scanDrives(ctx, users);
  } catch (err) {
    if (err instanceof GraphCallError) throw new InzageError(`m365-${err.code}`, `Microsoft 365: ${err.message}`);
    throw err;
  }
  return { requests: api.requests };
}
