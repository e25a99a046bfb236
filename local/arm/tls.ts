import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface GeneratedCertificate {
  keyPem: string;
  certPem: string;
}

/**
 * A fresh self-signed certificate for 127.0.0.1/localhost, valid two days. openssl (EC P-256, fast) when
 * available, else the `selfsigned` package (RSA, pure JS). Keys live only in memory.
 */
export function generateCertificate(): GeneratedCertificate {
  try {
    return withOpenssl();
  } catch {
    return withSelfsigned();
  }
}

function withOpenssl(): GeneratedCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'arm-emu-cert-'));
  try {
    const keyFile = join(dir, 'key.pem');
    const certFile = join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        keyFile,
        '-out',
        certFile,
        '-days',
        '2',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
        '-addext',
        'basicConstraints=critical,CA:TRUE',
      ],
      { stdio: 'ignore', timeout: 15_000 },
    );
    return { keyPem: readFileSync(keyFile, 'utf8'), certPem: readFileSync(certFile, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function withSelfsigned(): GeneratedCertificate {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const selfsigned = require('selfsigned') as {
    generate(
      attrs: Array<{ name: string; value: string }>,
      opts: Record<string, unknown>,
    ): { private: string; cert: string };
  };
  const pems = selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
    days: 2,
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', keyCertSign: true, digitalSignature: true, keyEncipherment: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  return { keyPem: pems.private, certPem: pems.cert };
}
