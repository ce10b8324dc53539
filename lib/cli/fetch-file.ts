// Downloading one large file over HTTP(S): progress, resumption with Range requests, size and sha256 checks.
// The file appears under its name only once it is complete and verified; until then it is NAME.part.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { Sam2Error } from '../errors.js';
import { Progress } from './progress.js';

export interface FetchFileOptions {
  url: string;
  /** Where the verified file goes. */
  dest: string;
  /** Expected sha256 (lowercase hex), when known. */
  sha256?: string;
  /** Expected size in bytes, when known: a server announcing another size is refused before any download. */
  bytes?: number;
  /** Further tries after a dropped connection, each resuming where the last one stopped. */
  retries: number;
  /** Give up on a connection that sends nothing for this long. */
  idleTimeoutMs?: number;
}

/** A failure that another try cannot fix (HTTP 4xx, a wrong size). */
class FatalDownloadError extends Sam2Error {}

/** The connection dropped mid-file; `resumable` when the server takes Range requests. */
class ConnectionLost extends Error {
  constructor(message: string, readonly resumable: boolean) {
    super(message);
  }
}

/** Sha256 of a file, streamed. */
export async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Downloads `url` to `dest`, resuming a `dest.part` left by an earlier run when the server allows it. */
export async function fetchFile(o: FetchFileOptions): Promise<void> {
  const part = `${o.dest}.part`;
  let resumable = false;
  for (let attempt = 0; ; attempt++) {
    try {
      await fetchOnce(o, part);
      break;
    } catch (err) {
      if (err instanceof ConnectionLost) resumable ||= err.resumable;
      if (err instanceof FatalDownloadError) {
        await rm(part, { force: true });
        throw err;
      }
      const reason = err instanceof Error ? err.message : String(err);
      const have = await sizeOf(part);
      if (attempt < o.retries) {
        process.stderr.write(`download: ${reason}; retrying from byte ${have} (${attempt + 1}/${o.retries})\n`);
        await sleep(500 * (attempt + 1));
        continue;
      }
      // A server that honours Range requests lets the next run pick up where this one stopped.
      if (resumable && have > 0) {
        const hint = `${have} bytes are kept in ${part}: run the same command again to resume`;
        throw new Sam2Error(`${o.url}: ${reason}; ${hint}`, { cause: err });
      }
      await rm(part, { force: true });
      throw new Sam2Error(`${o.url}: ${reason}; the partial download was removed`, { cause: err });
    }
  }

  const size = await sizeOf(part);
  if (o.sha256) {
    const actual = await fileSha256(part);
    if (actual !== o.sha256) {
      await rm(part, { force: true });
      throw new Sam2Error(
        `${o.url}: sha256 mismatch: expected ${o.sha256}, got ${actual} (${size} bytes); the download was removed`,
      );
    }
  }
  await rename(part, o.dest);
}

/** One request: appends the rest of the file to `part`. */
async function fetchOnce(o: FetchFileOptions, part: string): Promise<void> {
  let offset = await sizeOf(part);
  const abort = new AbortController();
  const idleMs = o.idleTimeoutMs ?? 60_000;
  let idle = setTimeout(() => abort.abort(new Error(`no data for ${idleMs / 1000} s`)), idleMs);
  const touch = () => {
    clearTimeout(idle);
    idle = setTimeout(() => abort.abort(new Error(`no data for ${idleMs / 1000} s`)), idleMs);
  };
  try {
    const res = await fetch(o.url, { headers: offset > 0 ? { range: `bytes=${offset}-` } : {}, signal: abort.signal });
    if (res.status === 416 && offset > 0) {
      // The part is as long as the file or longer (the file changed on the server): start over.
      await res.body?.cancel();
      await rm(part, { force: true });
      throw new Error(`the server refused to resume at byte ${offset}`);
    }
    if (!res.ok) {
      await res.body?.cancel();
      const problem = `HTTP ${res.status} ${res.statusText}`.trim();
      if (res.status < 500) throw new FatalDownloadError(`${o.url}: ${problem}`);
      throw new Error(problem);
    }
    if (offset > 0 && res.status !== 206) offset = 0; // the server ignored the Range header: the whole file follows
    const total = totalSize(res, offset);
    if (o.bytes !== undefined && total !== undefined && total !== o.bytes) {
      await res.body?.cancel();
      throw new FatalDownloadError(`${o.url}: the server announces ${total} bytes, the expected file has ${o.bytes}`);
    }
    const resumable = res.status === 206 || res.headers.get('accept-ranges') === 'bytes';
    const progress = new Progress({ label: 'download', unit: 'bytes', total, initial: offset });
    let done = offset;
    const file = await open(part, offset > 0 ? 'a' : 'w');
    try {
      if (res.body) {
        for await (const chunk of res.body) {
          touch();
          await file.write(chunk);
          done += chunk.length;
          progress.update(done);
        }
      }
    } catch (err) {
      // An undici "terminated" error says little; its cause says what happened to the connection.
      const cause = err instanceof Error && err.cause instanceof Error ? ` (${err.cause.message})` : '';
      const where = `byte ${done}${total ? ` of ${total}` : ''}`;
      throw new ConnectionLost(`the connection was lost at ${where}${cause}`, resumable);
    } finally {
      await file.close();
      progress.finish();
    }
    if (total !== undefined && done !== total) {
      throw new ConnectionLost(`the connection closed at byte ${done} of ${total}`, resumable);
    }
  } finally {
    clearTimeout(idle);
  }
}

/** The whole file's size: Content-Range's total for a 206, Content-Length otherwise. */
function totalSize(res: Response, offset: number): number | undefined {
  if (res.status === 206) {
    const range = /^bytes (\d+)-\d+\/(\d+)$/.exec(res.headers.get('content-range') ?? '');
    if (!range || Number(range[1]) !== offset) {
      throw new Error(`unexpected Content-Range '${res.headers.get('content-range')}' for byte ${offset}`);
    }
    return Number(range[2]);
  }
  const length = res.headers.get('content-length');
  return length === null ? undefined : Number(length);
}

async function sizeOf(path: string): Promise<number> {
  return (await stat(path).catch(() => undefined))?.size ?? 0;
}
