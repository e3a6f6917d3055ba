// Initiation and Termination (RFC 7854 sections 4.3 and 4.5): information
// TLVs about the monitored router and why it is closing the BMP session.
import { report, type DecodeContext } from "./context.js";
import { decodeInfoTlvs, tlvText } from "./info-tlv.js";
import type { Initiation, Termination } from "./messages.js";
import { InitiationTlv, TerminationTlv } from "./wire.js";

export function decodeInitiation(ctx: DecodeContext, start: number, end: number): Initiation {
  const info = decodeInfoTlvs(ctx, start, end, "Initiation");
  const out: Initiation = { type: "initiation", info, strings: [] };
  for (const tlv of info) {
    if (tlv.type === InitiationTlv.SysDescr) out.sysDescr = tlvText(tlv);
    else if (tlv.type === InitiationTlv.SysName) out.sysName = tlvText(tlv);
    else if (tlv.type === InitiationTlv.String) out.strings.push(tlvText(tlv));
  }
  return out;
}

export function decodeTermination(ctx: DecodeContext, start: number, end: number): Termination {
  const info = decodeInfoTlvs(ctx, start, end, "Termination");
  const out: Termination = { type: "termination", info, strings: [] };
  let at = start;
  for (const tlv of info) {
    if (tlv.type === TerminationTlv.String) out.strings.push(tlvText(tlv));
    else if (tlv.type === TerminationTlv.Reason) {
      if (tlv.value.length === 2) out.reason = (tlv.value[0] << 8) | tlv.value[1];
      else report(ctx, "bad_tlv_length", "ignored", at, `a termination reason of ${tlv.value.length} octets, not 2`);
    }
    at += 4 + tlv.value.length;
  }
  return out;
}
