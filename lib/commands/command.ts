/** A CLI subcommand. */
export interface Command {
  /** One line for the command list. */
  summary: string;
  /** The command's help text. */
  usage: string;
  /** Runs the command on its arguments (after the command name); resolves to the exit code. */
  run(args: string[]): Promise<number>;
}

/** Bad command-line arguments: the CLI prints the message and the usage, and exits with code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
