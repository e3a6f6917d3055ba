// The RIB's bounds and what it counts when something does not fit. Nothing
// throws: an overflow is dropped or cut and counted.

export interface RibOptions {
  /** Routes kept across views and families (default 8,388,608). */
  maxRoutes?: number;
  /** (BMP peer, policy) views across sessions (default 1024). */
  maxViews?: number;
  /** How long an ended session's views outlive it once a newer session of the speaker is up (default 5 min). */
  staleViewMs?: number;
  /**
   * Peer distinguishers (unsigned 64-bit) whose routes label flows; default
   * [0n], the global instance. Routes of other distinguishers (VRFs) are held
   * and counted like any other but never looked up.
   */
  labelDistinguishers?: readonly bigint[];
  /** Wall clock in ms (tests inject one). */
  now?: () => number;
}

export const DEFAULT_MAX_ROUTES = 8_388_608;
export const DEFAULT_MAX_VIEWS = 1024;
export const DEFAULT_STALE_VIEW_MS = 5 * 60_000;
/** ASNs, communities and large communities kept per route. */
export const MAX_LIST = 32;

export interface RibCounters {
  /** Announcements of a new route refused at maxRoutes. */
  routesRejected: number;
  /** Announcements dropped because their view could not be created at maxViews. */
  viewsRejected: number;
  /** Announcements whose AS path was cut to 32 ASNs. */
  asPathsTruncated: number;
  /** Announcements whose communities were cut to 32. */
  communitiesTruncated: number;
  /** Announcements whose large communities were cut to 32. */
  largeCommunitiesTruncated: number;
  /** Announcements and withdrawals with a malformed prefix or peer address. */
  invalidInputs: number;
  /** Operations naming a session that is not open (never opened, ended, forgotten), or reopening one. */
  sessionErrors: number;
  /** Views of ended sessions withdrawn by the stale rule. */
  viewsExpired: number;
  /** Views of ended sessions withdrawn because a newer session finished re-announcing them (End-of-RIB). */
  viewsReplaced: number;
  /** Views of ended sessions withdrawn to make room at maxViews for a view of an open session. */
  viewsEvicted: number;
}

export function zeroCounters(): RibCounters {
  return {
    routesRejected: 0,
    viewsRejected: 0,
    asPathsTruncated: 0,
    communitiesTruncated: 0,
    largeCommunitiesTruncated: 0,
    invalidInputs: 0,
    sessionErrors: 0,
    viewsExpired: 0,
    viewsReplaced: 0,
    viewsEvicted: 0,
  };
}
