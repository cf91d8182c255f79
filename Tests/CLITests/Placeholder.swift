// Tests for CLI. (Placeholder until its first real test lands.)
