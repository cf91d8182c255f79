import Testing
@testable import Datasets
import Kernels

@Suite struct SyntheticShapesTests {
    @Test func theSameSeedGivesTheSameImagesAndAnotherSeedDoesNot() {
        let a = SyntheticShapes.generate(count: 50, seed: 42)
        let b = SyntheticShapes.generate(count: 50, seed: 42)
        let c = SyntheticShapes.generate(count: 50, seed: 43)
        #expect(a.pixels == b.pixels && a.labels == b.labels)
        #expect(a.pixels != c.pixels)
    }

    @Test func aSmallerSetIsAPrefixOfALargerOne() {
        let small = SyntheticShapes.generate(count: 20, seed: 7)
        let large = SyntheticShapes.generate(count: 60, seed: 7)
        #expect(large.prefix(20).pixels == small.pixels)
        #expect(large.prefix(20).labels == small.labels)
    }

    @Test func theSplitIsColourThirtyTwoSquareWithTenNamedClassesAllPresent() {
        let split = SyntheticShapes.split(trainCount: 500, testCount: 100, seed: 1)
        #expect(split.isSynthetic && split.test.isSynthetic)
        #expect((split.train.channels, split.train.height, split.train.width) == (3, 32, 32))
        #expect(split.classNames.count == 10 && Set(split.classNames).count == 10)
        var counts = [Int](repeating: 0, count: 10)
        for i in 0 ..< split.train.count { counts[split.train.label(at: i)] += 1 }
        #expect(counts.allSatisfy { $0 >= 25 })   // 50 expected each
        #expect(split.train.pixels.prefix(3072) != split.test.pixels.prefix(3072))
    }

    /// Labels must not follow a pattern from one image to the next (a sign of overlapping random streams).
    @Test func consecutiveLabelsAreIndependent() {
        let set = SyntheticShapes.generate(count: 1000, seed: 0)
        for lag in 1 ... 3 {
            let repeats = (0 ..< set.count - lag).filter { set.label(at: $0) == set.label(at: $0 + lag) }.count
            #expect(Double(repeats) / Double(set.count - lag) < 0.15, "lag \(lag): \(repeats) repeats")
        }
    }

    @Test func imagesHaveContrastBetweenShapeAndBackground() {
        let set = SyntheticShapes.generate(count: 100, seed: 3)
        for i in 0 ..< set.count {
            let bytes = set.imageBytes(at: i)
            let brightest = bytes.max()!, darkest = bytes.min()!
            #expect(Int(brightest) - Int(darkest) > 60, "image \(i) (\(set.classNames[set.label(at: i)])) is nearly flat")
        }
    }

    /// Shapes of one class must differ from each other: positions, sizes and colours vary.
    @Test func imagesOfOneClassVary() {
        let set = SyntheticShapes.generate(count: 200, seed: 5)
        for kind in 0 ..< 10 {
            let members = (0 ..< set.count).filter { set.label(at: $0) == kind }.prefix(2)
            guard members.count == 2 else { continue }
            #expect(set.imageBytes(at: members.first!).elementsEqual(set.imageBytes(at: members.last!)) == false)
        }
    }

    /// Drawing at a known geometry hits the expected pixels (a circle covers its centre, not the far corner).
    @Test func geometryCoversWhatItShould() {
        var random = SplitMix64(seed: 9)
        let circle = ShapeGeometry(kind: 0, random: &random)
        #expect(circle.covers(x: circle.centreX, y: circle.centreY))
        #expect(!circle.covers(x: circle.centreX + circle.size + 1, y: circle.centreY))
        var random2 = SplitMix64(seed: 9)
        let ring = ShapeGeometry(kind: 7, random: &random2)
        #expect(!ring.covers(x: ring.centreX, y: ring.centreY))
        #expect(ring.covers(x: ring.centreX + ring.size * 0.8, y: ring.centreY))
    }
}
