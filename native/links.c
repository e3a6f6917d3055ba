// SPDX-License-Identifier: GPL-2.0-only
/*
 * Attaching programs to interfaces: TCX links (raw bpf(2): libbpf 1.1 predates
 * TCX) and the clsact fallback through libbpf's bpf_tc_* API. Also
 * BPF_PROG_TEST_RUN, which tests and benchmarks drive the programs with.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <node_api.h>

#include "rfm_native.h"

/* From the 6.6 UAPI, absent from Debian 12's headers. */
#define RFM_BPF_TCX_INGRESS 46
#define RFM_BPF_TCX_EGRESS 47
#define RFM_BPF_F_BEFORE (1U << 3)
#define RFM_BPF_F_AFTER (1U << 4)

static int parse_dir(napi_env env, napi_value v, int *egress)
{
	char d[16];
	if (rfm_arg_string(env, v, d, sizeof(d)))
		return -1;
	if (!strcmp(d, "ingress"))
		*egress = 0;
	else if (!strcmp(d, "egress"))
		*egress = 1;
	else
		return -1;
	return 0;
}

struct tcx_req {
	unsigned char raw[128];
};

static int do_link_create(void *arg)
{
	struct tcx_req *q = arg;
	long fd = syscall(__NR_bpf, BPF_LINK_CREATE, q->raw, 32);
	return fd < 0 ? -errno : (int)fd;
}

/*
 * tcxAttach(progFd, ifindex, "ingress"|"egress", "head"|"tail"[, netnsPath]) -> link fd.
 * ifindex is looked up in netnsPath's namespace when given. Closing the fd detaches.
 */
static napi_value tcx_attach(napi_env env, napi_callback_info info)
{
	size_t argc = 5;
	napi_value argv[5];
	int32_t prog_fd;
	uint32_t ifindex;
	int egress;
	char pos[8], ns[4096] = "";
	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	if (argc > 4 && rfm_arg_string(env, argv[4], ns, sizeof(ns)))
		return rfm_throw_type(env, "tcxAttach: netnsPath must be a string");
	if (argc < 4 || rfm_arg_i32(env, argv[0], &prog_fd) || rfm_arg_u32(env, argv[1], &ifindex) ||
	    parse_dir(env, argv[2], &egress) || rfm_arg_string(env, argv[3], pos, sizeof(pos)) ||
	    (strcmp(pos, "head") && strcmp(pos, "tail")))
		return rfm_throw_type(env, "tcxAttach(progFd, ifindex, ingress|egress, head|tail)");

	/* link_create layout: prog_fd@0 target_ifindex@4 attach_type@8 flags@12 tcx.relative_fd@16 tcx.expected_revision@24 */
	struct tcx_req a;
	memset(&a, 0, sizeof(a));
	uint32_t *w = (uint32_t *)a.raw;
	w[0] = (uint32_t)prog_fd;
	w[1] = ifindex;
	w[2] = egress ? RFM_BPF_TCX_EGRESS : RFM_BPF_TCX_INGRESS;
	w[3] = strcmp(pos, "head") ? RFM_BPF_F_AFTER : RFM_BPF_F_BEFORE;
	int fd = rfm_in_netns(ns, do_link_create, &a);
	if (fd < 0) {
		char what[96];
		snprintf(what, sizeof(what), "TCX %s attach to ifindex %u", egress ? "egress" : "ingress", ifindex);
		return rfm_throw_errno(env, -fd, what);
	}
	return rfm_u32(env, (uint32_t)fd);
}

/*
 * tcAttach(progFd, ifindex, dir) -> { handle, priority, createdQdisc }: the
 * clsact fallback for kernels without TCX. A qdisc we created is ours to remove.
 */
static napi_value tc_attach(napi_env env, napi_callback_info info)
{
	size_t argc = 3;
	napi_value argv[3], o, b;
	int32_t prog_fd;
	uint32_t ifindex;
	int egress;
	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	if (argc < 3 || rfm_arg_i32(env, argv[0], &prog_fd) || rfm_arg_u32(env, argv[1], &ifindex) ||
	    parse_dir(env, argv[2], &egress))
		return rfm_throw_type(env, "tcAttach(progFd, ifindex, ingress|egress)");

	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = (int)ifindex,
			    .attach_point = egress ? BPF_TC_EGRESS : BPF_TC_INGRESS);
	int err = bpf_tc_hook_create(&hook);
	int created = err == 0;
	if (err && err != -EEXIST)
		return rfm_throw_errno(env, -err, "create clsact qdisc");
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .prog_fd = prog_fd);
	err = bpf_tc_attach(&hook, &opts);
	if (err) {
		if (created) {
			hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
			bpf_tc_hook_destroy(&hook);
		}
		return rfm_throw_errno(env, -err, "attach clsact filter");
	}
	napi_create_object(env, &o);
	napi_set_named_property(env, o, "handle", rfm_u32(env, opts.handle));
	napi_set_named_property(env, o, "priority", rfm_u32(env, opts.priority));
	napi_get_boolean(env, created, &b);
	napi_set_named_property(env, o, "createdQdisc", b);
	return o;
}

/* tcDetach(ifindex, dir, handle, priority, destroyQdisc) */
static napi_value tc_detach(napi_env env, napi_callback_info info)
{
	size_t argc = 5;
	napi_value argv[5];
	uint32_t ifindex, handle, prio;
	int egress;
	bool destroy = false;
	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	if (argc < 4 || rfm_arg_u32(env, argv[0], &ifindex) || parse_dir(env, argv[1], &egress) ||
	    rfm_arg_u32(env, argv[2], &handle) || rfm_arg_u32(env, argv[3], &prio))
		return rfm_throw_type(env, "tcDetach(ifindex, dir, handle, priority[, destroyQdisc])");
	if (argc > 4)
		napi_get_value_bool(env, argv[4], &destroy);
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = (int)ifindex,
			    .attach_point = egress ? BPF_TC_EGRESS : BPF_TC_INGRESS);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = handle, .priority = prio);
	int err = bpf_tc_detach(&hook, &opts);
	if (err && err != -ENOENT && err != -ENODEV && err != -EINVAL)
		return rfm_throw_errno(env, -err, "detach clsact filter");
	if (destroy) {
		hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
		err = bpf_tc_hook_destroy(&hook);
		if (err && err != -ENOENT && err != -ENODEV && err != -EINVAL)
			return rfm_throw_errno(env, -err, "remove clsact qdisc");
	}
	return rfm_undefined(env);
}

/*
 * testRun(progFd, frame, repeat[, ctx]) -> { retval, durationNs, ctx }:
 * BPF_PROG_TEST_RUN; `ctx` is an optional struct __sk_buff image
 * (ifindex, gso_segs, gso_size, ...), returned as the kernel left it.
 */
static napi_value test_run(napi_env env, napi_callback_info info)
{
	size_t argc = 4;
	napi_value argv[4], o, v;
	int32_t prog_fd;
	uint32_t repeat;
	void *data, *ctx = NULL;
	size_t len, ctx_len = 0;
	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	if (argc < 3 || rfm_arg_i32(env, argv[0], &prog_fd) || rfm_arg_bytes(env, argv[1], &data, &len) ||
	    rfm_arg_u32(env, argv[2], &repeat))
		return rfm_throw_type(env, "testRun(progFd, frame, repeat[, ctx])");
	if (argc > 3) {
		napi_valuetype t;
		napi_typeof(env, argv[3], &t);
		if (t != napi_undefined && t != napi_null && rfm_arg_bytes(env, argv[3], &ctx, &ctx_len))
			return rfm_throw_type(env, "testRun: ctx must be bytes");
	}
	unsigned char out[256];
	void *ctx_out = NULL;
	napi_value ctx_buf = NULL;
	if (ctx_len) {
		napi_create_buffer(env, ctx_len, &ctx_out, &ctx_buf);
	}
	DECLARE_LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = data, .data_size_in = (uint32_t)len,
			    .data_out = NULL, .repeat = repeat ? repeat : 1, .ctx_in = ctx,
			    .ctx_size_in = (uint32_t)ctx_len, .ctx_out = ctx_out,
			    .ctx_size_out = (uint32_t)ctx_len);
	(void)out;
	if (bpf_prog_test_run_opts(prog_fd, &opts) < 0)
		return rfm_throw_errno(env, errno, "BPF_PROG_TEST_RUN");
	napi_create_object(env, &o);
	napi_create_int32(env, (int32_t)opts.retval, &v);
	napi_set_named_property(env, o, "retval", v);
	napi_set_named_property(env, o, "durationNs", rfm_u32(env, opts.duration));
	if (ctx_buf)
		napi_set_named_property(env, o, "ctx", ctx_buf);
	return o;
}

void rfm_register_links(napi_env env, napi_value exports)
{
	RFM_EXPORT("tcxAttach", tcx_attach);
	RFM_EXPORT("tcAttach", tc_attach);
	RFM_EXPORT("tcDetach", tc_detach);
	RFM_EXPORT("testRun", test_run);
}
