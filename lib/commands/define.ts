import { parseFlags, type FlagTable, type ParsedFlags } from '../cli/args.js';
import type { Command } from './command.js';

const HELP_FLAG = { help: { type: 'boolean', short: 'h' } } as const;

/** What a command is made from: its texts, its flags (`-h, --help` is added) and its work on the parsed flags. */
export interface CommandSpec<O extends FlagTable> {
  summary: string;
  usage: string;
  flags: O;
  run(parsed: ParsedFlags<O>): Promise<number>;
}

/** A command that parses its flags strictly and answers `--help` with its usage before `run` sees them. */
export function defineCommand<O extends FlagTable>(spec: CommandSpec<O>): Command {
  return {
    summary: spec.summary,
    usage: spec.usage,
    async run(args) {
      const parsed = parseFlags(args, { ...spec.flags, ...HELP_FLAG });
      if (parsed.values.help) {
        process.stdout.write(spec.usage);
        return 0;
      }
      return spec.run(parsed as ParsedFlags<O>);
    },
  };
}
