import { cp, mkdtemp, rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { native } from '../lib/native.js';
import { runCli } from './helpers/cli.js';
import { testModelDir } from './helpers/model.js';

describe('sam2-node info', () => {
  let scratch: string;
  let model: string;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'sam2-node-info-'));
    model = testModelDir();
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('prints its options on --help', async () => {
    const r = await runCli(['info', '--help']);
    expect(r.code).toBe(0);
    for (const flag of ['MODEL_DIR', '--device', '--dtype', '--json']) expect(r.stdout).toContain(flag);
  });

  it('exits with 2 without a directory', async () => {
    const r = await runCli(['info']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('MODEL_DIR is required');
  });

  it('refuses a SAM2_CPU_CACHE_MB that is not a whole number of MiB, naming it', async () => {
    const r = await runCli(['info', model], { ...process.env, SAM2_CPU_CACHE_MB: '1.5G' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("SAM2_CPU_CACHE_MB: must be a whole number of MiB, got '1.5G'");
  });

  it('loads the model with SAM2_CPU_CACHE_MB=0 (no idle blocks kept)', async () => {
    const r = await runCli(['info', model], { ...process.env, SAM2_CPU_CACHE_MB: '0' });
    expect(r.code, r.stderr).toBe(0);
  });

  it('exits with 1 on a directory that holds no model', async () => {
    const r = await runCli(['info', scratch]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(join(scratch, 'manifest.json'));
  });

  it('describes the model and says in which dtypes it runs here', async () => {
    const r = await runCli(['info', model]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^model\s+mini /m);
    expect(r.stdout).toMatch(/^image size\s+512 px/m);
    expect(r.stdout).toMatch(/^files\s+5 files, [\d.]+ MiB, sha256 verified/m);
    expect(r.stdout).toMatch(/^CUDA\s+(available|not available)/m);
    expect(r.stdout).toMatch(/^(cpu|cuda) float32\s+runs: loaded in/m);
    for (const dtype of ['bfloat16', 'float16']) expect(r.stdout).toMatch(new RegExp(`^(cpu|cuda) ${dtype}\\s+(runs|does not run)`, 'm'));
  });

  it('prints the manifest and the checks with --json, trying only --dtype', async () => {
    const r = await runCli(['info', model, '--device', 'cpu', '--dtype', 'float32', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const info = JSON.parse(r.stdout) as {
      dir: string;
      manifest: { name: string; imageSize: number; files: object };
      filesVerified: boolean;
      machine: { cuda: boolean; device: string; dtypes: Record<string, { ok: boolean; seconds?: number }> };
    };
    expect(info).toMatchObject({ dir: model, filesVerified: true, manifest: { name: 'mini', imageSize: 512 } });
    expect(Object.keys(info.manifest.files)).toHaveLength(5);
    expect(info.machine.device).toBe('cpu');
    expect(typeof info.machine.cuda).toBe('boolean');
    expect(Object.keys(info.machine.dtypes)).toEqual(['float32']);
    expect(info.machine.dtypes.float32).toMatchObject({ ok: true });
  });

  it('exits with 1 naming a model file that does not match the manifest', async () => {
    const copy = join(scratch, 'damaged');
    await cp(model, copy, { recursive: true });
    await truncate(join(copy, 'tracking.pt'), 100);
    const r = await runCli(['info', copy]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(join(copy, 'tracking.pt'));
  });

  // Well-formed flags this machine cannot run are a run-time failure (1), not a usage error (2).
  it.skipIf(native().cudaAvailable())('exits with 1 naming --device when CUDA is not available', async () => {
    const r = await runCli(['info', model, '--device', 'cuda']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--device: cuda requested, but CUDA is not available');
  });
});
