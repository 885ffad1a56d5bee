import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

/** A kernel connection file (jupyter_client's format). */
export interface ConnectionInfo {
  transport: 'tcp';
  ip: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  key: string;
  signature_scheme: 'hmac-sha256';
  kernel_name: string;
}

/** Ports the OS says are free now, all held open at once so they are distinct, then released for the kernel. */
async function freePorts(ip: string, n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<net.Server>((resolve, reject) => {
          const s = net.createServer();
          s.once('error', reject);
          s.listen(0, ip, () => resolve(s));
        })
    )
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

/**
 * Write a fresh connection file (mode 0600: the key authenticates every message) in a private temp
 * folder; the caller removes the folder when the kernel is gone.
 */
export async function writeConnectionFile(
  kernelName: string
): Promise<{ info: ConnectionInfo; file: string; dir: string }> {
  const ip = '127.0.0.1';
  const [shell, iopub, stdin, control, hb] = await freePorts(ip, 5);
  const info: ConnectionInfo = {
    transport: 'tcp',
    ip,
    shell_port: shell!,
    iopub_port: iopub!,
    stdin_port: stdin!,
    control_port: control!,
    hb_port: hb!,
    key: randomBytes(32).toString('hex'),
    signature_scheme: 'hmac-sha256',
    kernel_name: kernelName
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genesis-kernel-'));
  const file = path.join(dir, `kernel-${process.pid}-${Date.now()}.json`);
  fs.writeFileSync(file, JSON.stringify(info, null, 1), { mode: 0o600 });
  return { info, file, dir };
}

export const endpoint = (info: ConnectionInfo, port: number): string => `${info.transport}://${info.ip}:${port}`;
