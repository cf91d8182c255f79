// Tests for NeuralNet. (Placeholder until its first real test lands.)
