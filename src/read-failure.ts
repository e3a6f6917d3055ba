// Why a file could not be read, in the words the logs and errors use: the
// common errno codes named, anything else as the system's message.
const REASONS: Readonly<Record<string, string>> = {
  ENOENT: "no such file",
  EACCES: "permission denied",
  EISDIR: "is a directory",
  ENOTDIR: "a parent is not a directory",
};

export function readFailureReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  return (code !== undefined ? REASONS[code] : undefined) ?? (err as Error).message;
}
