// The package as a user gets it: `npm pack` (prepack builds dist/ and the prebuilt addon), `npm install` of the
// tarball into an empty project, then the library from ESM and from CommonJS and the CLI, with a model exported
// through the installed package. The install runs with failing compiler shims first on PATH: the prebuild path
// must compile nothing.
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifest } from './helpers/fixtures.js';
import { parityDir, repoRoot } from './helpers/paths.js';

// Packing, installing and exporting: 45 s for the whole file on 2 shared cores, up to 3.2 min under a heavy load.
const TIMEOUT = 300_000;
const COMPILERS = ['cc', 'c++', 'gcc', 'g++', 'clang', 'clang++', 'cmake', 'make', 'ninja', 'nvcc'];
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const square = join(parityDir, manifest.image_predictor.images.square.image); // 512x512

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

// A user's shell, not `npm test`'s environment: npm passes its settings down (npm_config_local_prefix names this
// checkout), and a nested npm would act on the checkout instead of the empty project.
const userEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== 'INIT_CWD'));

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = userEnv): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, env, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function expectSuccess(r: Run, what: string): void {
  if (r.code !== 0) throw new Error(`${what} exited with ${r.code}:\n${r.stdout}\n${r.stderr}`);
}

describe('npm install of the packed package', () => {
  let scratch: string;
  let project: string;
  let compilerLog: string;
  let install: Run;
  let cli: string;
  let model: string;
  let noCompilers: NodeJS.ProcessEnv;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'sam2-node-install-'));
    const packed = await run('npm', ['pack', '--pack-destination', scratch], repoRoot);
    expectSuccess(packed, 'npm pack');
    const tarball = (await readdir(scratch)).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack wrote no tarball:\n${packed.stderr}`);

    // Every compiler and build tool fails and leaves a trace: an install that tried to build cannot pass.
    const shims = join(scratch, 'no-compilers');
    compilerLog = join(scratch, 'compiler-calls.log');
    await mkdir(shims);
    for (const tool of COMPILERS) {
      await writeFile(join(shims, tool), `#!/bin/sh\necho "${tool} $*" >> '${compilerLog}'\nexit 97\n`);
      await chmod(join(shims, tool), 0o755);
    }
    project = join(scratch, 'project');
    await mkdir(project);
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'fresh-project', version: '1.0.0', private: true }));
    noCompilers = { ...userEnv, PATH: `${shims}${delimiter}${userEnv.PATH ?? ''}` };
    // --prefer-offline: the dependencies are in npm's cache since set-up; --foreground-scripts: the install
    // script's log is part of npm's output.
    const npmArgs = ['install', join(scratch, tarball), '--prefer-offline', '--no-audit', '--no-fund', '--foreground-scripts'];
    install = await run('npm', npmArgs, project, noCompilers);
    cli = join(project, 'node_modules', '.bin', 'sam2-node');
    model = join(scratch, 'model');
  }, TIMEOUT);

  afterAll(async () => {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('installs with the prebuilt addon, compiling nothing', async () => {
    expectSuccess(install, 'npm install');
    expect(existsSync(compilerLog) ? await readFile(compilerLog, 'utf8') : '').toBe('');
    const log = install.stdout + install.stderr;
    expect(log).toContain('the addon loads; nothing to build');
    expect(log).not.toContain('cmake-js compile');
    const installed = join(project, 'node_modules', 'sam2-node');
    expect(existsSync(join(installed, 'prebuilds', `${process.platform}-${process.arch}`, 'sam2-node.node'))).toBe(true);
    // The tarball is lean: no tests, fixtures, caches or build trees.
    for (const absent of ['test', 'build', 'lib', 'bench', 'node_modules/.cache']) expect(existsSync(join(installed, absent))).toBe(false);
  }, TIMEOUT);

  it('runs the CLI: --help, export, info and segment', async () => {
    const help = await run(cli, ['--help'], project);
    expectSuccess(help, 'sam2-node --help');
    expect(help.stdout).toMatch(/Usage: sam2-node <command>/);

    const checkpoint = join(parityDir, 'checkpoint.pt');
    const exported = await run(cli, ['export', '--checkpoint', checkpoint, '--config', join(parityDir, 'config.json'), '--out', model], project);
    expectSuccess(exported, 'sam2-node export');
    expect(existsSync(join(model, 'manifest.json'))).toBe(true);

    const info = await run(cli, ['info', model], project);
    expectSuccess(info, 'sam2-node info');
    expect(info.stdout).toContain('cpu');

    const mask = join(scratch, 'mask.png');
    const segment = await run(cli, ['segment', square, '--model', model, '--point', '256,256', '--out', mask], project);
    expectSuccess(segment, 'sam2-node segment');
    const png = await readFile(mask);
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    const meta = await sharp(png).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 512, 512]);
  }, TIMEOUT);

  it("runs the README's image example from ESM", async () => {
    const example = `
      import sharp from 'sharp';
      import { Sam2Model } from 'sam2-node';
      const model = await Sam2Model.load(${JSON.stringify(model)}, { device: 'cpu' });
      const { data, info } = await sharp(${JSON.stringify(square)}).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      const embedding = await model.encodeImage({ data, width: info.width, height: info.height, channels: 3 });
      const r = await model.predict(embedding, { points: [[256, 256]], labels: [1] });
      console.log(JSON.stringify({ masks: r.masks.length, scores: r.scores.length, width: r.width }));
      embedding.dispose();
      model.dispose();
    `;
    await writeFile(join(project, 'example.mjs'), example);
    const r = await run(process.execPath, ['example.mjs'], project);
    expectSuccess(r, 'the ESM example');
    expect(JSON.parse(r.stdout)).toEqual({ masks: 3 * 512 * 512, scores: 3, width: 512 });
  }, TIMEOUT);

  it('loads from CommonJS through createRequire', async () => {
    const example = `
      const { createRequire } = require('node:module');
      const sam2 = createRequire(__filename)('sam2-node');
      const mask = new Uint8Array([1, 0, 0, 0, 0, 1]); // two pixels, not even diagonal neighbours
      sam2.connectedComponents(mask, 3, 2).then((c) => {
        console.log(JSON.stringify({ load: typeof sam2.Sam2Model.load, count: c.count, error: new sam2.LibtorchNotFoundError('x') instanceof sam2.Sam2Error }));
      });
    `;
    await writeFile(join(project, 'example.cjs'), example);
    const r = await run(process.execPath, ['example.cjs'], project);
    expectSuccess(r, 'the CommonJS example');
    expect(JSON.parse(r.stdout.trim().split('\n').pop() ?? '')).toEqual({ load: 'function', count: 2, error: true });
  }, TIMEOUT);

  it('fails with LibtorchNotFoundError, saying what to install, where LIBTORCH holds no libtorch', async () => {
    const example = `
      import { connectedComponents, LibtorchNotFoundError } from 'sam2-node';
      try {
        await connectedComponents(new Uint8Array(1), 1, 1);
      } catch (err) {
        console.log(JSON.stringify({ typed: err instanceof LibtorchNotFoundError, message: err.message }));
      }
    `;
    await writeFile(join(project, 'missing.mjs'), example);
    const nowhere = join(scratch, 'no-libtorch');
    const r = await run(process.execPath, ['missing.mjs'], project, { ...userEnv, LIBTORCH: nowhere });
    expectSuccess(r, 'the missing-libtorch example');
    const { typed, message } = JSON.parse(r.stdout) as { typed: boolean; message: string };
    expect(typed).toBe(true);
    expect(message).toContain(join(nowhere, 'lib'));
    expect(message).toMatch(/apt-get install libtorch1\.13|pip install torch/);
  }, TIMEOUT);

  // Last: the failed rebuild leaves the install without a usable build tree.
  it('falls back to building from source, saying so, where the prebuild cannot load', async () => {
    const env = { ...noCompilers, LIBTORCH: join(scratch, 'no-libtorch') };
    const r = await run('npm', ['rebuild', 'sam2-node', '--foreground-scripts'], project, env);
    const log = r.stdout + r.stderr;
    expect(log).toContain('the prebuilt addon does not load here');
    expect(log).toContain('building it from source');
    // The compiler shims stopped the build: it was attempted, and failed rather than passing silently.
    expect(r.code).not.toBe(0);
    expect(await readFile(compilerLog, 'utf8')).toMatch(/^cmake /m);
  }, TIMEOUT);
});
