// struct __sk_buff image for BPF_PROG_TEST_RUN's ctx_in. The kernel accepts
// only a few fields there (mark, priority, ingress_ifindex, ifindex, cb,
// tstamp, wire_len, gso_segs, gso_size, hwtstamp) and rejects anything else
// non-zero with EINVAL. Offsets from /usr/include/linux/bpf.h.
export const SKB_CTX_SIZE = 192;

export const SKB_OFF = {
  ifindex: 40,
  gsoSegs: 164,
  gsoSize: 176,
} as const;

export interface SkbCtxFields {
  /** 0 or 1: the loopback device; otherwise a device in this namespace (ENODEV if none). */
  ifindex?: number;
  /** shinfo->gso_segs: wire packets this skb stands for. */
  gsoSegs?: number;
  /** shinfo->gso_size: payload bytes per wire packet; non-zero marks the skb GSO. */
  gsoSize?: number;
}

export function skbCtx(f: SkbCtxFields = {}): Buffer {
  const ctx = Buffer.alloc(SKB_CTX_SIZE);
  ctx.writeUInt32LE(f.ifindex ?? 1, SKB_OFF.ifindex);
  ctx.writeUInt32LE(f.gsoSegs ?? 0, SKB_OFF.gsoSegs);
  ctx.writeUInt32LE(f.gsoSize ?? 0, SKB_OFF.gsoSize);
  return ctx;
}
