import Foundation
import HTTPServer

extension ProviderSimulator {
    /// A certificate and key for HTTPS in tests: self-signed for 127.0.0.1 and localhost, valid
    /// until 2126. It exists only for tests; its key protects nothing.
    public static let testTLSIdentity = HTTPServerConfiguration.TLSIdentity(
        certificatePEM: """
            -----BEGIN CERTIFICATE-----
            MIIBrTCCAVOgAwIBAgIUf8nhSEq0293yPKHM2nPNeWThoTowCgYIKoZIzj0EAwIw
            HTEbMBkGA1UEAwwSYnJva2VyIHRlc3Qgc2VydmVyMCAXDTI2MTEyMzAwNDQ1M1oY
            DzIxMjYxMDMwMDA0NDUzWjAdMRswGQYDVQQDDBJicm9rZXIgdGVzdCBzZXJ2ZXIw
            WTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQ2n+PsQGj5JBlcL/bB59t1M8eRGXVs
            1qY3MM2VBghuFmQn7mqRFh8OD/YoLlWuFBWsGtKGGha+5QZmYrBhDnrBo28wbTAd
            BgNVHQ4EFgQUytBpCFTI0VngogOoeXpdRQPcFOEwHwYDVR0jBBgwFoAUytBpCFTI
            0VngogOoeXpdRQPcFOEwDwYDVR0TAQH/BAUwAwEB/zAaBgNVHREEEzARhwR/AAAB
            gglsb2NhbGhvc3QwCgYIKoZIzj0EAwIDSAAwRQIgc5FqQ3KrkeWxRvHr/WEBdibi
            RMNLatGCoyElG8xi1H8CIQCvscmPI1bUAfAThjdlYqHkT6WqSmPWxp6h82T/2WyD
            BA==
            -----END CERTIFICATE-----
            """,
        privateKeyPEM: """
            -----BEGIN PRIVATE KEY-----
            MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgdads1u6tG4ZpshGb
            +7pGgz6HjlFn6PY3eFckRYoxPbOhRANCAAQ2n+PsQGj5JBlcL/bB59t1M8eRGXVs
            1qY3MM2VBghuFmQn7mqRFh8OD/YoLlWuFBWsGtKGGha+5QZmYrBhDnrB
            -----END PRIVATE KEY-----
            """)

    /// Writes the test certificate as a CA bundle (a PEM file a client trusts) into
    /// `directory`; returns its path.
    public static func writeTestCABundle(in directory: String) throws -> String {
        let path = directory + "/test-ca.pem"
        try testTLSIdentity.certificatePEM.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
