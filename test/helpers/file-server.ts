// A local HTTP server (127.0.0.1 only) serving one file under one name, which can drop connections midway and
// ignore Range requests, for the download tests.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FileServer {
  /** Base URL, ending in '/'. */
  url: string;
  /** The Range header of each request for the file ('' when none), in order. */
  ranges: string[];
  /** Cut the next `n` responses after `bytes` bytes of body. */
  dropNext(n: number, bytes: number): void;
  /** Whether Range requests are honoured (default true). */
  acceptRanges: boolean;
  close(): Promise<void>;
}

export async function serveFile(name: string, body: Buffer): Promise<FileServer> {
  let drops = 0;
  let dropAfter = 0;
  const state: FileServer = {
    url: '',
    ranges: [],
    acceptRanges: true,
    dropNext(n, bytes) {
      drops = n;
      dropAfter = bytes;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    if (req.url !== `/${name}`) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const range = req.headers.range ?? '';
    state.ranges.push(range);
    let start = 0;
    const match = /^bytes=(\d+)-$/.exec(range);
    if (state.acceptRanges && match) {
      start = Number(match[1]);
      if (start >= body.length) {
        res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
        return;
      }
      res.writeHead(206, {
        'accept-ranges': 'bytes',
        'content-length': body.length - start,
        'content-range': `bytes ${start}-${body.length - 1}/${body.length}`,
      });
    } else {
      res.writeHead(200, { 'content-length': body.length, ...(state.acceptRanges ? { 'accept-ranges': 'bytes' } : {}) });
    }
    const rest = body.subarray(start);
    if (drops > 0) {
      drops--;
      // Announce the full length, send part of it, then close the connection: a truncated download. Closed, not
      // reset, so that the client receives every byte sent and the cut is where the test put it.
      res.write(rest.subarray(0, dropAfter), () => req.socket.end());
      return;
    }
    res.end(rest);
  };

  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return state;
}
