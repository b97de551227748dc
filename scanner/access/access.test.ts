/** Tool outputs (recorded getfacl, icacls and getcifsacl in their real layouts) parse into one access model. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseGetcifsacl, rightsFromMask } from './cifsacl.js';
import { mountTypeOf, parseMounts } from './collector.js';
import { GetfaclBatcher, parseGetfacl, pathKey } from './getfacl.js';
import { parseIcacls, parseIcaclsEntry } from './icacls.js';
import { evaluateNtAcl } from './ntfs.js';
import { aclFromMode, evaluatePosixAcl } from './posix.js';
import { BroadMatcher } from './principals.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/access');
const fixture = (name: string) => readFileSync(join(FIXTURES, name));

describe('getfacl output (recorded)', () => {
  const acls = parseGetfacl(fixture('getfacl.txt'));

  it('keys each block by the exact path bytes, undoing getfacl escapes', () => {
    const broken = Buffer.concat([Buffer.from('HR/caf'), Buffer.from([0xe9]), Buffer.from(' back\\slash.csv')]);
    expect([...acls.keys()].sort()).toEqual([pathKey(Buffer.from('HR')), pathKey(broken), pathKey(Buffer.from('HR/plain.txt'))].sort());
  });

  it('limits named entries by the mask and finds broad readers', () => {
    const broken = [...acls.entries()].find(([k]) => k.includes('back'))?.[1];
    expect(broken).toBeDefined();
    const access = evaluatePosixAcl(broken!, 0o100644);
    expect(access.source).toBe('posix-acl');
    expect(access.mode).toBe('0644');
    expect(access.entries.find((e) => e.principal === 'user:nobody')).toMatchObject({ rights: 'read,write', effective: 'read' });
    expect(access.readers).toEqual(['user:root', 'user:nobody', 'group:root', 'group:users', 'everyone']);
    expect(access.broad).toBe(true);
    expect(access.reasons).toEqual(['ACL grants read to broad group users', 'world-readable']);
  });

  it('reports a folder default ACL as default entries, not as readers', () => {
    const folder = acls.get(pathKey(Buffer.from('HR')));
    const access = evaluatePosixAcl(folder!, 0o42750, { broadGroups: ['domain users'] });
    expect(access.entries.filter((e) => e.default).map((e) => e.principal)).toEqual(['user:root', 'group:root', 'group:users', 'mask', 'everyone']);
    expect(access.readers).toEqual(['user:root', 'group:root', 'group:users']);
    // `users` is not broad under this configuration; other has no rights.
    expect(access.broad).toBe(false);
    expect(evaluatePosixAcl(folder!, 0o42750).reasons).toEqual(['ACL grants read to broad group users']);
  });

  it('treats a file without ACL as its mode bits', () => {
    const plain = acls.get(pathKey(Buffer.from('HR/plain.txt')));
    const fromGetfacl = evaluatePosixAcl(plain!, 0o100640);
    const fromMode = evaluatePosixAcl(aclFromMode('root', 'root', 0o100640), 0o100640);
    expect(fromGetfacl).toEqual(fromMode);
    expect(fromGetfacl).toMatchObject({ source: 'posix-mode', broad: false, readers: ['user:root', 'group:root'] });
  });

  it('decodes names that getfacl escapes (winbind names with spaces and backslashes)', () => {
    const text =
      '# file: /srv/share/x.txt\n# owner: CONTOSO\\134jan\n# group: CONTOSO\\134domain\\040users\nuser::rw-\ngroup::r--\ngroup:CONTOSO\\134hr\\040team:rw-\nmask::r--\nother::---\n';
    const acl = parseGetfacl(text).get(pathKey(Buffer.from('/srv/share/x.txt')));
    expect(acl).toMatchObject({ owner: 'CONTOSO\\jan', group: 'CONTOSO\\domain users' });
    const access = evaluatePosixAcl(acl!, 0o100640);
    expect(access.readers).toEqual(['user:CONTOSO\\jan', 'group:CONTOSO\\domain users', 'group:CONTOSO\\hr team']);
    expect(access.reasons).toEqual(['readable by broad group CONTOSO\\domain users']);
    expect(access.entries.find((e) => e.principal === 'group:CONTOSO\\hr team')).toMatchObject({ rights: 'read,write', effective: 'read' });
  });

  it('calls the owning group broad only when it is a broad group and can read', () => {
    expect(evaluatePosixAcl(aclFromMode('alice', 'Domain Users', 0o640), 0o640).reasons).toEqual(['readable by broad group Domain Users']);
    expect(evaluatePosixAcl(aclFromMode('alice', 'Domain Users', 0o600), 0o600).broad).toBe(false);
    expect(evaluatePosixAcl(aclFromMode('alice', 'hr', 0o640), 0o640).broad).toBe(false);
  });
});

describe('getfacl batches (real getfacl)', () => {
  it('answers many concurrent requests from few runs, each with its own ACL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'inzage-getfacl-'));
    try {
      const paths: Buffer[] = [];
      for (let i = 0; i < 300; i++) {
        const path = Buffer.from(join(dir, `f${i}.txt`));
        writeFileSync(path, 'x');
        paths.push(path);
      }
      // Every seventh file gets a named entry, so a mix-up between files would show.
      for (let i = 0; i < 300; i += 7) execFileSync('setfacl', ['-m', `u:nobody:r`, paths[i]!.toString()]);
      const withNewline = Buffer.from(join(dir, 'two\nlines.txt'));
      writeFileSync(withNewline, 'x');
      const batcher = new GetfaclBatcher(128, 2);
      const missing = Buffer.from(join(dir, 'gone.txt'));
      const acls = await Promise.all([...paths, missing, withNewline].map((p) => batcher.get(p)));
      for (let i = 0; i < 300; i++) {
        const named = acls[i]?.entries.some((e) => e.qualifier === 'nobody');
        expect(named, `f${i}.txt`).toBe(i % 7 === 0);
      }
      // A vanished file and a name with a newline (which cannot go through stdin) get no ACL.
      expect(acls[300]).toBeUndefined();
      expect(acls[301]).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('icacls output', () => {
  it('parses a file ACL with a path containing spaces into the model', () => {
    const path = 'D:\\Shares\\Afdelingen\\HR\\Salarisadministratie 2024.xlsx';
    const acl = parseIcacls(fixture('icacls-file-en.txt').toString('utf8'), path);
    expect(acl.aces.map((a) => [a.principal, a.rights.join(','), a.inherited])).toEqual([
      ['CONTOSO\\HR-Medewerkers', 'read,write,execute,delete', true],
      ['NT AUTHORITY\\SYSTEM', 'full', true],
      ['BUILTIN\\Administrators', 'full', true],
      ['CONTOSO\\Domain Users', 'read,execute', true],
    ]);
    // Without the path, the column of the indented lines tells where the entries start.
    expect(parseIcacls(fixture('icacls-file-en.txt').toString('utf8'))).toEqual(acl);
    const access = evaluateNtAcl(acl, 'ntfs');
    expect(access).toMatchObject({ source: 'ntfs', broad: true, reasons: ['ACL grants read to broad group CONTOSO\\Domain Users'] });
    expect(access.entries[0]).toEqual({ principal: 'CONTOSO\\HR-Medewerkers', rights: 'read,write,execute,delete', inherited: true, native: '(I)(M)' });
  });

  it('parses a Dutch folder ACL: deny, inherit-only and specific rights', () => {
    const acl = parseIcacls(fixture('icacls-folder-nl.txt').toString('utf8'));
    expect(acl.aces).toHaveLength(7);
    const access = evaluateNtAcl(acl, 'ntfs');
    expect(access.entries[0]).toMatchObject({ principal: 'CONTOSO\\Stagiairs', type: 'deny', rights: 'read' });
    // Iedereen (Everyone) only reaches children (IO): the folder itself is not broad, but the entry is kept as a default.
    expect(access.entries.find((e) => e.principal === 'Iedereen')).toMatchObject({ default: true, rights: 'read,execute' });
    expect(access.broad).toBe(false);
    expect(access.readers).toEqual(['CONTOSO\\Werving', 'CONTOSO\\Audit', 'NT AUTHORITY\\SYSTEM', 'BUILTIN\\Administrators']);
  });

  it('lets a deny entry cancel the same principal and recognises well-known SIDs', () => {
    const acl = { aces: ['*S-1-1-0:(DENY)(RD)', '*S-1-1-0:(RX)', 'Gebruikers:(R)'].map((e) => parseIcaclsEntry(e)!) };
    const access = evaluateNtAcl(acl, 'ntfs');
    expect(access.readers).toEqual(['Gebruikers']);
    expect(access.reasons).toEqual(['ACL grants read to broad group Gebruikers']);
  });
});

describe('getcifsacl output', () => {
  it('parses names from the idmap plugin into the same model as icacls', () => {
    const acls = parseGetcifsacl(fixture('getcifsacl-names.txt').toString('utf8'));
    const acl = acls.get('/mnt/afdelingen/HR/Salarisadministratie 2024.xlsx');
    expect(acl).toBeDefined();
    const access = evaluateNtAcl(acl!, 'cifs');
    expect(access).toMatchObject({ owner: 'CONTOSO\\j.jansen', group: 'CONTOSO\\Domain Users', source: 'cifs', broad: true });
    expect(access.reasons).toEqual(['ACL grants read to broad group Everyone']);
    const icacls = evaluateNtAcl(parseIcacls(fixture('icacls-file-en.txt').toString('utf8')), 'ntfs');
    // The same share seen through both tools yields the same rights for the same principals.
    expect(access.entries.slice(0, 3).map((e) => [e.principal, e.rights, e.inherited])).toEqual(
      icacls.entries.slice(0, 3).map((e) => [e.principal, e.rights, e.inherited]),
    );
  });

  it('parses raw SIDs from an older version: hex masks, deny, Domain Users by RID', () => {
    const acls = parseGetcifsacl(fixture('getcifsacl-sids.txt').toString('utf8'));
    const acl = acls.get('');
    const access = evaluateNtAcl(acl!, 'cifs');
    expect(access.entries.map((e) => e.rights)).toEqual(['full', 'read', 'read,write,execute,delete', 'read,execute', 'full']);
    expect(access.entries[1]).toMatchObject({ type: 'deny' });
    expect(access.readers).toEqual(['S-1-5-21-3623811015-3361044348-30300820-1013', 'S-1-5-21-3623811015-3361044348-30300820-513', 'S-1-5-18']);
    expect(access.reasons).toEqual(['ACL grants read to broad group S-1-5-21-3623811015-3361044348-30300820-513']);
    expect(evaluateNtAcl(acl!, 'cifs', { broadGroups: ['everyone'] }).broad).toBe(false);
  });

  it('decodes access masks', () => {
    expect(rightsFromMask('0x1f01ff')).toEqual(['full']);
    expect(rightsFromMask('RWXD')).toEqual(['read', 'write', 'execute', 'delete']);
    expect(rightsFromMask('0x80000000')).toEqual(['read']);
    expect(rightsFromMask('0x40000')).toEqual(['change-permissions']);
  });
});

describe('CIFS mounts', () => {
  it('finds the mount a path lies on, longest mount point first, spaces escaped as in /proc/mounts', () => {
    const mounts = parseMounts(
      [
        '/dev/vda1 / ext4 rw,relatime 0 0',
        '//fs01/afdelingen /mnt/afdelingen cifs rw,vers=3.1.1,cifsacl 0 0',
        '//fs01/HR\\040Data /mnt/hr\\040data smb3 rw 0 0',
        '/dev/vdb1 /mnt/afdelingen/archief ext4 rw 0 0',
      ].join('\n'),
    );
    expect(mountTypeOf(mounts, '/mnt/afdelingen/HR/salarissen.xlsx')).toBe('cifs');
    expect(mountTypeOf(mounts, '/mnt/afdelingen/archief/2019.csv')).toBe('ext4');
    expect(mountTypeOf(mounts, '/mnt/hr data/x.txt')).toBe('smb3');
    expect(mountTypeOf(mounts, '/mnt/afdelingen2/x.txt')).toBe('ext4');
  });
});

describe('broad principals', () => {
  it('matches configured groups under domains, SIDs and Dutch names', () => {
    const m = new BroadMatcher();
    for (const p of [
      'Everyone',
      'Iedereen',
      'NT AUTHORITY\\ANONYMOUS LOGON',
      'S-1-5-7',
      'NT AUTHORITY\\Authenticated Users',
      'CONTOSO\\Domeingebruikers',
      'group:users',
      'S-1-5-11',
      'users@contoso.nl',
    ]) {
      expect(m.isBroad(p), p).toBe(true);
    }
    for (const p of ['CONTOSO\\HR', 'user:alice', 'S-1-5-21-1-2-3-1013', 'power users']) expect(m.isBroad(p), p).toBe(false);
    expect(new BroadMatcher({ broadGroups: ['medewerkers'] }).isBroad('CONTOSO\\Medewerkers')).toBe(true);
    expect(new BroadMatcher({ broadGroups: ['medewerkers'] }).isBroad('Everyone')).toBe(false);
  });
});
