/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * execve(2) for the command line: a command that must run under other V8
 * flags than the ones it was started with replaces the process image (same
 * PID, same file descriptors and capabilities) instead of keeping a parent
 * process around. Node 20 has no process.execve.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "rfm_native.h"

extern char **environ;

#define MAX_ARGS 1024
#define MAX_ARG_LEN 65536

/* execve(path, argv): returns only by throwing (errno). */
static napi_value exec_image(napi_env env, napi_callback_info info)
{
	size_t argc = 2;
	napi_value args[2];
	static char path[4096];
	uint32_t n = 0;
	bool is_array = false;
	if (napi_get_cb_info(env, info, &argc, args, NULL, NULL) != napi_ok || argc < 2 || rfm_arg_string(env, args[0], path, sizeof(path)) ||
	    napi_is_array(env, args[1], &is_array) != napi_ok || !is_array || napi_get_array_length(env, args[1], &n) != napi_ok || n == 0 || n > MAX_ARGS)
		return rfm_throw_type(env, "execve(path, argv): a path and 1-1024 arguments");
	char **argv = calloc(n + 1, sizeof(char *));
	if (!argv)
		return rfm_throw_errno(env, ENOMEM, "execve");
	for (uint32_t i = 0; i < n; i++) {
		napi_value v;
		size_t len = 0;
		if (napi_get_element(env, args[1], i, &v) != napi_ok || napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok || len >= MAX_ARG_LEN ||
		    !(argv[i] = malloc(len + 1)) || napi_get_value_string_utf8(env, v, argv[i], len + 1, &len) != napi_ok) {
			for (uint32_t k = 0; k <= i; k++)
				free(argv[k]);
			free(argv);
			return rfm_throw_type(env, "execve: every argument must be a string under 64 KiB");
		}
	}
	/* Node marks standard input, output and error close-on-exec at start: the new image keeps them. */
	for (int fd = 0; fd <= 2; fd++) {
		int flags = fcntl(fd, F_GETFD);
		if (flags >= 0)
			fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC);
	}
	execve(path, argv, environ);
	int err = errno;
	for (uint32_t i = 0; i < n; i++)
		free(argv[i]);
	free(argv);
	return rfm_throw_errno(env, err, "execve");
}

void rfm_register_exec(napi_env env, napi_value exports)
{
	RFM_EXPORT("execve", exec_image);
}
