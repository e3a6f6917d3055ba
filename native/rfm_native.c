// SPDX-License-Identifier: GPL-2.0-only
/*
 * rfm's Node-API bridge: a thin layer over Debian's libbpf (1.1) and raw bpf(2)
 * where libbpf 1.1 has no wrapper (TCX links). Policy lives in TypeScript;
 * this file only loads, attaches, reads and writes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/file.h>
#include <fcntl.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <bpf/btf.h>
#include <linux/bpf.h>
#include <node_api.h>

#include "rfm_native.h"

/* ---------- errors ---------- */

/*
 * libbpf log of the load running on this thread (verifier output). libbpf's
 * print callback is process-wide; thread-local buffers keep a load on the
 * libuv pool (objectOpenAsync) and one on the main thread apart.
 */
static __thread char g_log[1 << 16];
static __thread size_t g_log_len;
static __thread int g_capture;

static int print_fn(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (!g_capture || level == LIBBPF_DEBUG)
		return 0;
	if (g_log_len < sizeof(g_log) - 1) {
		int n = vsnprintf(g_log + g_log_len, sizeof(g_log) - g_log_len, fmt, ap);
		if (n > 0)
			g_log_len += (size_t)n;
		if (g_log_len > sizeof(g_log) - 1)
			g_log_len = sizeof(g_log) - 1;
	}
	return 0;
}

/* The last `max_lines` lines of the captured log: the verifier's verdict is at the end. */
static const char *log_tail(int max_lines)
{
	if (g_log_len == 0)
		return NULL;
	size_t i = g_log_len;
	int lines = 0;
	while (i > 0) {
		if (g_log[i - 1] == '\n' && i != g_log_len && ++lines >= max_lines)
			break;
		i--;
	}
	return g_log + i;
}

/* An Error with errno, code and (when given) the verifier log's tail. */
static napi_value errno_error(napi_env env, int err, const char *what, const char *log)
{
	char msg[512];
	const char *name = rfm_errno_name(err);
	snprintf(msg, sizeof(msg), "%s: %s (%s)", what, strerror(err), name);
	napi_value emsg, error, code, no;
	napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &emsg);
	napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &code);
	napi_create_error(env, code, emsg, &error);
	napi_create_int32(env, err, &no);
	napi_set_named_property(env, error, "errno", no);
	napi_set_named_property(env, error, "code", code);
	if (log) {
		napi_value v;
		napi_create_string_utf8(env, log, NAPI_AUTO_LENGTH, &v);
		napi_set_named_property(env, error, "verifierLog", v);
	}
	return error;
}

napi_value rfm_throw_errno(napi_env env, int err, const char *what)
{
	napi_throw(env, errno_error(env, err, what, g_capture ? log_tail(40) : NULL));
	return NULL;
}

napi_value rfm_throw_type(napi_env env, const char *msg)
{
	napi_throw_type_error(env, "ERR_INVALID_ARG", msg);
	return NULL;
}

const char *rfm_errno_name(int err)
{
	switch (err) {
#define E(x) case x: return #x;
	E(EPERM) E(ENOENT) E(ESRCH) E(EINTR) E(EIO) E(E2BIG) E(EBADF) E(EAGAIN) E(ENOMEM)
	E(EACCES) E(EFAULT) E(EBUSY) E(EEXIST) E(ENODEV) E(ENOTDIR) E(EINVAL) E(ENFILE)
	E(EMFILE) E(ENOSPC) E(ERANGE) E(ENOSYS) E(ENOTSUP) E(ENOTCONN) E(EPIPE)
	E(ENETDOWN) E(ENETUNREACH) E(EHOSTUNREACH) E(EADDRNOTAVAIL) E(ECONNREFUSED)
	E(EADDRINUSE) E(ENXIO) E(ENOTSOCK) E(EMSGSIZE) E(ELOOP) E(ENAMETOOLONG) E(ECANCELED)
#undef E
	default:
		return "EUNKNOWN";
	}
}

/* ---------- argument helpers ---------- */

int rfm_arg_u32(napi_env env, napi_value v, uint32_t *out)
{
	napi_valuetype t;
	if (napi_typeof(env, v, &t) != napi_ok || t != napi_number)
		return -1;
	double d;
	napi_get_value_double(env, v, &d);
	if (d < 0 || d > 4294967295.0 || d != (double)(uint32_t)d)
		return -1;
	*out = (uint32_t)d;
	return 0;
}

int rfm_arg_i32(napi_env env, napi_value v, int32_t *out)
{
	napi_valuetype t;
	if (napi_typeof(env, v, &t) != napi_ok || t != napi_number)
		return -1;
	return napi_get_value_int32(env, v, out) == napi_ok ? 0 : -1;
}

int rfm_arg_string(napi_env env, napi_value v, char *buf, size_t size)
{
	size_t len;
	napi_valuetype t;
	if (napi_typeof(env, v, &t) != napi_ok || t != napi_string)
		return -1;
	if (napi_get_value_string_utf8(env, v, buf, size, &len) != napi_ok || len >= size - 1)
		return -1;
	return 0;
}

int rfm_arg_bytes(napi_env env, napi_value v, void **data, size_t *len)
{
	bool is;
	if (napi_is_typedarray(env, v, &is) == napi_ok && is) {
		napi_typedarray_type type;
		napi_value ab;
		size_t off;
		return napi_get_typedarray_info(env, v, &type, len, data, &ab, &off) == napi_ok ? 0 : -1;
	}
	if (napi_is_buffer(env, v, &is) == napi_ok && is)
		return napi_get_buffer_info(env, v, data, len) == napi_ok ? 0 : -1;
	return -1;
}

napi_value rfm_undefined(napi_env env)
{
	napi_value u;
	napi_get_undefined(env, &u);
	return u;
}

napi_value rfm_u32(napi_env env, uint32_t x)
{
	napi_value v;
	napi_create_uint32(env, x, &v);
	return v;
}

/* ---------- objects ---------- */

struct rfm_object {
	struct bpf_object *obj;
};

static struct rfm_object *get_object(napi_env env, napi_value v)
{
	struct rfm_object *o = NULL;
	napi_valuetype t;
	if (napi_typeof(env, v, &t) != napi_ok || t != napi_external)
		return NULL;
	napi_get_value_external(env, v, (void **)&o);
	return o && o->obj ? o : NULL;
}

static void object_finalize(napi_env env, void *data, void *hint)
{
	(void)env;
	(void)hint;
	struct rfm_object *o = data;
	if (o->obj)
		bpf_object__close(o->obj);
	free(o);
}

/* What objectOpen does with each entry of a { name: u32 } option. */
typedef int (*name_u32_fn)(struct bpf_object *obj, const char *name, uint32_t value, char *what, size_t what_size);

static int set_max_entries(struct bpf_object *obj, const char *name, uint32_t value, char *what, size_t what_size)
{
	struct bpf_map *m = bpf_object__find_map_by_name(obj, name);
	snprintf(what, what_size, "set max_entries of map %s to %u", name, value);
	return m ? bpf_map__set_max_entries(m, value) : -ENOENT;
}

/* Shares an existing map (by fd) instead of creating the object's own. */
static int reuse_map(struct bpf_object *obj, const char *name, uint32_t fd, char *what, size_t what_size)
{
	struct bpf_map *m = bpf_object__find_map_by_name(obj, name);
	snprintf(what, what_size, "reuse map %s from fd %u", name, fd);
	return m ? bpf_map__reuse_fd(m, (int)fd) : -ENOENT;
}

/*
 * Sets a `volatile const` global before load: its offset in .rodata comes
 * from the object's BTF, its size (1, 2 or 4 bytes) from the variable's type.
 */
static int set_global(struct bpf_object *obj, const char *name, uint32_t value, char *what, size_t what_size)
{
	snprintf(what, what_size, "set global %s to %u", name, value);
	struct btf *btf = bpf_object__btf(obj);
	struct bpf_map *m = bpf_object__find_map_by_name(obj, ".rodata");
	if (!btf || !m)
		return -ENOENT;
	int sec_id = btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC);
	if (sec_id < 0)
		return -ENOENT;
	const struct btf_type *sec = btf__type_by_id(btf, sec_id);
	const struct btf_var_secinfo *vi = btf_var_secinfos(sec);
	for (int i = 0; i < btf_vlen(sec); i++, vi++) {
		const struct btf_type *var = btf__type_by_id(btf, vi->type);
		if (strcmp(btf__name_by_offset(btf, var->name_off), name) != 0)
			continue;
		size_t size = 0;
		const uint8_t *init = bpf_map__initial_value(m, &size);
		if (!init || vi->offset + vi->size > size || size > 4096)
			return -EINVAL;
		uint8_t data[4096];
		memcpy(data, init, size);
		if (vi->size == 1 && value <= 0xff) {
			uint8_t v = value;
			memcpy(data + vi->offset, &v, 1);
		} else if (vi->size == 2 && value <= 0xffff) {
			uint16_t v = value;
			memcpy(data + vi->offset, &v, 2);
		} else if (vi->size == 4) {
			memcpy(data + vi->offset, &value, 4);
		} else {
			return -ERANGE;
		}
		return bpf_map__set_initial_value(m, data, size);
	}
	return -ENOENT;
}

/* Applies fn to every entry of opts[key] ({ name: u32 }); 0, or throws and returns -1. */
static int for_each_name_u32(napi_env env, struct bpf_object *obj, napi_value opts, const char *key, name_u32_fn fn)
{
	bool has = false;
	napi_value me, names;
	napi_has_named_property(env, opts, key, &has);
	if (!has)
		return 0;
	napi_get_named_property(env, opts, key, &me);
	if (napi_get_property_names(env, me, &names) != napi_ok)
		return 0;
	uint32_t n = 0;
	napi_get_array_length(env, names, &n);
	for (uint32_t i = 0; i < n; i++) {
		napi_value k, val;
		char name[128], what[256], msg[160];
		uint32_t x;
		napi_get_element(env, names, i, &k);
		napi_get_property(env, me, k, &val);
		if (rfm_arg_string(env, k, name, sizeof(name)) || rfm_arg_u32(env, val, &x)) {
			snprintf(msg, sizeof(msg), "objectOpen: %s must map names to u32", key);
			rfm_throw_type(env, msg);
			return -1;
		}
		int err = fn(obj, name, x, what, sizeof(what));
		if (err) {
			rfm_throw_errno(env, -err, what);
			return -1;
		}
	}
	return 0;
}

/*
 * Opens the ELF object and applies the options, without loading it:
 * { maxEntries?: {name: n}, pinPath?: string, pinMaps?: string[],
 *   reuseMaps?: {name: fd}, globals?: {name: u32} }. NULL after throwing.
 */
static struct bpf_object *prepare_object(napi_env env, napi_value *argv, size_t argc, char *path, size_t path_size)
{
	char pin_dir[4096] = "";
	if (argc < 1 || rfm_arg_string(env, argv[0], path, path_size)) {
		rfm_throw_type(env, "objectOpen: path must be a string");
		return NULL;
	}
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	if (!obj) {
		int err = errno;
		char what[4200];
		snprintf(what, sizeof(what), "open BPF object %s", path);
		rfm_throw_errno(env, err, what);
		return NULL;
	}

	napi_valuetype t = napi_undefined;
	if (argc >= 2)
		napi_typeof(env, argv[1], &t);
	if (t != napi_object)
		return obj;
	napi_value pp, pm;
	bool has;
	if (for_each_name_u32(env, obj, argv[1], "maxEntries", set_max_entries) ||
	    for_each_name_u32(env, obj, argv[1], "reuseMaps", reuse_map) ||
	    for_each_name_u32(env, obj, argv[1], "globals", set_global)) {
		bpf_object__close(obj);
		return NULL;
	}
	napi_has_named_property(env, argv[1], "pinPath", &has);
	if (has) {
		napi_get_named_property(env, argv[1], "pinPath", &pp);
		napi_typeof(env, pp, &t);
		if (t == napi_string && rfm_arg_string(env, pp, pin_dir, sizeof(pin_dir) - 256)) {
			bpf_object__close(obj);
			rfm_throw_type(env, "objectOpen: pinPath too long");
			return NULL;
		}
	}
	napi_has_named_property(env, argv[1], "pinMaps", &has);
	if (has && pin_dir[0]) {
		napi_get_named_property(env, argv[1], "pinMaps", &pm);
		uint32_t n = 0;
		napi_get_array_length(env, pm, &n);
		for (uint32_t i = 0; i < n; i++) {
			napi_value k;
			char name[128], full[4400];
			napi_get_element(env, pm, i, &k);
			if (rfm_arg_string(env, k, name, sizeof(name)))
				continue;
			struct bpf_map *m = bpf_object__find_map_by_name(obj, name);
			if (!m)
				continue;
			snprintf(full, sizeof(full), "%s/%s", pin_dir, name);
			/* libbpf reuses a compatible pinned map or pins a new one. */
			int err = bpf_map__set_pin_path(m, full);
			if (err) {
				bpf_object__close(obj);
				rfm_throw_errno(env, -err, "set pin path");
				return NULL;
			}
		}
	}
	return obj;
}

/* The JS handle of a loaded object; NULL after throwing. */
static napi_value wrap_object(napi_env env, struct bpf_object *obj)
{
	struct rfm_object *o = calloc(1, sizeof(*o));
	if (!o) {
		bpf_object__close(obj);
		return rfm_throw_errno(env, ENOMEM, "objectOpen");
	}
	o->obj = obj;
	napi_value ext;
	napi_create_external(env, o, object_finalize, NULL, &ext);
	return ext;
}

/* objectOpen(path, opts): opens and loads (the verifier runs here, on this thread). */
static napi_value object_open(napi_env env, napi_callback_info info)
{
	size_t argc = 2;
	napi_value argv[2];
	char path[4096];
	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);

	g_log_len = 0;
	g_log[0] = 0;
	g_capture = 1;
	struct bpf_object *obj = prepare_object(env, argv, argc, path, sizeof(path));
	if (!obj) {
		g_capture = 0;
		return NULL;
	}
	int err = bpf_object__load(obj);
	if (err) {
		char what[4200];
		snprintf(what, sizeof(what), "load BPF object %s", path);
		bpf_object__close(obj);
		rfm_throw_errno(env, -err, what);
		g_capture = 0;
		return NULL;
	}
	g_capture = 0;
	return wrap_object(env, obj);
}

/* One objectOpenAsync call: the object is loaded on the libuv pool. */
struct open_work {
	napi_async_work work;
	napi_deferred deferred;
	struct bpf_object *obj;
	char path[4096];
	int err;
	char *log; /* the verifier log's tail when the load failed */
};

static void open_execute(napi_env env, void *data)
{
	(void)env;
	struct open_work *w = data;
	g_log_len = 0;
	g_log[0] = 0;
	g_capture = 1;
	w->err = bpf_object__load(w->obj);
	if (w->err) {
		const char *tail = log_tail(40);
		w->log = tail ? strdup(tail) : NULL;
	}
	g_capture = 0;
}

static void open_complete(napi_env env, napi_status status, void *data)
{
	struct open_work *w = data;
	if (status == napi_ok && !w->err) {
		napi_value ext = wrap_object(env, w->obj);
		if (ext) {
			napi_resolve_deferred(env, w->deferred, ext);
		} else {
			napi_value exc;
			napi_get_and_clear_last_exception(env, &exc);
			napi_reject_deferred(env, w->deferred, exc);
		}
	} else {
		char what[4200];
		snprintf(what, sizeof(what), "load BPF object %s", w->path);
		bpf_object__close(w->obj);
		int err = status == napi_ok ? -w->err : ECANCELED;
		napi_reject_deferred(env, w->deferred, errno_error(env, err, what, w->log));
	}
	napi_delete_async_work(env, w->work);
	free(w->log);
	free(w);
}

/*
 * objectOpenAsync(path, opts) -> Promise: the same as objectOpen, with the
 * load (the verifier, tens of ms) on the libuv pool so the loop keeps going.
 * Bad options throw at once.
 */
static napi_value object_open_async(napi_env env, napi_callback_info info)
{
	size_t argc = 2;
	napi_value argv[2], promise, name;
	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	struct open_work *w = calloc(1, sizeof(*w));
	if (!w)
		return rfm_throw_errno(env, ENOMEM, "objectOpenAsync");
	g_log_len = 0;
	g_capture = 1;
	w->obj = prepare_object(env, argv, argc, w->path, sizeof(w->path));
	g_capture = 0;
	if (!w->obj) {
		free(w);
		return NULL;
	}
	napi_create_promise(env, &w->deferred, &promise);
	napi_create_string_utf8(env, "rfm:objectOpen", NAPI_AUTO_LENGTH, &name);
	napi_create_async_work(env, NULL, name, open_execute, open_complete, w, &w->work);
	napi_queue_async_work(env, w->work);
	return promise;
}

static napi_value object_close(napi_env env, napi_callback_info info)
{
	size_t argc = 1;
	napi_value argv[1];
	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	struct rfm_object *o = argc ? get_object(env, argv[0]) : NULL;
	if (o) {
		bpf_object__close(o->obj);
		o->obj = NULL;
	}
	return rfm_undefined(env);
}

static napi_value program_names(napi_env env, napi_callback_info info)
{
	size_t argc = 1;
	napi_value argv[1], arr;
	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	struct rfm_object *o = argc ? get_object(env, argv[0]) : NULL;
	if (!o)
		return rfm_throw_type(env, "programNames: not an open object");
	napi_create_array(env, &arr);
	struct bpf_program *p;
	uint32_t i = 0;
	bpf_object__for_each_program(p, o->obj) {
		napi_value s;
		napi_create_string_utf8(env, bpf_program__name(p), NAPI_AUTO_LENGTH, &s);
		napi_set_element(env, arr, i++, s);
	}
	return arr;
}

static napi_value object_fd(napi_env env, napi_callback_info info, int prog)
{
	size_t argc = 2;
	napi_value argv[2];
	char name[128];
	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	struct rfm_object *o = argc ? get_object(env, argv[0]) : NULL;
	if (!o || argc < 2 || rfm_arg_string(env, argv[1], name, sizeof(name)))
		return rfm_throw_type(env, "expected (object, name)");
	int fd;
	if (prog) {
		struct bpf_program *p = bpf_object__find_program_by_name(o->obj, name);
		fd = p ? bpf_program__fd(p) : -ENOENT;
	} else {
		struct bpf_map *m = bpf_object__find_map_by_name(o->obj, name);
		fd = m ? bpf_map__fd(m) : -ENOENT;
	}
	if (fd < 0) {
		char what[200];
		snprintf(what, sizeof(what), "%s %s", prog ? "program" : "map", name);
		return rfm_throw_errno(env, -fd, what);
	}
	return rfm_u32(env, (uint32_t)fd);
}

static napi_value program_fd(napi_env env, napi_callback_info info)
{
	return object_fd(env, info, 1);
}

static napi_value map_fd(napi_env env, napi_callback_info info)
{
	return object_fd(env, info, 0);
}

static napi_value libbpf_ver(napi_env env, napi_callback_info info)
{
	(void)info;
	char buf[32];
	snprintf(buf, sizeof(buf), "%u.%u", libbpf_major_version(), libbpf_minor_version());
	napi_value s;
	napi_create_string_utf8(env, buf, NAPI_AUTO_LENGTH, &s);
	return s;
}

static napi_value possible_cpus(napi_env env, napi_callback_info info)
{
	(void)info;
	int n = libbpf_num_possible_cpus();
	if (n < 0)
		return rfm_throw_errno(env, -n, "possible CPUs");
	return rfm_u32(env, (uint32_t)n);
}

/* CLOCK_BOOTTIME in ns, the clock of event timestamps (Node only exposes MONOTONIC). */
static napi_value boot_time_ns(napi_env env, napi_callback_info info)
{
	(void)info;
	struct timespec ts;
	clock_gettime(CLOCK_BOOTTIME, &ts);
	napi_value v;
	napi_create_bigint_uint64(env, (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec, &v);
	return v;
}

/*
 * lockDir(path) -> fd holding an exclusive flock on the directory (bpffs holds
 * no regular files, so the pin directory itself is the lock). EWOULDBLOCK when
 * another process holds it. Closing the fd releases it.
 */
static napi_value lock_dir(napi_env env, napi_callback_info info)
{
	size_t argc = 1;
	napi_value argv[1];
	char path[4096];
	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	if (argc < 1 || rfm_arg_string(env, argv[0], path, sizeof(path)))
		return rfm_throw_type(env, "lockDir(path)");
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return rfm_throw_errno(env, errno, path);
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int err = errno;
		close(fd);
		return rfm_throw_errno(env, err, path);
	}
	return rfm_u32(env, (uint32_t)fd);
}

static napi_value close_fd(napi_env env, napi_callback_info info)
{
	size_t argc = 1;
	napi_value argv[1];
	int32_t fd;
	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	if (argc < 1 || rfm_arg_i32(env, argv[0], &fd) || fd < 0)
		return rfm_throw_type(env, "closeFd: fd must be a non-negative integer");
	if (close(fd) < 0)
		return rfm_throw_errno(env, errno, "close");
	return rfm_undefined(env);
}

#define EXPORT(name, fn)                                                          \
	do {                                                                      \
		napi_value f;                                                     \
		napi_create_function(env, name, NAPI_AUTO_LENGTH, fn, NULL, &f); \
		napi_set_named_property(env, exports, name, f);                  \
	} while (0)

static napi_value init(napi_env env, napi_value exports)
{
	libbpf_set_print(print_fn);
	EXPORT("libbpfVersion", libbpf_ver);
	EXPORT("possibleCpus", possible_cpus);
	EXPORT("objectOpen", object_open);
	EXPORT("objectOpenAsync", object_open_async);
	EXPORT("objectClose", object_close);
	EXPORT("programNames", program_names);
	EXPORT("programFd", program_fd);
	EXPORT("mapFd", map_fd);
	EXPORT("closeFd", close_fd);
	EXPORT("bootTimeNs", boot_time_ns);
	EXPORT("lockDir", lock_dir);
	rfm_register_maps(env, exports);
	rfm_register_links(env, exports);
	rfm_register_ringbuf(env, exports);
	rfm_register_netlink(env, exports);
	rfm_register_udp(env, exports);
	rfm_register_exec(env, exports);
	return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
