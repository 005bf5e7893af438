// A "company root" as a TLS-inspecting proxy has it: a private CA (openssl, in a temp dir) and a server
// certificate for 127.0.0.1 signed by it, which no public root trusts.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CompanyCa {
  caPem: string;
  certPem: string;
  keyPem: string;
}

export function makeCompanyCa(): CompanyCa {
  const dir = mkdtempSync(join(tmpdir(), 'keyroom-ca-'));
  const f = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  try {
    openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      f('ca.key'),
      '-out',
      f('ca.pem'),
      '-days',
      '2',
      '-subj',
      '/CN=Office Inspection Root',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    );
    openssl(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      f('leaf.key'),
      '-out',
      f('leaf.csr'),
      '-subj',
      '/CN=127.0.0.1',
    );
    writeFileSync(
      f('ext'),
      'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n',
    );
    openssl(
      'x509',
      '-req',
      '-in',
      f('leaf.csr'),
      '-CA',
      f('ca.pem'),
      '-CAkey',
      f('ca.key'),
      '-CAcreateserial',
      '-out',
      f('leaf.pem'),
      '-days',
      '2',
      '-extfile',
      f('ext'),
    );
    return {
      caPem: readFileSync(f('ca.pem'), 'utf8'),
      certPem: readFileSync(f('leaf.pem'), 'utf8'),
      keyPem: readFileSync(f('leaf.key'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
