import CZlib

/// Writes a ZIP archive with deflated members, as gpuhunt's `catalog.zip` is written, so the
/// simulator serves what the adapter's reader must read.
public enum ZipWriter {
    /// An archive of `members` (name, contents), each raw-deflated with its CRC-32.
    public static func archive(_ members: [(name: String, contents: [UInt8])]) -> [UInt8] {
        var out: [UInt8] = []
        var central: [UInt8] = []
        for member in members {
            let name = Array(member.name.utf8)
            let data = deflate(member.contents)
            let crc = member.contents.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, uInt($0.count))) }
            let offset = UInt32(out.count)
            // Local file header.
            put32(&out, 0x0403_4B50); put16(&out, 20); put16(&out, 0); put16(&out, 8); put16(&out, 0); put16(&out, 0x21)
            put32(&out, crc); put32(&out, UInt32(data.count)); put32(&out, UInt32(member.contents.count))
            put16(&out, UInt16(name.count)); put16(&out, 0)
            out += name
            out += data
            // Central directory entry.
            put32(&central, 0x0201_4B50); put16(&central, 20); put16(&central, 20); put16(&central, 0);
            put16(&central, 8)
            put16(&central, 0); put16(&central, 0x21); put32(&central, crc); put32(&central, UInt32(data.count))
            put32(&central, UInt32(member.contents.count)); put16(&central, UInt16(name.count)); put16(&central, 0)
            put16(&central, 0); put16(&central, 0); put16(&central, 0); put32(&central, 0); put32(&central, offset)
            central += name
        }
        let centralOffset = UInt32(out.count)
        out += central
        put32(&out, 0x0605_4B50); put16(&out, 0); put16(&out, 0); put16(&out, UInt16(members.count))
        put16(&out, UInt16(members.count)); put32(&out, UInt32(central.count)); put32(&out, centralOffset);
        put16(&out, 0)
        return out
    }

    /// Raw deflate (no zlib header), as ZIP's method 8 stores it.
    static func deflate(_ input: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        guard shim_deflateInit2(&stream, 6, -15) == Z_OK else { return [] }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))) + 64)
        let produced: Int = input.withUnsafeBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                stream.next_in = UnsafeMutablePointer(mutating: inBuffer.baseAddress)
                stream.avail_in = uInt(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = uInt(outBuffer.count)
                _ = CZlib.deflate(&stream, Z_FINISH)
                return outBuffer.count - Int(stream.avail_out)
            }
        }
        return Array(output.prefix(produced))
    }

    static func put16(_ out: inout [UInt8], _ v: UInt16) { out += [UInt8(v & 0xFF), UInt8(v >> 8)] }
    static func put32(_ out: inout [UInt8], _ v: UInt32) {
        out += [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)]
    }
}
