// Tests for Stepper. (Placeholder until its first real test lands.)
