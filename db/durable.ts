/** Writes that survive a crash or a power cut: the file content, then the name in its folder. */
import { chmodSync, closeSync, fsyncSync, openSync, statSync, writeSync } from 'node:fs';

/** Creates `path` (it must not exist yet) with `bytes`, written in full and fsynced before returning. */
export function writeNewFileSynced(path: string, bytes: Uint8Array, mode = 0o600): void {
  const fd = openSync(path, 'wx', mode);
  try {
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** fsync of a folder makes a new name durable on Linux/macOS; Windows cannot open folders (NTFS journals names). */
export function syncFolder(path: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    fsyncSync(fd);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EACCES' && code !== 'EINVAL') throw e;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Owner-only modes where they mean something (not Windows), also for files made before that was the rule. */
export function restrictMode(path: string, mode: 0o600 | 0o700): void {
  if (process.platform === 'win32') return;
  if ((statSync(path).mode & 0o777) !== mode) chmodSync(path, mode);
}
