// SPDX-License-Identifier: GPL-2.0-only
/*
 * rtnetlink link events for the interface watcher: a non-blocking
 * NETLINK_ROUTE socket (optionally opened inside another network namespace)
 * polled by libuv. Raw messages are handed to JavaScript in batches; parsing
 * lives in TypeScript (src/netlink/).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <node_api.h>
#include <uv.h>

#include "rfm_native.h"

#define NL_BATCH (256 * 1024)

struct rfm_nl {
	napi_env env;
	int fd;
	uint32_t seq;
	uv_poll_t poll;
	napi_ref callback; /* (batch: Buffer | null, errno: number) */
	napi_async_context async_ctx;
	unsigned char *buf;
	int closed, poll_closed, finalized;
};

/* Runs fn inside the namespace at `path` on this thread, then returns home. */
static int in_netns(const char *path, int (*fn)(void *), void *arg)
{
	if (!path || !path[0])
		return fn(arg);
	int home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (home < 0)
		return -errno;
	int target = open(path, O_RDONLY | O_CLOEXEC);
	if (target < 0) {
		int err = -errno;
		close(home);
		return err;
	}
	int ret;
	if (setns(target, CLONE_NEWNET) < 0) {
		ret = -errno;
	} else {
		ret = fn(arg);
		if (setns(home, CLONE_NEWNET) < 0)
			abort(); /* never keep running in the wrong namespace */
	}
	close(target);
	close(home);
	return ret;
}

int rfm_in_netns(const char *path, int (*fn)(void *), void *arg)
{
	return in_netns(path, fn, arg);
}

static int open_socket(void *arg)
{
	(void)arg;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	int size = 4 << 20;
	/* A big buffer rides out bursts (50 veths at once); FORCE needs CAP_NET_ADMIN. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = RTMGRP_LINK };
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

static void deliver(struct rfm_nl *n, napi_value buf, int err)
{
	napi_env env = n->env;
	napi_value cb, global, argv[2], result;
	napi_get_reference_value(env, n->callback, &cb);
	napi_get_global(env, &global);
	argv[0] = buf;
	napi_create_int32(env, err, &argv[1]);
	napi_make_callback(env, n->async_ctx, global, cb, 2, argv, &result);
}

static void on_readable(uv_poll_t *h, int status, int events)
{
	(void)events;
	struct rfm_nl *n = h->data;
	if (n->closed)
		return;
	napi_handle_scope scope;
	napi_open_handle_scope(n->env, &scope);
	size_t used = 0;
	int err = status < 0 ? EIO : 0;
	while (!err && used + 65536 <= NL_BATCH) {
		ssize_t r = recv(n->fd, n->buf + used, NL_BATCH - used, MSG_DONTWAIT);
		if (r < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				err = errno; /* ENOBUFS: events lost, the caller resyncs with a dump */
			break;
		}
		if (r == 0)
			break;
		used += (size_t)r;
	}
	if (used) {
		napi_value buf;
		void *data;
		napi_create_buffer_copy(n->env, used, n->buf, &data, &buf);
		deliver(n, buf, 0);
	}
	if (err && !n->closed) {
		napi_value nul;
		napi_get_null(n->env, &nul);
		deliver(n, nul, err);
	}
	napi_close_handle_scope(n->env, scope);
}

static void on_closed(uv_handle_t *h)
{
	struct rfm_nl *n = h->data;
	n->poll_closed = 1;
	if (n->finalized)
		free(n);
}

static void nl_teardown(napi_env env, struct rfm_nl *n)
{
	if (n->closed)
		return;
	n->closed = 1;
	uv_poll_stop(&n->poll);
	close(n->fd);
	free(n->buf);
	n->buf = NULL;
	napi_delete_reference(env, n->callback);
	napi_async_destroy(env, n->async_ctx);
	uv_close((uv_handle_t *)&n->poll, on_closed);
}

static void nl_finalize(napi_env env, void *data, void *hint)
{
	(void)hint;
	struct rfm_nl *n = data;
	n->finalized = 1;
	if (!n->closed) {
		nl_teardown(env, n);
		return;
	}
	if (n->poll_closed)
		free(n);
}

static struct rfm_nl *get_nl(napi_env env, napi_value v)
{
	struct rfm_nl *n = NULL;
	napi_valuetype t;
	if (napi_typeof(env, v, &t) != napi_ok || t != napi_external)
		return NULL;
	napi_get_value_external(env, v, (void **)&n);
	return n && !n->closed ? n : NULL;
}

/* netlinkOpen(netnsPath: string, callback) -> handle; "" = this namespace. */
static napi_value nl_open(napi_env env, napi_callback_info info)
{
	size_t argc = 2;
	napi_value argv[2], ext, name;
	char path[4096];
	napi_valuetype t;
	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	if (argc < 2 || rfm_arg_string(env, argv[0], path, sizeof(path)) ||
	    napi_typeof(env, argv[1], &t) != napi_ok || t != napi_function)
		return rfm_throw_type(env, "netlinkOpen(netnsPath, callback)");
	int fd = in_netns(path, open_socket, NULL);
	if (fd < 0)
		return rfm_throw_errno(env, -fd, path[0] ? "open rtnetlink socket in namespace" : "open rtnetlink socket");
	struct rfm_nl *n = calloc(1, sizeof(*n));
	unsigned char *buf = malloc(NL_BATCH);
	if (!n || !buf) {
		free(n);
		free(buf);
		close(fd);
		return rfm_throw_errno(env, ENOMEM, "netlinkOpen");
	}
	n->env = env;
	n->fd = fd;
	n->buf = buf;
	napi_create_reference(env, argv[1], 1, &n->callback);
	napi_create_string_utf8(env, "rfm:netlink", NAPI_AUTO_LENGTH, &name);
	napi_async_init(env, NULL, name, &n->async_ctx);
	uv_loop_t *loop;
	napi_get_uv_event_loop(env, &loop);
	int err = uv_poll_init(loop, &n->poll, fd);
	n->poll.data = n;
	if (err) {
		napi_delete_reference(env, n->callback);
		napi_async_destroy(env, n->async_ctx);
		close(fd);
		free(buf);
		free(n);
		return rfm_throw_errno(env, -err, "poll rtnetlink socket");
	}
	err = uv_poll_start(&n->poll, UV_READABLE, on_readable);
	if (err) {
		/* An initialised handle is on the loop's list: nl_teardown closes it with uv_close, on_closed frees. */
		n->finalized = 1;
		nl_teardown(env, n);
		return rfm_throw_errno(env, -err, "poll rtnetlink socket");
	}
	napi_create_external(env, n, nl_finalize, NULL, &ext);
	return ext;
}

/* netlinkDumpLinks(handle) -> sequence number of the RTM_GETLINK dump request */
static napi_value nl_dump_links(napi_env env, napi_callback_info info)
{
	size_t argc = 1;
	napi_value argv[1];
	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	struct rfm_nl *n = argc ? get_nl(env, argv[0]) : NULL;
	if (!n)
		return rfm_throw_type(env, "netlinkDumpLinks: not an open socket");
	struct {
		struct nlmsghdr h;
		struct ifinfomsg i;
	} req;
	memset(&req, 0, sizeof(req));
	req.h.nlmsg_len = sizeof(req);
	req.h.nlmsg_type = RTM_GETLINK;
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.h.nlmsg_seq = ++n->seq;
	req.i.ifi_family = AF_UNSPEC;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	if (sendto(n->fd, &req, sizeof(req), 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return rfm_throw_errno(env, errno, "send RTM_GETLINK dump");
	return rfm_u32(env, n->seq);
}

static napi_value nl_close(napi_env env, napi_callback_info info)
{
	size_t argc = 1;
	napi_value argv[1];
	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	struct rfm_nl *n = argc ? get_nl(env, argv[0]) : NULL;
	if (n)
		nl_teardown(env, n);
	return rfm_undefined(env);
}

void rfm_register_netlink(napi_env env, napi_value exports)
{
	RFM_EXPORT("netlinkOpen", nl_open);
	RFM_EXPORT("netlinkDumpLinks", nl_dump_links);
	RFM_EXPORT("netlinkClose", nl_close);
}
