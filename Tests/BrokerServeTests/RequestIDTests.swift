@testable import BrokerServe
import Testing

@Suite("broker serve: request ids")
struct RequestIDTests {
    @Test("ids never repeat, from many threads at once, nor across processes, and do not count requests")
    func unique() async {
        let ids = RequestIDs(prefix: 0x0123_4567_89AB_CDEF, key: 42)
        let all = await withTaskGroup(of: [String].self) { group in
            for _ in 0..<4 { group.addTask { (0..<25_000).map { _ in ids.next() } } }
            var all: [String] = []
            for await part in group { all += part }
            return all
        }
        #expect(Set(all).count == 100_000)
        #expect(all.allSatisfy { $0.hasPrefix("req_0123456789abcdef") && $0.count == 36 })
        // Another process has another random prefix.
        let other = RequestIDs(prefix: 7, key: 42).next()
        #expect(other.hasPrefix("req_0000000000000007") && !Set(all).contains(other))
        // Consecutive ids differ throughout, not in their last digit.
        let a = Array(ids.next().suffix(16))
        let b = Array(ids.next().suffix(16))
        #expect(zip(a, b).filter { $0 != $1 }.count >= 4)
    }
}
