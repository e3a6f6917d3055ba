// SPDX-License-Identifier: GPL-2.0-only
/*
 * rfm datapath: observe-only TC/TCX programs.
 *
 * Every packet updates a per-CPU interface counter; 1 in N IP packets is
 * described in a fixed-size event on a ring buffer. The programs never change
 * or drop a packet and always hand it on (TCX_NEXT / TC_ACT_UNSPEC), so the
 * rest of the chain still runs.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "rfm_common.h"

/* TC_ACT_UNSPEC, named TCX_NEXT for TCX links: continue with the next program. */
#define RFM_NEXT (-1)

#define ETH_P_8021Q_ 0x8100
#define ETH_P_8021AD_ 0x88A8
#define RFM_MAX_VLAN 2
#define RFM_IPV6_EXTHDRS 6

#define IPPROTO_HOPOPTS_ 0
#define IPPROTO_ROUTING_ 43
#define IPPROTO_FRAGMENT_ 44
#define IPPROTO_AH_ 51
#define IPPROTO_DSTOPTS_ 60
#define IPPROTO_ICMPV6_ 58
#define IPPROTO_SCTP_ 132

char LICENSE[] SEC("license") = "GPL";

/*
 * Which network namespace this instance of the programs serves. ifindexes
 * repeat across namespaces, so userspace loads one instance per namespace
 * (sharing every map) with its own tag in .rodata: the verifier sees a
 * constant, and the agent's own namespace (tag 0) pays nothing for it.
 */
volatile const __u8 rfm_netns_tag = 0;

/*
 * Event timestamps: CLOCK_BOOTTIME per event (1, "precise"), or read once per
 * kernel tick and CPU (0, "tick": 1/HZ resolution, ~40 ns less per event).
 */
volatile const __u8 rfm_precise_clock = 0;

/* Bytes one event takes in the ring: the record and its 8-byte header. */
#define RFM_RB_RECORD (sizeof(struct rfm_flow_event) + 8)

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct rfm_config);
} rfm_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 4096); /* resized at load from agent.bpf.iface_stats_size */
	__type(key, struct rfm_iface_key);
	__type(value, struct rfm_iface_value);
} rfm_iface_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct rfm_cpu_state);
} rfm_cpu SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024); /* resized at load from agent.bpf.ring_buf_size */
} rfm_events SEC(".maps");

/*
 * Counters of interfaces whose ifindex is below max_entries, found by index:
 * a per-CPU array slot costs a few ns where a hash lookup costs ~26. Larger
 * ifindexes (after much link churn) use rfm_iface_stats.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct rfm_iface_slot);
} rfm_iface_slots SEC(".maps");

struct vlan_tag {
	__be16 tci;
	__be16 encap_proto;
};

/* Where the headers are, found once and shared by counting and sampling. */
struct parsed {
	void *data;      /* linear data; read from the ctx once, in parse_l2 */
	void *data_end;
	__u32 l3_off;    /* offset of the IP header in the frame */
	__u16 eth_proto; /* innermost ethertype, host order */
	__u8 family;
	__u8 l2_len;     /* Ethernet + in-frame VLAN tags */
};

static __always_inline void parse_l2(struct __sk_buff *skb, struct parsed *p)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	__u32 off = sizeof(*eth);

	p->data = data;
	p->data_end = data_end;
	p->family = RFM_FAMILY_OTHER;
	p->eth_proto = 0;
	p->l2_len = 0;
	p->l3_off = 0;
	if ((void *)(eth + 1) > data_end)
		return; /* runt: counted as other */

	__u16 proto = bpf_ntohs(eth->h_proto);
#pragma unroll
	for (int i = 0; i < RFM_MAX_VLAN; i++) {
		if (proto != ETH_P_8021Q_ && proto != ETH_P_8021AD_)
			break;
		struct vlan_tag *tag = data + off;
		if ((void *)(tag + 1) > data_end)
			return; /* truncated tag: other */
		proto = bpf_ntohs(tag->encap_proto);
		off += sizeof(*tag);
	}
	p->eth_proto = proto;
	p->l2_len = off;
	p->l3_off = off;
	if (proto == ETH_P_IP)
		p->family = RFM_FAMILY_IPV4;
	else if (proto == ETH_P_IPV6)
		p->family = RFM_FAMILY_IPV6;
}

/* L3/L4 facts needed for events and for GSO header accounting. */
struct l34 {
	__u8 proto;
	__u8 truncated;
	__u8 fragment;   /* non-initial fragment */
	__u8 _pad;
	__u16 sport;
	__u16 dport;
	__u32 l4_off;    /* from the start of the frame */
	__u32 hdr_len;   /* L2 + L3 + L4 header bytes (qdisc_pkt_len_init's hdr_len) */
};

/* Bound on header offsets, so the verifier can range-check packet pointers. */
#define RFM_MAX_HDR_OFF 1024

/* A direct read ran past the linear data: parse again with bpf_skb_load_bytes. */
#define RFM_NOT_LINEAR (-2)

/*
 * Copies len header bytes at off. They are in the linear data almost always,
 * and a direct read there (`direct`) costs far less than bpf_skb_load_bytes,
 * which remains the way into a non-linear skb and finds the packet's real
 * end. The two are never mixed within one parse: a per-read fallback doubles
 * the verifier's paths at every read (0.3 s and 300k instructions to load).
 */
static __always_inline int load_hdr(struct __sk_buff *skb, const struct parsed *p, __u32 off,
				    void *to, const __u32 len, const int direct)
{
	if (!direct)
		return bpf_skb_load_bytes(skb, off, to, len) < 0 ? -1 : 0;
	if (off <= RFM_MAX_HDR_OFF && p->data + off + len <= p->data_end) {
		__builtin_memcpy(to, p->data + off, len);
		return 0;
	}
	return RFM_NOT_LINEAR;
}

/*
 * Returns 0 when the IP header itself is readable (ports may still be cut),
 * -1 when it is not, RFM_NOT_LINEAR when a direct read left the linear data.
 */
static __always_inline int parse_l34_mode(struct __sk_buff *skb, const struct parsed *p,
					  struct l34 *r, __u8 *src, __u8 *dst, const int direct)
{
	int e;
	__u32 off = p->l3_off;
	__u8 proto;

	r->truncated = 0;
	r->fragment = 0;
	r->sport = 0;
	r->dport = 0;
	if (p->family == RFM_FAMILY_IPV4) {
		struct iphdr ip;
		e = load_hdr(skb, p, off, &ip, sizeof(ip), direct);
		if (e < 0)
			return e;
		__u32 ihl = (*(__u8 *)&ip & 0x0f) << 2;
		if (ihl < sizeof(ip))
			return -1;
		__builtin_memset(src, 0, 10);
		src[10] = 0xff;
		src[11] = 0xff;
		__builtin_memcpy(src + 12, &ip.saddr, 4);
		__builtin_memset(dst, 0, 10);
		dst[10] = 0xff;
		dst[11] = 0xff;
		__builtin_memcpy(dst + 12, &ip.daddr, 4);
		proto = ip.protocol;
		if (bpf_ntohs(ip.frag_off) & 0x1fff)
			r->fragment = 1;
		off += ihl;
	} else {
		struct ipv6hdr ip6;
		e = load_hdr(skb, p, off, &ip6, sizeof(ip6), direct);
		if (e < 0)
			return e;
		__builtin_memcpy(src, &ip6.saddr, 16);
		__builtin_memcpy(dst, &ip6.daddr, 16);
		proto = ip6.nexthdr;
		off += sizeof(ip6);
#pragma unroll
		for (int i = 0; i < RFM_IPV6_EXTHDRS; i++) {
			if (proto != IPPROTO_HOPOPTS_ && proto != IPPROTO_ROUTING_ &&
			    proto != IPPROTO_FRAGMENT_ && proto != IPPROTO_AH_ &&
			    proto != IPPROTO_DSTOPTS_)
				break;
			/*
			 * Extension headers are rare; walking them with direct reads
			 * multiplies the verifier's states by each header's variable
			 * length, so they always take the load_bytes parse.
			 */
			if (direct)
				return RFM_NOT_LINEAR;
			__u8 h[4];
			e = load_hdr(skb, p, off, h, sizeof(h), direct);
			if (e == RFM_NOT_LINEAR)
				return e;
			if (e < 0) {
				r->truncated = 1;
				break;
			}
			if (proto == IPPROTO_FRAGMENT_) {
				off += 8;
				if (h[2] || (h[3] & 0xf8)) {
					/* Later fragment: what follows is mid-payload, not headers. */
					r->fragment = 1;
					proto = h[0];
					break;
				}
			} else if (proto == IPPROTO_AH_) {
				off += ((__u32)h[1] + 2) << 2;
			} else {
				off += ((__u32)h[1] + 1) << 3;
			}
			proto = h[0];
		}
	}
	r->proto = proto;
	r->l4_off = off;
	r->hdr_len = off;
	if (r->fragment || r->truncated)
		return 0;

	if (proto == IPPROTO_TCP || proto == IPPROTO_UDP || proto == IPPROTO_SCTP_) {
		__u16 ports[2];
		e = load_hdr(skb, p, off, ports, sizeof(ports), direct);
		if (e == RFM_NOT_LINEAR)
			return e;
		if (e < 0) {
			r->truncated = 1;
			return 0;
		}
		r->sport = bpf_ntohs(ports[0]);
		r->dport = bpf_ntohs(ports[1]);
		if (proto == IPPROTO_TCP) {
			__u8 doff;
			e = load_hdr(skb, p, off + 12, &doff, 1, direct);
			if (e == RFM_NOT_LINEAR)
				return e;
			if (e == 0)
				r->hdr_len = off + ((doff >> 4) << 2);
		} else if (proto == IPPROTO_UDP) {
			r->hdr_len = off + 8;
		}
	} else if (proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6_) {
		__u8 tc[2];
		e = load_hdr(skb, p, off, tc, sizeof(tc), direct);
		if (e == RFM_NOT_LINEAR)
			return e;
		if (e < 0) {
			r->truncated = 1;
			return 0;
		}
		r->dport = ((__u16)tc[0] << 8) | tc[1];
	}
	return 0;
}

/* Direct reads first; bpf_skb_load_bytes from the start when the headers are not all linear. */
static __always_inline int parse_l34(struct __sk_buff *skb, const struct parsed *p,
				     struct l34 *r, __u8 *src, __u8 *dst)
{
	int ret = parse_l34_mode(skb, p, r, src, dst, 1);

	if (ret == RFM_NOT_LINEAR)
		ret = parse_l34_mode(skb, p, r, src, dst, 0);
	return ret;
}

static __always_inline void count_iface(struct __sk_buff *skb, __u8 dir, __u8 family,
					__u64 packets, __u64 bytes, struct rfm_cpu_state *cpu)
{
	__u32 ifindex = skb->ifindex;
	/* Slots are indexed by ifindex alone: only the agent's own namespace uses them. */
	struct rfm_iface_slot *slot = rfm_netns_tag ? NULL : bpf_map_lookup_elem(&rfm_iface_slots, &ifindex);

	if (slot) {
		__u32 fi = family == RFM_FAMILY_IPV4 ? 1 : family == RFM_FAMILY_IPV6 ? 2 : 0;
		struct rfm_iface_value *sv = &slot->v[dir & 1][fi];

		sv->packets += packets;
		sv->bytes += bytes;
		return;
	}
	struct rfm_iface_key key = { .ifindex = ifindex, .dir = dir, .family = family, .netns = rfm_netns_tag };
	struct rfm_iface_value *v = bpf_map_lookup_elem(&rfm_iface_stats, &key);

	if (v) {
		/* Per-CPU value: no other writer, a plain add is exact. */
		v->packets += packets;
		v->bytes += bytes;
		return;
	}
	struct rfm_iface_value init = { .packets = packets, .bytes = bytes };
	if (bpf_map_update_elem(&rfm_iface_stats, &key, &init, BPF_NOEXIST) < 0) {
		/* Lost a race with another CPU creating it: retry the lookup once. */
		v = bpf_map_lookup_elem(&rfm_iface_stats, &key);
		if (v) {
			v->packets += packets;
			v->bytes += bytes;
		} else if (cpu) {
			cpu->iface_errors++;
		}
	}
}

/*
 * Sampling decision: a per-CPU countdown drawn uniformly from [1, 2N-1]
 * (mean N) is cheaper than a random number per packet and, being random,
 * cannot alias with periodic traffic.
 */
static __always_inline __u32 draw_countdown(__u32 rate)
{
	/* 2N - 1 wraps above 2^31: such rates draw from the whole 32-bit range. */
	__u32 span = rate > 0x80000000u ? 0xffffffffu : 2 * rate - 1;

	return 1 + bpf_get_prandom_u32() % span;
}

static __always_inline int sample_now(struct rfm_cpu_state *cpu, __u32 rate)
{
	if (rate <= 1)
		return rate == 1;
	if (cpu->countdown_rate != rate || cpu->countdown == 0) {
		cpu->countdown_rate = rate;
		cpu->countdown = draw_countdown(rate);
	}
	if (--cpu->countdown)
		return 0;
	cpu->countdown = draw_countdown(rate);
	return 1;
}

static __always_inline __u64 event_time(struct rfm_cpu_state *cpu)
{
	if (rfm_precise_clock)
		return bpf_ktime_get_boot_ns();
	__u64 j = bpf_jiffies64();

	if (j != cpu->clock_jiffies) {
		cpu->clock_jiffies = j;
		cpu->clock_ns = bpf_ktime_get_boot_ns();
	}
	return cpu->clock_ns;
}

/*
 * Wake the consumer when this record makes the waiting data cross a multiple
 * of 2^shift bytes: once per batch whatever the number of CPUs, and a wakeup
 * lost to a race between CPUs is made up at the next multiple. Below the
 * first multiple nothing wakes it: the agent also reads every 100 ms.
 */
static __always_inline __u64 wakeup_flags(__u32 shift)
{
	__u64 waiting = bpf_ringbuf_query(&rfm_events, BPF_RB_AVAIL_DATA);

	shift &= 63;
	if (waiting >= RFM_RB_RECORD && (waiting >> shift) != ((waiting - RFM_RB_RECORD) >> shift))
		return BPF_RB_FORCE_WAKEUP;
	return BPF_RB_NO_WAKEUP;
}

static __always_inline int rfm_tc(struct __sk_buff *skb, __u8 dir)
{
	__u32 zero = 0;
	struct parsed p;
	struct rfm_cpu_state *cpu = bpf_map_lookup_elem(&rfm_cpu, &zero);
	/* ctx fields read once: the verifier rejects a ctx pointer the compiler offsets. */
	__u64 len = skb->len;
	__u32 gso_size = skb->gso_size;
	__u32 gso_segs = skb->gso_segs;
	__u32 vlan_present = skb->vlan_present;
	__u64 segs = 1;
	__u32 l2_len;

	parse_l2(skb, &p);
	l2_len = p.l2_len;

	struct l34 r;
	__u8 src[16], dst[16];
	int have_l34 = 0;

	/* GSO/GRO: one skb stands for several wire packets, each with headers. */
	if (gso_size && p.family != RFM_FAMILY_OTHER) {
		if (parse_l34(skb, &p, &r, src, dst) == 0 && !r.truncated) {
			have_l34 = 1;
			segs = gso_segs;
			if (segs == 0 && len > r.hdr_len)
				segs = (len - r.hdr_len + gso_size - 1) / gso_size;
			if (segs == 0)
				segs = 1;
			len += (segs - 1) * r.hdr_len;
		} else {
			have_l34 = -1;
			if (cpu)
				cpu->gso_hdr_errors++;
		}
	}
	/* A VLAN tag held in the skb (hw accel) is on the wire too. */
	if (vlan_present) {
		l2_len += 4;
		len += segs * 4;
	}

	count_iface(skb, dir, p.family, segs, len, cpu);

	if (p.family == RFM_FAMILY_OTHER || !cpu)
		return RFM_NEXT;
	struct rfm_config *cfg = bpf_map_lookup_elem(&rfm_config, &zero);
	if (!cfg || !sample_now(cpu, cfg->sample_rate))
		return RFM_NEXT;

	if (!have_l34 && parse_l34(skb, &p, &r, src, dst) < 0)
		return RFM_NEXT;
	if (have_l34 < 0)
		return RFM_NEXT;

	struct rfm_flow_event *ev = bpf_ringbuf_reserve(&rfm_events, sizeof(*ev), 0);
	if (!ev) {
		cpu->ring_drops++;
		return RFM_NEXT;
	}
	ev->tstamp = event_time(cpu);
	ev->ifindex = skb->ifindex;
	ev->dir = dir;
	ev->proto = r.proto;
	ev->segs = segs > 0xffff ? 0xffff : segs;
	__builtin_memcpy(ev->src_addr, src, 16);
	__builtin_memcpy(ev->dst_addr, dst, 16);
	ev->src_port = r.sport;
	ev->dst_port = r.dport;
	ev->len = len > 0xffffffff ? 0xffffffff : len;
	ev->l2_len = l2_len;
	ev->family = p.family;
	ev->flags = (r.fragment ? RFM_EV_FRAGMENT : 0) | (r.truncated ? RFM_EV_TRUNCATED : 0) |
		    ((__u16)rfm_netns_tag << RFM_EV_NETNS_SHIFT);
	ev->sample_rate = cfg->sample_rate;

	cpu->submits++;
	bpf_ringbuf_submit(ev, wakeup_flags(cfg->wakeup_shift));
	return RFM_NEXT;
}

SEC("tc")
int rfm_tc_ingress(struct __sk_buff *skb)
{
	return rfm_tc(skb, RFM_DIR_INGRESS);
}

SEC("tc")
int rfm_tc_egress(struct __sk_buff *skb)
{
	return rfm_tc(skb, RFM_DIR_EGRESS);
}
