/// The one rule for "this host is this machine", used wherever plain `http` or an open bind is
/// allowed only on loopback: the registry's `base_url` check (`broker providers check`), the
/// transport before every call, and `broker serve`'s refusal to bind beyond loopback without
/// client keys. One rule, so that what the check accepts the transport contacts.
public enum Loopback {
    /// Whether `host` names this machine: `localhost` (with or without the final dot), `::1`
    /// (with or without brackets), or an IPv4 address in `127.0.0.0/8` written as four decimal
    /// numbers. Case-insensitive. A name that merely starts with `127.` (`127.example.com`) is
    /// a remote host, as is any other name: no resolver is asked.
    public static func isLoopbackHost(_ host: String) -> Bool {
        switch host.lowercased() {
        case "localhost", "localhost.", "::1", "[::1]": return true
        default: break
        }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets[0] == "127" else { return false }
        return octets.allSatisfy { octet in
            !octet.isEmpty && octet.count <= 3
                && octet.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
                && (Int(octet) ?? 256) <= 255
        }
    }
}
