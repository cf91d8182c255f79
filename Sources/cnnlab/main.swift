import Kernels

// OpenBLAS reads its core type only when it loads: fix a misdetected CPU before anything else.
BLASRuntime.correctCoreIfNeeded()
CNNLab.main()
