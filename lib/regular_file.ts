// Reading a file named by a caller without ever waiting on it: a FIFO, a socket, a device or a directory named
// like an image would block a libuv thread in open() or read() for good (the process then cannot even exit),
// so the file is opened without blocking and checked to be a regular file before a byte is read.
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

function kindOf(stats: { isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean }): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isSocket()) return 'a socket';
  return 'a device or other special file';
}

/**
 * The whole content of the regular file at `path` (symbolic links followed).
 *
 * Fails with a plain Error (callers wrap it in their typed error, naming their parameter) when the path is missing,
 * unreadable or anything but a regular file.
 */
export async function readRegularFile(path: string): Promise<Buffer> {
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer. It changes nothing for a regular
  // file, and the fstat below (of what was opened, so no race with a rename) refuses everything else.
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new Error(`it is ${kindOf(stats)}, not a regular file`);
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}
