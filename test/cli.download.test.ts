import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { serveFile, type FileServer } from './helpers/file-server.js';
import { parityDir } from './helpers/paths.js';

// The parity fixtures' mini checkpoint stands in for the official file: served under the official name, with
// --sha256 naming its real sum and --config its config (the official tiny size and sum would not match it).
const NAME = 'sam2.1_hiera_tiny.pt';
const config = join(parityDir, 'config.json');

describe('sam2-node download', () => {
  let body: Buffer;
  let sha256: string;
  let server: FileServer;
  let scratch: string;
  let dir: string;
  let runs = 0;

  beforeAll(async () => {
    body = await readFile(join(parityDir, 'checkpoint.pt'));
    sha256 = createHash('sha256').update(body).digest('hex');
    server = await serveFile(NAME, body);
    scratch = await mkdtemp(join(tmpdir(), 'sam2-node-download-'));
  });
  afterAll(async () => {
    await server.close();
    await rm(scratch, { recursive: true, force: true });
  });
  afterEach(() => {
    server.ranges.length = 0;
    server.acceptRanges = true;
    server.dropNext(0, 0);
  });

  /** A fresh --dir per test. */
  const newDir = () => (dir = join(scratch, `run-${++runs}`));
  const download = (...extra: string[]) => runCli(['download', 'tiny', '--dir', dir, '--base-url', server.url, ...extra]);
  const files = async () => (existsSync(dir) ? (await readdir(dir)).sort() : []);

  it('prints its options on --help', async () => {
    const r = await runCli(['download', '--help']);
    expect(r.code).toBe(0);
    for (const word of ['tiny', 'small', 'base_plus', 'large', '--dir', '--base-url', '--sha256', '--config']) {
      expect(r.stdout).toContain(word);
    }
  });

  it.each<[string, string[], string]>([
    ['no size', [], 'model size'],
    ['an unknown size', ['huge'], "'huge'"],
    ['a bad --sha256', ['tiny', '--sha256', 'abc'], '--sha256'],
    ['a --base-url that is not http(s)', ['tiny', '--base-url', 'ftp://example.invalid/'], '--base-url'],
    ['a bad --retries', ['tiny', '--retries', '-1'], '--retries'],
  ])('exits with 2 on %s, naming it, with the usage', async (_, args, named) => {
    const r = await runCli(['download', ...args, '--dir', join(scratch, 'unused')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(named);
    expect(r.stderr).toContain('Usage: sam2-node download');
    expect(existsSync(join(scratch, 'unused'))).toBe(false);
  });

  it('exits with 1 on a 404, naming the URL, leaving no file', async () => {
    newDir();
    const r = await runCli(['download', 'small', '--dir', dir, '--base-url', server.url]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${server.url}sam2.1_hiera_small.pt: HTTP 404`);
    expect(await files()).toEqual([]);
  });

  it('refuses a file whose announced size is not the official one, before downloading it', async () => {
    newDir();
    const r = await download();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`the server announces ${body.length} bytes, the expected file has 156008466`);
    expect(await files()).toEqual([]);
  });

  it('removes a download whose sha256 is wrong and exports nothing', async () => {
    newDir();
    const r = await download('--sha256', '0'.repeat(64), '--config', config);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`sha256 mismatch: expected ${'0'.repeat(64)}, got ${sha256}`);
    expect(r.stderr).toContain('the download was removed');
    expect(await files()).toEqual([]);
  });

  it('keeps a truncated download for the next run, which resumes it with a Range request and exports', async () => {
    newDir();
    server.dropNext(1, 5_000_000);
    const cut = await download('--sha256', sha256, '--config', config, '--retries', '0');
    expect(cut.code).toBe(1);
    // The client keeps what it read before the close: up to the 5,000,000 bytes sent (fetch drops data still
    // queued in the body stream when the connection fails).
    const kept = Number(/the connection was lost at byte (\d+) of (\d+)/.exec(cut.stderr)?.[1]);
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(5_000_000);
    expect(cut.stderr).toContain(`of ${body.length}`);
    expect(cut.stderr).toContain(`${kept} bytes are kept in ${join(dir, NAME)}.part: run the same command again to resume`);
    expect(await files()).toEqual([`${NAME}.part`]);
    expect((await stat(join(dir, `${NAME}.part`))).size).toBe(kept);

    const resumed = await download('--sha256', sha256, '--config', config);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(server.ranges).toEqual(['', `bytes=${kept}-`]);
    expect(await files()).toEqual(['sam2.1_hiera_tiny', NAME]);
    expect(createHash('sha256').update(await readFile(join(dir, NAME))).digest('hex')).toBe(sha256);
    const manifest = JSON.parse(await readFile(join(dir, 'sam2.1_hiera_tiny', 'manifest.json'), 'utf8')) as { imageSize: number };
    expect(manifest.imageSize).toBe(512);
    expect(resumed.stdout).toContain(`${join(dir, 'sam2.1_hiera_tiny')} is ready`);

    // Once there, nothing is downloaded or exported again.
    const again = await download('--sha256', sha256, '--config', config);
    expect(again.code, again.stderr).toBe(0);
    expect(server.ranges).toHaveLength(2);
    expect(again.stderr).toContain('already exported');
  });

  it('resumes within one run after dropped connections (SAM2_DOWNLOAD_BASE_URL)', async () => {
    newDir();
    server.dropNext(2, 1_000_000);
    const env = { ...process.env, SAM2_DOWNLOAD_BASE_URL: server.url };
    const r = await runCli(['download', 'tiny', '--dir', dir, '--sha256', sha256, '--no-export'], env);
    expect(r.code, r.stderr).toBe(0);
    // Each retry asks for the bytes after those it kept (see above for why not exactly 1,000,000 more each time).
    expect(server.ranges).toHaveLength(3);
    const resumedAt = server.ranges.slice(1).map((range) => Number(/^bytes=(\d+)-$/.exec(range)?.[1]));
    expect(resumedAt[0]).toBeGreaterThan(0);
    expect(resumedAt[1]).toBeGreaterThan(resumedAt[0]);
    expect(r.stderr).toContain(`retrying from byte ${resumedAt[0]} (1/3)`);
    expect(r.stderr).toContain(`retrying from byte ${resumedAt[1]} (2/3)`);
    expect(r.stderr).toMatch(/download: .*MiB/); // progress
    expect(await files()).toEqual([NAME]);
    expect(createHash('sha256').update(await readFile(join(dir, NAME))).digest('hex')).toBe(sha256);
  });

  it('starts over when the server ignores Range requests', async () => {
    newDir();
    server.acceptRanges = false;
    server.dropNext(1, 1_000_000);
    const r = await download('--sha256', sha256, '--no-export');
    expect(r.code, r.stderr).toBe(0);
    expect(server.ranges).toHaveLength(2);
    expect(server.ranges[1]).toMatch(/^bytes=\d+-$/); // answered with the whole file
    expect(createHash('sha256').update(await readFile(join(dir, NAME))).digest('hex')).toBe(sha256);
  });

  it('removes a truncated download that cannot be resumed', async () => {
    newDir();
    server.acceptRanges = false;
    server.dropNext(1, 1_000_000);
    const r = await download('--sha256', sha256, '--no-export', '--retries', '0');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the partial download was removed');
    expect(await files()).toEqual([]);
  });
});
