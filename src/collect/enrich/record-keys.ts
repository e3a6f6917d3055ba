// The address a prefix lookup takes from a record: src_addr and dst_addr are
// held as 16 bytes already; next_hop and sampler_address as text, parsed once
// per distinct text (a bounded cache: exporters and next hops are few).
import type { FlowRecord } from "../../flow-record/index.js";
import { parseAddress } from "../../net/address.js";
import type { AddressKey } from "./enrich-spec.js";

export type AddressOf = (f: FlowRecord) => Uint8Array | undefined;

const MAX_CACHED = 4096;
const NOT_AN_ADDRESS = new Uint8Array(0);

function textAddresses(text: (f: FlowRecord) => string | undefined): AddressOf {
  const cache = new Map<string, Uint8Array>();
  return (f) => {
    const t = text(f);
    if (t === undefined || t === "") return undefined;
    let a = cache.get(t);
    if (a === undefined) {
      try {
        a = parseAddress(t);
      } catch {
        a = NOT_AN_ADDRESS;
      }
      if (cache.size >= MAX_CACHED) cache.clear();
      cache.set(t, a);
    }
    return a === NOT_AN_ADDRESS ? undefined : a;
  };
}

export function addressOf(key: AddressKey): AddressOf {
  switch (key) {
    case "src_addr":
      return (f) => f.src;
    case "dst_addr":
      return (f) => f.dst;
    case "next_hop":
      return textAddresses((f) => f.nextHop);
    case "sampler_address":
      return textAddresses((f) => f.samplerAddress);
  }
}
