import { describe, expect, it } from 'vitest';
import { createEngine } from '../../../detectors/engine.js';
import { selectDetectors } from '../../../detectors/registry.js';
import type { Finding } from '../../../detectors/types.js';
import { memoryContent } from '../../extractors/content.js';
import { extractGraphMessage, type GraphMessageDoc } from '../../extractors/graph-message.js';
import type { Extracted } from '../../extractors/types.js';
import { accessFromPermissions, everyonePrincipal } from './drives.js';
import { describePath, toCallError } from './graph.js';
import { resolveM365Settings } from './settings.js';

const env = { AZURE_TENANT_ID: 't-1', AZURE_CLIENT_ID: 'c-1', AZURE_CLIENT_SECRET: 'very-secret-value' };

describe('resolveM365Settings', () => {
  it('ok: reads the Azure SDK variables with the global cloud defaults', () => {
    const s = resolveM365Settings({}, env);
    expect(s.graphEndpoint).toBe('https://graph.microsoft.com');
    expect(s.authorityHost).toBe('https://login.microsoftonline.com');
    expect(s.disableInstanceDiscovery).toBe(false);
    expect(s.perMailboxConcurrency).toBe(4);
  });

  it('ok: a national cloud sets both endpoints; a host that is not Microsoft turns instance discovery off', () => {
    const china = resolveM365Settings({ cloud: 'china' }, env);
    expect([china.graphEndpoint, china.authorityHost]).toEqual(['https://microsoftgraph.chinacloudapi.cn', 'https://login.chinacloudapi.cn']);
    expect(china.disableInstanceDiscovery).toBe(false);
    expect(resolveM365Settings({}, { ...env, AZURE_AUTHORITY_HOST: 'https://login.example.test/' }).disableInstanceDiscovery).toBe(true);
    expect(
      resolveM365Settings({ disableInstanceDiscovery: false }, { ...env, AZURE_AUTHORITY_HOST: 'https://login.example.test' }).disableInstanceDiscovery,
    ).toBe(false);
  });

  it('ng: names the missing variables, never a value', () => {
    expect(() => resolveM365Settings({}, { AZURE_CLIENT_SECRET: 'very-secret-value' })).toThrow(/AZURE_TENANT_ID, AZURE_CLIENT_ID/);
    try {
      resolveM365Settings({}, { AZURE_CLIENT_SECRET: 'very-secret-value' });
    } catch (err) {
      expect((err as Error).message).not.toContain('very-secret-value');
      expect((err as { code: string }).code).toBe('m365-credentials');
    }
  });

  it('ok: a device-code sign-in needs only the client id', () => {
    const s = resolveM365Settings({ deviceLogin: true }, { AZURE_CLIENT_ID: 'c-1' });
    expect([s.deviceLogin, s.tenantId, s.clientSecret]).toEqual([true, 'organizations', undefined]);
  });

  it('ok: flags win over the environment, the environment over the config file', () => {
    const config = {
      tenantId: 'cfg-t',
      clientId: 'cfg-c',
      clientSecret: 'cfg-secret',
      graphEndpoint: 'https://graph.example.test',
      mailboxes: ['a@contoso.example'],
    };
    const fromFile = resolveM365Settings({}, {}, config);
    expect([fromFile.tenantId, fromFile.clientId, fromFile.clientSecret, fromFile.graphEndpoint, fromFile.mailboxes]).toEqual([
      'cfg-t',
      'cfg-c',
      'cfg-secret',
      'https://graph.example.test',
      ['a@contoso.example'],
    ]);
    const fromEnv = resolveM365Settings({}, env, config);
    expect([fromEnv.tenantId, fromEnv.clientSecret]).toEqual(['t-1', 'very-secret-value']);
    // A certificate in the environment replaces the config's secret: they are one choice.
    const cert = resolveM365Settings({}, { AZURE_CLIENT_CERTIFICATE_PATH: '/etc/inzage/app.pem' }, config);
    expect([cert.clientSecret, cert.certificatePath]).toEqual([undefined, '/etc/inzage/app.pem']);
    const flags = resolveM365Settings({ mailboxes: ['b@contoso.example'], graphEndpoint: 'https://other.example.test', mail: undefined }, env, config);
    expect([flags.mailboxes, flags.graphEndpoint, flags.mail]).toEqual([['b@contoso.example'], 'https://other.example.test', true]);
  });

  it('ng: refuses plain http endpoints (the Graph client would drop the token)', () => {
    expect(() => resolveM365Settings({ graphEndpoint: 'http://localhost:8080' }, env)).toThrow(/https/);
  });
});

describe('toCallError', () => {
  it('maps status codes to stable codes and strips query tokens from the resource', () => {
    const url = 'https://graph.microsoft.com/v1.0/users/a@b.example/mailFolders/X/messages/delta?$deltatoken=SECRETTOKEN';
    const e = toCallError({ statusCode: 410, code: 'SyncStateNotFound' }, url);
    expect(e.code).toBe('gone');
    expect(e.message).not.toContain('SECRETTOKEN');
    expect(describePath(url)).toBe('/users/a@b.example/mailFolders/X/messages/delta');
    expect(toCallError({ statusCode: 403 }, '/users').code).toBe('forbidden');
    expect(toCallError({ statusCode: 429 }, '/users').code).toBe('throttled');
  });

  it('never repeats a secret or a bearer token from an error message', () => {
    const e = toCallError({ name: 'AuthenticationError', message: 'bad secret very-secret-value, header Bearer eyJabc.def' }, '/users', ['very-secret-value']);
    expect(e.code).toBe('auth-failed');
    expect(e.message).not.toContain('very-secret-value');
    expect(e.message).not.toContain('eyJabc');
  });
});

async function collect(doc: GraphMessageDoc): Promise<Extracted[]> {
  const out: Extracted[] = [];
  for await (const part of extractGraphMessage(memoryContent(Buffer.from(JSON.stringify(doc)), 'm.inzage-graph-message'))) out.push(part);
  return out;
}

describe('graph-message extractor', () => {
  it('yields subject, header and body parts, HTML turned to visible text', async () => {
    const parts = await collect({
      subject: 'Hallo',
      body: {
        contentType: 'html',
        content: '<html><head><style>p{}</style></head><body><p>Regel een</p>\n<p>IBAN <b>NL91</b>ABNA0417164300</p></body></html>',
      },
      from: { emailAddress: { name: 'Piet', address: 'piet@example.nl' } },
      toRecipients: [{ emailAddress: { address: 'a@example.nl' } }, { emailAddress: { address: 'b@example.nl' } }],
      replyTo: [{ emailAddress: { address: 'c@example.nl' } }],
    });
    const segments = parts.flatMap((p) => ('segment' in p ? [p.segment] : []));
    expect(segments.map((s) => [s.where.part, s.text])).toEqual([
      ['subject', 'Hallo'],
      ['header', 'From: Piet <piet@example.nl>'],
      ['header', 'To: a@example.nl, b@example.nl'],
      ['header', 'Reply-To: c@example.nl'],
      ['body', 'Regel een'],
      ['body', 'IBAN NL91ABNA0417164300'],
    ]);
    expect(segments[5]?.where.line).toBe(2);
  });

  it('yields file, item and reference attachments as children with unique entries', async () => {
    const parts = await collect({
      subject: 's',
      attachments: [
        { type: 'file', name: 'a.txt', contentBase64: Buffer.from('one').toString('base64') },
        { type: 'file', name: 'a.txt', contentBase64: Buffer.from('two').toString('base64') },
        { type: 'item', name: 'Fwd', message: { subject: 'inner' } },
        { type: 'reference', name: 'Link.docx', sourceUrl: 'https://contoso.example/Link.docx' },
      ],
    });
    const children = parts.flatMap((p) => ('child' in p ? [p.child] : []));
    expect(children.map((c) => c.entry)).toEqual(['a.txt', 'a.txt (2)', 'Fwd', 'Link.docx']);
    expect(new TextDecoder().decode(await children[1]?.content.bytes())).toBe('two');
    expect(children[2]?.content.name).toMatch(/\.inzage-graph-message$/);
    expect(new TextDecoder().decode(await children[3]?.content.bytes())).toContain('https://contoso.example/Link.docx');
  });

  it('ng: data that is not JSON is corrupt', async () => {
    const run = async () => {
      for await (const _ of extractGraphMessage(memoryContent(Buffer.from('{nope'), 'm.inzage-graph-message'))) void _;
    };
    await expect(run()).rejects.toMatchObject({ code: 'corrupt' });
  });
});

describe('engine.redact', () => {
  it('masks every detected value in a subject and leaves the rest', () => {
    const engine = createEngine(selectDetectors(), () => 'h');
    const found: Finding[] = engine.detect({ text: 'Re: vraag van jan.jansen@example.nl', where: {} });
    expect(found).toHaveLength(1);
    expect(engine.redact('Re: vraag van jan.jansen@example.nl over NL91ABNA0417164300')).toBe(`Re: vraag van ${found[0]?.masked} over NL** **** **** **43 00`);
    expect(engine.redact('Overleg dinsdag')).toBe('Overleg dinsdag');
  });
});

describe('accessFromPermissions', () => {
  it('counts anonymous and organization links as broad, specific people and grants as not', () => {
    const narrow = accessFromPermissions(
      [
        { id: '1', roles: ['owner'], grantedToV2: { user: { email: 'eigenaar@contoso.example' } } },
        { id: '2', roles: ['read'], link: { scope: 'users' }, grantedToIdentitiesV2: [{ user: { email: 'partner@example.org' } }] },
      ],
      'eigenaar@contoso.example',
    );
    expect(narrow.broad).toBe(false);
    expect(narrow.entries).toEqual([
      { principal: 'eigenaar@contoso.example', rights: 'owner' },
      { principal: 'link: specific people with the link', rights: 'read' },
      { principal: 'partner@example.org', rights: 'read' },
    ]);
    const broad = accessFromPermissions(
      [
        { id: '1', roles: ['read'], link: { scope: 'anonymous' } },
        { id: '2', roles: ['write'], link: { scope: 'organization' }, inheritedFrom: {} },
      ],
      undefined,
    );
    expect(broad.broad).toBe(true);
    expect(broad.reasons).toEqual(['anonymous sharing link', 'organization-wide sharing link']);
    expect(broad.entries[1]).toEqual({ principal: 'link: everyone in the organization with the link', rights: 'write (inherited)' });
  });
});

describe('everyonePrincipal', () => {
  it('ok: the claims and the English and Dutch names of Everyone and Everyone except external users', () => {
    const cases: [Parameters<typeof everyonePrincipal>[0], string][] = [
      [{ siteUser: { loginName: 'c:0-.f|rolemanager|spo-grid-all-users/0d1f6c52-8c1e-4bde-9f3a-2b8a3b6c7d10' } }, 'Everyone except external users'],
      [{ siteUser: { loginName: 'C:0-.F|ROLEMANAGER|SPO-GRID-ALL-USERS/abc' } }, 'Everyone except external users'],
      [{ siteUser: { displayName: 'Iedereen behalve externe gebruikers' } }, 'Everyone except external users'],
      [{ siteGroup: { displayName: 'Everyone except external users ' } }, 'Everyone except external users'],
      [{ siteUser: { loginName: 'c:0(.s|true', displayName: 'All' } }, 'Everyone'],
      [{ user: { displayName: 'Everyone' } }, 'Everyone'],
      [{ group: { displayName: 'iedereen' } }, 'Everyone'],
    ];
    for (const [who, expected] of cases) expect(everyonePrincipal(who), JSON.stringify(who)).toBe(expected);
  });

  it('ng: principals that only resemble them (wrong reason: a named group, a person, a partial claim)', () => {
    expect(everyonePrincipal({ siteGroup: { displayName: 'Iedereen in HR' } }), 'a group named after a department').toBeUndefined();
    expect(everyonePrincipal({ user: { displayName: 'Everyone Jansen', email: 'e.jansen@contoso.example' } }), 'a person').toBeUndefined();
    expect(everyonePrincipal({ siteUser: { loginName: 'c:0-.f|rolemanager|spo-grid-all-users-x' } }), 'a longer claim').toBeUndefined();
    expect(everyonePrincipal({ siteUser: { loginName: 'i:0#.f|membership|jan@contoso.example' } }), 'a member claim').toBeUndefined();
  });
});
