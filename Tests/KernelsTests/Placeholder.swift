// Tests for Kernels. (Placeholder until its first real test lands.)
