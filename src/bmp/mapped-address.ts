// The decoder gives addresses at their natural width (4 or 16 octets); the
// rest of rfm (src/net, the RIB) keys on the 16-octet form with IPv4 mapped
// into ::ffff:0:0/96. This is the one conversion between the two.

/** 4 octets become ::ffff:a.b.c.d; 16 octets are returned as they are. */
export function toMapped16(address: Uint8Array): Uint8Array {
  if (address.length !== 4) return address;
  const out = new Uint8Array(16);
  out[10] = 0xff;
  out[11] = 0xff;
  out.set(address, 12);
  return out;
}
