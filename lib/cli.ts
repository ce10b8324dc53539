import { downloadCommand } from './commands/download.js';
import { exportCommand } from './commands/export.js';
import { infoCommand } from './commands/info.js';
import { segmentCommand } from './commands/segment.js';
import { trackCommand } from './commands/track.js';
import { type Command, UsageError } from './commands/command.js';

const commands: Record<string, Command> = {
  segment: segmentCommand,
  track: trackCommand,
  download: downloadCommand,
  export: exportCommand,
  info: infoCommand,
};

const usage = `Usage: sam2-node <command> [options]

Commands:
${Object.entries(commands)
  .map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`)
  .join('\n')}

Run 'sam2-node <command> --help' for the command's options.
`;

/** Runs the CLI on `argv` (without node and the script); resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage);
    return 0;
  }
  if (name === undefined || !Object.hasOwn(commands, name)) {
    const problem = name === undefined ? 'a command is required' : `unknown command '${name}'`;
    process.stderr.write(`sam2-node: ${problem}\n\n${usage}`);
    return 2;
  }
  const command = commands[name];
  try {
    return await command.run(args);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`sam2-node ${name}: ${err.message}\n\n${command.usage}`);
      return 2;
    }
    process.stderr.write(`sam2-node ${name}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
