/** A command-line mistake: reported with the command's usage and exit code 2. */
export class UsageError extends Error {}
