// SPDX-License-Identifier: GPL-2.0-only
/*
 * Ring buffer consumer driven by libuv: the ring's epoll fd sits in a uv_poll
 * on Node's own loop, so no thread blocks and no JS runs per event. Records
 * are copied into one fixed batch buffer that JavaScript reads synchronously
 * in a single callback per batch.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>
#include <node_api.h>
#include <uv.h>

#include "rfm_native.h"

struct rfm_ring {
	napi_env env;
	struct ring_buffer *rb;
	uv_poll_t poll;
	int polling;
	napi_ref callback;  /* (batch: Buffer, count: number, errno: number) */
	napi_ref batch_ref; /* the Buffer handed to JS on every call */
	unsigned char *batch;
	uint32_t record_size;
	uint32_t capacity; /* records per batch */
	uint32_t count;
	uint64_t bad_records; /* records whose size is not record_size */
	uint64_t records;
	uint64_t batches;
	napi_async_context async_ctx;
	int closed;       /* ringClose ran: no more callbacks */
	int poll_closed;  /* libuv released the poll handle */
	int finalized;    /* the JS handle was collected */
};

static void flush(struct rfm_ring *r, int err)
{
	if (r->count == 0 && err == 0)
		return;
	napi_env env = r->env;
	napi_handle_scope scope;
	napi_open_handle_scope(env, &scope);
	napi_value cb, buf, argv[3], global, result;
	napi_get_reference_value(env, r->callback, &cb);
	napi_get_reference_value(env, r->batch_ref, &buf);
	napi_get_global(env, &global);
	argv[0] = buf;
	argv[1] = rfm_u32(env, r->count);
	napi_create_int32(env, err, &argv[2]);
	r->batches++;
	r->count = 0;
	/* make_callback runs microtasks and reports exceptions like any I/O callback. */
	napi_make_callback(env, r->async_ctx, global, cb, 3, argv, &result);
	napi_close_handle_scope(env, scope);
}

static int on_sample(void *ctx, void *data, size_t size)
{
	struct rfm_ring *r = ctx;
	if (size != r->record_size) {
		r->bad_records++;
		return 0;
	}
	memcpy(r->batch + (size_t)r->count * r->record_size, data, r->record_size);
	r->records++;
	if (++r->count == r->capacity)
		flush(r, 0);
	return 0;
}

static int drain(struct rfm_ring *r)
{
	int n = ring_buffer__consume(r->rb);
	flush(r, n < 0 ? -n : 0);
	return n;
}

static void on_poll(uv_poll_t *h, int status, int events)
{
	(void)events;
	struct rfm_ring *r = h->data;
	if (r->closed)
		return;
	if (status < 0) {
		flush(r, EIO);
		return;
	}
	drain(r);
}

/* The struct lives until both libuv and the JS handle are done with it. */
static void on_poll_closed(uv_handle_t *h)
{
	struct rfm_ring *r = h->data;
	r->poll_closed = 1;
	if (r->finalized)
		free(r);
}

static void ring_teardown(napi_env env, struct rfm_ring *r)
{
	if (r->closed)
		return;
	r->closed = 1;
	if (r->rb)
		ring_buffer__free(r->rb);
	r->rb = NULL;
	napi_delete_reference(env, r->callback);
	napi_delete_reference(env, r->batch_ref);
	napi_async_destroy(env, r->async_ctx);
}

static struct rfm_ring *get_ring(napi_env env, napi_value v)
{
	struct rfm_ring *r = NULL;
	napi_valuetype t;
	if (napi_typeof(env, v, &t) != napi_ok || t != napi_external)
		return NULL;
	napi_get_value_external(env, v, (void **)&r);
	return r && !r->closed ? r : NULL;
}

static void ring_finalize(napi_env env, void *data, void *hint);

/* ringOpen(mapFd, recordSize, batchRecords, callback) -> handle */
static napi_value ring_open(napi_env env, napi_callback_info info)
{
	size_t argc = 4;
	napi_value argv[4], buf, ext, name;
	int32_t fd;
	uint32_t rsize, cap;
	napi_valuetype t;
	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	if (argc < 4 || rfm_arg_i32(env, argv[0], &fd) || rfm_arg_u32(env, argv[1], &rsize) ||
	    rfm_arg_u32(env, argv[2], &cap) || napi_typeof(env, argv[3], &t) != napi_ok || t != napi_function ||
	    rsize == 0 || rsize > 4096 || cap == 0 || cap > (1u << 20))
		return rfm_throw_type(env, "ringOpen(mapFd, recordSize, batchRecords, callback)");

	struct rfm_ring *r = calloc(1, sizeof(*r));
	if (!r)
		return rfm_throw_errno(env, ENOMEM, "ringOpen");
	r->env = env;
	r->record_size = rsize;
	r->capacity = cap;
	r->rb = ring_buffer__new(fd, on_sample, r, NULL);
	if (!r->rb) {
		int err = errno;
		free(r);
		return rfm_throw_errno(env, err, "open ring buffer");
	}
	void *data;
	napi_create_buffer(env, (size_t)rsize * cap, &data, &buf);
	/* JS owns the batch memory; we keep a strong reference while open. */
	r->batch = data;
	napi_create_reference(env, buf, 1, &r->batch_ref);
	napi_create_reference(env, argv[3], 1, &r->callback);
	napi_create_string_utf8(env, "rfm:ringbuf", NAPI_AUTO_LENGTH, &name);
	napi_async_init(env, NULL, name, &r->async_ctx);

	uv_loop_t *loop;
	napi_get_uv_event_loop(env, &loop);
	int err = uv_poll_init(loop, &r->poll, ring_buffer__epoll_fd(r->rb));
	if (err) {
		ring_teardown(env, r);
		free(r);
		return rfm_throw_errno(env, -err, "poll ring buffer");
	}
	r->poll.data = r;
	err = uv_poll_start(&r->poll, UV_READABLE, on_poll);
	if (err) {
		/* An initialised handle is on the loop's list: only uv_close may let it go. */
		ring_teardown(env, r);
		r->finalized = 1;
		uv_close((uv_handle_t *)&r->poll, on_poll_closed);
		return rfm_throw_errno(env, -err, "poll ring buffer");
	}
	r->polling = 1;
	napi_create_external(env, r, ring_finalize, NULL, &ext);
	return ext;
}

/* ringDrain(handle) -> records consumed (the timer path: events below the wakeup batch). */
static napi_value ring_drain(napi_env env, napi_callback_info info)
{
	size_t argc = 1;
	napi_value argv[1], v;
	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	struct rfm_ring *r = argc ? get_ring(env, argv[0]) : NULL;
	if (!r)
		return rfm_throw_type(env, "ringDrain: not an open ring");
	int n = drain(r);
	if (n < 0)
		return rfm_throw_errno(env, -n, "consume ring buffer");
	napi_create_int32(env, n, &v);
	return v;
}

/* ringStats(handle) -> { records, batches, badRecords } */
static napi_value ring_stats(napi_env env, napi_callback_info info)
{
	size_t argc = 1;
	napi_value argv[1], o, v;
	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	struct rfm_ring *r = argc ? get_ring(env, argv[0]) : NULL;
	if (!r)
		return rfm_throw_type(env, "ringStats: not an open ring");
	napi_create_object(env, &o);
	napi_create_double(env, (double)r->records, &v);
	napi_set_named_property(env, o, "records", v);
	napi_create_double(env, (double)r->batches, &v);
	napi_set_named_property(env, o, "batches", v);
	napi_create_double(env, (double)r->bad_records, &v);
	napi_set_named_property(env, o, "badRecords", v);
	return o;
}

/* ringClose(handle): stops polling; the memory goes once libuv lets go of the handle. */
static napi_value ring_close(napi_env env, napi_callback_info info)
{
	size_t argc = 1;
	napi_value argv[1];
	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	struct rfm_ring *r = argc ? get_ring(env, argv[0]) : NULL;
	if (!r)
		return rfm_undefined(env);
	uv_poll_stop(&r->poll);
	ring_teardown(env, r);
	uv_close((uv_handle_t *)&r->poll, on_poll_closed);
	return rfm_undefined(env);
}

static void ring_finalize(napi_env env, void *data, void *hint)
{
	(void)hint;
	struct rfm_ring *r = data;
	r->finalized = 1;
	if (!r->closed) {
		/* Collected while open (no ringClose): stop and release as close would. */
		uv_poll_stop(&r->poll);
		ring_teardown(env, r);
		uv_close((uv_handle_t *)&r->poll, on_poll_closed);
		return;
	}
	if (r->poll_closed)
		free(r);
}

void rfm_register_ringbuf(napi_env env, napi_value exports)
{
	RFM_EXPORT("ringOpen", ring_open);
	RFM_EXPORT("ringDrain", ring_drain);
	RFM_EXPORT("ringStats", ring_stats);
	RFM_EXPORT("ringClose", ring_close);
}
