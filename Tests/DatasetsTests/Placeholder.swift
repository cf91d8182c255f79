// Tests for Datasets. (Placeholder until its first real test lands.)
