import Testing
@testable import Stepper

/// The course's worked example, as a student steps through it.
@Suite("Worked example")
struct WorkedExampleTests {
    @Test("conv steps to [[-3,-4,14],[-1,4,6],[-5,4,-3]] with the first sum written out")
    func conv() throws {
        let e = try ExploreRequest(operation: .conv).resolve()
        let trace = try #require(e.conv)
        #expect(trace.output.values == [-3, -4, 14, -1, 4, 6, -5, 4, -3])
        #expect(trace.steps.count == 9)
        #expect(ConvTrace.sumExpression(trace.steps[0], .unicode) == "2×1 + 3×0 + 1×0 + 5×(−1) = −3")
        #expect(ConvTrace.sumExpression(trace.steps[0], .ascii) == "2x1 + 3x0 + 1x0 + 5x(-1) = -3")
        #expect(trace.height.formula(.unicode) == "H_out = ⌊(I + 2P − D(K−1) − 1)/S⌋ + 1 = ⌊(4 + 2·0 − 1·(2−1) − 1)/1⌋ + 1 = ⌊2/1⌋ + 1 = 3")
        #expect(trace.height.unreachedExplanation(.unicode) == nil)
    }

    @Test("a bias is written into the sum")
    func bias() throws {
        var request = ExploreRequest(operation: .conv)
        request.bias = "0.5"
        let step = try #require(request.resolve().conv?.steps[0])
        #expect(ConvTrace.sumExpression(step, .unicode) == "2×1 + 3×0 + 1×0 + 5×(−1) + bias 0.5 = −2.5")
    }

    @Test("pool steps to [[5,7,7],[5,7,7],[2,2,4]] and explains the tie")
    func pool() throws {
        let trace = try #require(ExploreRequest(operation: .pool).resolve().pool)
        #expect(trace.output.values == [5, 7, 7, 5, 7, 7, 2, 2, 4])
        let ties = trace.steps.filter(\.hasTie)
        // The bottom-left window [[-5, 2], [2, 0]] holds 2 twice: (2,1) wins over (3,0).
        #expect(ties.count == 1)
        let tie = try #require(ties.first)
        #expect(tie.outputRow == 2 && tie.outputColumn == 0)
        #expect(tie.taps[tie.winner].row == 2 && tie.taps[tie.winner].column == 1)
        #expect(PoolTrace.tieExplanation(tie, .unicode)?.contains("(3,0)") == true)
    }

    @Test("pool backward with ones routes to [[0,0,0,0],[0,2,4,0],[0,2,0,0],[0,0,0,1]]")
    func poolBackward() throws {
        let trace = try #require(ExploreRequest(operation: .pool, backward: true).resolve().pool)
        #expect(trace.gradInput.values == [0, 0, 0, 0, 0, 2, 4, 0, 0, 2, 0, 0, 0, 0, 0, 1])
        // 7 at (1,2) wins four windows: the fourth arrival reads "+1 → 4".
        let arrivals = trace.steps.filter { $0.taps[$0.winner].row == 1 && $0.taps[$0.winner].column == 2 }
        #expect(arrivals.map(\.gradientAfter) == [1, 2, 3, 4])
        #expect(PoolTrace.routeExpression(arrivals[3], .unicode) == "grad(1,2) 3 +1 → 4")
    }

    @Test("conv backward: grad input and one weight's terms")
    func convBackward() throws {
        let backward = try #require(ExploreRequest(operation: .conv, backward: true).resolve().convBackward)
        // With ones upstream, w[0,0] = 1 gathers the top-left 3x3 block of the input.
        let terms = backward.weightTerms(filter: 0, channel: 0, row: 0, column: 0)
        #expect(terms.count == 9)
        let topLeftBlockSum: Float = 21  // 2+3+5 + 1+5+7 + (-5)+2+1
        #expect(terms.reduce(Float(0)) { $0 + $1.product } == topLeftBlockSum)
        #expect(backward.gradInput.values == [1, 1, 1, 0, 1, 0, 0, -1, 1, 0, 0, -1, 0, -1, -1, -1])
    }

    @Test("convT by default: the worked input and kernel scattered, stride 1")
    func convTranspose() throws {
        let e = try ExploreRequest(operation: .convT).resolve()
        let trace = try #require(e.convT)
        #expect(trace.output.height == 5 && trace.output.width == 5)
        #expect(try #require(e.zeroInsertion).trace.output == trace.output)
        #expect(trace.height.formula(.ascii) == "H_out = (H_in - 1)S - 2P + D(K - 1) + OP + 1 = (4 - 1)*1 - 2*0 + 1*(2 - 1) + 0 + 1 = 5")
    }
}

@Suite("Output size")
struct OutputSizeTests {
    @Test("rows no window reaches are named when the floor drops a remainder")
    func unreached() {
        let axis = AxisGeometry(kind: .convolution, axisName: "H", input: 5, kernel: 2, stride: 2, padding: 0)
        #expect(axis.output == 2)
        #expect(axis.unreachedInputPositions == [4])
        #expect(axis.unreachedExplanation(.unicode) == "3 is not a multiple of stride 2: the floor drops 1, so input row 4 is never reached")
    }

    @Test("transposed convolution doubles with kernel 4, stride 2, padding 1")
    func doubling() {
        let axis = AxisGeometry(kind: .transposed, axisName: "H", input: 8, kernel: 4, stride: 2, padding: 1)
        #expect(axis.output == 16)
    }

    @Test("ceil mode drops a window that would start in the right padding")
    func ceilMode() {
        #expect(AxisGeometry(kind: .pooling(ceilMode: true), axisName: "W", input: 5, kernel: 2, stride: 2, padding: 0).output == 3)
        #expect(AxisGeometry(kind: .pooling(ceilMode: false), axisName: "W", input: 5, kernel: 2, stride: 2, padding: 0).output == 2)
    }
}
