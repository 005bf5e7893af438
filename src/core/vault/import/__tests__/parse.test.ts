import { describe, expect, it } from 'vitest';
import { CoreError } from '../../../backend/errors';
import { readCsv } from '../csv';
import { IMPORT_MAX_BYTES, parseImport } from '../parse';

const SECRET = 'Hunter2-s3cret!';

describe('readCsv (RFC 4180)', () => {
  it('reads quotes, doubled quotes, CRLF, newlines inside fields and a BOM, with start lines', () => {
    const text = '\uFEFFa,b,c\r\n"x, y","say ""hi""","line 1\r\nline 2"\r\nplain,,\n\nlast,"",z';
    const { records, problems } = readCsv(text);
    expect(problems).toEqual([]);
    expect(records).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['x, y', 'say "hi"', 'line 1\r\nline 2'] },
      { line: 4, fields: ['plain', '', ''] },
      { line: 6, fields: ['last', '', 'z'] },
    ]);
  });

  it('takes semicolons or tabs as the separator when the header row uses them (German Excel, TSV)', () => {
    expect(readCsv('Titel;Passwort\r\n"a;b";"x,y"\r\n').records[1]!.fields).toEqual(['a;b', 'x,y']);
    expect(readCsv('name\tpassword\nrouter\tp,w\n').records[1]!.fields).toEqual(['router', 'p,w']);
  });

  it('reports a malformed line and keeps reading the lines after it', () => {
    const { records, problems } = readCsv(
      'a,b\n"ok",1\nbad"quote,2\n"closed"junk,3\nfine,4\n"never closed,5',
    );
    expect(records.map((r) => r.fields[0])).toEqual(['a', 'ok', 'fine']);
    expect(problems.map((p) => p.line)).toEqual([3, 4, 6]);
  });
});

describe('parseImport', () => {
  it('Bitwarden: folder, notes with newlines, custom fields, TOTP, unicode; a secure note without password', () => {
    const csv = [
      'folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp',
      `Banking,1,login,Sparkasse Köln,"PIN letter in the safe\nsecond line","Kundennummer: 12345\nBranch: Ehrenfeld",0,https://www.sparkasse-koelnbonn.de,müller@office.test,${SECRET},JBSWY3DPEHPK3PXP`,
      ',,note,Alarm code,"Code is on the card, ""not"" here",,0,,,,',
    ].join('\n');
    const r = parseImport(csv);
    expect(r.format).toBe('bitwarden');
    expect(r.problems).toEqual([]);
    expect(r.rows).toHaveLength(2);
    expect(r.rows[0]!.entry).toMatchObject({
      title: 'Sparkasse Köln',
      username: 'müller@office.test',
      password: SECRET,
      url: 'https://www.sparkasse-koelnbonn.de',
      notes: 'PIN letter in the safe\nsecond line',
      category: 'Banking',
      totp: 'JBSWY3DPEHPK3PXP',
      fields: [
        { name: 'Kundennummer', value: '12345', hidden: false },
        { name: 'Branch', value: 'Ehrenfeld', hidden: false },
      ],
    });
    expect(r.rows[1]).toMatchObject({ line: 5, entry: { title: 'Alarm code', password: '' } });
  });

  it('1Password 8: tags become the category, OTPAuth the authenticator', () => {
    const csv =
      'Title,Url,Username,Password,OTPAuth,Favorite,Archived,Tags,Notes\n' +
      `"Office 365",https://portal.office.com,anna@office.test,${SECRET},"otpauth://totp/MS:anna?secret=JBSWY3DPEHPK3PXP",false,false,"Work,Cloud",""\n`;
    const r = parseImport(csv);
    expect(r.format).toBe('1password');
    expect(r.rows[0]!.entry).toMatchObject({ title: 'Office 365', category: 'Work' });
    expect(r.rows[0]!.entry.totp).toMatch(/^otpauth:/);
  });

  it('LastPass: secure-note placeholder URL dropped, grouping as category', () => {
    const csv =
      'url,username,password,totp,extra,name,grouping,fav\r\n' +
      `https://accounts.google.com,office@gmail.com,${SECRET},,,Google,Email\\Shared,0\r\n` +
      'http://sn,,,,"NoteType:Server\nHostname:nas",NAS,Infra,0\r\n';
    const r = parseImport(csv);
    expect(r.format).toBe('lastpass');
    expect(r.rows.map((x) => [x.entry.title, x.entry.url, x.entry.category])).toEqual([
      ['Google', 'https://accounts.google.com', 'Email / Shared'],
      ['NAS', '', 'Infra'],
    ]);
    expect(r.rows[1]!.entry.notes).toBe('NoteType:Server\nHostname:nas');
  });

  it('KeePassXC: the root group is dropped from the category', () => {
    const csv =
      '"Group","Title","Username","Password","URL","Notes","TOTP","Icon","Last Modified","Created"\n' +
      `"Root/Email","Webmail","info@office.test","${SECRET}","https://mail.office.test","","","0","2026-01-01T00:00:00Z","2026-01-01T00:00:00Z"\n` +
      `"Root","Router","admin","${SECRET}","http://192.168.1.1","","","0","",""\n`;
    const r = parseImport(csv);
    expect(r.format).toBe('keepassxc');
    expect(r.rows.map((x) => x.entry.category)).toEqual(['Email', 'Root']);
  });

  it('KeePass 2: Account / Login Name / Web Site / Comments', () => {
    const csv =
      '"Account","Login Name","Password","Web Site","Comments"\n' +
      `"Printer","admin","${SECRET}","http://printer.local","Toner in cupboard"\n`;
    const r = parseImport(csv);
    expect(r.format).toBe('keepass');
    expect(r.rows[0]!.entry).toMatchObject({ title: 'Printer', notes: 'Toner in cupboard' });
  });

  it('Chrome / Edge, with and without the note column', () => {
    for (const [header, tail] of [
      ['name,url,username,password,note', ',"door code 1234"'],
      ['name,url,username,password', ''],
    ] as const) {
      const r = parseImport(`${header}\nshop.example,https://shop.example/login,buyer,${SECRET}${tail}\n`);
      expect(r.format).toBe('chrome');
      expect(r.rows[0]!.entry).toMatchObject({ title: 'shop.example', username: 'buyer' });
    }
  });

  it('Firefox: no title column, the host name becomes the title; an empty password row is kept', () => {
    const csv =
      '"url","username","password","httpRealm","formActionOrigin","guid","timeCreated","timeLastUsed","timePasswordChanged"\n' +
      `"https://login.datev.de","steuer@office.test","${SECRET}",,"https://login.datev.de","{a}","1","2","3"\n` +
      '"https://intranet.office.test","reader","",,"","{b}","1","2","3"\n';
    const r = parseImport(csv);
    expect(r.format).toBe('firefox');
    expect(r.rows.map((x) => [x.entry.title, x.entry.password === ''])).toEqual([
      ['login.datev.de', false],
      ['intranet.office.test', true],
    ]);
  });

  it('generic spreadsheet: column names in any order and case', () => {
    const csv = `Notes;x,Folder,Login,Name,PASSWORD,Website,OTP\n"multi\nline",IT,root,Server,${SECRET},ssh://srv,\n`;
    const r = parseImport(csv);
    expect(r.format).toBe('generic');
    expect(r.rows[0]!.entry).toMatchObject({
      title: 'Server',
      username: 'root',
      category: 'IT',
      url: 'ssh://srv',
    });
  });

  it('a spreadsheet saved by German Excel: semicolons, generic columns', () => {
    const r = parseImport(
      `Name;Benutzername;Passwort;URL;Ordner\r\nDATEV;steuer;${SECRET};https://datev.de;Finanzen\r\n`,
    );
    expect(r.format).toBe('generic');
    expect(r.rows[0]!.entry).toMatchObject({
      title: 'DATEV',
      username: 'steuer',
      password: SECRET,
      url: 'https://datev.de',
      category: 'Finanzen',
    });
  });

  it('bad rows are reported by line and field and skipped, the rest imported; no password in any message', () => {
    const long = 'x'.repeat(4097);
    const csv = [
      'name,url,username,password',
      `good,https://a.test,u1,${SECRET}`,
      `,,,${SECRET}`, // nothing to title it with
      `toolong,https://b.test,u2,${long}`,
      `extra,https://c.test,u3,${SECRET},${SECRET}`,
      `bad"quote,https://d.test,u4,${SECRET}`,
      `good2,https://e.test,u5,${SECRET}`,
    ].join('\n');
    const r = parseImport(csv);
    expect(r.rows.map((x) => x.line)).toEqual([2, 7]);
    expect(r.problems.map(({ line, field }) => ({ line, field }))).toEqual([
      { line: 3, field: 'title' },
      { line: 4, field: 'password' },
      { line: 5, field: null },
      { line: 6, field: null },
    ]);
    expect(r.problems[1]!.message).toBe('longer than 4096 characters');
    const all = JSON.stringify(r.problems);
    expect(all).not.toContain(SECRET);
    expect(all).not.toContain('xxxx');
  });

  it('a malformed authenticator key names the totp field without echoing it', () => {
    const r = parseImport(`name,url,username,password,totp\nx,,u,${SECRET},not-base32-${SECRET}\n`);
    expect(r.problems).toEqual([{ line: 2, field: 'totp', message: 'not a valid authenticator key' }]);
    expect(JSON.stringify(r.problems)).not.toContain(SECRET);
  });

  it('duplicates: against the vault (case and trailing slash aside) and within the file', () => {
    const csv = [
      'name,url,username,password',
      `Wi-Fi,https://router.local/,office,${SECRET}`,
      `New,https://new.test,me,${SECRET}`,
      `new,https://new.test,ME,${SECRET}`,
    ].join('\n');
    const r = parseImport(csv, [{ title: 'wi-fi', username: 'office', url: 'https://router.local' }]);
    expect(r.rows.map((x) => x.duplicateOf)).toEqual(['vault', null, 3]);
  });

  it('refuses a file over the size cap, one without a header, and one whose columns mean nothing', () => {
    const big = `name,url,username,password\n${'a,b,c,d\n'.repeat(IMPORT_MAX_BYTES / 8 + 1)}`;
    expect(() => parseImport(big)).toThrow(CoreError);
    expect(() => parseImport('')).toThrow(/no rows/);
    expect(() => parseImport(`foo,bar\n1,${SECRET}\n`)).toThrow(/columns/);
  });
});
