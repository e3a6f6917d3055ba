// BMP sessions (one TCP connection from a monitoring speaker) and the rule
// that retires the views of one that ended: they keep serving until a newer
// session of the same speaker has stayed open for the stale period.
import type { View } from "./view.js";

export class Session {
  /** NaN while open. */
  endedAt = NaN;
  readonly views = new Set<View>();
  /** "address/distinguisher" of the peers reported up */
  readonly peersUp = new Set<string>();

  constructor(
    readonly id: number,
    /** Caller's identity of the monitoring router (its address, sysName...): what makes sessions successors. */
    readonly speaker: string,
    /** Opening order across sessions: higher is newer. */
    readonly seq: number,
    readonly openedAt: number,
  ) {}

  get open(): boolean {
    return this.endedAt !== this.endedAt;
  }
}

/**
 * Since when an ended session has had a newer session of its speaker open
 * without interruption (the earliest such start still open), or Infinity.
 */
export function replacedSince(ended: Session, sessions: Iterable<Session>): number {
  let since = Infinity;
  for (const s of sessions) {
    if (!s.open || s.speaker !== ended.speaker || s.seq <= ended.seq) continue;
    since = Math.min(since, Math.max(s.openedAt, ended.endedAt));
  }
  return since;
}
