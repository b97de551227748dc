/** Turning what went wrong into stable codes and messages a person can act on. */
import type { ErrorCode, ItemError } from './model.js';

/** A fatal error of the whole run (bad usage, unreadable config). The CLI exits 2 with its message. */
export class InzageError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'InzageError';
  }
}

export function itemError(code: ErrorCode, message: string): ItemError {
  return { code, message };
}

/** Maps a Node.js file-system error to an item error. Never includes file contents. */
export function fsItemError(err: unknown, action: string): ItemError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return itemError('permission-denied', `permission denied while ${action}; run the scan as a user who can read it, or exclude it`);
    case 'ENOENT':
      return itemError('not-found', `disappeared while ${action} (deleted or moved during the scan)`);
    case 'ELOOP':
      return itemError('symlink-loop', `too many levels of symbolic links while ${action}`);
    case 'EISDIR':
    case 'ENOTDIR':
      return itemError('not-regular-file', `changed type while ${action}`);
    default:
      return itemError('io-error', `I/O error ${code ?? ''} while ${action}`.replace('  ', ' '));
  }
}
