@testable import Broker
import Synchronization
import Testing

@Suite("Request ids")
struct RequestIDTests {
    @Test("ids never repeat, from many threads at once, nor across processes, and do not count requests")
    func unique() async {
        let ids = RequestIDs(tag: 0xABCD, key: 42, now: { 1_750_000_000_000 })
        let all = await withTaskGroup(of: [String].self) { group in
            for _ in 0..<4 { group.addTask { (0..<25_000).map { _ in ids.next() } } }
            var all: [String] = []
            for await part in group { all += part }
            return all
        }
        #expect(Set(all).count == 100_000)
        #expect(all.allSatisfy { $0.hasPrefix("req_01977420dc00abcd") && $0.count == 36 })
        #expect(all.allSatisfy { $0.dropFirst(4).allSatisfy { $0.isHexDigit && !$0.isUppercase } })
        // Another process has another tag and key.
        let other = RequestIDs(tag: 7, key: 99, now: { 1_750_000_000_000 }).next()
        #expect(other.hasPrefix("req_01977420dc000007") && !Set(all).contains(other))
        // Consecutive ids differ throughout their last digits, not in the last one only.
        let a = Array(ids.next().suffix(16))
        let b = Array(ids.next().suffix(16))
        #expect(zip(a, b).filter { $0 != $1 }.count >= 4)
    }

    @Test("ids sort in time order, so each lands at the end of the ledger's unique index")
    func timeOrdered() {
        let clock = Atomic<Int64>(1_750_000_000_000)
        let ids = RequestIDs(tag: 1, key: 5, now: { clock.load(ordering: .relaxed) })
        var previous = ids.next()
        for _ in 0..<1_000 {
            clock.add(1, ordering: .relaxed)
            let id = ids.next()
            #expect(id > previous)
            previous = id
        }
    }
}
