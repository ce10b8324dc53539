import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import type { ModelManifest } from './helpers/model.js';
import { parityDir } from './helpers/paths.js';

const MODULES = ['image_encoder.pt', 'prompt_decoder.pt', 'memory_attention.pt', 'memory_encoder.pt', 'tracking.pt'];

describe('sam2-node CLI', () => {
  it('prints its commands on --help', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: sam2-node <command>/);
    expect(r.stdout).toMatch(/^\s+export\s/m);
  });

  it('exits with 2 and the usage without a command', async () => {
    const r = await runCli([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Usage: sam2-node <command>/);
  });

  it('exits with 2 on an unknown command, naming it', async () => {
    const r = await runCli(['segmnet']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("'segmnet'");
  });
});

describe('sam2-node export', () => {
  const checkpoint = join(parityDir, 'checkpoint.pt');
  const config = join(parityDir, 'config.json');
  let scratch: string;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'sam2-node-cli-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('prints its options on --help', async () => {
    const r = await runCli(['export', '--help']);
    expect(r.code).toBe(0);
    for (const flag of ['--checkpoint', '--config', '--out', '--image-size']) expect(r.stdout).toContain(flag);
  });

  const valid = ['--checkpoint', 'a.pt', '--config', 'tiny', '--out', 'x'];
  it.each<[string, string[], string]>([
    ['no --checkpoint', ['--config', 'tiny', '--out', 'x'], '--checkpoint'],
    ['no --config', ['--checkpoint', 'a.pt', '--out', 'x'], '--config'],
    ['no --out', ['--checkpoint', 'a.pt', '--config', 'tiny'], '--out'],
    ['--checkpoint without a value', ['--config', 'tiny', '--out', 'x', '--checkpoint'], '--checkpoint'],
    ['an unknown config name', ['--checkpoint', 'a.pt', '--config', 'huge', '--out', 'x'], '--config'],
    ['a config file of the wrong type', ['--checkpoint', 'a.pt', '--config', 'model.txt', '--out', 'x'], '--config'],
    ['--image-size not a number', [...valid, '--image-size', 'big'], '--image-size'],
    ['--image-size 0', [...valid, '--image-size', '0'], '--image-size'],
    ['--image-size not a multiple of 32', [...valid, '--image-size', '1000'], '--image-size'],
    ['an unknown flag', [...valid, '--fast'], '--fast'],
    ['a stray argument', [...valid, 'extra'], 'extra'],
  ])('exits with 2 on %s, naming the flag, with the usage', async (_, args, named) => {
    const r = await runCli(['export', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(named);
    expect(r.stderr).toContain('Usage: sam2-node export');
  });

  it('exits with 1 and names a checkpoint that does not exist', async () => {
    const missing = join(scratch, 'nope.pt');
    const r = await runCli(['export', '--checkpoint', missing, '--config', 'tiny', '--out', join(scratch, 'unused')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--checkpoint');
    expect(r.stderr).toContain(missing);
  });

  it('exits with 1 and names a config file that does not exist', async () => {
    const missing = join(scratch, 'nope.yaml');
    const out = join(scratch, 'unused');
    const r = await runCli(['export', '--checkpoint', checkpoint, '--config', missing, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(missing);
  });

  it('exits with 1 when SAM2_PYTHON cannot import torch', async () => {
    const env = { ...process.env, SAM2_PYTHON: join(scratch, 'no-such-python') };
    const out = join(scratch, 'unused');
    const r = await runCli(['export', '--checkpoint', checkpoint, '--config', config, '--out', out], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('SAM2_PYTHON');
  });

  it.each<[string, string[], number, string]>([
    ['at the config’s image size', [], 512, 'checkpoint'],
    ['with --image-size and --name', ['--image-size', '256', '--name', 'mini-256'], 256, 'mini-256'],
  ])('exports the mini checkpoint %s', async (_, extra, imageSize, name) => {
    const out = join(scratch, `model-${imageSize}`);
    const r = await runCli(['export', '--checkpoint', checkpoint, '--config', config, '--out', out, ...extra]);
    expect(r.code, r.stderr).toBe(0);
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as ModelManifest;
    expect(manifest).toMatchObject({ formatVersion: 1, imageSize, name });
    expect(Object.keys(manifest.files).sort()).toEqual([...MODULES].sort());
    for (const [file, entry] of Object.entries(manifest.files)) {
      const bytes = await readFile(join(out, file));
      expect(bytes.length).toBe(entry.bytes);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(entry.sha256);
    }
  });
});
