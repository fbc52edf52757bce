import Foundation

/// Base64 as SAML bindings carry it: whitespace and line breaks tolerated, nothing else.
enum Base64Text {
    /// Decodes standard base64 (RFC 4648 §4, `=` padding required) ignoring spaces, tabs and
    /// line breaks; nil for any other character, misplaced padding or a truncated group.
    ///
    /// One pass over the UTF-8 bytes with a lookup table: this runs on every posted response (the
    /// ACS hot path, ~11 KB) and on every certificate of a metadata aggregate (24,000 of them in
    /// a federation), where building an intermediate copy cost more than the signature check.
    static func decode(_ text: String) -> [UInt8]? {
        let table = Self.table
        var output = [UInt8]()
        output.reserveCapacity(text.utf8.count / 4 * 3 + 3)
        var group: UInt32 = 0
        var symbols = 0  // base64 symbols in the current group of four
        var padding = 0
        // Iterating a copied array is several times faster than String.UTF8View's iterator.
        for byte in Array(text.utf8) {
            let value = table[Int(byte)]
            if value < 64 {
                guard padding == 0 else { return nil }  // data after padding
                group = group << 6 | UInt32(value)
                symbols += 1
                if symbols == 4 {
                    output.append(UInt8(truncatingIfNeeded: group >> 16))
                    output.append(UInt8(truncatingIfNeeded: group >> 8))
                    output.append(UInt8(truncatingIfNeeded: group))
                    group = 0
                    symbols = 0
                }
            } else if value == whitespace {
                continue
            } else if value == pad {
                padding += 1
                guard padding <= 2 else { return nil }
            } else {
                return nil
            }
        }
        switch (symbols, padding) {
        case (0, 0):
            break
        case (2, 2):
            output.append(UInt8(truncatingIfNeeded: group >> 4))
        case (3, 1):
            output.append(UInt8(truncatingIfNeeded: group >> 10))
            output.append(UInt8(truncatingIfNeeded: group >> 2))
        default:
            return nil
        }
        return output
    }

    static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
    }

    private static let whitespace: UInt8 = 0xFE
    private static let pad: UInt8 = 0xFD
    private static let invalid: UInt8 = 0xFF

    /// Symbol value (0–63) of each byte, or one of the markers above.
    private static let table: [UInt8] = {
        var table = [UInt8](repeating: invalid, count: 256)
        for (index, byte) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(byte)] = UInt8(index)
        }
        for byte in [0x20, 0x09, 0x0A, 0x0D] { table[byte] = whitespace }
        table[Int(UInt8(ascii: "="))] = pad
        return table
    }()
}
