import Testing
@testable import Datasets

@Suite struct ImageDatasetAdaptingTests {
    /// Two 1x2x2 grey images: [1 2 / 3 4] and [5 6 / 7 8].
    let grey = ImageDataset(name: "g", channels: 1, height: 2, width: 2, classNames: ["a", "b"],
                            pixels: [1, 2, 3, 4, 5, 6, 7, 8], labels: [0, 1])

    @Test func greyIsCopiedIntoEveryChannelAndCentredOnABlackCanvas() throws {
        let colour = try #require(grey.adapted(channels: 3, height: 4, width: 4))
        #expect((colour.count, colour.channels, colour.height, colour.width) == (2, 3, 4, 4))
        let plane: [UInt8] = [0, 0, 0, 0,
                              0, 5, 6, 0,
                              0, 7, 8, 0,
                              0, 0, 0, 0]
        #expect(Array(colour.imageBytes(at: 1)) == plane + plane + plane)
        #expect(colour.labels == grey.labels)
    }

    @Test func aSmallerCanvasCropsTheCentre() throws {
        let set = ImageDataset(name: "s", channels: 1, height: 3, width: 3, classNames: ["a"],
                               pixels: [1, 2, 3, 4, 5, 6, 7, 8, 9], labels: [0])
        #expect(try #require(set.adapted(channels: 1, height: 1, width: 1)).pixels == [5])
    }

    @Test func impossibleChannelMappingsAreRefused() {
        let colour = ImageDataset(name: "c", channels: 3, height: 1, width: 1, classNames: ["a"], pixels: [1, 2, 3], labels: [0])
        #expect(colour.adapted(channels: 1, height: 1, width: 1) == nil)
        #expect(grey.adapted(channels: 1, height: 2, width: 2)?.pixels == grey.pixels)
    }
}
