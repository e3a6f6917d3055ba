{
  "targets": [
    {
      "target_name": "rfm_native",
      "sources": ["native/rfm_native.c", "native/maps.c", "native/links.c", "native/ringbuf.c", "native/netlink.c", "native/udp.c", "native/exec.c"],
      "cflags": ["-Wall", "-Wextra", "-Wno-unused-parameter", "-Werror", "-O2", "-std=gnu11"],
      "libraries": ["-lbpf"]
    }
  ]
}
