// Tests for Training. (Placeholder until its first real test lands.)
