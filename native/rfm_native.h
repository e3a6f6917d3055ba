/* SPDX-License-Identifier: GPL-2.0-only */
/* Helpers shared by the addon's source files. */
#ifndef RFM_NATIVE_H
#define RFM_NATIVE_H

#include <stddef.h>
#include <stdint.h>
#include <node_api.h>

napi_value rfm_throw_errno(napi_env env, int err, const char *what);
napi_value rfm_throw_type(napi_env env, const char *msg);
const char *rfm_errno_name(int err);
int rfm_arg_u32(napi_env env, napi_value v, uint32_t *out);
int rfm_arg_i32(napi_env env, napi_value v, int32_t *out);
int rfm_arg_string(napi_env env, napi_value v, char *buf, size_t size);
int rfm_arg_bytes(napi_env env, napi_value v, void **data, size_t *len);
napi_value rfm_undefined(napi_env env);
napi_value rfm_u32(napi_env env, uint32_t x);

void rfm_register_maps(napi_env env, napi_value exports);
void rfm_register_links(napi_env env, napi_value exports);
void rfm_register_ringbuf(napi_env env, napi_value exports);
void rfm_register_netlink(napi_env env, napi_value exports);
void rfm_register_udp(napi_env env, napi_value exports);
void rfm_register_exec(napi_env env, napi_value exports);
int rfm_in_netns(const char *path, int (*fn)(void *), void *arg);

#define RFM_EXPORT(name, fn)                                                      \
	do {                                                                      \
		napi_value f_;                                                    \
		napi_create_function(env, name, NAPI_AUTO_LENGTH, fn, NULL, &f_); \
		napi_set_named_property(env, exports, name, f_);                 \
	} while (0)

#endif
