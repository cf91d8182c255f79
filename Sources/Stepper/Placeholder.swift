// The Stepper module: see ARCHITECTURE in README.md. (Placeholder until its first real file lands.)
