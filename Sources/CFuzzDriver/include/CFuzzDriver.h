#ifndef CNNLAB_CFUZZDRIVER_H
#define CNNLAB_CFUZZDRIVER_H

/// Hands control to libFuzzer's driver with `callback` as the fuzz target. Only built with
/// -DCNNLAB_LIBFUZZER (scripts/fuzz.sh); otherwise returns -1. SwiftPM links executables with
/// `main` renamed to `<product>_main`, so libFuzzer's own `main` cannot be used: the
/// Swift entry point calls this instead.
int cnn_fuzz_run_driver(int *argc, char ***argv, int (*callback)(const unsigned char *data, unsigned long size));

#endif
