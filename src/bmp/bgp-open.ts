// The BGP OPEN messages of a Peer Up (RFC 4271 section 4.2) and the capabilities
// (RFC 5492) that decide how the session's UPDATEs are encoded: 4-octet AS
// numbers (RFC 6793), multiprotocol (RFC 4760), ADD-PATH (RFC 7911).
import { readBgpMessage } from "./bgp-message.js";
import { report, type DecodeContext } from "./context.js";
import {
  AddPathDirection,
  BgpMessageType,
  Capability,
  OPEN_CAPABILITIES_PARAMETER,
  OPEN_EXTENDED_PARAMETERS,
  OPEN_FIXED_LENGTH,
} from "./wire.js";

export interface Family {
  afi: number;
  safi: number;
}

export interface AddPathFamily extends Family {
  /** The speaker that sent this OPEN can send path IDs for the family. */
  send: boolean;
  /** The speaker that sent this OPEN can receive path IDs for the family. */
  receive: boolean;
}

export interface BgpOpen {
  version: number;
  /** The 2-octet My Autonomous System field (AS_TRANS for a speaker with a larger AS). */
  myAsn: number;
  holdTime: number;
  bgpId: number;
  /** The speaker's AS: the 4-octet capability's value when present, else myAsn. */
  asn: number;
  /** The OPEN carries the 4-octet AS number capability (65). */
  fourOctetAsn: boolean;
  /** Multiprotocol capabilities (1), in order. */
  multiprotocol: Family[];
  /** ADD-PATH capability entries (69), in order. */
  addPath: AddPathFamily[];
  /** Every capability code, in order (repeats kept). */
  capabilityCodes: number[];
}

/**
 * The OPEN message at start, which must end by limit. Returns its end and the
 * decoded OPEN, or (reported as bad_open) undefined when the message or its
 * optional parameters cannot be walked; undefined, unreported, for a bare
 * OPEN header (a speaker's placeholder). A single malformed capability is
 * skipped and reported as bad_capability.
 */
export function decodeOpen(ctx: DecodeContext, start: number, limit: number, which: string): { open?: BgpOpen; end: number } | undefined {
  const msg = readBgpMessage(ctx, start, limit, `${which} OPEN`, "ignored");
  if (!msg) return undefined;
  if (msg.type !== BgpMessageType.Open) {
    report(ctx, "unexpected_bgp_type", "ignored", start, `BGP message type ${msg.type} where the ${which} OPEN belongs`);
    return { end: msg.end };
  }
  return { open: decodeOpenBody(ctx, msg.bodyStart, msg.end, which), end: msg.end };
}

function decodeOpenBody(ctx: DecodeContext, start: number, end: number, which: string): BgpOpen | undefined {
  const { bytes, view } = ctx;
  // A bare OPEN header (19 octets, no body) is a speaker saying it did not keep that OPEN: FRR
  // sends one in a Peer Up when the session came up before its BMP module saw the message. Not
  // malformed input to count: the OPEN is absent, and the session's defaults apply.
  if (end === start) return undefined;
  if (end - start < OPEN_FIXED_LENGTH) {
    report(ctx, "bad_open", "ignored", start, `the ${which} OPEN has ${end - start} octets: its fixed fields need ${OPEN_FIXED_LENGTH}`);
    return undefined;
  }
  const myAsn = view.getUint16(start + 1);
  const open: BgpOpen = {
    version: bytes[start],
    myAsn,
    holdTime: view.getUint16(start + 3),
    bgpId: view.getUint32(start + 5),
    asn: myAsn,
    fourOctetAsn: false,
    multiprotocol: [],
    addPath: [],
    capabilityCodes: [],
  };
  let p = start + OPEN_FIXED_LENGTH;
  let paramsLength = bytes[start + 9];
  // RFC 9072: a 255 length followed by a 255 type announces 2-octet lengths.
  const extended = paramsLength === OPEN_EXTENDED_PARAMETERS && end - p >= 3 && bytes[p] === OPEN_EXTENDED_PARAMETERS;
  if (extended) {
    paramsLength = view.getUint16(p + 1);
    p += 3;
  }
  const paramsEnd = p + paramsLength;
  if (paramsEnd > end) {
    report(ctx, "bad_open", "ignored", start + 9, `the ${which} OPEN's optional parameters (${paramsLength} octets) run past the message`);
    return undefined;
  }
  const headerLength = extended ? 3 : 2;
  while (p < paramsEnd) {
    if (paramsEnd - p < headerLength) {
      report(ctx, "bad_open", "ignored", p, `a partial optional parameter header in the ${which} OPEN`);
      return undefined;
    }
    const type = bytes[p];
    const length = extended ? view.getUint16(p + 1) : bytes[p + 1];
    const valueAt = p + headerLength;
    if (valueAt + length > paramsEnd) {
      report(ctx, "bad_open", "ignored", p, `optional parameter ${type} of the ${which} OPEN runs past the parameters`);
      return undefined;
    }
    if (type === OPEN_CAPABILITIES_PARAMETER) decodeCapabilities(ctx, valueAt, valueAt + length, open, which);
    p = valueAt + length;
  }
  return open;
}

function decodeCapabilities(ctx: DecodeContext, start: number, end: number, open: BgpOpen, which: string): void {
  const { bytes, view } = ctx;
  let p = start;
  while (p < end) {
    if (end - p < 2) {
      report(ctx, "bad_capability", "ignored", p, `a partial capability header in the ${which} OPEN`);
      return;
    }
    const code = bytes[p];
    const length = bytes[p + 1];
    const v = p + 2;
    if (v + length > end) {
      report(ctx, "bad_capability", "ignored", p, `capability ${code} of the ${which} OPEN runs past its parameter`);
      return;
    }
    open.capabilityCodes.push(code);
    if (code === Capability.FourOctetAs) {
      if (length === 4) {
        open.fourOctetAsn = true;
        open.asn = view.getUint32(v);
      } else {
        report(ctx, "bad_capability", "ignored", p, `4-octet AS capability of ${length} octets in the ${which} OPEN`);
      }
    } else if (code === Capability.Multiprotocol) {
      if (length === 4) open.multiprotocol.push({ afi: view.getUint16(v), safi: bytes[v + 3] });
      else report(ctx, "bad_capability", "ignored", p, `multiprotocol capability of ${length} octets in the ${which} OPEN`);
    } else if (code === Capability.AddPath) {
      if (length % 4 !== 0) {
        report(ctx, "bad_capability", "ignored", p, `ADD-PATH capability of ${length} octets (not a multiple of 4) in the ${which} OPEN`);
      } else {
        for (let q = v; q < v + length; q += 4) {
          const direction = bytes[q + 3];
          if (direction < AddPathDirection.Receive || direction > AddPathDirection.Both) {
            report(ctx, "bad_capability", "ignored", q, `ADD-PATH send/receive value ${direction} in the ${which} OPEN`);
            continue;
          }
          open.addPath.push({
            afi: view.getUint16(q),
            safi: bytes[q + 2],
            send: (direction & AddPathDirection.Send) !== 0,
            receive: (direction & AddPathDirection.Receive) !== 0,
          });
        }
      }
    }
    p = v + length;
  }
}
