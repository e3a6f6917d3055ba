// One captured frame, as both capture formats give it.

export interface CapturePacket {
  /** LINKTYPE_* of the frame's interface: 1 Ethernet, 101 raw IP, 113 Linux cooked, 276 Linux cooked v2, ... */
  linkType: number;
  /** Capture time: whole seconds since the Unix epoch and nanoseconds within the second (exact; no float). */
  tsSec: number;
  tsNsec: number;
  /** The frame's length on the wire; `data` may be shorter (snap length). */
  originalLength: number;
  /** The captured octets: a view into the bytes given to the decoder, not a copy. */
  data: Uint8Array;
}
