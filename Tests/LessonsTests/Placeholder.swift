// Tests for Lessons. (Placeholder until its first real test lands.)
