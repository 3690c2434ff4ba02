import CZlib

/// A failure to read a ZIP archive: what is wrong and where.
struct ZipError: Error, Sendable, Hashable, CustomStringConvertible {
    var message: String
    var description: String { "zip: \(message)" }
}

/// A minimal ZIP reader (PKWARE APPNOTE 6.3): the central directory, stored and deflated
/// members (raw inflate through zlib), CRC-32 checked. No ZIP64, no encryption: price
/// catalogs need neither, and an archive that uses them is refused, not misread.
struct ZipArchive {
    /// One member of the archive.
    struct Member: Sendable, Hashable {
        var name: String
        var method: UInt16
        var crc: UInt32
        var compressedSize: Int
        var size: Int
        var localHeaderOffset: Int
    }

    let bytes: [UInt8]
    /// The members, in central-directory order.
    let members: [Member]
    /// The largest member inflated (a bound against decompression bombs).
    static let maxMemberBytes = 512 << 20

    /// Reads the central directory of `bytes`.
    init(_ bytes: [UInt8]) throws(ZipError) {
        self.bytes = bytes
        // The end-of-central-directory record: 22 bytes plus a comment of up to 64 KiB.
        guard bytes.count >= 22 else { throw ZipError(message: "too short to be an archive (\(bytes.count) bytes)") }
        var eocd = bytes.count - 22
        let lowest = max(0, bytes.count - 22 - 65_535)
        while eocd >= lowest, Self.u32(bytes, eocd) != 0x0605_4B50 { eocd -= 1 }
        guard eocd >= lowest else { throw ZipError(message: "no end-of-central-directory record") }
        let count = Int(Self.u16(bytes, eocd + 10))
        let size = Int(Self.u32(bytes, eocd + 12))
        let offset = Int(Self.u32(bytes, eocd + 16))
        guard count != 0xFFFF, offset != 0xFFFF_FFFF else {
            throw ZipError(message: "ZIP64 archives are not supported")
        }
        guard offset + size <= eocd else { throw ZipError(message: "central directory out of bounds") }
        var members: [Member] = []
        var p = offset
        for index in 0..<count {
            guard p + 46 <= bytes.count, Self.u32(bytes, p) == 0x0201_4B50 else {
                throw ZipError(message: "central directory entry \(index) is damaged")
            }
            let nameLength = Int(Self.u16(bytes, p + 28))
            let extraLength = Int(Self.u16(bytes, p + 30))
            let commentLength = Int(Self.u16(bytes, p + 32))
            guard p + 46 + nameLength <= bytes.count else {
                throw ZipError(message: "central directory entry \(index) is cut short")
            }
            let flags = Self.u16(bytes, p + 8)
            guard flags & 1 == 0 else { throw ZipError(message: "member \(index) is encrypted") }
            members.append(
                Member(
                    name: String(decoding: bytes[(p + 46)..<(p + 46 + nameLength)], as: UTF8.self),
                    method: Self.u16(bytes, p + 10), crc: Self.u32(bytes, p + 16),
                    compressedSize: Int(Self.u32(bytes, p + 20)), size: Int(Self.u32(bytes, p + 24)),
                    localHeaderOffset: Int(Self.u32(bytes, p + 42))))
            p += 46 + nameLength + extraLength + commentLength
        }
        self.members = members
    }

    /// The member named `name`.
    func member(named name: String) -> Member? { members.first { $0.name == name } }

    /// The uncompressed bytes of `member`, CRC-checked.
    func contents(of member: Member) throws(ZipError) -> [UInt8] {
        let p = member.localHeaderOffset
        guard p + 30 <= bytes.count, Self.u32(bytes, p) == 0x0403_4B50 else {
            throw ZipError(message: "local header of \(member.name) is damaged")
        }
        let start = p + 30 + Int(Self.u16(bytes, p + 26)) + Int(Self.u16(bytes, p + 28))
        guard start + member.compressedSize <= bytes.count else {
            throw ZipError(message: "\(member.name) is cut short")
        }
        guard member.size <= Self.maxMemberBytes else {
            throw ZipError(message: "\(member.name) inflates to \(member.size) bytes, more than \(Self.maxMemberBytes)")
        }
        let data: [UInt8]
        switch member.method {
        case 0: data = Array(bytes[start..<(start + member.compressedSize)])
        case 8:
            data = try Self.inflate(
                bytes, range: start..<(start + member.compressedSize), size: member.size, name: member.name)
        default:
            throw ZipError(
                message: "\(member.name) uses compression method \(member.method); only stored and deflate are read")
        }
        guard data.count == member.size else {
            throw ZipError(message: "\(member.name) inflated to \(data.count) bytes, not \(member.size)")
        }
        let crc = data.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, uInt($0.count))) }
        guard crc == member.crc else { throw ZipError(message: "\(member.name) fails its CRC-32 check") }
        return data
    }

    /// Raw-deflate data (no zlib header) of a known size.
    static func inflate(_ bytes: [UInt8], range: Range<Int>, size: Int, name: String) throws(ZipError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: size)
        var stream = z_stream()
        guard shim_inflateInit2(&stream, -15) == Z_OK else {
            throw ZipError(message: "zlib could not start inflating \(name)")
        }
        defer { inflateEnd(&stream) }
        let rc: Int32 = bytes.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress.map { $0 + range.lowerBound })
                stream.avail_in = uInt(range.count)
                stream.next_out = out.baseAddress
                stream.avail_out = uInt(out.count)
                return CZlib.inflate(&stream, Z_FINISH)
            }
        }
        guard rc == Z_STREAM_END else {
            throw ZipError(message: "\(name) is not valid deflate data (zlib \(rc))")
        }
        return output
    }

    static func u16(_ b: [UInt8], _ i: Int) -> UInt16 { UInt16(b[i]) | UInt16(b[i + 1]) << 8 }
    static func u32(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
    }
}
