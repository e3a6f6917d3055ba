// SPDX-License-Identifier: GPL-2.0-only
/*
 * Batched UDP receive for the flow collectors: a non-blocking socket polled
 * by libuv on the calling thread's loop (main thread or worker), drained with
 * recvmmsg into one batch of fixed slots, then ONE JavaScript call per batch.
 *
 * The batch is two ArrayBuffers made once and reused for every batch:
 *   bytes: maxDatagrams slots of batchBytes / maxDatagrams octets each;
 *   meta:  RFM_UDP_META_WORDS uint32 words per datagram (layout below).
 * JavaScript must read or copy what it keeps before onBatch returns: the
 * next batch overwrites both. Nothing is allocated per datagram.
 *
 * Every piece of state hangs off the handle (its env included), so the
 * addon can be loaded on several threads at once; an async cleanup hook
 * closes a handle its thread forgot when that thread's environment ends.
 * No policy: what a datagram means is decided in TypeScript.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/sock_diag.h>

#include <node_api.h>
#include <uv.h>

#include "rfm_native.h"

/*
 * Per-datagram metadata, uint32 words (src/net/udp-receiver.ts mirrors it):
 *   0 offset of the datagram in bytes   1 octets in the slot
 *   2 octets on the wire (> 1 when cut) 3 flags (bit 0: truncated, MSG_TRUNC)
 *   4..7 source address, 16 octets in network order, IPv4 mapped (::ffff:a.b.c.d)
 *   8 source port                       9 receive time, seconds (CLOCK_REALTIME)
 *  10 receive time, nanoseconds         11 source scope id (IPv6 link-local), else 0
 */
#define RFM_UDP_META_WORDS 12
#define M_OFFSET 0
#define M_LENGTH 1
#define M_WIRE_LENGTH 2
#define M_FLAGS 3
#define M_ADDRESS 4
#define M_PORT 8
#define M_SEC 9
#define M_NSEC 10
#define M_SCOPE 11
#define FLAG_TRUNCATED 1u

/* Room for SCM_TIMESTAMPNS (a timespec) and SO_RXQ_OVFL (a u32) per datagram. */
#define CTRL_BYTES 64
/* The kernel takes at most UIO_MAXIOV messages per recvmmsg call. */
#define MMSG_MAX 1024

#define DEFAULT_MAX_DATAGRAMS 256
#define DEFAULT_SLOT_BYTES 9216 /* a jumbo frame's payload and then some */

static const napi_type_tag UDP_TAG = { 0x72666d5f75647000ull, 0x6261746368656400ull };

struct rfm_udp {
	napi_env env;
	int fd;
	int family;
	uv_poll_t poll;
	napi_ref callback; /* (bytes: ArrayBuffer, meta: ArrayBuffer, count, errno) */
	napi_ref bytes_ref;
	napi_ref meta_ref;
	napi_ref self_ref; /* keeps the JS handle alive while open, as a bound dgram socket is */
	napi_async_context async_ctx;
	napi_async_cleanup_hook_handle cleanup; /* set while open */
	unsigned char *bytes; /* backing store of bytes_ref */
	uint32_t *meta;       /* backing store of meta_ref */
	size_t batch_bytes;
	uint32_t slot;
	uint32_t max;
	struct mmsghdr *msgs;
	struct iovec *iov;
	struct sockaddr_in6 *names; /* large enough for either family */
	unsigned char *ctrl;
	uint64_t datagrams, batches, truncated, errors;
	uint32_t rxq_drops; /* the SO_RXQ_OVFL count carried by the latest datagram */
	int closed;      /* udpClose ran (or the environment ended): no more callbacks */
	int poll_closed; /* libuv released the poll handle */
	int finalized;   /* the JS handle was collected (or never made) */
};

/* ---------- batch ---------- */

/* (Re)makes both ArrayBuffers: at open, or when JavaScript detached one (transferred it away). */
static int make_buffers(struct rfm_udp *u)
{
	napi_env env = u->env;
	napi_value bytes, meta;
	void *b, *m;
	if (napi_create_arraybuffer(env, u->batch_bytes, &b, &bytes) != napi_ok ||
	    napi_create_arraybuffer(env, (size_t)u->max * RFM_UDP_META_WORDS * 4, &m, &meta) != napi_ok)
		return -1;
	if (u->bytes_ref)
		napi_delete_reference(env, u->bytes_ref);
	if (u->meta_ref)
		napi_delete_reference(env, u->meta_ref);
	napi_create_reference(env, bytes, 1, &u->bytes_ref);
	napi_create_reference(env, meta, 1, &u->meta_ref);
	u->bytes = b;
	u->meta = m;
	return 0;
}

static int detached(napi_env env, napi_ref ref)
{
	napi_value v;
	bool is = false;
	napi_get_reference_value(env, ref, &v);
	napi_is_detached_arraybuffer(env, v, &is);
	return is;
}

/* Resets the message headers of slots [first, first + n) for a recvmmsg call. */
static void prepare(struct rfm_udp *u, uint32_t first, uint32_t n)
{
	for (uint32_t i = first; i < first + n; i++) {
		struct msghdr *h = &u->msgs[i].msg_hdr;
		u->iov[i].iov_base = u->bytes + (size_t)i * u->slot;
		u->iov[i].iov_len = u->slot;
		h->msg_name = &u->names[i];
		h->msg_namelen = sizeof(u->names[i]);
		h->msg_iov = &u->iov[i];
		h->msg_iovlen = 1;
		h->msg_control = u->ctrl + (size_t)i * CTRL_BYTES;
		h->msg_controllen = CTRL_BYTES;
		h->msg_flags = 0;
		u->msgs[i].msg_len = 0;
	}
}

/* Fills slot i's metadata from what recvmmsg left in its header. */
static void record(struct rfm_udp *u, uint32_t i, const struct timespec *now)
{
	struct mmsghdr *m = &u->msgs[i];
	uint32_t *w = u->meta + (size_t)i * RFM_UDP_META_WORDS;
	unsigned char *addr = (unsigned char *)(w + M_ADDRESS);
	uint32_t wire = m->msg_len; /* MSG_TRUNC in the flags: the datagram's whole length */
	uint32_t flags = 0;
	if (m->msg_hdr.msg_flags & MSG_TRUNC) {
		flags |= FLAG_TRUNCATED;
		u->truncated++;
	}
	w[M_OFFSET] = i * u->slot;
	w[M_LENGTH] = wire < u->slot ? wire : u->slot;
	w[M_WIRE_LENGTH] = wire;
	w[M_FLAGS] = flags;
	w[M_SCOPE] = 0;
	const struct sockaddr *sa = m->msg_hdr.msg_name;
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)sa;
		memcpy(addr, &s6->sin6_addr, 16);
		w[M_PORT] = ntohs(s6->sin6_port);
		w[M_SCOPE] = s6->sin6_scope_id;
	} else if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)sa;
		memset(addr, 0, 10);
		addr[10] = 0xff;
		addr[11] = 0xff;
		memcpy(addr + 12, &s4->sin_addr, 4);
		w[M_PORT] = ntohs(s4->sin_port);
	} else {
		memset(addr, 0, 16);
		w[M_PORT] = 0;
	}
	const struct timespec *ts = now;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&m->msg_hdr); c; c = CMSG_NXTHDR(&m->msg_hdr, c)) {
		if (c->cmsg_level != SOL_SOCKET)
			continue;
		if (c->cmsg_type == SCM_TIMESTAMPNS && c->cmsg_len >= CMSG_LEN(sizeof(struct timespec)))
			ts = (const struct timespec *)CMSG_DATA(c);
		else if (c->cmsg_type == SO_RXQ_OVFL && c->cmsg_len >= CMSG_LEN(sizeof(uint32_t)))
			memcpy(&u->rxq_drops, CMSG_DATA(c), sizeof(uint32_t));
	}
	struct timespec t;
	memcpy(&t, ts, sizeof(t)); /* CMSG_DATA need not be aligned for a timespec */
	w[M_SEC] = (uint32_t)t.tv_sec;
	w[M_NSEC] = (uint32_t)t.tv_nsec;
}

/*
 * recvmmsg until the socket has nothing more (EAGAIN) or the batch is full.
 * A call returning fewer than asked met EAGAIN (or an error, which the
 * kernel keeps for the next call), so it ends the batch without another
 * syscall; the poll is level-triggered and fires again for late arrivals.
 */
static uint32_t drain(struct rfm_udp *u, int *err)
{
	uint32_t count = 0;
	while (count < u->max) {
		uint32_t want = u->max - count;
		if (want > MMSG_MAX)
			want = MMSG_MAX;
		prepare(u, count, want);
		int n = recvmmsg(u->fd, u->msgs + count, want, MSG_DONTWAIT | MSG_TRUNC, NULL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK) {
				*err = errno;
				u->errors++;
			}
			break;
		}
		/* The fallback time, should a datagram come without its timestamp. */
		struct timespec now;
		clock_gettime(CLOCK_REALTIME, &now);
		for (int k = 0; k < n; k++)
			record(u, count + (uint32_t)k, &now);
		count += (uint32_t)n;
		if ((uint32_t)n < want)
			break;
	}
	u->datagrams += count;
	return count;
}

static void deliver(struct rfm_udp *u, uint32_t count, int err)
{
	napi_env env = u->env;
	napi_value cb, global, argv[4], result;
	napi_get_reference_value(env, u->callback, &cb);
	napi_get_reference_value(env, u->bytes_ref, &argv[0]);
	napi_get_reference_value(env, u->meta_ref, &argv[1]);
	argv[2] = rfm_u32(env, count);
	napi_create_int32(env, err, &argv[3]);
	napi_get_global(env, &global);
	if (count)
		u->batches++;
	/* make_callback runs microtasks after the call, as any I/O callback does. */
	if (napi_make_callback(env, u->async_ctx, global, cb, 4, argv, &result) == napi_pending_exception) {
		/*
		 * A throw in onBatch stays pending on the env (poisoning the next
		 * Node-API call) unless handed on: as 'uncaughtException', like a
		 * throw in a dgram 'message' listener.
		 */
		napi_value exc;
		if (napi_get_and_clear_last_exception(env, &exc) == napi_ok)
			napi_fatal_exception(env, exc);
	}
}

static void on_poll(uv_poll_t *h, int status, int events)
{
	(void)events;
	struct rfm_udp *u = h->data;
	if (u->closed)
		return;
	napi_env env = u->env;
	napi_handle_scope scope;
	napi_open_handle_scope(env, &scope);
	int err = 0;
	uint32_t count = 0;
	if (status < 0) {
		/* The poll itself failed: report once and stop, the owner closes. */
		err = -status;
		u->errors++;
		uv_poll_stop(&u->poll);
	} else if ((detached(env, u->bytes_ref) || detached(env, u->meta_ref)) && make_buffers(u)) {
		err = ENOMEM;
		u->errors++;
	} else {
		count = drain(u, &err);
	}
	if (count || err)
		deliver(u, count, err); /* may close the handle: nothing touches u after it */
	napi_close_handle_scope(env, scope);
}

/* ---------- lifetime ---------- */

/*
 * The struct lives until libuv is done with the poll handle and the JS
 * handle is gone (or, at the end of the environment, the cleanup hook ran).
 */
static void on_poll_closed(uv_handle_t *h)
{
	struct rfm_udp *u = h->data;
	napi_async_cleanup_hook_handle hook = u->cleanup;
	u->cleanup = NULL;
	u->poll_closed = 1;
	int finalized = u->finalized;
	if (finalized)
		free(u);
	/* Last: ending the hook may let the environment go, running the finalizer, which frees u. */
	if (hook)
		napi_remove_async_cleanup_hook(hook);
}

/* Stops polling, closes the socket (the port is free at once) and drops the JS references. */
static void udp_teardown(napi_env env, struct rfm_udp *u)
{
	if (u->closed)
		return;
	u->closed = 1;
	uv_poll_stop(&u->poll); /* takes the fd out of epoll before it is closed */
	close(u->fd);
	u->fd = -1;
	free(u->msgs);
	free(u->iov);
	free(u->names);
	free(u->ctrl);
	u->msgs = NULL;
	u->iov = NULL;
	u->names = NULL;
	u->ctrl = NULL;
	napi_delete_reference(env, u->callback);
	napi_delete_reference(env, u->bytes_ref);
	napi_delete_reference(env, u->meta_ref);
	if (u->self_ref)
		napi_delete_reference(env, u->self_ref);
	u->self_ref = NULL;
	napi_async_destroy(env, u->async_ctx);
	u->bytes = NULL;
	u->meta = NULL;
}

/* udpClose, the finalizer of a handle left open, and the end of the environment all end here. */
static void udp_close_now(napi_env env, struct rfm_udp *u, int from_hook)
{
	if (u->closed)
		return;
	if (!from_hook && u->cleanup) {
		napi_remove_async_cleanup_hook(u->cleanup);
		u->cleanup = NULL;
	}
	udp_teardown(env, u);
	uv_close((uv_handle_t *)&u->poll, on_poll_closed);
}

/* The thread's environment is ending with the socket open (a worker that never closed it). */
static void udp_env_cleanup(napi_async_cleanup_hook_handle handle, void *arg)
{
	(void)handle;
	struct rfm_udp *u = arg;
	udp_close_now(u->env, u, 1); /* on_poll_closed ends the hook */
}

static void udp_finalize(napi_env env, void *data, void *hint)
{
	(void)hint;
	struct rfm_udp *u = data;
	u->finalized = 1;
	if (!u->closed) {
		udp_close_now(env, u, 0);
		return;
	}
	if (u->poll_closed)
		free(u);
}

static struct rfm_udp *get_udp(napi_env env, napi_value v, int open_only)
{
	struct rfm_udp *u = NULL;
	napi_valuetype t;
	bool ours = false;
	if (napi_typeof(env, v, &t) != napi_ok || t != napi_external)
		return NULL;
	if (napi_check_object_type_tag(env, v, &UDP_TAG, &ours) != napi_ok || !ours)
		return NULL;
	napi_get_value_external(env, v, (void **)&u);
	return u && (!open_only || !u->closed) ? u : NULL;
}

/* ---------- options ---------- */

/* opts[key] as u32 within [min, max], `def` when absent; -1 when present and wrong. */
static int opt_u32(napi_env env, napi_value opts, const char *key, uint32_t def, uint32_t min, uint32_t max, uint32_t *out)
{
	napi_value v;
	napi_valuetype t;
	*out = def;
	if (napi_get_named_property(env, opts, key, &v) != napi_ok || napi_typeof(env, v, &t) != napi_ok)
		return -1;
	if (t == napi_undefined)
		return 0;
	return rfm_arg_u32(env, v, out) || *out < min || *out > max ? -1 : 0;
}

static int opt_bool(napi_env env, napi_value opts, const char *key, bool *out)
{
	napi_value v;
	napi_valuetype t;
	*out = false;
	if (napi_get_named_property(env, opts, key, &v) != napi_ok || napi_typeof(env, v, &t) != napi_ok)
		return -1;
	if (t == napi_undefined)
		return 0;
	return t == napi_boolean && napi_get_value_bool(env, v, out) == napi_ok ? 0 : -1;
}

/* IPv4 or IPv6 text (with an optional %scope for link-local) into a socket address. */
static int parse_host(const char *host, uint16_t port, struct sockaddr_in6 *out, socklen_t *len)
{
	memset(out, 0, sizeof(*out));
	struct sockaddr_in *s4 = (struct sockaddr_in *)out;
	if (inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		*len = sizeof(*s4);
		return 0;
	}
	char text[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
	if (strlen(host) >= sizeof(text))
		return -1;
	strcpy(text, host);
	char *scope = strchr(text, '%');
	if (scope) {
		*scope++ = 0;
		char *end;
		unsigned long id = strtoul(scope, &end, 10);
		out->sin6_scope_id = *scope && !*end ? (uint32_t)id : if_nametoindex(scope);
		if (!out->sin6_scope_id)
			return -1;
	}
	if (inet_pton(AF_INET6, text, &out->sin6_addr) != 1)
		return -1;
	out->sin6_family = AF_INET6;
	out->sin6_port = htons(port);
	*len = sizeof(*out);
	return 0;
}

static int set_int(int fd, int level, int name, int value)
{
	return setsockopt(fd, level, name, &value, sizeof(value)) < 0 ? errno : 0;
}

/* ---------- functions ---------- */

#define OPEN_USAGE                                                                                 \
	"udpOpen({ host?, port, reusePort?, receiveBufferBytes?, batchBytes?, maxDatagrams? }, onBatch): " \
	"host an IPv4/IPv6 address, port 0-65535, maxDatagrams 1-65536, batchBytes >= maxDatagrams"

/*
 * udpOpen(opts, onBatch) -> handle. host defaults to "::" (one IPv6 socket
 * with IPV6_V6ONLY off takes IPv4 too, as ::ffff:a.b.c.d), maxDatagrams to
 * 256, batchBytes to maxDatagrams * 9216; receiveBufferBytes 0 (absent)
 * keeps the kernel's default. onBatch(bytes, meta, count, errno).
 */
static napi_value udp_open(napi_env env, napi_callback_info info)
{
	size_t argc = 2;
	napi_value argv[2], ext, name, hv;
	napi_valuetype t = napi_undefined, cbt = napi_undefined, ht = napi_undefined;
	char host[INET6_ADDRSTRLEN + IF_NAMESIZE + 2] = "::";
	uint32_t port, rcvbuf, max, batch;
	bool reuse;
	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	if (argc >= 1)
		napi_typeof(env, argv[0], &t);
	if (argc >= 2)
		napi_typeof(env, argv[1], &cbt);
	if (t != napi_object || cbt != napi_function)
		return rfm_throw_type(env, OPEN_USAGE);
	napi_get_named_property(env, argv[0], "host", &hv);
	napi_typeof(env, hv, &ht);
	if ((ht != napi_undefined && rfm_arg_string(env, hv, host, sizeof(host))) ||
	    opt_u32(env, argv[0], "port", UINT32_MAX, 0, 65535, &port) || port == UINT32_MAX ||
	    opt_bool(env, argv[0], "reusePort", &reuse) ||
	    opt_u32(env, argv[0], "receiveBufferBytes", 0, 0, INT32_MAX / 2, &rcvbuf) ||
	    opt_u32(env, argv[0], "maxDatagrams", DEFAULT_MAX_DATAGRAMS, 1, 65536, &max) ||
	    opt_u32(env, argv[0], "batchBytes", max * DEFAULT_SLOT_BYTES, max, 1u << 30, &batch))
		return rfm_throw_type(env, OPEN_USAGE);
	struct sockaddr_in6 sa;
	socklen_t salen;
	if (parse_host(host, (uint16_t)port, &sa, &salen))
		return rfm_throw_type(env, "udpOpen: host must be an IPv4 or IPv6 address (fe80::1%eth0 for a scope)");

	int family = sa.sin6_family;
	char what[128];
	snprintf(what, sizeof(what), family == AF_INET6 ? "UDP socket [%s]:%u" : "UDP socket %s:%u", host, port);
	int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_UDP);
	if (fd < 0)
		return rfm_throw_errno(env, errno, "open UDP socket");
	int err = 0;
	const char *step = "";
	if (family == AF_INET6 && (IN6_IS_ADDR_UNSPECIFIED(&sa.sin6_addr) || IN6_IS_ADDR_V4MAPPED(&sa.sin6_addr)) &&
	    (err = set_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, 0)))
		step = "IPV6_V6ONLY off";
	else if (reuse && (err = set_int(fd, SOL_SOCKET, SO_REUSEPORT, 1)))
		step = "SO_REUSEPORT";
	/* FORCE passes net.core.rmem_max but needs CAP_NET_ADMIN; plain SO_RCVBUF is capped at it. */
	else if (rcvbuf && set_int(fd, SOL_SOCKET, SO_RCVBUFFORCE, (int)rcvbuf) &&
		 (err = set_int(fd, SOL_SOCKET, SO_RCVBUF, (int)rcvbuf)))
		step = "SO_RCVBUF";
	else if ((err = set_int(fd, SOL_SOCKET, SO_TIMESTAMPNS, 1)))
		step = "SO_TIMESTAMPNS";
	else if ((err = set_int(fd, SOL_SOCKET, SO_RXQ_OVFL, 1)))
		step = "SO_RXQ_OVFL";
	else if (bind(fd, (struct sockaddr *)&sa, salen) < 0)
		err = errno, step = "bind";
	if (err) {
		char msg[200];
		snprintf(msg, sizeof(msg), "%s %s", step, what);
		close(fd);
		return rfm_throw_errno(env, err, msg);
	}

	struct rfm_udp *u = calloc(1, sizeof(*u));
	if (u) {
		u->msgs = calloc(max, sizeof(*u->msgs));
		u->iov = calloc(max, sizeof(*u->iov));
		u->names = calloc(max, sizeof(*u->names));
		u->ctrl = calloc(max, CTRL_BYTES);
	}
	if (!u || !u->msgs || !u->iov || !u->names || !u->ctrl) {
		if (u) {
			free(u->msgs);
			free(u->iov);
			free(u->names);
			free(u->ctrl);
		}
		free(u);
		close(fd);
		return rfm_throw_errno(env, ENOMEM, "udpOpen");
	}
	u->env = env;
	u->fd = fd;
	u->family = family;
	u->max = max;
	u->slot = batch / max;
	u->batch_bytes = (size_t)u->slot * max;
	if (make_buffers(u)) {
		free(u->msgs);
		free(u->iov);
		free(u->names);
		free(u->ctrl);
		free(u);
		close(fd);
		bool pending = false;
		napi_is_exception_pending(env, &pending);
		return pending ? NULL : rfm_throw_errno(env, ENOMEM, "udpOpen: batch buffers");
	}
	napi_create_reference(env, argv[1], 1, &u->callback);
	napi_create_string_utf8(env, "rfm:udp", NAPI_AUTO_LENGTH, &name);
	napi_async_init(env, NULL, name, &u->async_ctx);

	uv_loop_t *loop;
	napi_get_uv_event_loop(env, &loop);
	u->poll.data = u;
	err = uv_poll_init(loop, &u->poll, fd);
	if (err) {
		/* Not on the loop's list: plain cleanup. */
		u->closed = 1;
		close(fd);
		napi_delete_reference(env, u->callback);
		napi_delete_reference(env, u->bytes_ref);
		napi_delete_reference(env, u->meta_ref);
		napi_async_destroy(env, u->async_ctx);
		free(u->msgs);
		free(u->iov);
		free(u->names);
		free(u->ctrl);
		free(u);
		return rfm_throw_errno(env, -err, "poll UDP socket");
	}
	err = uv_poll_start(&u->poll, UV_READABLE, on_poll);
	if (err) {
		/* An initialised handle is on the loop's list: only uv_close may let it go; no JS handle will exist. */
		u->finalized = 1;
		udp_close_now(env, u, 0);
		return rfm_throw_errno(env, -err, "poll UDP socket");
	}
	napi_create_external(env, u, udp_finalize, NULL, &ext);
	napi_type_tag_object(env, ext, &UDP_TAG);
	napi_create_reference(env, ext, 1, &u->self_ref);
	if (napi_add_async_cleanup_hook(env, udp_env_cleanup, u, &u->cleanup) != napi_ok)
		u->cleanup = NULL;
	return ext;
}

/* udpAddress(handle) -> { address, port, family }: what the socket is bound to (port 0 resolved). */
static napi_value udp_address(napi_env env, napi_callback_info info)
{
	size_t argc = 1;
	napi_value argv[1], o, v;
	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	struct rfm_udp *u = argc ? get_udp(env, argv[0], 1) : NULL;
	if (!u)
		return rfm_throw_type(env, "udpAddress: not an open UDP handle");
	struct sockaddr_in6 sa;
	socklen_t len = sizeof(sa);
	if (getsockname(u->fd, (struct sockaddr *)&sa, &len) < 0)
		return rfm_throw_errno(env, errno, "getsockname");
	char text[INET6_ADDRSTRLEN];
	uint16_t port;
	if (sa.sin6_family == AF_INET6) {
		inet_ntop(AF_INET6, &sa.sin6_addr, text, sizeof(text));
		port = ntohs(sa.sin6_port);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&sa;
		inet_ntop(AF_INET, &s4->sin_addr, text, sizeof(text));
		port = ntohs(s4->sin_port);
	}
	napi_create_object(env, &o);
	napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &v);
	napi_set_named_property(env, o, "address", v);
	napi_set_named_property(env, o, "port", rfm_u32(env, port));
	napi_create_string_utf8(env, sa.sin6_family == AF_INET6 ? "IPv6" : "IPv4", NAPI_AUTO_LENGTH, &v);
	napi_set_named_property(env, o, "family", v);
	napi_set_named_property(env, o, "slotBytes", rfm_u32(env, u->slot));
	napi_set_named_property(env, o, "maxDatagrams", rfm_u32(env, u->max));
	return o;
}

static void set_count(napi_env env, napi_value o, const char *key, uint64_t x)
{
	napi_value v;
	napi_create_double(env, (double)x, &v);
	napi_set_named_property(env, o, key, v);
}

/*
 * udpStats(handle) -> { datagrams, batches, truncated, errors, kernelDrops,
 * rxqOverflow, receiveBufferBytes, queuedBytes }. queuedBytes is what waits
 * in the receive queue now, as the kernel accounts it (SK_MEMINFO_RMEM_ALLOC). kernelDrops is the socket's drop count
 * now (SO_MEMINFO); rxqOverflow the same count as the latest datagram carried
 * it (SO_RXQ_OVFL), which lags drops until another datagram gets through.
 */
static napi_value udp_stats(napi_env env, napi_callback_info info)
{
	size_t argc = 1;
	napi_value argv[1], o;
	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	struct rfm_udp *u = argc ? get_udp(env, argv[0], 1) : NULL;
	if (!u)
		return rfm_throw_type(env, "udpStats: not an open UDP handle");
	uint32_t mem[SK_MEMINFO_VARS] = { 0 };
	socklen_t len = sizeof(mem);
	uint64_t drops = u->rxq_drops, rcvbuf = 0, queued = 0;
	if (getsockopt(u->fd, SOL_SOCKET, SO_MEMINFO, mem, &len) == 0 && len > SK_MEMINFO_DROPS * sizeof(uint32_t)) {
		if (mem[SK_MEMINFO_DROPS] > drops)
			drops = mem[SK_MEMINFO_DROPS];
		rcvbuf = mem[SK_MEMINFO_RCVBUF];
		queued = mem[SK_MEMINFO_RMEM_ALLOC];
	} else {
		int v = 0;
		socklen_t vl = sizeof(v);
		if (getsockopt(u->fd, SOL_SOCKET, SO_RCVBUF, &v, &vl) == 0)
			rcvbuf = (uint64_t)v;
	}
	napi_create_object(env, &o);
	set_count(env, o, "datagrams", u->datagrams);
	set_count(env, o, "batches", u->batches);
	set_count(env, o, "truncated", u->truncated);
	set_count(env, o, "errors", u->errors);
	set_count(env, o, "kernelDrops", drops);
	set_count(env, o, "rxqOverflow", u->rxq_drops);
	set_count(env, o, "receiveBufferBytes", rcvbuf);
	set_count(env, o, "queuedBytes", queued);
	return o;
}

/* udpClose(handle): the socket closes now (the port is free), the memory once libuv lets go. Idempotent. */
static napi_value udp_close(napi_env env, napi_callback_info info)
{
	size_t argc = 1;
	napi_value argv[1];
	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	struct rfm_udp *u = argc ? get_udp(env, argv[0], 0) : NULL;
	if (u)
		udp_close_now(env, u, 0);
	return rfm_undefined(env);
}

void rfm_register_udp(napi_env env, napi_value exports)
{
	RFM_EXPORT("udpOpen", udp_open);
	RFM_EXPORT("udpAddress", udp_address);
	RFM_EXPORT("udpStats", udp_stats);
	RFM_EXPORT("udpClose", udp_close);
	napi_value words;
	napi_create_uint32(env, RFM_UDP_META_WORDS, &words);
	napi_set_named_property(env, exports, "udpMetaWords", words);
}
