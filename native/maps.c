// SPDX-License-Identifier: GPL-2.0-only
/* Map access: single elements and whole-map key listings. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <node_api.h>

#include "rfm_native.h"

/*
 * The key and value sizes the kernel will read and write for this map: a
 * value of a per-CPU map is one 8-byte-aligned slot per possible CPU. Every
 * call checks the caller's buffers against them, so a map of another layout
 * (another build of the object) is an error instead of a buffer overrun.
 */
static int map_sizes(napi_env env, int fd, const char *what, uint32_t *key_size, size_t *value_size)
{
	struct bpf_map_info mi;
	uint32_t len = sizeof(mi);
	memset(&mi, 0, sizeof(mi));
	if (bpf_obj_get_info_by_fd(fd, &mi, &len) < 0) {
		rfm_throw_errno(env, errno, what);
		return -1;
	}
	size_t vs = mi.value_size;
	switch (mi.type) {
	case BPF_MAP_TYPE_PERCPU_HASH:
	case BPF_MAP_TYPE_PERCPU_ARRAY:
	case BPF_MAP_TYPE_LRU_PERCPU_HASH:
	case BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE: {
		int cpus = libbpf_num_possible_cpus();
		if (cpus < 1) {
			rfm_throw_errno(env, -cpus, what);
			return -1;
		}
		vs = ((vs + 7) & ~(size_t)7) * (size_t)cpus;
		break;
	}
	default:
		break;
	}
	*key_size = mi.key_size;
	*value_size = vs;
	return 0;
}

/* Throws a size mismatch: names the map's sizes and what was passed. */
static void size_error(napi_env env, const char *what, const char *which, size_t want, size_t got)
{
	char msg[200];
	snprintf(msg, sizeof(msg), "%s: the map's %s is %zu bytes, got %zu (an object of another layout?)", what, which, want, got);
	rfm_throw_errno(env, EINVAL, msg);
}

#define NO_VALUE ((size_t)-1)

/* 0 when the key (and, unless NO_VALUE, the value) fit the map; else throws and returns -1. */
static int check_sizes(napi_env env, int fd, const char *what, size_t key_len, size_t value_len)
{
	uint32_t ks;
	size_t vs;
	if (map_sizes(env, fd, what, &ks, &vs))
		return -1;
	if (key_len != ks) {
		size_error(env, what, "key", ks, key_len);
		return -1;
	}
	if (value_len != NO_VALUE && value_len != vs) {
		size_error(env, what, "value", vs, value_len);
		return -1;
	}
	return 0;
}

/* mapUpdate(fd, key, value[, flags]) */
static napi_value map_update(napi_env env, napi_callback_info info)
{
	size_t argc = 4;
	napi_value argv[4];
	int32_t fd;
	uint32_t flags = BPF_ANY;
	void *k, *v;
	size_t kl, vl;
	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	if (argc < 3 || rfm_arg_i32(env, argv[0], &fd) || rfm_arg_bytes(env, argv[1], &k, &kl) ||
	    rfm_arg_bytes(env, argv[2], &v, &vl) || (argc > 3 && rfm_arg_u32(env, argv[3], &flags)))
		return rfm_throw_type(env, "mapUpdate(fd, key, value[, flags])");
	if (check_sizes(env, fd, "map update", kl, vl))
		return NULL;
	if (bpf_map_update_elem(fd, k, v, flags) < 0)
		return rfm_throw_errno(env, errno, "map update");
	return rfm_undefined(env);
}

/* mapLookup(fd, key, valueSize) -> Buffer | null. Per-CPU maps: valueSize = nCPU * round8(size). */
static napi_value map_lookup(napi_env env, napi_callback_info info)
{
	size_t argc = 3;
	napi_value argv[3], out;
	int32_t fd;
	uint32_t size;
	void *k, *buf;
	size_t kl;
	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	if (argc < 3 || rfm_arg_i32(env, argv[0], &fd) || rfm_arg_bytes(env, argv[1], &k, &kl) ||
	    rfm_arg_u32(env, argv[2], &size) || size == 0)
		return rfm_throw_type(env, "mapLookup(fd, key, valueSize)");
	if (check_sizes(env, fd, "map lookup", kl, size))
		return NULL;
	napi_create_buffer(env, size, &buf, &out);
	if (bpf_map_lookup_elem(fd, k, buf) < 0) {
		if (errno == ENOENT) {
			napi_value n;
			napi_get_null(env, &n);
			return n;
		}
		return rfm_throw_errno(env, errno, "map lookup");
	}
	return out;
}

/* mapDelete(fd, key) -> boolean (false when absent) */
static napi_value map_delete(napi_env env, napi_callback_info info)
{
	size_t argc = 2;
	napi_value argv[2], r;
	int32_t fd;
	void *k;
	size_t kl;
	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	if (argc < 2 || rfm_arg_i32(env, argv[0], &fd) || rfm_arg_bytes(env, argv[1], &k, &kl))
		return rfm_throw_type(env, "mapDelete(fd, key)");
	if (check_sizes(env, fd, "map delete", kl, NO_VALUE))
		return NULL;
	int ok = bpf_map_delete_elem(fd, k) == 0;
	if (!ok && errno != ENOENT)
		return rfm_throw_errno(env, errno, "map delete");
	napi_get_boolean(env, ok, &r);
	return r;
}

/*
 * mapLookupBatch(fd, keySize, valueSize, maxEntries) -> { keys, values, count }:
 * the whole map in a few BPF_MAP_LOOKUP_BATCH calls (valueSize is per key, all
 * CPUs included for per-CPU maps). A scrape costs a handful of syscalls.
 */
static napi_value map_lookup_batch(napi_env env, napi_callback_info info)
{
	size_t argc = 4;
	napi_value argv[4], o, kb, vb;
	int32_t fd;
	uint32_t ks, vs, max;
	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	if (argc < 4 || rfm_arg_i32(env, argv[0], &fd) || rfm_arg_u32(env, argv[1], &ks) || rfm_arg_u32(env, argv[2], &vs) ||
	    rfm_arg_u32(env, argv[3], &max) || ks == 0 || ks > 256 || vs == 0 || max == 0)
		return rfm_throw_type(env, "mapLookupBatch(fd, keySize, valueSize, maxEntries)");
	if (check_sizes(env, fd, "map lookup batch", ks, vs))
		return NULL;
	void *keys, *values;
	napi_create_buffer(env, (size_t)ks * max, &keys, &kb);
	napi_create_buffer(env, (size_t)vs * max, &values, &vb);
	/* Batch tokens: the key for arrays, an opaque u32 bucket for hashes. */
	unsigned char in_tok[256], out_tok[256];
	void *in = NULL;
	uint32_t total = 0;
	while (total < max) {
		uint32_t n = max - total;
		DECLARE_LIBBPF_OPTS(bpf_map_batch_opts, opts);
		int err = bpf_map_lookup_batch(fd, in, out_tok, (unsigned char *)keys + (size_t)total * ks,
					       (unsigned char *)values + (size_t)total * vs, &n, &opts);
		int e = err < 0 ? errno : 0;
		total += n;
		if (err < 0) {
			if (e == ENOENT)
				break;
			return rfm_throw_errno(env, e, "map lookup batch");
		}
		memcpy(in_tok, out_tok, sizeof(in_tok));
		in = in_tok;
	}
	napi_create_object(env, &o);
	napi_set_named_property(env, o, "keys", kb);
	napi_set_named_property(env, o, "values", vb);
	napi_set_named_property(env, o, "count", rfm_u32(env, total));
	return o;
}

/* mapInfo(fd) -> { type, keySize, valueSize, maxEntries, id, name } */
static napi_value map_info(napi_env env, napi_callback_info info)
{
	size_t argc = 1;
	napi_value argv[1], o, s;
	int32_t fd;
	struct bpf_map_info mi;
	uint32_t len = sizeof(mi);
	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	if (argc < 1 || rfm_arg_i32(env, argv[0], &fd))
		return rfm_throw_type(env, "mapInfo(fd)");
	memset(&mi, 0, sizeof(mi));
	if (bpf_obj_get_info_by_fd(fd, &mi, &len) < 0)
		return rfm_throw_errno(env, errno, "map info");
	napi_create_object(env, &o);
	napi_set_named_property(env, o, "type", rfm_u32(env, mi.type));
	napi_set_named_property(env, o, "keySize", rfm_u32(env, mi.key_size));
	napi_set_named_property(env, o, "valueSize", rfm_u32(env, mi.value_size));
	napi_set_named_property(env, o, "maxEntries", rfm_u32(env, mi.max_entries));
	napi_set_named_property(env, o, "id", rfm_u32(env, mi.id));
	napi_create_string_utf8(env, mi.name, NAPI_AUTO_LENGTH, &s);
	napi_set_named_property(env, o, "name", s);
	return o;
}

void rfm_register_maps(napi_env env, napi_value exports)
{
	RFM_EXPORT("mapUpdate", map_update);
	RFM_EXPORT("mapLookup", map_lookup);
	RFM_EXPORT("mapDelete", map_delete);
	RFM_EXPORT("mapInfo", map_info);
	RFM_EXPORT("mapLookupBatch", map_lookup_batch);
}
