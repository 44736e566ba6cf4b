/**
 * A configuration problem found at start-up (environment, command line or program file).
 *
 * The composition root prints `message` and exits with status 1, so the message is written for an
 * operator: it names the variable or file and the problem, and it never contains a secret value.
 * `problems` holds the individual findings for callers (and tests) that want them one by one.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly problems: readonly string[];

  constructor(message: string, problems: readonly string[] = [message]) {
    super(message);
    this.problems = Object.freeze([...problems]);
  }
}
