// NeuralNet's API speaks in Kernels' types (Size2D, ShapeError, geometries, BLASRuntime):
// importing NeuralNet brings them along.
@_exported import Kernels
