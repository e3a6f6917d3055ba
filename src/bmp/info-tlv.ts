// Information TLVs (RFC 7854 section 4.4): Initiation, Termination, Peer Up
// and (RFC 9069) Peer Down carry them.
import { report, type DecodeContext } from "./context.js";
import { TLV_HEADER_LENGTH } from "./wire.js";

export interface InfoTlv {
  type: number;
  /** A copy of the value octets. */
  value: Uint8Array;
}

const utf8 = new TextDecoder("utf-8", { fatal: false });

/** Information strings are UTF-8 (RFC 7854 section 4.4); bad sequences become U+FFFD. */
export function tlvText(tlv: InfoTlv): string {
  return utf8.decode(tlv.value);
}

/** TLVs from start to end; one that runs past end is reported and ends the list. */
export function decodeInfoTlvs(ctx: DecodeContext, start: number, end: number, where: string): InfoTlv[] {
  const { bytes, view } = ctx;
  const out: InfoTlv[] = [];
  let p = start;
  while (p < end) {
    if (end - p < TLV_HEADER_LENGTH) {
      report(ctx, "tlv_overrun", "ignored", p, `${end - p} octets left in the ${where}: too few for a TLV header`);
      break;
    }
    const type = view.getUint16(p);
    const length = view.getUint16(p + 2);
    const valueAt = p + TLV_HEADER_LENGTH;
    if (valueAt + length > end) {
      report(ctx, "tlv_overrun", "ignored", p, `${where} TLV type ${type} of ${length} octets runs ${valueAt + length - end} past the end`);
      break;
    }
    out.push({ type, value: bytes.slice(valueAt, valueAt + length) });
    p = valueAt + length;
  }
  return out;
}
