extension ImageDataset {
    /// The same images in another geometry, so a network built for one shape can train on
    /// another: grey images are copied into every colour channel, and each plane is centred
    /// on a zero (black) canvas of the new size, cropped if smaller.
    ///
    /// E.g. Fashion-MNIST (1x28x28) for the course CNN (3x32x32): `set.adapted(channels: 3, height: 32, width: 32)`.
    /// Returns nil when the channels cannot be mapped (only 1 -> n and n -> n are supported).
    public func adapted(channels newChannels: Int, height newHeight: Int, width newWidth: Int) -> ImageDataset? {
        guard newChannels > 0, newHeight > 0, newWidth > 0, channels == newChannels || channels == 1 else { return nil }
        if (newChannels, newHeight, newWidth) == (channels, height, width) { return self }
        let newSize = newChannels * newHeight * newWidth
        var newPixels = [UInt8](repeating: 0, count: count * newSize)
        // Offsets of the old plane inside the new one (negative when cropping).
        let top = (newHeight - height) / 2, left = (newWidth - width) / 2
        let rows = max(0, top) ..< min(newHeight, top + height)
        let columns = max(0, left) ..< min(newWidth, left + width)
        for image in 0 ..< count {
            let source = image * imageSize, target = image * newSize
            for channel in 0 ..< newChannels {
                let sourcePlane = source + (channels == 1 ? 0 : channel) * height * width
                let targetPlane = target + channel * newHeight * newWidth
                for y in rows {
                    for x in columns {
                        newPixels[targetPlane + y * newWidth + x] = pixels[sourcePlane + (y - top) * width + (x - left)]
                    }
                }
            }
        }
        return ImageDataset(name: name, channels: newChannels, height: newHeight, width: newWidth, classNames: classNames,
                            isSynthetic: isSynthetic, pixels: newPixels, labels: labels)
    }
}

extension DatasetSplit {
    /// Both sets adapted to a new geometry (see `ImageDataset.adapted`); nil when impossible.
    public func adapted(channels: Int, height: Int, width: Int) -> DatasetSplit? {
        guard let train = train.adapted(channels: channels, height: height, width: width),
              let test = test.adapted(channels: channels, height: height, width: width) else { return nil }
        return DatasetSplit(train: train, test: test, location: location)
    }
}
