// `npm run demo` (after `node scripts/setup.mjs`): the CLI end to end, as a user runs it, on the small
// random-weight test model that set-up exports. Segments a fixture image, tracks two objects through the
// fixture frames, and says where the pictures are.
import { rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from './lib/native-build.mjs';
import { log, run } from './lib/run.mjs';
import { PARITY_DIR, TEST_MODEL_DIR } from './lib/test-model.mjs';

const OUT = join(ROOT, 'demo-output');
const cli = (...args) => run(process.execPath, [join(ROOT, 'bin', 'sam2-node.js'), ...args], { cwd: ROOT });
const show = (path) => relative(process.cwd(), path) || '.';

try {
  rmSync(OUT, { recursive: true, force: true });

  log('sam2-node segment: a positive click, a negative click and a box on a 640x400 image');
  cli('segment', join(PARITY_DIR, 'images', 'wide.png'), '--model', TEST_MODEL_DIR,
    '--point', '448,282', '--point', '30.5,380:0', '--box', '326,214,570,350', '--out', join(OUT, 'segment', 'wide-mask.png'));

  log('sam2-node track: two objects (a click, a box) through 8 frames');
  cli('track', join(PARITY_DIR, 'video', 'frames'), '--model', TEST_MODEL_DIR,
    '--object', '1:150,170', '--box', '2:279,235,405,361', '--overlay', '--out', join(OUT, 'track'));

  process.stdout.write(`
Pictures to look at:
  ${show(join(OUT, 'segment', 'wide-mask.overlay.png'))}   the mask over the image, clicks and box drawn
  ${show(join(OUT, 'segment', 'wide-mask.png'))}           the mask (white = object)
  ${show(join(OUT, 'track', 'overlay'))}/                  each frame with both objects tinted
  ${show(join(OUT, 'track', 'masks'))}/<ID>/               each object's mask per frame

This ran the small test model that set-up exports from the parity fixtures: its weights are random, so the masks
are meaningless speckle that only shows the pipeline works. For real masks, get an official SAM 2.1 model:

  npx sam2-node download tiny          # 149 MiB checkpoint -> models/sam2.1_hiera_tiny (needs Python with PyTorch)
  npx sam2-node segment photo.jpg --model models/sam2.1_hiera_tiny --point X,Y
`);
} catch (err) {
  process.stderr.write(`sam2-node demo: ${err.message}\n`);
  process.exit(1);
}
