// NeuralNet: the layers, losses and optimisers cnnlab trains with, on top of Kernels.
//
// How a training step flows (no allocation once the shapes are known):
//
//     let model = CourseModels.cnn(seed: 0)
//     let loss = CrossEntropyLoss()
//     let sgd = SGD(parameters: model.parameters, learningRate: 0.01, momentum: 0.9)
//     sgd.zeroGradients()
//     let (value, gradient) = loss(model.forward(images), labels: labels)
//     _ = model.backward(gradient, needsInputGradient: false)   // parameter gradients only
//     sgd.step()
//
// Each layer owns its output, gradient and workspace buffers and overwrites them on its next
// call: copy a returned tensor (`copy()`) to keep it. Layers call the fast kernels; the plain
// reference kernels beside them in Kernels are what the tests hold them to.
//
// NeuralNet's API speaks in Kernels' types (Size2D, ShapeError, geometries, BLASRuntime):
// importing NeuralNet brings them along.
@_exported import Kernels
