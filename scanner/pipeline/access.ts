/**
 * Access reading after the crawl: the ACL costs a process per batch, so it is read only for top
 * items with findings that are new, were read again or whose access version (mode, owner, ctime)
 * changed; unchanged files keep the ACL stored last time. Folder access is read for every folder
 * holding items, for the roll-up.
 */
import type { Access } from '../model.js';
import { locationOfFileUri } from '../report/rollup.js';
import type { ScanSession } from './session.js';

/** Chunks of ACL reads at once: each is a few processes, and the results go to the state together. */
const ACL_CHUNK = 256;

export async function readAccess(session: ScanSession): Promise<Map<string, Access>> {
  const { needAcl, folders } = session.ledger;
  const pending = [...needAcl];
  for (let i = 0; i < pending.length; i += ACL_CHUNK) {
    const updates: { uri: string; access: Access }[] = [];
    await Promise.all(
      pending.slice(i, i + ACL_CHUNK).map(async ([uri, mode]) => {
        const location = locationOfFileUri(uri);
        if (!location) return;
        const access = await session.collector.acl(location, mode);
        if (access) updates.push({ uri, access });
      }),
    );
    await session.store.setAccess(updates);
  }
  const folderAccess = new Map<string, Access>();
  await Promise.all(
    [...folders].map(async (uri) => {
      const location = locationOfFileUri(uri);
      const access = location ? await session.collector.folder(location) : undefined;
      if (access) folderAccess.set(uri, access);
    }),
  );
  return folderAccess;
}
