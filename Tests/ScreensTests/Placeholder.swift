// Tests for Screens. (Placeholder until its first real test lands.)
