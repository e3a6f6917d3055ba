/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Layouts shared by the kernel programs (bpf/rfm_tc.c) and userspace
 * (src/bpf/layout.ts mirrors every offset here; test/bpf checks both agree).
 */
#ifndef RFM_COMMON_H
#define RFM_COMMON_H

#include <linux/types.h>

#define RFM_DIR_INGRESS 0
#define RFM_DIR_EGRESS 1

#define RFM_FAMILY_OTHER 0
#define RFM_FAMILY_IPV4 4
#define RFM_FAMILY_IPV6 6

/* Runtime settings, rewritten by userspace without a reload. */
struct rfm_config {
	__u32 sample_rate;  /* 1 in N IP packets emit an event; 0 disables events */
	__u32 wakeup_batch; /* events waiting in the ring that wake the consumer (as configured) */
	__u32 wakeup_shift; /* the same as a power of two of bytes: wake when a record crosses a multiple of it */
	__u32 _pad;
};

/* Key of the per-interface counter map. */
struct rfm_iface_key {
	__u32 ifindex;
	__u8 dir;
	__u8 family; /* RFM_FAMILY_* */
	__u8 netns;  /* namespace tag of the program instance (0: the agent's own) */
	__u8 _pad;
};

struct rfm_iface_value {
	__u64 packets; /* wire packets (GSO super-packets counted as their segments) */
	__u64 bytes;   /* wire bytes: Ethernet header and VLAN tags included, no FCS */
};

/* Per-CPU counters of one interface (ifindex = array index): [dir][other, IPv4, IPv6]. */
struct rfm_iface_slot {
	struct rfm_iface_value v[2][3];
};

/* Per-CPU scratch and error counters, one slot (key 0). */
struct rfm_cpu_state {
	__u64 ring_drops;     /* ring buffer reserve failures */
	__u64 submits;        /* events submitted */
	__u64 iface_errors;   /* counter map full: an interface key could not be added */
	__u64 gso_hdr_errors; /* GSO/GRO packets whose headers did not parse */
	__u32 countdown;      /* packets left until the next sample */
	__u32 countdown_rate; /* the rate the countdown was drawn for */
	__u64 clock_jiffies;  /* tick clock: the jiffy clock_ns was read in */
	__u64 clock_ns;       /* tick clock: CLOCK_BOOTTIME read at the first event of that jiffy */
};

/* One sampled packet: 64 bytes, host byte order except addresses. */
struct rfm_flow_event {
	__u64 tstamp;     /* CLOCK_BOOTTIME ns */
	__u32 ifindex;
	__u8 dir;
	__u8 proto;       /* IP protocol / final IPv6 next header */
	__u16 segs;       /* wire packets this skb stands for (GSO) */
	__u8 src_addr[16]; /* IPv4 as ::ffff:a.b.c.d */
	__u8 dst_addr[16];
	__u16 src_port;
	__u16 dst_port;   /* for ICMP/ICMPv6: type * 256 + code */
	__u32 len;        /* wire bytes of all segs, L2 included */
	__u8 l2_len;      /* Ethernet + VLAN tag bytes per wire packet */
	__u8 family;      /* RFM_FAMILY_IPV4 or RFM_FAMILY_IPV6 */
	__u16 flags;      /* RFM_EV_* */
	__u32 sample_rate; /* the N this packet was sampled at */
};

#define RFM_EV_FRAGMENT 0x1  /* a non-initial fragment: ports are 0 */
#define RFM_EV_TRUNCATED 0x2 /* transport header cut short: ports are 0 */
/* The high byte of flags holds the namespace tag (0: the agent's own namespace). */
#define RFM_EV_NETNS_SHIFT 8

#endif
