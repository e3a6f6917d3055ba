// What an announcement carries, and what the control plane gets back.

/** One route as the BMP glue hands it over. Arrays are only read during the call. */
export interface Route {
  /** ADD-PATH path identifier; 0 without ADD-PATH. A view serves its lowest path id. */
  pathId?: number;
  /** Origin ASN: the last AS of the path; 0 when it ends in an AS_SET or is unknown. */
  origin: number;
  /** AS_PATH, neighbour first; the first 32 ASNs are kept. */
  asPath: ArrayLike<number>;
  /** COMMUNITIES as 32-bit values; the first 32 are kept. */
  communities?: ArrayLike<number>;
  /** LARGE_COMMUNITY as flattened (global, local1, local2) triples; the first 32 are kept. */
  largeCommunities?: ArrayLike<number>;
  peerAs: number;
  /** 16 bytes; defaults to the view's peer address. */
  peerAddress?: Uint8Array;
}

/** An interned attribute set, materialised (allocates: control plane only). */
export interface RouteAttributes {
  origin: number;
  /** Origin 0: AS_SET or no origin known. */
  originUnknown: boolean;
  asPath: number[];
  communities: number[];
  largeCommunities: [number, number, number][];
  /** Some list was longer than the 32 entries kept. */
  truncated: boolean;
  peerAddress: string;
  peerAs: number;
}

export interface ViewDescription {
  session: number;
  speaker: string;
  peerAddress: string;
  distinguisher: bigint;
  postPolicy: boolean;
  routes: number;
  /** Its BMP session has ended: the routes stay until a newer session replaces or expires them. */
  stale: boolean;
}

/** The best route covering an address, for `rfm rib` and tests. */
export interface RouteDetail extends RouteAttributes {
  prefix: string;
  pathId: number;
  view: ViewDescription;
}
