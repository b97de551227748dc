/**
 * A synthetic Microsoft 365 tenant for the test Graph server: mailboxes with nested folders,
 * messages carrying fictitious personal data, attachments of all three kinds, and a change log
 * (a sequence number per change) so message delta can return "what changed since token N".
 * Everything is generated from the index numbers, so two tenants built alike are equal.
 */

export interface FileAttachment {
  kind: 'file';
  id: string;
  name: string;
  contentType: string;
  bytes: Buffer;
}
export interface ItemAttachment {
  kind: 'item';
  id: string;
  name: string;
  message: { subject: string; bodyHtml: string; from: string };
}
export interface ReferenceAttachment {
  kind: 'reference';
  id: string;
  name: string;
  sourceUrl: string;
}
export type Attachment = FileAttachment | ItemAttachment | ReferenceAttachment;

export interface Message {
  id: string;
  folderId: string;
  subject: string;
  bodyHtml: string;
  from: string;
  to: string[];
  cc: string[];
  received: string;
  attachments: Attachment[];
  /** The change sequence number of the last change. */
  seq: number;
}

export interface Folder {
  id: string;
  displayName: string;
  parentFolderId: string;
  /** Deleted messages: id → sequence number of the deletion. */
  removed: Map<string, number>;
}

/**
 * A SharePoint permission grant to a principal, as Graph shows it in `grantedToV2` (a site user or
 * group with its claim as `loginName`, or a directory user or group).
 */
export interface Grant {
  kind: 'siteUser' | 'siteGroup' | 'user' | 'group';
  displayName?: string;
  loginName?: string;
}

/** A file or folder in a OneDrive or SharePoint document library. */
export interface DriveItem {
  id: string;
  name: string;
  /** Folder path below the root, '' for the root's children. */
  parentPath: string;
  folder: boolean;
  bytes: Buffer;
  seq: number;
  /** Sharing links: anonymous and organization links are broad access. */
  links: ('anonymous' | 'organization' | 'users')[];
  /** Grants on the item itself. */
  grants?: Grant[];
}

export interface Drive {
  id: string;
  name: string;
  ownerUpn?: string;
  siteId?: string;
  /** Grants on the library: every item inherits them. */
  grants?: Grant[];
  items: Map<string, DriveItem>;
  /** Deleted items: id → sequence number of the deletion. */
  removed: Map<string, number>;
}

export interface Mailbox {
  id: string;
  upn: string;
  displayName: string;
  folders: Folder[];
  messages: Map<string, Message>;
}

/** A checksum-valid fictitious BSN and IBAN, and an e-mail domain reserved for examples. */
export const SAMPLE_BSN = '123456782';
export const SAMPLE_IBAN = 'NL91ABNA0417164300';

export class Tenant {
  readonly mailboxes: Mailbox[] = [];
  readonly groups = new Map<string, string[]>();
  readonly drives: Drive[] = [];
  /** Grants on a site are inherited by its libraries and their items. */
  readonly sites = new Map<string, { id: string; displayName: string; driveIds: string[]; grants?: Grant[] }>();
  seq = 0;

  constructor(mailboxCount: number, messagesPerMailbox: number) {
    for (let u = 0; u < mailboxCount; u++) {
      const upn = `user${String(u).padStart(2, '0')}@contoso.example`;
      const id = `u-${u}`;
      const root = `${id}-root`;
      const folder = (fid: string, displayName: string, parentFolderId: string): Folder => ({
        id: `${id}-${fid}`,
        displayName,
        parentFolderId,
        removed: new Map(),
      });
      const folders = [
        folder('inbox', 'Inbox', root),
        folder('clients', 'Clients', `${id}-inbox`),
        folder('y2023', '2023', `${id}-clients`),
        folder('sent', 'Sent Items', root),
        folder('archive', 'Archive', root),
      ];
      const mailbox: Mailbox = { id, upn, displayName: `User ${u}`, folders, messages: new Map() };
      this.mailboxes.push(mailbox);
      for (let m = 0; m < messagesPerMailbox; m++) this.addMessage(mailbox, folders[m % folders.length]?.id as string, m);
    }
    this.groups.set(
      'g-finance',
      this.mailboxes.filter((_, i) => i % 5 === 0).map((m) => m.id),
    );
    for (const m of this.mailboxes) this.addDrive({ id: `d-${m.id}`, name: 'OneDrive', ownerUpn: m.upn, items: new Map(), removed: new Map() }, 8);
    const hr = this.addDrive({ id: 'd-site-hr', name: 'Documents', siteId: 'site-hr', items: new Map(), removed: new Map() }, 30);
    this.sites.set('site-hr', { id: 'site-hr', displayName: 'HR', driveIds: [hr.id] });
  }

  /** A SharePoint site with one library ("Documents") holding the usual generated files. */
  addSite(id: string, displayName: string, files: number, grants: { site?: Grant[]; library?: Grant[] } = {}): Drive {
    const drive = this.addDrive(
      { id: `d-${id}`, name: 'Documents', siteId: id, items: new Map(), removed: new Map(), ...(grants.library ? { grants: grants.library } : {}) },
      files,
    );
    this.sites.set(id, { id, displayName, driveIds: [drive.id], ...(grants.site ? { grants: grants.site } : {}) });
    return drive;
  }

  private addDrive(drive: Drive, files: number): Drive {
    this.drives.push(drive);
    this.addDriveItem(drive, { name: 'Projecten', parentPath: '', folder: true });
    this.addDriveItem(drive, { name: 'Personeel', parentPath: 'Projecten', folder: true });
    for (let i = 0; i < files; i++) {
      const text = i % 3 === 0 ? `Medewerker ${i}\nIBAN ${SAMPLE_IBAN}\nBSN ${SAMPLE_BSN}\n` : `Notulen ${i}\nGeen bijzonderheden.\n`;
      const parentPath = i % 2 === 0 ? 'Projecten/Personeel' : '';
      const links: DriveItem['links'] = i % 6 === 0 ? ['anonymous'] : i % 9 === 3 ? ['organization'] : i % 4 === 1 ? ['users'] : [];
      this.addDriveItem(drive, { name: `notitie-${i}.txt`, parentPath, folder: false, bytes: Buffer.from(text), links });
    }
    return drive;
  }

  addDriveItem(
    drive: Drive,
    item: { name: string; parentPath: string; folder: boolean; bytes?: Buffer; links?: DriveItem['links']; grants?: Grant[] },
  ): DriveItem {
    const full: DriveItem = { id: `${drive.id}-i${this.seq + 1}`, bytes: Buffer.alloc(0), links: [], ...item, seq: ++this.seq };
    drive.items.set(full.id, full);
    return full;
  }

  updateDriveItem(item: DriveItem, bytes: Buffer): void {
    item.bytes = bytes;
    item.seq = ++this.seq;
  }

  deleteDriveItem(drive: Drive, id: string): void {
    if (drive.items.delete(id)) drive.removed.set(id, ++this.seq);
  }

  /** Files (not folders) in all drives. */
  totalDriveFiles(): number {
    return this.drives.reduce((n, d) => n + [...d.items.values()].filter((i) => !i.folder).length, 0);
  }

  mailbox(idOrUpn: string): Mailbox | undefined {
    const key = decodeURIComponent(idOrUpn).toLowerCase();
    return this.mailboxes.find((m) => m.id === key || m.upn === key);
  }

  addMessage(mailbox: Mailbox, folderId: string, n: number): Message {
    const id = `${mailbox.id}-m${n}`;
    const attachments: Attachment[] = [];
    if (n % 25 === 3)
      attachments.push({
        kind: 'file',
        id: `${id}-a1`,
        name: 'klanten.csv',
        contentType: 'text/csv',
        bytes: Buffer.from(`naam;iban\nK. de Vries;${SAMPLE_IBAN}\n`),
      });
    if (n % 50 === 7) {
      // Larger than the server's inline limit: the client must fetch it from /$value.
      const filler = 'Regel zonder persoonsgegevens.\n'.repeat(4000);
      attachments.push({ kind: 'file', id: `${id}-a2`, name: 'export.txt', contentType: 'text/plain', bytes: Buffer.from(`${filler}BSN ${SAMPLE_BSN}\n`) });
    }
    if (n % 100 === 11) {
      attachments.push({
        kind: 'item',
        id: `${id}-a3`,
        name: 'Doorgestuurd bericht',
        message: { subject: 'Gegevens nieuwe medewerker', bodyHtml: `<p>Burgerservicenummer: ${SAMPLE_BSN}</p>`, from: 'hr@contoso.example' },
      });
    }
    if (n % 75 === 5)
      attachments.push({ kind: 'reference', id: `${id}-a4`, name: 'Dossier.docx', sourceUrl: 'https://contoso.sharepoint.example/sites/hr/Dossier.docx' });
    const subject = n % 10 === 0 ? `Vraag van jan.jansen${n}@example.nl` : `Overleg ${n}`;
    const bodyHtml =
      n % 4 === 0
        ? `<html><body><p>Beste collega,</p><p>Graag storten op <b>${SAMPLE_IBAN}</b>.</p></body></html>`
        : `<html><body><p>Beste collega,</p><p>Tot morgen bij overleg ${n}.</p></body></html>`;
    const message: Message = {
      id,
      folderId,
      subject,
      bodyHtml,
      from: `sender${n % 7}@example.org`,
      to: [mailbox.upn],
      cc: n % 3 === 0 ? ['team@contoso.example'] : [],
      received: new Date(Date.UTC(2024, 0, 1) + n * 3_600_000).toISOString().replace('.000Z', 'Z'),
      attachments,
      seq: ++this.seq,
    };
    mailbox.messages.set(id, message);
    return message;
  }

  updateMessage(message: Message, change: Partial<Pick<Message, 'subject' | 'bodyHtml'>>): void {
    Object.assign(message, change);
    message.seq = ++this.seq;
  }

  deleteMessage(mailbox: Mailbox, id: string): void {
    const message = mailbox.messages.get(id);
    if (!message) return;
    mailbox.messages.delete(id);
    mailbox.folders.find((f) => f.id === message.folderId)?.removed.set(id, ++this.seq);
  }

  totalMessages(): number {
    return this.mailboxes.reduce((n, m) => n + m.messages.size, 0);
  }

  /** Attachment items a scan reports for the current messages (nested message counts as one). */
  totalAttachments(): number {
    let n = 0;
    for (const m of this.mailboxes) for (const msg of m.messages.values()) n += msg.attachments.length;
    return n;
  }
}
