import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AnchorTimestamper, TimestampTokenVerifier, TokenVerdict } from '../../../src/audit';

/**
 * A real RFC 3161 time-stamp authority and verifier made of `openssl ts`, independent of the
 * service's own code: a throw-away CA and TSA certificate under a temporary directory.
 */
export interface OpensslTsa extends AnchorTimestamper, TimestampTokenVerifier {
  dir: string;
  caFile: string;
  /** Stops answering (as a TSA that is down). */
  down: boolean;
  cleanup(): void;
}

type Openssl = (args: string[]) => Buffer;

/** `reuseDir`: the directory of a TSA made before (by another process), instead of a new one. */
export function createOpensslTsa(name = 'Test TSA', reuseDir?: string): OpensslTsa {
  const dir = reuseDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'sutne-tsa-'));
  const p = (f: string) => path.join(dir, f);
  const ossl: Openssl = (args) => execFileSync('openssl', args, { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
  if (!reuseDir) makeTsa(dir, name, ossl);
  const unique = () => `${process.pid}-${++seq}`;
  let seq = 0;
  const tsa: OpensslTsa = {
    name: `openssl-ts:${name}`,
    dir,
    caFile: p('ca.pem'),
    down: false,
    async timestamp(digest) {
      if (tsa.down) throw new Error('connect ECONNREFUSED');
      const n = unique();
      ossl(['ts', '-query', '-digest', digest.toString('hex'), '-sha256', '-cert', '-no_nonce', '-out', p(`q${n}.tsq`)]);
      ossl(['ts', '-reply', '-config', p('tsa.cnf'), '-queryfile', p(`q${n}.tsq`), '-token_out', '-out', p(`t${n}.der`)]);
      const der = fs.readFileSync(p(`t${n}.der`));
      const text = ossl(['ts', '-reply', '-in', p(`t${n}.der`), '-token_in', '-text']).toString();
      const time = /Time stamp: (.+)/.exec(text)![1]!;
      return { der, genTime: new Date(time), tsa: name };
    },
    async verifyToken(der, digest): Promise<TokenVerdict> {
      const file = p(`v${unique()}.der`);
      fs.writeFileSync(file, der);
      try {
        ossl(['ts', '-verify', '-digest', digest.toString('hex'), '-in', file, '-token_in', '-CAfile', p('ca.pem'), '-untrusted', p('tsa.pem')]);
        return { ok: true, detail: 'openssl ts -verify: OK' };
      } catch (err) {
        const e = err as { stdout?: Buffer; stderr?: Buffer };
        return { ok: false, detail: `openssl ts -verify: ${`${e.stdout ?? ''}${e.stderr ?? ''}`.trim().split('\n')[0]}` };
      }
    },
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
  return tsa;
}

function makeTsa(dir: string, name: string, ossl: Openssl): void {
  const p = (f: string) => path.join(dir, f);
  ossl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', p('ca.key'), '-out', p('ca.pem'), '-days', '2', '-subj', '/CN=Test Root CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  ossl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', p('tsa.key'), '-out', p('tsa.csr'), '-subj', `/CN=${name}`]);
  fs.writeFileSync(p('tsa.ext'), 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=critical,timeStamping\n');
  ossl(['x509', '-req', '-in', p('tsa.csr'), '-CA', p('ca.pem'), '-CAkey', p('ca.key'), '-CAcreateserial', '-out', p('tsa.pem'), '-days', '2', '-extfile', p('tsa.ext')]);
  fs.writeFileSync(p('serial'), '01\n');
  fs.writeFileSync(p('tsa.cnf'), `[ tsa ]
default_tsa = t
[ t ]
dir = ${dir}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.pem
certs = $dir/ca.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256
accuracy = secs:1
ordering = no
tsa_name = no
ess_cert_id_chain = no
ess_cert_id_alg = sha256
`);
}
