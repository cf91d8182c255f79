#include "CFuzzDriver.h"

#ifdef CNNLAB_LIBFUZZER
// libFuzzer's entry point for programs with their own main (LLVM 11 and later).
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const unsigned char *data, unsigned long size));
#endif

int cnn_fuzz_run_driver(int *argc, char ***argv, int (*callback)(const unsigned char *data, unsigned long size)) {
#ifdef CNNLAB_LIBFUZZER
    return LLVMFuzzerRunDriver(argc, argv, callback);
#else
    (void)argc; (void)argv; (void)callback;
    return -1;
#endif
}
