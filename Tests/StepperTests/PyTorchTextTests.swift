import Foundation
import Testing
@testable import Stepper

@Suite("PyTorch text and JSON export")
struct PyTorchTextTests {
    @Test("a tensor prints as PyTorch prints it")
    func tensorPrint() throws {
        let output = try ExploreRequest(operation: .conv).resolve().output
        #expect(PyTorchText.tensor(output) == """
            tensor([[[[-3., -4., 14.],
                      [-1.,  4.,  6.],
                      [-5.,  4., -3.]]]])
            """)
        var two = Tensor4(batch: 1, channels: 2, height: 1, width: 2)
        two.values = [0.5, 1, -0.25, 2]
        #expect(PyTorchText.tensor(two) == """
            tensor([[[[ 0.5000,  1.0000]],

                     [[-0.2500,  2.0000]]]])
            """)
    }

    @Test("samples are separated by two blank lines, as torch/_tensor_str.py does")
    func batchPrint() {
        let zeros = Tensor4(batch: 2, channels: 1, height: 1, width: 2)
        #expect(PyTorchText.tensor(zeros) == "tensor([[[[0., 0.]]],\n\n\n        [[[0., 0.]]]])")
        var big = Tensor4(batch: 1, channels: 1, height: 1, width: 2)
        big.values = [1e9, 1]
        #expect(PyTorchText.tensor(big) == "tensor([[[[1.0000e+09, 1.0000e+00]]]])")
    }

    @Test("the code names the function and the settings")
    func code() throws {
        let lines = PyTorchText.code(try ExploreRequest(operation: .conv, stride: "2", padding: "1").resolve())
        #expect(lines.contains("y = F.conv2d(x, w, stride=2, padding=1, dilation=1)"))
        #expect(lines.contains { $0.contains("nn.Conv2d(1, 1, kernel_size=2, stride=2, padding=1, dilation=1, bias=False)") })
        let pool = PyTorchText.code(try ExploreRequest(operation: .pool).resolve())
        #expect(pool.contains("y = F.max_pool2d(x, kernel_size=2, stride=1, padding=0)"))
    }

    @Test("the JSON trace carries taps, sums and the final output")
    func json() throws {
        let text = TraceExport.json(try ExploreRequest(operation: .pool, backward: true).resolve())
        let root = try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let steps = try #require(root["steps"] as? [[String: Any]])
        #expect(steps.count == 9)
        #expect(steps[6]["tie"] as? Bool == true)
        #expect(steps[6]["argmax"] as? [Int] == [0, 0, 2, 1])
        #expect((root["grad_input"] as? [[[[Double]]]])?[0][0] == [[0, 0, 0, 0], [0, 2, 4, 0], [0, 2, 0, 0], [0, 0, 0, 1]])
        let conv = try #require(JSONSerialization.jsonObject(
            with: Data(TraceExport.json(try ExploreRequest(operation: .conv).resolve()).utf8)) as? [String: Any])
        let first = try #require((conv["steps"] as? [[String: Any]])?.first)
        #expect(first["sum"] as? Double == -3)
        #expect((first["taps"] as? [[String: Any]])?.count == 4)
        #expect((conv["output"] as? [[[[Double]]]])?[0][0] == [[-3, -4, 14], [-1, 4, 6], [-5, 4, -3]])
    }
}
