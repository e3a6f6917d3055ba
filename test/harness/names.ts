// Throwaway object names: `rfmt-<pid>-<n>`. The pid lets sweepStale() tell
// leftovers of crashed runs from objects of live parallel test processes.

export const PREFIX = "rfmt-";
/** IFNAMSIZ - 1: interface names longer than this are rejected by the kernel. */
export const MAX_NAME = 15;

let counter = 0;

/** A fresh name, unique in this process, usable for a namespace or an interface. */
export function uniqueName(pid: number = process.pid): string {
  const name = `${PREFIX}${pid}-${(counter++).toString(36)}`;
  if (name.length > MAX_NAME) throw new Error(`generated name ${name} exceeds ${MAX_NAME} characters`);
  return name;
}

/** The pid embedded in one of our names, or undefined for any other name. */
export function ownerPid(name: string): number | undefined {
  const m = /^rfmt-(\d+)-[0-9a-z]+$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
